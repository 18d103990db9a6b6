#!/usr/bin/env bash
# Local Kubernetes control plane for the e2e tier: etcd + kube-apiserver +
# kube-controller-manager + kube-scheduler + kwok (fake nodes and pod/volume status),
# on 127.0.0.1 only, with a fresh PKI and data dir on every `up`.
#
# Usage:
#   tools/e2e/cluster.sh up       build/reuse binaries, start everything, wait until ready
#   tools/e2e/cluster.sh down     stop exactly the processes `up` started (by recorded PID)
#   tools/e2e/cluster.sh status   show the processes and nodes; exit 0 iff running and ready
#   tools/e2e/cluster.sh env      print `export KUBECONFIG=...` (eval it)
#   tools/e2e/cluster.sh build    build/reuse the binaries only, print the bin dirs
#   tools/e2e/cluster.sh check    build nothing; exit 0 iff every binary is available
#
#   tools/e2e/cluster.sh up && eval "$(tools/e2e/cluster.sh env)" && kubectl get nodes
#
# Environment:
#   AP_CACHE                cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform)
#   AP_CLUSTER_STATE        state dir: PKI, etcd data, logs, pidfile, kubeconfig
#                           (default $AP_CACHE/cluster-state); wiped by every `up`
#   AP_APISERVER_PORT       default 16443;  AP_ETCD_PORT default 12379 (peer: +1)
#   AP_STORAGE_CLASSES      StorageClasses whose PVCs kwok binds; the first is the default
#                           (default "standard,gp3,fast-ssd")
#   AP_READY_TIMEOUT        seconds to wait for each readiness step (default 120)
#   AP_NODES                kwok (default): fake nodes; real: real nodes from tools/e2e/nodes.sh
#                           (kubelet, containerd, kube-proxy, CoreDNS, kube-network-policies)
set -euo pipefail

K8S_VERSIONS=(1.34.2 1.34.3 1.34.4)   # first that builds wins (TOOLCHAIN.md §4 fallbacks)
ETCD_VERSION=3.6.4                    # built in the same scratch module as Kubernetes
KWOK_VERSIONS=(0.8.0 0.7.0)

AP_CACHE=${AP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform}
STATE=${AP_CLUSTER_STATE:-$AP_CACHE/cluster-state}
API_PORT=${AP_APISERVER_PORT:-16443}
ETCD_PORT=${AP_ETCD_PORT:-12379}
ETCD_PEER_PORT=$((ETCD_PORT + 1))
STORAGE_CLASSES=${AP_STORAGE_CLASSES:-standard,gp3,fast-ssd}
TIMEOUT=${AP_READY_TIMEOUT:-120}
NODES_MODE=${AP_NODES:-kwok}
[[ $NODES_MODE == kwok || $NODES_MODE == real ]] || { echo "cluster: ERROR: AP_NODES must be kwok or real" >&2; exit 2; }
# Real nodes reach the API server at the nodes' fabric address (tools/e2e/nodes.sh), which is
# also what the `kubernetes` Service points pods to.
ADVERTISE=127.0.0.1; [[ $NODES_MODE == real ]] && ADVERTISE=10.250.0.1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")

PIDFILE=$STATE/pids
KUBECONFIG_FILE=$STATE/kubeconfig

export CGO_ENABLED=0
export GOFLAGS="-mod=mod -p=${AP_GO_PARALLEL:-2}"

log() { echo "cluster: $*" >&2; }
die() { echo "cluster: ERROR: $*" >&2; exit 1; }
# shellcheck source=tools/e2e/lib.sh
source "$HERE/lib.sh"

# ------------------------------------------------------------------ binaries
K8S_BIN=""; KWOK_BIN=""; KUBECTL=""

