# Shared by the e2e scripts (sourced; the sourcing script defines log, SELF and a `__build FN
# ARGS...` command that runs one of its build functions).

now() { date +%s; }

# kubectl_in_skew: true when the kubectl on PATH is within the supported skew (+-1 minor) of the
# v1.34 control plane. (Some machines carry an old kubectl, e.g. a cloud SDK's 1.32 dispatcher.)
kubectl_in_skew() {
  local minor
  minor=$(kubectl version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -n1)
  [[ -n $minor ]] && (( minor >= 33 && minor <= 35 ))
}

# run_build NAME LOGDIR FN ARGS...: run build function FN as a separate bash process (errexit
# must hold inside it, and bash ignores set -e in anything called from an if/|| context),
# appending its output to LOGDIR/build.log. Prints what it builds, a heartbeat every minute
# with the elapsed time and the log's last line, the total time, and on failure the log's
# last lines and its path. Returns the build's status.
run_build() {
  local name=$1 dir=$2 s rc=0 pid t=0 last; shift 2
  s=$(now); mkdir -p "$dir"
  log "$name: building from source (log: $dir/build.log)"
  "$SELF" __build "$@" >>"$dir/build.log" 2>&1 & pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5; t=$((t + 5))
    if (( t % 60 == 0 )); then
      last=$(tail -n 1 "$dir/build.log" 2>/dev/null | cut -c1-100)
      log "$name: still building ($(( $(now) - s ))s)${last:+ - $last}"
    fi
  done
  wait "$pid" || rc=$?
  if (( rc != 0 )); then
    log "$name: BUILD FAILED after $(( $(now) - s ))s; last lines of $dir/build.log:"
    tail -n 25 "$dir/build.log" >&2
    return "$rc"
  fi
  log "$name: built in $(( $(now) - s ))s"
}
