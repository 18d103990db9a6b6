#!/usr/bin/env bash
# Real nodes for the local cluster (AP_NODES=real): kubelet + kube-proxy (built from the same
# Kubernetes sources as the control plane), containerd + runc + CNI plugins (Debian packages),
# CoreDNS as the cluster DNS, NetworkPolicy enforcement by kube-network-policies, a hostPath
# volume provisioner, and locally built OCI images imported into each node's containerd.
#
# Usage (cluster.sh calls up/down when AP_NODES=real; these are also usable by hand):
#   tools/e2e/nodes.sh install          apt-get install the Debian packages the nodes need
#   tools/e2e/nodes.sh build            build/reuse kubelet, kube-proxy, CoreDNS,
#                                       kube-network-policies, the stand-in; print the bin dirs
#   tools/e2e/nodes.sh images           build/reuse the OCI image archives; print their paths
#   tools/e2e/nodes.sh check            build nothing; exit 0 iff everything is available
#   tools/e2e/nodes.sh up               (control plane running) start the nodes, wait until Ready
#   tools/e2e/nodes.sh down             stop exactly what `up` started, remove its namespaces
#   tools/e2e/nodes.sh status           processes, nodes, add-on pods
#   tools/e2e/nodes.sh image-map        the e2e image overrides (stack config `images` map), JSON
#   tools/e2e/nodes.sh config-images F  add that map to the stack config copy F (agent-platform:images)
#
# Layout: every node is one network namespace and one mount namespace made by this script
# (nothing touches the host's network stack, mount table, or kernel tunables): containerd,
# kubelet, kube-proxy and kube-network-policies of node N run inside them. The nodes' eth0 sit
# on a bridge in a "fabric" namespace (10.250.0.0/24), which also holds the API server's
# address for pods (10.250.0.1, forwarded through a unix socket to 127.0.0.1:$AP_APISERVER_PORT).
# The API server reaches the kubelets (10.250.0.1N:10250; exec, logs) through its egress selector:
# an HTTP CONNECT proxy on a unix socket, running in the fabric namespace. Pods get 10.244.N.0/24
# (CNI ptp + host-local), routed between the nodes.
#
# Environment: AP_CACHE, AP_CLUSTER_STATE, AP_APISERVER_PORT (as cluster.sh), AP_REAL_NODES
# (node count, default 3: the inquisitor Raft cluster needs three nodes), AP_READY_TIMEOUT.
set -euo pipefail

K8S_VERSION=${AP_K8S_VERSION:-1.34.2}
COREDNS_VERSION=1.12.1   # the CoreDNS kubeadm v1.34 installs
KNP_VERSION=0.8.0        # sigs.k8s.io/kube-network-policies
IMAGES_VERSION=1         # bump when an image recipe changes

AP_CACHE=${AP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform}
STATE=${AP_CLUSTER_STATE:-$AP_CACHE/cluster-state}
API_PORT=${AP_APISERVER_PORT:-16443}
NODES=${AP_REAL_NODES:-3}
TIMEOUT=${AP_READY_TIMEOUT:-120}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
REPO=$(cd "$HERE/../.." && pwd)

NS_DIR=$STATE/nodes
PIDFILE=$NS_DIR/pids
KUBECONFIG_FILE=$STATE/kubeconfig
FABRIC_IP=10.250.0.1
DNS_IP=10.96.0.10
# Namespace names are per cluster state dir, so two clusters (up:local and the e2e suite) coexist.
ID=ap$(echo -n "$STATE" | sha256sum | cut -c1-6)

export CGO_ENABLED=0
export GOFLAGS="-mod=mod -p=${AP_GO_PARALLEL:-2}"

log() { echo "nodes: $*" >&2; }
die() { echo "nodes: ERROR: $*" >&2; exit 1; }
# shellcheck source=tools/e2e/lib.sh
source "$HERE/lib.sh"

DEB_PACKAGES=(containerd runc containernetworking-plugins nftables socat busybox-static redis-server postgresql graphviz)

node_name() { printf 'node-%s' "$(echo abcdefghij | cut -c"$1")"; }

