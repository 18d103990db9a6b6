#!/usr/bin/env bash
# Offline Pulumi workspace for a stack of this project on the local control plane
# (cluster.sh), and the main job built on it.
#
# Usage:
#   tools/e2e/stack.sh up [FLAGS]        npm run up:local: toolchain + cluster (unless running) +
#                                        pulumi up --policy-pack policy; leaves the cluster running
#   tools/e2e/stack.sh down [FLAGS]      npm run down:local: (pulumi destroy, then) stop the cluster
#   tools/e2e/stack.sh prepare [FLAGS]   workspace + stack + config copy with secrets (no cluster needed)
#   tools/e2e/stack.sh env [FLAGS]       print the exports for running pulumi/kubectl by hand (eval it)
#   tools/e2e/stack.sh status [FLAGS]    show the workspace, the stack and the cluster
#
# Flags:
#   --kubeconfig FILE    deploy to the existing cluster FILE points at (kind, k3d, minikube, a
#                        shared dev cluster) instead of the local control plane; `up` first checks
#                        that it serves every CRD the stack config declares (crds.*); `down` never
#                        stops it. Its workspace is separate from the local control plane's.
#   --context NAME       with --kubeconfig: that context instead of the file's current one
#   --no-policy          up: deploy without the policy pack
#   --destroy            down: run pulumi destroy before stopping the local control plane
#   -h, --help           this text
# Exit codes: 0 ok, 1 a step failed (its output says which), 2 usage.
#
#   eval "$(tools/e2e/stack.sh env)"
#   pulumi preview --stack dev --config-file "$AP_STACK_CONFIG" --policy-pack policy \
#     --policy-pack-config policy/config/dev.json
#
# The workspace lives outside the repo ($AP_STACK_STATE): PULUMI_HOME (plugins), a file backend,
# and project/Pulumi.<stack>.yaml, a COPY of the repo's stack file that also holds the
# passphrase salt and every secure key the systems read (SECRET_KEYS), set with
# `pulumi config set --secret` to random values generated once per workspace (secrets.env).
# Every pulumi command gets `--config-file $AP_STACK_CONFIG`; the committed Pulumi.<stack>.yaml
# is never written. The copy is refreshed from the repo file on every `prepare`.
#
# Environment:
#   AP_STACK                stack name (default dev); its config is Pulumi.$AP_STACK.yaml unless
#   AP_STACK_SOURCE         names another source file (the e2e suite's variants)
#   AP_STACK_STATE          workspace dir (default $AP_CACHE/e2e-state, or
#                           $AP_CACHE/cluster-<hash> with --kubeconfig)
#   AP_STACK_PASSPHRASE     passphrase of the local secrets provider (default: a fixed local one;
#                           the stack only ever holds generated local values)
#   AP_CLUSTER_STATE, AP_APISERVER_PORT, AP_ETCD_PORT   passed to cluster.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
AP_CACHE=${AP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform}
STACK=${AP_STACK:-dev}
SOURCE=${AP_STACK_SOURCE:-$REPO/Pulumi.$STACK.yaml}

log() { echo "stack: $*" >&2; }
die() { echo "stack: ERROR: $*" >&2; exit 1; }
usage() { echo "stack: $*; see tools/e2e/stack.sh --help" >&2; exit 2; }
# shellcheck source=tools/e2e/lib.sh
source "$HERE/lib.sh"

# ------------------------------------------------------------------ arguments
CMD=${1:-}; [[ $# -gt 0 ]] && shift
[[ $CMD == -h || $CMD == --help ]] && CMD=help
BYO_KUBECONFIG="" BYO_CONTEXT="" NO_POLICY="" DESTROY=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --kubeconfig) [[ $# -ge 2 && -n $2 ]] || usage "--kubeconfig needs a file"
      [[ -f $2 ]] || usage "--kubeconfig $2: no such file"
      BYO_KUBECONFIG=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --context) [[ $# -ge 2 && -n $2 ]] || usage "--context needs a name"; BYO_CONTEXT=$2; shift 2 ;;
    --no-policy) [[ $CMD == up ]] || usage "--no-policy is a flag of up"; NO_POLICY=1; shift ;;
    --destroy) [[ $CMD == down ]] || usage "--destroy is a flag of down"; DESTROY=1; shift ;;
    -h|--help) CMD=help; shift ;;
    *) usage "unknown argument $1" ;;
  esac