k8s_build() { # VERSION -> builds $AP_CACHE/k8s-vVERSION/bin/*
  local v=$1 d=$AP_CACHE/k8s-v$1 s m minor
  minor=$(cut -d. -f2 <<<"$v")
  mkdir -p "$d/bin"; cd "$d"
  s=$(now)
  {
    echo "module localk8s.invalid/bins"; echo; echo "go 1.24.0"; echo; echo "godebug default=go1.24"; echo
    echo "require ("; echo "	go.etcd.io/etcd/server/v3 v$ETCD_VERSION"; echo "	k8s.io/kubernetes v$v"; echo ")"; echo
    echo "tool ("
    echo "	go.etcd.io/etcd/server/v3"
    for m in kube-apiserver kube-controller-manager kube-scheduler kubectl; do echo "	k8s.io/kubernetes/cmd/$m"; done
    echo ")"; echo; echo "replace ("
    # k8s.io/kubernetes requires its 31 staging modules at v0.0.0 and replaces them with ./staging:
    # replace each with the matching v0.X.Y release.
    for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
      cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api \
      cri-client csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms \
      kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics \
      mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller; do
      echo "	k8s.io/$m => k8s.io/$m v0.${v#1.}"
    done
    echo ")"
  } >go.mod
  go mod tidy
  local LD="-s -w" p t
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LD="$LD -X $p.gitVersion=v$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    LD="$LD -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  for t in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    [[ -x bin/$t ]] && continue
    s=$(now)
    go build -trimpath -ldflags "$LD" -o bin/$t.tmp k8s.io/kubernetes/cmd/$t
    mv bin/$t.tmp bin/$t
    echo "built $t in $(( $(now) - s ))s"
  done
  if [[ ! -x bin/etcd ]]; then
    s=$(now)
    go build -trimpath -ldflags "-s -w" -o bin/etcd.tmp go.etcd.io/etcd/server/v3
    mv bin/etcd.tmp bin/etcd
    echo "built etcd in $(( $(now) - s ))s"
  fi
}

kwok_build() { # VERSION
  local d=$AP_CACHE/kwok-v$1 s; s=$(now)
  mkdir -p "$d/bin"
  GOBIN=$d/bin go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$1"
  echo "built kwok in $(( $(now) - s ))s"
}

on_path() { command -v "$1" >/dev/null 2>&1; }

ensure_bins() { # [build]
  local build=${1:-} v t ok
  # Control plane: all four from PATH (a normal machine), else the versioned cache.
  if on_path etcd && on_path kube-apiserver && on_path kube-controller-manager && on_path kube-scheduler; then
    K8S_BIN=$(dirname "$(command -v kube-apiserver)"); log "control plane: using binaries from PATH ($K8S_BIN)"
  else
    for v in "${K8S_VERSIONS[@]}"; do
      ok=1; for t in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl; do
        [[ -x $AP_CACHE/k8s-v$v/bin/$t ]] || ok=0; done
      if (( ok == 0 )) && [[ -n $build ]]; then
        run_build "kubernetes v$v (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl)" "$AP_CACHE/k8s-v$v" k8s_build "$v" && ok=1
      fi
      if (( ok == 1 )); then K8S_BIN=$AP_CACHE/k8s-v$v/bin; break; fi
      [[ -n $build ]] || break
    done
    [[ -n $K8S_BIN ]] || { log "control plane binaries: MISSING"; return 1; }
    log "control plane: $K8S_BIN"
  fi
  # kubectl: PATH one only if within the supported skew (+-1 minor) of the server.
  KUBECTL=$K8S_BIN/kubectl
  if on_path kubectl && kubectl_in_skew; then KUBECTL=$(command -v kubectl); fi
  [[ -x $KUBECTL ]] || { log "kubectl: MISSING"; return 1; }
  if on_path kwok; then KWOK_BIN=$(command -v kwok)
  elif [[ $NODES_MODE == real ]]; then :   # real nodes need no kwok
  else
    for v in "${KWOK_VERSIONS[@]}"; do
      if [[ ! -x $AP_CACHE/kwok-v$v/bin/kwok && -n $build ]]; then run_build "kwok v$v" "$AP_CACHE/kwok-v$v" kwok_build "$v" || true; fi
      if [[ -x $AP_CACHE/kwok-v$v/bin/kwok ]]; then KWOK_BIN=$AP_CACHE/kwok-v$v/bin/kwok; break; fi
      [[ -n $build ]] || break
    done
  fi
  [[ -n $KWOK_BIN || $NODES_MODE == real ]] || { log "kwok: MISSING"; return 1; }
  log "kubectl: $KUBECTL; kwok: $KWOK_BIN"
}