# ------------------------------------------------------------------ install
do_install() {
  local missing=() p
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  (( ${#missing[@]} == 0 )) && { log "Debian packages present"; return 0; }
  log "apt-get install ${missing[*]}"
  [[ $(id -u) == 0 ]] || die "installing ${missing[*]} needs root"
  apt-get update -qq >&2
  # Packages must not start their services (redis-server, postgresql, containerd): the nodes
  # run their own, and nothing may listen outside 127.0.0.1 / our namespaces.
  local rc_d=/usr/sbin/policy-rc.d created=""
  if [[ ! -e $rc_d ]]; then printf '#!/bin/sh\nexit 101\n' >"$rc_d"; chmod +x "$rc_d"; created=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || { [[ -z $created ]] || rm -f "$rc_d"; die "apt-get install failed"; }
  [[ -z $created ]] || rm -f "$rc_d"
}

# ------------------------------------------------------------------ binaries
K8S_DIR=$AP_CACHE/k8s-v$K8S_VERSION
ADDONS_DIR=$AP_CACHE/node-addons-coredns$COREDNS_VERSION-knp$KNP_VERSION-xtq1
standin_dir() { echo "$AP_CACHE/standin-$(cat "$HERE/images/standin/go.mod" "$HERE/images/standin/main.go" | sha256sum | cut -c1-12)"; }

# kubelet and kube-proxy in the control plane's scratch module (same go.mod, same Go cache).
node_bins_build() {
  local v=$K8S_VERSION d=$K8S_DIR t s p minor LD="-s -w"
  minor=$(cut -d. -f2 <<<"$v")
  cd "$d"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LD="$LD -X $p.gitVersion=v$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    LD="$LD -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  for t in kubelet kube-proxy; do
    [[ -x bin/$t ]] && continue
    s=$(now)
    nice -n 5 go build -trimpath -ldflags "$LD" -o "bin/$t.tmp" "k8s.io/kubernetes/cmd/$t"
    mv "bin/$t.tmp" "bin/$t"
    echo "built $t in $(( $(now) - s ))s"
  done
}

# CoreDNS (our plugin selection, tools/e2e/images/coredns/main.go) and kube-network-policies
# share one scratch module: both build against client-go v0.32.
# kube-network-policies gets one change (tools/e2e/images/kube-network-policies/nfqueue_xt.go):
# its nfqueue verdict goes through nft_compat's NFQUEUE target, because kernels built without
# nft_queue (like this project's machines) reject the native queue expression with ENOENT.
addons_build() {
  local d=$ADDONS_DIR s src n
  mkdir -p "$d/bin" "$d/coredns"; cd "$d"
  cp "$HERE/images/coredns/main.go" coredns/main.go
  src=$(GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/kube-network-policies@v$KNP_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d $src ]] || { echo "kube-network-policies v$KNP_VERSION source not found"; return 1; }
  rm -rf knp; cp -r "$src" knp; chmod -R u+w knp
  cp "$HERE/images/kube-network-policies/nfqueue_xt.go" knp/pkg/networkpolicy/zz_nfqueue_xt.go
  perl -0pi -e 's/queue := &expr\.Queue\{Num: uint16\(c\.config\.QueueID\)\}\n\tif c\.config\.FailOpen \{\n\t\tqueue\.Flag = expr\.QueueFlagBypass\n\t\}/queue := nfqueueVerdict(uint16(c.config.QueueID), c.config.FailOpen)/g' knp/pkg/networkpolicy/controller.go
  perl -pi -e 's/&expr\.Queue\{Num: uint16\(n\.nfQueueID\), Flag: expr\.QueueFlagBypass\}/nfqueueVerdict(uint16(n.nfQueueID), true)/' knp/pkg/networkpolicy/dnsagent.go
  n=$(grep -c 'nfqueueVerdict(' knp/pkg/networkpolicy/controller.go knp/pkg/networkpolicy/dnsagent.go | awk -F: '{s += $2} END {print s}')
  [[ $n == 3 ]] || { echo "kube-network-policies patch: expected 3 substitutions, made $n"; return 1; }
  ! grep -q 'expr\.Queue{' knp/pkg/networkpolicy/*.go || { echo "kube-network-policies patch: a queue expression is left"; return 1; }
  cat >go.mod <<EOF
module localaddons.invalid/bins

go 1.24.0

require (
	github.com/coredns/coredns v$COREDNS_VERSION
	sigs.k8s.io/kube-network-policies v$KNP_VERSION
)

replace sigs.k8s.io/kube-network-policies => ./knp
EOF
  nice -n 5 go mod tidy
  if [[ ! -x bin/coredns ]]; then
    s=$(now); nice -n 5 go build -trimpath -ldflags "-s -w" -o bin/coredns.tmp ./coredns
    mv bin/coredns.tmp bin/coredns; echo "built coredns in $(( $(now) - s ))s"
  fi
  if [[ ! -x bin/kube-network-policies ]]; then
    s=$(now); nice -n 5 go build -trimpath -ldflags "-s -w" -o bin/kube-network-policies.tmp sigs.k8s.io/kube-network-policies/cmd
    mv bin/kube-network-policies.tmp bin/kube-network-policies; echo "built kube-network-policies in $(( $(now) - s ))s"
  fi
}

standin_build() {
  local d; d=$(standin_dir)
  mkdir -p "$d/bin"
  (cd "$HERE/images/standin" && GOFLAGS= nice -n 5 go build -trimpath -ldflags "-s -w" -o "$d/bin/standin" .)
}

KUBELET=""; KUBE_PROXY=""; COREDNS=""; KNP=""; STANDIN=""
ensure_node_bins() { # [build]
  local build=${1:-}
  if [[ ! -x $K8S_DIR/bin/kubelet || ! -x $K8S_DIR/bin/kube-proxy ]] && [[ -n $build ]]; then
    # The control plane's module must be complete first (cluster.sh builds it).
    "$HERE/cluster.sh" build >/dev/null
    run_build "kubelet + kube-proxy v$K8S_VERSION" "$K8S_DIR" node_bins_build || return 1
  fi
  if [[ ! -x $ADDONS_DIR/bin/coredns || ! -x $ADDONS_DIR/bin/kube-network-policies ]] && [[ -n $build ]]; then
    run_build "CoreDNS v$COREDNS_VERSION + kube-network-policies v$KNP_VERSION" "$ADDONS_DIR" addons_build || return 1
  fi
  if [[ ! -x $(standin_dir)/bin/standin ]] && [[ -n $build ]]; then
    run_build "stand-in image binary" "$(standin_dir)" standin_build || return 1
  fi
  local ok=1 f
  for f in "$K8S_DIR/bin/kubelet" "$K8S_DIR/bin/kube-proxy" "$ADDONS_DIR/bin/coredns" "$ADDONS_DIR/bin/kube-network-policies" "$(standin_dir)/bin/standin"; do
    [[ -x $f ]] || { log "missing: $f"; ok=0; }
  done
  (( ok == 1 )) || return 1
  KUBELET=$K8S_DIR/bin/kubelet; KUBE_PROXY=$K8S_DIR/bin/kube-proxy
  COREDNS=$ADDONS_DIR/bin/coredns; KNP=$ADDONS_DIR/bin/kube-network-policies; STANDIN=$(standin_dir)/bin/standin
}


# ------------------------------------------------------------------ images
# OCI archives built without a registry or a container engine: a root filesystem staged from
# Debian's files, one uncompressed layer, written as an OCI image layout and imported into each
# node's containerd (`ctr -n k8s.io images import`).
REG=agent-platform.local
PG_MAJOR=15
STANDIN_PORTS=3000,4005,4321,6011,6333,6334,7474,7687,8000,8080,8765,9090,9121,9187,27017
redis_version() { dpkg-query -W -f='${Version}' redis-server | sed 's/^[0-9]*://; s/[-+~].*//'; }
pg_version() { "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" --version | awk '{print $3}'; }
IMG_STANDIN=$REG/standin:1.0.0
IMG_STANDIN_NEXT=$REG/standin:1.0.1   # same image, second tag: an image rollout changes the reference
IMG_PAUSE=$REG/pause:1.0.0
img_redis() { echo "$REG/redis:$(redis_version)"; }
img_postgres() { echo "$REG/postgres:$(pg_version)"; }
IMG_COREDNS=$REG/coredns:$COREDNS_VERSION

images_dir() {
  local h
  h=$( { echo "$IMAGES_VERSION $STANDIN_PORTS"; sed -n '/^# -* images$/,/^# -* images end$/p' "$SELF"
         cat "$HERE/images/standin/main.go" "$HERE/images/postgres/docker-entrypoint.sh"
         dpkg-query -W -f='${Package} ${Version}\n' busybox-static redis-server "postgresql-$PG_MAJOR"; } | sha256sum | cut -c1-12)
  echo "$AP_CACHE/images-$h"
}

# copy_bin ROOT FILE...: FILE (dereferenced) and every shared library it loads.
copy_bin() {
  local root=$1 f lib; shift
  for f in "$@"; do
    cp -L --parents "$f" "$root"
    for lib in $(ldd "$f" 2>/dev/null | awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]*ld-linux/ {print $1}'); do
      [[ -e $root$lib ]] || cp -L --parents "$lib" "$root"
    done
  done
}

base_rootfs() { # ROOT: busybox (sh, awk, wget, gzip, tar, ...), /etc/passwd, /tmp
  local root=$1 a
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/local/bin,etc,tmp,proc,sys,dev,run,var/run,data}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do [[ -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"; done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'postgres:x:70:70:postgres:/var/lib/postgresql:/bin/sh' \
    'redis:x:999:999:redis:/data:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'postgres:x:70:' 'redis:x:999:' 'nogroup:x:65534:' >"$root/etc/group"
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
}

# oci_archive ROOT REF OUT CONFIG: ROOT as a one-layer OCI image REF (CONFIG is the image
# config's "config" object, JSON) in the OCI layout archive OUT.
oci_archive() {
  local root=$1 ref=$2 out=$3 cfg=$4 w ld ls cd cs md ms
  w=$(mktemp -d); mkdir -p "$w/blobs/sha256"
  tar -C "$root" --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -cf "$w/layer.tar" .
  ld=$(sha256sum "$w/layer.tar" | cut -d' ' -f1); ls=$(stat -c %s "$w/layer.tar"); mv "$w/layer.tar" "$w/blobs/sha256/$ld"
  printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$cfg" "$ld" >"$w/c.json"
  cd=$(sha256sum "$w/c.json" | cut -d' ' -f1); cs=$(stat -c %s "$w/c.json"); mv "$w/c.json" "$w/blobs/sha256/$cd"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$cd" "$cs" "$ld" "$ls" >"$w/m.json"
  md=$(sha256sum "$w/m.json" | cut -d' ' -f1); ms=$(stat -c %s "$w/m.json"); mv "$w/m.json" "$w/blobs/sha256/$md"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$md" "$ms" "$ref" "${ref##*:}" >"$w/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$w/oci-layout"
  tar -C "$w" -cf "$out.tmp" oci-layout index.json blobs && mv "$out.tmp" "$out"
  rm -rf "$w"
}

PATH_ENV='"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"'

images_build() { # OUTDIR
  local out=$1 r pg=/usr/lib/postgresql/$PG_MAJOR f
  STANDIN=$(standin_dir)/bin/standin; COREDNS=$ADDONS_DIR/bin/coredns
  [[ -x $STANDIN && -x $COREDNS ]] || { echo "stand-in or CoreDNS not built"; return 1; }
  mkdir -p "$out"; r=$(mktemp -d)

  # stand-in for every application image: serves its ports, client mode for the tests, and the
  # few tools the vendor images' exec probes call (mongosh, bash, the MID server's health script).
  base_rootfs "$r/standin"
  cp "$STANDIN" "$r/standin/usr/local/bin/standin"
  printf '#!/bin/sh\n# stand-in: bash scripts of the replaced images run under busybox sh\nexec /bin/sh "$@"\n' >"$r/standin/bin/bash"
  printf '#!/bin/sh\n# stand-in for mongosh: the probe ping is a TCP check of the served mongod port\nexec standin connect 127.0.0.1 27017\n' >"$r/standin/usr/local/bin/mongosh"
  mkdir -p "$r/standin/opt/snc_mid_server"
  printf '#!/bin/sh\n# stand-in for the MID server health check: its port answers\nexec standin get http://127.0.0.1:8080/health\n' >"$r/standin/opt/snc_mid_server/check_health.sh"
  chmod 755 "$r/standin/bin/bash" "$r/standin/usr/local/bin/mongosh" "$r/standin/opt/snc_mid_server/check_health.sh"
  oci_archive "$r/standin" "$IMG_STANDIN" "$out/standin.tar" \
    "{\"Entrypoint\":[\"/usr/local/bin/standin\"],\"Env\":[$PATH_ENV,\"STANDIN_PORTS=$STANDIN_PORTS\"],\"WorkingDir\":\"/\"}"

  mkdir -p "$r/pause/usr/local/bin"; cp "$STANDIN" "$r/pause/usr/local/bin/standin"
  oci_archive "$r/pause" "$IMG_PAUSE" "$out/pause.tar" '{"Entrypoint":["/usr/local/bin/standin","pause"],"User":"65535:65535"}'

  # Redis from Debian's redis-server (official image layout: WORKDIR /data, no entrypoint logic).
  base_rootfs "$r/redis"
  copy_bin "$r/redis" /usr/bin/redis-server /usr/bin/redis-cli
  oci_archive "$r/redis" "$(img_redis)" "$out/redis.tar" \
    "{\"Cmd\":[\"redis-server\"],\"Env\":[$PATH_ENV],\"WorkingDir\":\"/data\",\"ExposedPorts\":{\"6379/tcp\":{}}}"

  # PostgreSQL from Debian's postgresql-$PG_MAJOR, with an entrypoint implementing the official
  # image's environment contract (tools/e2e/images/postgres/docker-entrypoint.sh).
  base_rootfs "$r/postgres"
  # (without llvmjit.so, which pulls in libLLVM: PostgreSQL then runs with JIT unavailable)
  for f in "$pg"/bin/* "$pg"/lib/*.so; do [[ $f == */llvmjit* ]] || copy_bin "$r/postgres" "$f"; done
  mkdir -p "$r/postgres/usr/share/postgresql"
  cp -a "/usr/share/postgresql/$PG_MAJOR" "$r/postgres/usr/share/postgresql/"
  cp -a /usr/share/zoneinfo "$r/postgres/usr/share/"
  mkdir -p "$r/postgres/var/run/postgresql" "$r/postgres/var/lib/postgresql/data"
  install -m 755 "$HERE/images/postgres/docker-entrypoint.sh" "$r/postgres/usr/local/bin/docker-entrypoint.sh"
  # The dump Job's script needs `find -delete` and `set -o pipefail`: GNU find, and bash as /bin/sh
  # (busybox-static's sh runs its own applets, whose find has no -delete, whatever PATH says).
  copy_bin "$r/postgres" /usr/bin/find /bin/bash
  ln -sf bash "$r/postgres/bin/sh"
  oci_archive "$r/postgres" "$(img_postgres)" "$out/postgres.tar" \
    "{\"Entrypoint\":[\"docker-entrypoint.sh\"],\"Cmd\":[\"postgres\"],\"Env\":[\"PATH=/usr/local/bin:$pg/bin:/usr/bin:/bin\",\"PGDATA=/var/lib/postgresql/data\"],\"WorkingDir\":\"/\",\"ExposedPorts\":{\"5432/tcp\":{}}}"

  mkdir -p "$r/coredns/etc/coredns"; cp "$COREDNS" "$r/coredns/coredns"
  oci_archive "$r/coredns" "$IMG_COREDNS" "$out/coredns.tar" '{"Entrypoint":["/coredns"],"Cmd":["-conf","/etc/coredns/Corefile"]}'
  rm -rf "$r"
  ls -la "$out"
}
# ------------------------------------------------------------------ images end

ensure_images() { # [build] -> IMAGES
  local d; d=$(images_dir)
  if [[ ! -f $d/coredns.tar ]]; then
    [[ -n ${1:-} ]] || { log "images missing ($d)"; return 1; }
    run_build "node images (stand-in, pause, redis, postgres, coredns)" "$d" images_build "$d" || return 1
    find "$AP_CACHE" -maxdepth 1 -name 'images-*' ! -path "$d" -exec rm -rf {} +   # older recipes
  fi
  IMAGES=$d
}

# The stack config `images` map for the e2e copy: every image the dev stack deploys -> the
# locally built image that stands in for it (Redis and PostgreSQL are the real servers).
image_map() {
  local redis pg mid; redis=$(img_redis); pg=$(img_postgres)
  # the MID server runs by digest (midServer.digest in the dev config): that reference is the key
  mid=$(sed -n 's/^ *digest: *\(sha256:[a-f0-9]\{64\}\).*/\1/p' "$REPO/Pulumi.dev.yaml" | head -n1)
  local midline=""
  [[ -z $mid ]] || midline="  \"servicenow/mid-server:yokohama@$mid\": \"$IMG_STANDIN\","
  cat <<EOF
{
$midline
  "redis:7.4.1-alpine": "$redis",
  "postgres:16.4-alpine": "$pg",
  "oliver006/redis_exporter:v1.66.0": "$IMG_STANDIN",
  "prometheuscommunity/postgres-exporter:v0.15.0": "$IMG_STANDIN",
  "ghcr.io/agent-platform/claude-terminal-service:1.0.0": "$IMG_STANDIN",
  "ghcr.io/agent-platform/claude-ecc-poller:1.0.0": "$IMG_STANDIN",
  "servicenow/mid-server:yokohama": "$IMG_STANDIN",
  "ghcr.io/wadelabs/apparatus-system-harness:v0.1.0": "$IMG_STANDIN",
  "ghcr.io/agent-platform/production-agent:2.0.0": "$IMG_STANDIN",
  "ghcr.io/yossiashkenazi/automatic-claude-code/manager:2.0.0": "$IMG_STANDIN",
  "ghcr.io/yossiashkenazi/automatic-claude-code/worker:2.0.0": "$IMG_STANDIN",
  "ghcr.io/yossiashkenazi/automatic-claude-code/worker:2.0.1": "$IMG_STANDIN_NEXT",
  "ghcr.io/yossiashkenazi/automatic-claude-code/api-gateway:2.0.0": "$IMG_STANDIN",
  "ghcr.io/yossiashkenazi/automatic-claude-code/dashboard-frontend:2.0.0": "$IMG_STANDIN",
  "ghcr.io/yossiashkenazi/automatic-claude-code/dashboard-backend:2.0.0": "$IMG_STANDIN",
  "ghcr.io/ushadow-io/ushadow-backend:0.9.3": "$IMG_STANDIN",
  "mem0/openmemory-ui:0.3.1": "$IMG_STANDIN",
  "mem0/openmemory-mcp:0.3.1": "$IMG_STANDIN",
  "mongo:7.0.14": "$IMG_STANDIN",
  "neo4j:5.24.2-community": "$IMG_STANDIN",
  "qdrant/qdrant:v1.12.4": "$IMG_STANDIN"
}
EOF
}

# ------------------------------------------------------------------ processes
KUBECTL=$K8S_DIR/bin/kubectl
kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }
NETNS_FAB=$ID-fab
netns_node() { echo "$ID-n$1"; }
node_dir() { echo "$NS_DIR/n$1"; }
CG_CONTROLLERS=(cpu cpuacct cpuset memory devices freezer blkio pids systemd)
cg_path() { echo "/sys/fs/cgroup/$1/$ID${2:+/n$2}"; }

# start NAME WHERE BINARY ARGS...: WHERE is host, fabric or a node number. Runs BINARY in its own
# process group (and, for a node, in the node's network and mount namespaces and its cgroup),
# records "NAME PID BINARY" in the pidfile.
start() {
  local name=$1 where=$2 bin=$3 pid; shift 3
  case $where in
    host) nohup setsid "$bin" "$@" >"$NS_DIR/logs/$name.log" 2>&1 </dev/null & pid=$! ;;
    fabric) nohup setsid nsenter --net="/run/netns/$NETNS_FAB" -- "$bin" "$@" >"$NS_DIR/logs/$name.log" 2>&1 </dev/null & pid=$! ;;
    *) nohup setsid nsenter --net="/run/netns/$(netns_node "$where")" --mount="$(node_dir "$where")/mnt" -- "$bin" "$@" \
         >"$NS_DIR/logs/$name.log" 2>&1 </dev/null & pid=$!
       echo "$pid" >"$(cg_path pids "$where")/cgroup.procs" ;;
  esac
  echo "$name $pid $bin" >>"$PIDFILE"
  log "started $name (pid $pid, log $NS_DIR/logs/$name.log)"
}