done
[[ -n $BYO_CONTEXT && -z $BYO_KUBECONFIG ]] && usage "--context needs --kubeconfig"

if [[ -n $BYO_KUBECONFIG ]]; then
  W=${AP_STACK_STATE:-$AP_CACHE/cluster-$(echo "$BYO_KUBECONFIG $BYO_CONTEXT" | sha256sum | cut -c1-12)}
else
  W=${AP_STACK_STATE:-$AP_CACHE/e2e-state}
fi
PROJECT_DIR=$W/project
CONFIG=$PROJECT_DIR/Pulumi.$STACK.yaml
SECRETS=$W/secrets.env
POLICY_CONFIG=$REPO/policy/config/$STACK.json
[[ -f $POLICY_CONFIG ]] || POLICY_CONFIG=$REPO/policy/config/dev.json

case "$W/" in "$REPO"/*) die "AP_STACK_STATE ($W) must be outside the repo" ;; esac

# --------------------------------------------------------------- environment
setup_env() { # exports everything pulumi/kubectl need; builds (with progress) what is missing
  local bin kbin="" kout=$W/.cluster-build.out cpid=""
  mkdir -p "$W"
  # The control-plane build (skipped for an existing cluster that has kubectl) runs beside the
  # toolchain build; both print their progress to stderr.
  if [[ -z $BYO_KUBECONFIG ]] || ! kubectl_in_skew; then
    log "control-plane binaries: tools/e2e/cluster.sh build (in parallel)"
    "$HERE/cluster.sh" build >"$kout" & cpid=$!
  fi
  log "Pulumi toolchain: tools/e2e/toolchain.sh bin"
  bin=$("$HERE/toolchain.sh" bin) || { [[ -z $cpid ]] || wait "$cpid" || true; die "the Pulumi toolchain is missing (see the toolchain lines above)"; }
  if [[ -n $cpid ]]; then
    wait "$cpid" || die "the control-plane binaries are missing (see the cluster lines above)"
    kbin=$(sed -n 1p "$kout")
  fi
  if [[ -n $BYO_KUBECONFIG ]]; then
    export KUBECONFIG=$BYO_KUBECONFIG
  else
    eval "$("$HERE/cluster.sh" env)"
  fi
  export PATH="$bin${kbin:+:$kbin}:$PATH" KUBECONFIG
  export PULUMI_HOME=$W/pulumi-home
  export PULUMI_BACKEND_URL=file://$W/backend
  export PULUMI_CONFIG_PASSPHRASE=${AP_STACK_PASSPHRASE:-agent-platform-local-only}
  unset PULUMI_CONFIG_PASSPHRASE_FILE PULUMI_ACCESS_TOKEN
  export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_CREDENTIAL_STORE=plaintext PULUMI_IGNORE_AMBIENT_PLUGINS=true
  export AP_STACK_CONFIG=$CONFIG
  mkdir -p "$W/backend" "$PULUMI_HOME" "$PROJECT_DIR"   # the file backend dir must exist
}

print_env() {
  cat <<EOF
export PATH="$PATH"
export KUBECONFIG="$KUBECONFIG"
export PULUMI_HOME="$PULUMI_HOME" PULUMI_BACKEND_URL="$PULUMI_BACKEND_URL"
export PULUMI_CONFIG_PASSPHRASE="$PULUMI_CONFIG_PASSPHRASE"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_CREDENTIAL_STORE=plaintext PULUMI_IGNORE_AMBIENT_PLUGINS=true
export AP_STACK_CONFIG="$CONFIG"
EOF
}

# --------------------------------------------------------------- workspace
secret_keys() { # SECRET_KEYS from stacks/config.ts (the systems registry), one per line
  (cd "$REPO" && node -r ts-node/register/transpile-only -e \
    'for (const k of require("./stacks/config").SECRET_KEYS) console.log(k)')
}

ensure_policy_deps() {
  if [[ ! -d $REPO/policy/node_modules/@pulumi/policy ]]; then
    log "npm ci --prefix policy"
    npm ci --prefix "$REPO/policy" --no-audit --no-fund >&2
  fi
}

# Stack commands that have no --config-file (stack init/rm) run in $PROJECT_DIR, a directory
# with a copy of Pulumi.yaml: whatever they write lands in the copy, never in the repo.
in_project() { (cd "$PROJECT_DIR" && "$@"); }

prepare() {
  [[ -f $SOURCE ]] || die "no stack config $SOURCE"
  [[ -d $REPO/node_modules/@pulumi/pulumi ]] || die "run npm ci first (node_modules missing)"
  ensure_policy_deps
  "$HERE/toolchain.sh" plugins >/dev/null
  cp "$REPO/Pulumi.yaml" "$PROJECT_DIR/Pulumi.yaml"

  # Fresh copy of the source config, keeping the salt the stack was created with.
  local salt=""
  [[ -f $CONFIG ]] && salt=$(grep '^encryptionsalt:' "$CONFIG" || true)
  if ! in_project pulumi stack ls --non-interactive 2>/dev/null | awk 'NR>1 {sub(/\*$/, "", $1); print $1}' | grep -qx "$STACK"; then
    salt=""
    rm -f "$CONFIG"
    in_project pulumi stack init "$STACK" --secrets-provider passphrase --non-interactive >&2
    salt=$(grep '^encryptionsalt:' "$CONFIG")
  fi
  cp "$SOURCE" "$CONFIG.tmp"
  sed -i '/^encryptionsalt:/d' "$CONFIG.tmp"
  [[ -n $salt ]] && echo "$salt" >>"$CONFIG.tmp"
  mv "$CONFIG.tmp" "$CONFIG"
  # An existing cluster is named in the copy, so every later pulumi command targets it whatever
  # the ambient KUBECONFIG says.
  if [[ -n $BYO_KUBECONFIG ]]; then
    in_project pulumi config set --path --stack "$STACK" --config-file "$CONFIG" agent-platform:cluster.kubeconfig "$BYO_KUBECONFIG" --non-interactive
    [[ -z $BYO_CONTEXT ]] || in_project pulumi config set --path --stack "$STACK" --config-file "$CONFIG" agent-platform:cluster.context "$BYO_CONTEXT" --non-interactive
  fi

  # One random value per secure key, generated once per workspace (stable across runs, so
  # a second `pulumi up` sees the same secrets).
  local key value
  touch "$SECRETS"; chmod 600 "$SECRETS"
  for key in $(secret_keys); do
    value=$(sed -n "s/^$key=//p" "$SECRETS")
    if [[ -z $value ]]; then
      value=local-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
      echo "$key=$value" >>"$SECRETS"
    fi
    in_project pulumi config set --secret --stack "$STACK" --config-file "$CONFIG" "agent-platform:$key" "$value" --non-interactive
  done
  log "stack $STACK ready: backend $PULUMI_BACKEND_URL, config $CONFIG"
}

# The local cluster is recreated (fresh etcd) by every cluster.sh up: a stack deployed to an
# earlier cluster describes objects that no longer exist, so it is removed and re-created.
reset_if_new_cluster() {
  local ca=${KUBECONFIG%/kubeconfig}/pki/ca.crt mark=$W/cluster-ca.$STACK.sha256 now_sum
  now_sum=$(sha256sum "$ca" | cut -d' ' -f1)
  if [[ -f $mark && $(cat "$mark") != "$now_sum" ]]; then
    log "the cluster was recreated since the last deploy: removing stale stack $STACK state"
    in_project pulumi stack rm "$STACK" --force --yes --preserve-config --non-interactive >&2 || true
    rm -f "$CONFIG"
  fi
  echo "$now_sum" >"$mark"
}

# Namespaces a cluster serving the declared CRDs would already have (crds.velero: Velero's
# `velero`, where the Schedules go; crds.serviceMonitor: the Prometheus Operator's `monitoring`,
# where the dashboards go), created as those add-ons would. The list comes from the capability
# table (components/config/capabilities.ts) through preflight.ts, as the e2e suites get it.
cluster_namespaces() {
  local ns
  for ns in $(cd "$REPO" && node -r ts-node/register/transpile-only tools/e2e/preflight.ts --config "$SOURCE" --implied-namespaces); do
    kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns" >&2
  done
}

pulumi_up() {
  local policy=(--policy-pack "$REPO/policy" --policy-pack-config "$POLICY_CONFIG")
  [[ -n $NO_POLICY ]] && policy=()
  (cd "$REPO" && pulumi up --stack "$STACK" --config-file "$CONFIG" "${policy[@]}" --yes --non-interactive)
}

where() { if [[ -n $BYO_KUBECONFIG ]]; then echo "the cluster of $BYO_KUBECONFIG${BYO_CONTEXT:+ (context $BYO_CONTEXT)}"; else echo "the local control plane"; fi; }

do_up() {
  local t0 t1 flags=""; t0=$(now)
  [[ -n $BYO_KUBECONFIG ]] && flags=" --kubeconfig $BYO_KUBECONFIG${BYO_CONTEXT:+ --context $BYO_CONTEXT}"
  setup_env
  if [[ -n $BYO_KUBECONFIG ]]; then
    # Fail before anything is deployed when the cluster lacks what the config declares.
    (cd "$REPO" && node -r ts-node/register/transpile-only tools/e2e/preflight.ts --config "$SOURCE" ${BYO_CONTEXT:+--context "$BYO_CONTEXT"}) ||
      die "not deploying to $(where): fix the cluster or the config keys listed above"
    prepare
  else
    "$HERE/cluster.sh" up
    reset_if_new_cluster
    prepare
    cluster_namespaces
  fi
  t1=$(now)
  pulumi_up
  log "pulumi up: $(( $(now) - t1 ))s; up:local total: $(( $(now) - t0 ))s"
  # What is now running, per system (the stack output `summary`, workloads counted live).
  (cd "$REPO" && node -r ts-node/register/transpile-only tools/summary.ts --stack "$STACK" --live ${BYO_CONTEXT:+--kube-context "$BYO_CONTEXT"}) ||
    log "warning: the summary reports workloads that are not Ready yet (see above)"
  cat >&2 <<EOF

The $STACK stack is up on $(where). Reach it with:
  export KUBECONFIG=$KUBECONFIG; kubectl ${BYO_CONTEXT:+--context $BYO_CONTEXT }get pods -A
  eval "\$(tools/e2e/stack.sh env$flags)"   # then: pulumi stack output --stack $STACK; npm run summary -- --stack $STACK --live
Stop it with: npm run down:local --${flags} --destroy   (pulumi destroy$([[ -n $BYO_KUBECONFIG ]] || echo ", then stop the control plane"))
EOF
}

do_down() {
  setup_env
  if [[ -n $DESTROY ]]; then
    if { [[ -n $BYO_KUBECONFIG ]] || "$HERE/cluster.sh" status >/dev/null 2>&1; } && [[ -f $CONFIG ]]; then
      (cd "$REPO" && pulumi destroy --stack "$STACK" --config-file "$CONFIG" --yes --non-interactive)
    else
      log "cluster not running or no stack: nothing to destroy"
    fi
  fi
  # An existing cluster is not ours to stop.
  [[ -n $BYO_KUBECONFIG ]] || "$HERE/cluster.sh" down
}

case "$CMD" in
  up) do_up ;;
  down) do_down ;;
  prepare) setup_env; prepare; echo "$CONFIG" ;;
  env) setup_env; print_env ;;
  status) setup_env; echo "workspace $W, config $CONFIG"; in_project pulumi stack ls --non-interactive || true
    if [[ -n $BYO_KUBECONFIG ]]; then kubectl ${BYO_CONTEXT:+--context "$BYO_CONTEXT"} get nodes; else "$HERE/cluster.sh" status; fi ;;
  help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  "") usage "a command is required (up|down|prepare|env|status)" ;;
  *) usage "unknown command $CMD (up|down|prepare|env|status)" ;;
esac