# ------------------------------------------------------------------ processes
pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# start NAME BINARY ARGS...: start in the background, record "NAME PID BINARY" in the pidfile.
start() {
  local name=$1 bin=$2; shift 2
  nohup "$bin" "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$name $pid $bin" >>"$PIDFILE"
  log "started $name (pid $pid, log $STATE/logs/$name.log)"
}

# stop every PID of the pidfile: first everything but etcd (in parallel), then etcd. A PID is
# signalled only while it still runs the recorded binary (guards against PID reuse);
# SIGTERM, then SIGKILL after 10s.
stop_pids() { # "NAME PID BIN" lines on stdin
  local name pid bin exe pids=() names=() t=0 i
  while read -r name pid bin; do
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    if pid_alive "$pid" && [[ $exe == "$(readlink -f "$bin")" ]]; then
      kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); names+=("$name")
    fi
  done
  for (( i=0; i<${#pids[@]}; i++ )); do
    while pid_alive "${pids[$i]}" && (( t < 100 )); do sleep 0.1; t=$((t + 1)); done
    if pid_alive "${pids[$i]}"; then kill -KILL "${pids[$i]}" 2>/dev/null || true; fi
    log "stopped ${names[$i]} (pid ${pids[$i]})"
  done
}

do_down() {
  [[ ! -f $STATE/nodes/pids ]] || "$HERE/nodes.sh" down || true
  [[ -f $PIDFILE ]] || { log "nothing to stop (no $PIDFILE)"; return 0; }
  grep -v '^etcd ' "$PIDFILE" | stop_pids
  grep '^etcd ' "$PIDFILE" | stop_pids
  rm -f "$PIDFILE"
}

running() { # exit 0 iff the pidfile lists live processes
  [[ -f $PIDFILE ]] || return 1
  local name pid bin n=0
  while read -r name pid bin; do pid_alive "$pid" && n=$((n + 1)); done <"$PIDFILE"
  (( n > 0 ))
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # DESCRIPTION COMMAND...: retry until success or TIMEOUT
  local what=$1 t0; t0=$(now); shift
  until "$@" >/dev/null 2>&1; do
    (( $(now) - t0 < TIMEOUT )) || die "timed out after ${TIMEOUT}s waiting for $what (logs: $STATE/logs)"
    sleep 0.5
  done
  log "$what: ok ($(( $(now) - t0 ))s)"
}

kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# ------------------------------------------------------------------ PKI / kubeconfigs
pki() {
  local p=$STATE/pki; mkdir -p "$p"; cd "$p"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=agent-platform-e2e-ca" \
    -keyout ca.key -out ca.crt -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
  cert() { # NAME SUBJECT EXTFILE-CONTENT
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
    printf '%s\n' "$3" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
      -extfile "$1.ext" -out "$1.crt" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
  }
  cert apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,IP:10.250.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  cert admin "/O=system:masters/CN=kubernetes-admin" "$client"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  cert controller-manager "/CN=system:kube-controller-manager" "$client"
  cert scheduler "/CN=system:kube-scheduler" "$client"
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  chmod 600 ./*.key
}

kubeconfig() { # USER OUTFILE
  local p=$STATE/pki
  cat >"$2" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: agent-platform-e2e
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 <"$p/ca.crt")
users:
- name: $1
  user:
    client-certificate-data: $(base64 -w0 <"$p/$1.crt")
    client-key-data: $(base64 -w0 <"$p/$1.key")
contexts:
- name: agent-platform-e2e
  context: { cluster: agent-platform-e2e, user: $1 }
current-context: agent-platform-e2e
EOF
  chmod 600 "$2"
}

# ------------------------------------------------------------------ manifests
# kwok stages: node lifecycle + lease heartbeat, fast pod lifecycle, and the volume stages
# (PVC -> PV provisioning and binding), copied from kwok's kustomize/stage/ with the storage
# class selector widened to every class in AP_STORAGE_CLASSES.
write_stages() {
  local src out=$STATE/kwok-stages.yaml f classes
  src=$(cd /tmp && go env GOMODCACHE)/sigs.k8s.io/kwok@v${KWOK_VERSION:-0.8.0}/kustomize/stage
  [[ -d $src ]] || (cd /tmp && GOFLAGS=-mod=mod go mod download "sigs.k8s.io/kwok@v${KWOK_VERSION:-0.8.0}" >/dev/null 2>&1) || true
  classes=$(sed "s/[^,][^,]*/'&'/g; s/,/, /g" <<<"$STORAGE_CLASSES")
  : >"$out"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml \
           volume/fast/pv-bind.yaml volume/fast/pv-delete.yaml volume/fast/pvc-provision.yaml \
           volume/fast/pvc-delete.yaml; do
    if [[ -f $src/$f ]]; then
      echo "---" >>"$out"
      sed "s/self.spec.storageClassName == 'kwok-volume'/self.spec.storageClassName in [$classes]/" "$src/$f" >>"$out"
    elif [[ $f == node/* || $f == pod/* ]]; then
      die "kwok stage $src/$f not found"
    else
      log "kwok stage $f not found (PVCs will not bind)"
    fi
  done
}

nodes_yaml() {
  local group zone i=0 z
  for group in compute memory; do
    for z in a b c; do
      zone=us-east-1$z
      cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $group-$z
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    node-group: $group
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $group-$z
    node.kubernetes.io/instance-type: $([[ $group == compute ]] && echo m6i.2xlarge || echo r6i.2xlarge)
    topology.kubernetes.io/region: us-east-1
    topology.kubernetes.io/zone: $zone
    eks.amazonaws.com/nodegroup: $group
spec: {}
status:
  allocatable: { cpu: "8", memory: 64Gi, pods: "110", ephemeral-storage: 100Gi }
  capacity: { cpu: "8", memory: 64Gi, pods: "110", ephemeral-storage: 100Gi }
  nodeInfo: { architecture: amd64, operatingSystem: linux, kubeletVersion: v${K8S_VERSION:-1.34.2} }
EOF
      i=$((i + 1))
    done
  done
}

storage_classes_yaml() {
  local c first=1
  for c in ${STORAGE_CLASSES//,/ }; do
    cat <<EOF
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $c
  annotations:
    storageclass.kubernetes.io/is-default-class: "$([[ $first == 1 ]] && echo true || echo false)"
provisioner: $([[ $NODES_MODE == real ]] && echo agent-platform.local/hostpath || echo kwok.x-k8s.io/volume)
reclaimPolicy: Delete
volumeBindingMode: Immediate
allowVolumeExpansion: true
EOF
    first=0
  done
}

# ------------------------------------------------------------------ up
UP_DONE=0
on_up_exit() {
  local rc=$?
  if (( UP_DONE == 0 )); then
    log "up failed (rc=$rc): stopping what was started; logs kept in $STATE/logs"
    do_down || true
  fi
}

do_up() {
  local t0; t0=$(now)
  ensure_bins build || die "binaries missing (see above)"
  if running; then
    log "already running (state $STATE); use \`down\` first for a fresh cluster"
    do_status && { UP_DONE=1; return 0; }
    die "running but not ready"
  fi
  K8S_VERSION=$("$K8S_BIN/kube-apiserver" --version 2>/dev/null | sed 's/.*v//')
  [[ -z $KWOK_BIN ]] || KWOK_VERSION=$("$KWOK_BIN" --version 2>/dev/null | sed -n 's/.*version v\{0,1\}\([0-9][0-9.]*\).*/\1/p' | head -n1)
  for p in "$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT"; do port_free "$p" || die "127.0.0.1:$p is in use"; done

  rm -rf "$STATE"; mkdir -p "$STATE/logs" "$STATE/etcd"; chmod 700 "$STATE"
  trap on_up_exit EXIT
  trap 'exit 130' INT TERM
  pki
  kubeconfig admin "$KUBECONFIG_FILE"
  kubeconfig controller-manager "$STATE/controller-manager.kubeconfig"
  kubeconfig scheduler "$STATE/scheduler.kubeconfig"
  local P=$STATE/pki
  # Real nodes: the API server reaches the kubelets (in their own network namespaces) through an
  # HTTP CONNECT proxy on a unix socket that tools/e2e/nodes.sh starts.
  cat >"$STATE/egress-selector.yaml" <<EOF
apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport: { uds: { udsName: "$STATE/egress.sock" } }
EOF

  start etcd "$K8S_BIN/etcd" --name=e2e --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="e2e=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state=new \
    --quota-backend-bytes=4294967296 --unsafe-no-fsync --log-level=warn
  wait_for "etcd health" curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

  start kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address="$ADVERTISE" --secure-port="$API_PORT" \
    --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" \
    --client-ca-file="$P/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --service-node-port-range=30000-32767 \
    --authorization-mode=Node,RBAC --allow-privileged=true \
    --kubelet-client-certificate="$P/apiserver-kubelet-client.crt" --kubelet-client-key="$P/apiserver-kubelet-client.key" \
    $([[ $NODES_MODE == real ]] && echo --egress-selector-config-file="$STATE/egress-selector.yaml" --kubelet-preferred-address-types=InternalIP) \
    --profiling=false --v=1
  wait_for "kube-apiserver /readyz" curl -fsS --cacert "$P/ca.crt" --cert "$P/admin.crt" --key "$P/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz"

  start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig="$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$STATE/controller-manager.kubeconfig" \
    --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$P/sa.key" --root-ca-file="$P/ca.crt" \
    --cluster-signing-cert-file="$P/ca.crt" --cluster-signing-key-file="$P/ca.key" \
    --bind-address=127.0.0.1 --secure-port=0 --profiling=false --v=1
  start kube-scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig="$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig="$STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig="$STATE/scheduler.kubeconfig" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port=0 --profiling=false --v=1

  if [[ $NODES_MODE == kwok ]]; then
    write_stages
    start kwok "$KWOK_BIN" --kubeconfig="$KUBECONFIG_FILE" --config="$STATE/kwok-stages.yaml" \
      --manage-all-nodes=true --node-lease-duration-seconds=40 --cidr=10.244.0.1/16 --node-ip=127.0.0.1
  fi

  storage_classes_yaml | kc apply -f - >/dev/null
  kc apply -f "$HERE/crds.yaml" >/dev/null
  if [[ $NODES_MODE == kwok ]]; then
    nodes_yaml | kc apply -f - >/dev/null
  else
    wait_for "default ServiceAccount in kube-system" kc -n kube-system get serviceaccount default
    "$HERE/nodes.sh" up
  fi

  wait_for "nodes Ready" kc wait --for=condition=Ready node --all --timeout=5s
  wait_for "CRDs Established" kc wait --for=condition=Established crd --all --timeout=5s
  wait_for "default ServiceAccount" kc -n default get serviceaccount default
  wait_for "kube-root-ca.crt ConfigMap" kc -n default get configmap kube-root-ca.crt
  UP_DONE=1
  log "up in $(( $(now) - t0 ))s; state: $STATE"
  log "use it with:  export KUBECONFIG=$KUBECONFIG_FILE   (or: eval \"\$($0 env)\")"
  log "              $KUBECTL get nodes"
}

do_status() {
  if ! running; then log "not running (state $STATE)"; return 1; fi
  local name pid bin rc=0
  while read -r name pid bin; do
    if pid_alive "$pid"; then echo "$name pid $pid running"; else echo "$name pid $pid DEAD"; rc=1; fi
  done <"$PIDFILE"
  [[ -n $KUBECTL ]] || ensure_bins >/dev/null 2>&1 || true
  kc get --raw /readyz >/dev/null 2>&1 && echo "kube-apiserver /readyz ok" || { echo "kube-apiserver not ready"; rc=1; }
  kc get nodes -L node-group,topology.kubernetes.io/zone 2>/dev/null || rc=1
  kc wait --for=condition=Ready node --all --timeout=1s >/dev/null 2>&1 || { echo "nodes not all Ready"; rc=1; }
  echo "KUBECONFIG=$KUBECONFIG_FILE"
  return $rc
}

case "${1:-}" in
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  env) echo "export KUBECONFIG=\"$KUBECONFIG_FILE\"" ;;
  build) ensure_bins build || die "binaries missing (see above)"; echo "$K8S_BIN"; dirname "$KWOK_BIN" ;;
  check) ensure_bins ;;
  __build) shift; "$@" ;;   # internal: one build function, run by run_build in its own process
  -h|--help|help|"") sed -n '2,25p' "$0" ;;
  *) die "unknown command $1 (up|down|status|env|build|check)" ;;
esac