wait_for() { # DESCRIPTION COMMAND...
  local what=$1 t0; t0=$(now); shift
  until "$@" >/dev/null 2>&1; do
    (( $(now) - t0 < TIMEOUT )) || die "timed out after ${TIMEOUT}s waiting for $what (logs: $NS_DIR/logs)"
    sleep 1
  done
  log "$what: ok ($(( $(now) - t0 ))s)"
}

# ------------------------------------------------------------------ PKI
node_cert() { # NAME SUBJECT: a client cert signed by the cluster CA
  local p=$STATE/pki
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$NS_DIR/pki/$1.key" -out "$NS_DIR/pki/$1.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$NS_DIR/pki/$1.ext"
  openssl x509 -req -in "$NS_DIR/pki/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 30 \
    -extfile "$NS_DIR/pki/$1.ext" -out "$NS_DIR/pki/$1.crt" 2>/dev/null
  rm -f "$NS_DIR/pki/$1.csr" "$NS_DIR/pki/$1.ext"; chmod 600 "$NS_DIR/pki/$1.key"
}

node_kubeconfig() { # CERTNAME OUT: kubeconfig for the API server as pods and nodes see it
  cat >"$2" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: { server: "https://$FABRIC_IP:$API_PORT", certificate-authority: "$STATE/pki/ca.crt" }
users:
- name: u
  user: { client-certificate: "$NS_DIR/pki/$1.crt", client-key: "$NS_DIR/pki/$1.key" }
contexts:
- name: local
  context: { cluster: local, user: u }
current-context: local
EOF
  chmod 600 "$2"
}

# ------------------------------------------------------------------ add-ons (cluster objects)
addons_yaml() {
  cat <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: { name: kube-network-policies, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: kube-network-policies }
rules:
- { apiGroups: [""], resources: [pods, namespaces, nodes], verbs: [list, watch, get] }
- { apiGroups: [networking.k8s.io], resources: [networkpolicies], verbs: [list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kube-network-policies }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kube-network-policies }
subjects: [{ kind: ServiceAccount, name: kube-network-policies, namespace: kube-system }]
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: coredns, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: "system:coredns" }
rules:
- { apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch] }
- { apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: "system:coredns" }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns" }
subjects: [{ kind: ServiceAccount, name: coredns, namespace: kube-system }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: coredns, namespace: kube-system }
data:
  Corefile: |
    .:53 {
        errors
        health {
            lameduck 5s
        }
        ready
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
            ttl 30
        }
        cache 30
        loadbalance
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: coredns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  replicas: 1
  selector: { matchLabels: { k8s-app: kube-dns } }
  template:
    metadata: { labels: { k8s-app: kube-dns } }
    spec:
      serviceAccountName: coredns
      priorityClassName: system-cluster-critical
      dnsPolicy: Default
      securityContext:
        runAsUser: 65534
        runAsGroup: 65534
        runAsNonRoot: true
        seccompProfile: { type: RuntimeDefault }
        sysctls: [{ name: net.ipv4.ip_unprivileged_port_start, value: "53" }]
      containers:
      - name: coredns
        image: $IMG_COREDNS
        imagePullPolicy: Never
        args: [-conf, /etc/coredns/Corefile]
        ports:
        - { name: dns, containerPort: 53, protocol: UDP }
        - { name: dns-tcp, containerPort: 53, protocol: TCP }
        resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { memory: 170Mi } }
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
        readinessProbe: { httpGet: { path: /ready, port: 8181 }, periodSeconds: 5 }
        livenessProbe: { httpGet: { path: /health, port: 8080 }, initialDelaySeconds: 10, periodSeconds: 10 }
        volumeMounts: [{ name: config, mountPath: /etc/coredns, readOnly: true }]
      volumes: [{ name: config, configMap: { name: coredns } }]
---
apiVersion: v1
kind: Service
metadata: { name: kube-dns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  clusterIP: $DNS_IP
  selector: { k8s-app: kube-dns }
  ports:
  - { name: dns, port: 53, protocol: UDP, targetPort: 53 }
  - { name: dns-tcp, port: 53, protocol: TCP, targetPort: 53 }
EOF
}

# ------------------------------------------------------------------ one node
node_up() { # I
  local i=$1 n ns name d sub lvl
  n=$(node_dir "$i"); ns=$(netns_node "$i"); name=$(node_name "$i")
  mkdir -p "$n"/{containerd/root,containerd/state,cni/net.d,cni/ipam,kubelet,pod-logs,sysctl,sa}
  # network: eth0 on the fabric bridge, routes to the other nodes' pod ranges
  ip netns add "$ns"
  ip link add "n$i" netns "$NETNS_FAB" type veth peer name eth0 netns "$ns"
  ip -n "$NETNS_FAB" link set "n$i" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "10.250.0.1$i/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add 10.96.0.0/16 via "$FABRIC_IP"
  ip -n "$NETNS_FAB" route add "10.244.$i.0/24" via "10.250.0.1$i"   # replies of the API server forwarder to pods
  for (( j=1; j<=NODES; j++ )); do (( j == i )) || ip -n "$ns" route add "10.244.$j.0/24" via "10.250.0.1$j"; done
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  # mount namespace: private /run, and the kernel tunables kubelet would otherwise rewrite
  # host-wide (vm.overcommit_memory, kernel.panic, ...) shown with the values it expects.
  touch "$n/mnt"; unshare --mount="$n/mnt" --propagation private true
  printf '%s\n' vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1 \
    kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000 >"$n/sysctl.list"
  nsenter --mount="$n/mnt" -- sh -euc '
    mount -t tmpfs -o mode=755 tmpfs /run
    mkdir -p /run/containerd /run/secrets/kubernetes.io/serviceaccount
    while IFS== read -r k v; do f=$1/sysctl/$(echo "$k" | tr / .); echo "$v" >"$f"; mount --bind "$f" "/proc/sys/$k"; done <"$1/sysctl.list"
  ' sh "$n"
  # cgroups: the node's daemons in $ID/nI (pids), its pods under $ID/nI/kubepods (every controller)
  for sub in "${CG_CONTROLLERS[@]}"; do
    [[ -d /sys/fs/cgroup/$sub ]] || continue
    for lvl in "$(cg_path "$sub")" "$(cg_path "$sub" "$i")"; do
      mkdir -p "$lvl"
      if [[ $sub == cpuset ]]; then
        cat "$(dirname "$lvl")/cpuset.cpus" >"$lvl/cpuset.cpus"; cat "$(dirname "$lvl")/cpuset.mems" >"$lvl/cpuset.mems"
      fi
    done
  done
  # service account token for kube-network-policies (in-cluster config reads this path)
  kc -n kube-system create token kube-network-policies --duration=720h >"$n/sa/token"
  cp "$STATE/pki/ca.crt" "$n/sa/ca.crt"; echo kube-system >"$n/sa/namespace"
  nsenter --mount="$n/mnt" -- sh -c 'cp "$1"/sa/* /run/secrets/kubernetes.io/serviceaccount/' sh "$n"

  node_cert "$name" "/O=system:nodes/CN=system:node:$name"
  node_kubeconfig "$name" "$n/kubelet.kubeconfig"
  node_kubeconfig kube-proxy "$n/kube-proxy.kubeconfig"

  cat >"$n/cni/net.d/10-pods.conflist" <<EOF
{ "cniVersion": "0.4.0", "name": "pods", "plugins": [
  { "type": "ptp", "ipMasq": false, "mtu": 1500,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.244.$i.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }], "dataDir": "$n/cni/ipam" } },
  { "type": "portmap", "capabilities": { "portMappings": true } } ] }
EOF
  cat >"$n/containerd.toml" <<EOF
version = 2
root = "$n/containerd/root"
state = "$n/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$n/containerd.sock"
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$IMG_PAUSE"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  netns_mounts_under_state_dir = true
  # kubelet asks for negative oom_score_adj (sandboxes -998, guaranteed pods -997); lowering it
  # needs CAP_SYS_RESOURCE, which a sandboxed machine may not grant: clamp to containerd's own.
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$n/cni/net.d"
[plugins."io.containerd.internal.v1.opt"]
  path = "$n/containerd/opt"
EOF
  start "containerd-$name" "$i" "$(command -v containerd)" --config "$n/containerd.toml"
  wait_for "containerd $name" ctr --address "$n/containerd.sock" version
  local img
  for img in pause standin redis postgres coredns; do
    ctr --address "$n/containerd.sock" -n k8s.io images import --no-unpack=false "$IMAGES/$img.tar" >/dev/null
  done
  ctr --address "$n/containerd.sock" -n k8s.io images tag --force "$IMG_STANDIN" "$IMG_STANDIN_NEXT" >/dev/null

  start "kube-network-policies-$name" "$i" "$KNP" --hostname-override="$name" --disable-nri \
    --metrics-bind-address=127.0.0.1:9080 --v=1

  cat >"$n/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: "$n/kube-proxy.kubeconfig" }
mode: nftables
hostnameOverride: $name
clusterCIDR: 10.244.0.0/16
detectLocalMode: ClusterCIDR
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["primary"]
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
EOF
  start "kube-proxy-$name" "$i" "$KUBE_PROXY" --config="$n/kube-proxy.yaml" --v=1

  echo "# no upstream resolvers: the cluster has no network access" >"$n/resolv.conf"
  cat >"$n/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 10.250.0.1$i
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: "$STATE/pki/ca.crt" } }
authorization: { mode: Webhook }
cgroupDriver: cgroupfs
cgroupRoot: /$ID/n$i
cgroupsPerQOS: true
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$n/containerd.sock
imageServiceEndpoint: unix://$n/containerd.sock
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: $n/resolv.conf
podLogsDir: $n/pod-logs
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 110
nodeStatusUpdateFrequency: 10s
shutdownGracePeriod: 0s
protectKernelDefaults: false
EOF
  start "kubelet-$name" "$i" "$KUBELET" --config="$n/kubelet.yaml" --kubeconfig="$n/kubelet.kubeconfig" \
    --hostname-override="$name" --node-ip="10.250.0.1$i" --root-dir="$n/kubelet" \
    --node-labels="type=real,node-group=compute,topology.kubernetes.io/zone=us-east-1$(echo abcdefghij | cut -c"$i"),topology.kubernetes.io/region=us-east-1,node.kubernetes.io/instance-type=local" \
    --v=1
}

# ------------------------------------------------------------------ volumes
# A dynamic provisioner for the cluster's StorageClasses (provisioner agent-platform.local/hostpath):
# every Pending claim gets a hostPath PV on the host's disk (shared by all nodes, so a pod that
# moves keeps its data, like a re-attached EBS volume); a Released PV of ours is deleted with its
# directory (reclaim Delete). Directories are mode 0777: hostPath volumes ignore fsGroup.
PROVISIONER=agent-platform.local/hostpath
provision_loop() {
  local vols=$STATE/volumes ns name uid class size mode reclaim pv
  mkdir -p "$vols"
  while true; do
    while read -r ns name uid class size mode; do
      [[ -n $uid ]] || continue
      reclaim=$(kc get storageclass "$class" -o jsonpath='{.provisioner} {.reclaimPolicy}' 2>/dev/null) || continue
      [[ ${reclaim%% *} == "$PROVISIONER" ]] || continue
      mkdir -p "$vols/pvc-$uid"; chmod 0777 "$vols/pvc-$uid"
      kc apply -f - >/dev/null <<EOF || true
apiVersion: v1
kind: PersistentVolume
metadata: { name: pvc-$uid, annotations: { pv.kubernetes.io/provisioned-by: $PROVISIONER } }
spec:
  capacity: { storage: $size }
  accessModes: [$mode]
  persistentVolumeReclaimPolicy: ${reclaim##* }
  storageClassName: $class
  claimRef: { namespace: $ns, name: $name, uid: $uid }
  hostPath: { path: $vols/pvc-$uid, type: Directory }
EOF
      echo "provisioned pvc-$uid for $ns/$name ($class, $size)"
    done < <(kc get pvc -A -o jsonpath='{range .items[?(@.status.phase=="Pending")]}{.metadata.namespace} {.metadata.name} {.metadata.uid} {.spec.storageClassName} {.spec.resources.requests.storage} {.spec.accessModes[0]}{"\n"}{end}' 2>/dev/null)
    while read -r pv; do
      [[ -n $pv ]] || continue
      kc delete pv "$pv" --wait=false >/dev/null 2>&1 && rm -rf "${vols:?}/$pv" && echo "deleted $pv"
    done < <(kc get pv -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.annotations.pv\.kubernetes\.io/provisioned-by} {.spec.persistentVolumeReclaimPolicy} {.metadata.name}{"\n"}{end}' 2>/dev/null |
             awk -v p="$PROVISIONER" '$1 == p && $2 == "Delete" {print $3}')
    sleep 2
  done
}

# ------------------------------------------------------------------ up / down
UP_DONE=0
on_up_exit() { local rc=$?; if (( UP_DONE == 0 )); then log "up failed (rc=$rc): stopping what was started; logs in $NS_DIR/logs"; do_down || true; fi; }

do_up() {
  local t0 i; t0=$(now)
  [[ -f $KUBECONFIG_FILE ]] && kc get --raw /readyz >/dev/null 2>&1 || die "the control plane is not running (tools/e2e/cluster.sh up)"
  [[ ! -f $PIDFILE ]] || die "nodes already started ($PIDFILE); run down first"
  [[ $(id -u) == 0 ]] || die "real nodes need root (network and mount namespaces, cgroups)"
  for b in containerd runc ctr socat nft ip nsenter unshare; do command -v "$b" >/dev/null || die "$b missing: tools/e2e/nodes.sh install"; done
  ensure_node_bins build || die "node binaries missing"
  ensure_images build || die "node images missing"
  rm -rf "$NS_DIR"; mkdir -p "$NS_DIR/logs" "$NS_DIR/pki"; chmod 700 "$NS_DIR"
  : >"$PIDFILE"
  trap on_up_exit EXIT
  trap 'exit 130' INT TERM
  # The mount-namespace files need a private parent mount.
  mount --bind "$NS_DIR" "$NS_DIR"; mount --make-private "$NS_DIR"
  echo "$NS_DIR" >"$NS_DIR/selfmount"

  ip netns add "$NETNS_FAB"
  ip -n "$NETNS_FAB" link set lo up
  ip -n "$NETNS_FAB" link add br0 type bridge
  ip -n "$NETNS_FAB" addr add "$FABRIC_IP/24" dev br0
  ip -n "$NETNS_FAB" link set br0 up
  # Pods and nodes reach the API server at $FABRIC_IP:$API_PORT (its advertised address).
  start api-fwd-host host "$(command -v socat)" "UNIX-LISTEN:$NS_DIR/api.sock,fork,mode=600,unlink-early" "TCP:127.0.0.1:$API_PORT"
  start api-fwd-fabric fabric "$(command -v socat)" "TCP-LISTEN:$API_PORT,bind=$FABRIC_IP,fork,reuseaddr" "UNIX-CONNECT:$NS_DIR/api.sock"
  # ... and the API server reaches the kubelets through this proxy (cluster.sh: egress selector)
  start egress-proxy fabric "$STANDIN" connect-proxy "$STATE/egress.sock"

  node_cert kube-proxy "/CN=system:kube-proxy"
  addons_yaml | kc apply -f - >/dev/null
  export KUBERNETES_SERVICE_HOST=$FABRIC_IP KUBERNETES_SERVICE_PORT=$API_PORT   # kube-network-policies' in-cluster config
  for (( i=1; i<=NODES; i++ )); do node_up "$i"; done
  start volume-provisioner host "$SELF" __provision

  wait_for "$NODES nodes registered" nodes_registered
  wait_for "$NODES nodes Ready" kc wait --for=condition=Ready node -l type=real --timeout=5s
  wait_for "CoreDNS Ready" kc -n kube-system rollout status deployment/coredns --timeout=5s
  UP_DONE=1
  log "$NODES real nodes up in $(( $(now) - t0 ))s"
}

nodes_registered() { [[ $(kc get nodes -l type=real -o name 2>/dev/null | wc -l) -ge $NODES ]]; }

# Every PID in the node cgroups (pods, shims, daemons), deepest cgroups first.
cgroup_pids() { find "$(cg_path pids)" -name cgroup.procs 2>/dev/null | xargs -r cat 2>/dev/null; }

do_down() {
  [[ -d $NS_DIR ]] || { log "no nodes (no $NS_DIR)"; return 0; }
  local name pid bin exe i t sub
  if [[ -f $PIDFILE ]]; then
    # kubelets first (so nothing restarts containers), then the pods' processes, then the rest
    while read -r name pid bin; do
      [[ $name == kubelet-node* ]] || continue
      exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
      [[ $exe == "$(readlink -f "$bin")" ]] && kill -TERM -- "-$pid" 2>/dev/null || true
    done <"$PIDFILE"
    for pid in $(find "$(cg_path pids)" -path '*kubepods*' -name cgroup.procs 2>/dev/null | xargs -r cat 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    while read -r name pid bin; do
      exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
      if pid_alive "$pid" && [[ $exe == "$(readlink -f "$bin")" ]]; then kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; fi
    done <"$PIDFILE"
    t=0; while read -r name pid bin; do
      while pid_alive "$pid" && (( t < 100 )); do sleep 0.1; t=$((t + 1)); done
      pid_alive "$pid" && kill -KILL -- "-$pid" 2>/dev/null; pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
      log "stopped $name (pid $pid)"
    done <"$PIDFILE"
  fi
  # whatever still runs in the node cgroups (containerd shims) was started by our daemons
  for pid in $(cgroup_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  sleep 0.5
  for sub in "${CG_CONTROLLERS[@]}"; do
    [[ -d $(cg_path "$sub") ]] && find "$(cg_path "$sub")" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  for (( i=1; i<=9; i++ )); do
    ip netns del "$(netns_node "$i")" 2>/dev/null || true
    [[ -e $(node_dir "$i")/mnt ]] && umount "$(node_dir "$i")/mnt" 2>/dev/null || true
  done
  ip netns del "$NETNS_FAB" 2>/dev/null || true
  [[ -f $NS_DIR/selfmount ]] && umount "$NS_DIR" 2>/dev/null || true
  rm -f "$PIDFILE"
  log "nodes down (state kept in $NS_DIR for the logs)"
}

do_status() {
  [[ -f $PIDFILE ]] || { log "not running"; return 1; }
  local name pid bin rc=0
  while read -r name pid bin; do
    if pid_alive "$pid"; then echo "$name pid $pid running"; else echo "$name pid $pid DEAD"; rc=1; fi
  done <"$PIDFILE"
  kc get nodes -o wide -l type=real || rc=1
  kc -n kube-system get pods -o wide || rc=1
  return $rc
}

case "${1:-}" in
  install) do_install ;;
  build) ensure_node_bins build || die "build failed"; dirname "$KUBELET"; dirname "$COREDNS"; dirname "$STANDIN" ;;
  images) ensure_images build || die "image build failed"; ls "$IMAGES"/*.tar ;;
  check) ensure_node_bins && ensure_images ;;
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  image-map) image_map ;;
  config-images) # CONFIG: add the map to a stack config COPY as agent-platform:images (never the repo's file)
    [[ -f ${2:-} ]] || die "usage: nodes.sh config-images CONFIG_COPY"
    case "$(cd "$(dirname "$2")" && pwd)/" in "$REPO"/*) die "$2 is inside the repo: give a copy (stack.sh prepare writes one)" ;; esac
    image_map | (cd "$REPO" && node -e '
      const fs = require("fs"), YAML = require("yaml"), file = process.argv[1];
      const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
      doc.setIn(["config", "agent-platform:images"], JSON.parse(fs.readFileSync(0, "utf8")));
      fs.writeFileSync(file, doc.toString());' "$2") ;;
  __provision) provision_loop ;;
  __build) shift; "$@" ;;   # internal: one build function, run by run_build in its own process
  -h|--help|help|"") sed -n '2,30p' "$0" ;;
  *) die "unknown command $1 (install|build|images|check|up|down|status|image-map)" ;;
esac
