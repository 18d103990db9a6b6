#!/usr/bin/env bash
# Pulumi YAML language host (pulumi-language-yaml) for the e2e tier's YAML program, which uses
# the component package through `pulumi package add` (issue 14).
#
# Taken from PATH when installed; otherwise built from the Go module proxy's
# github.com/pulumi/pulumi-yaml into a versioned cache outside the repo and reused on later runs.
# The build is a scratch module that pins pulumi pkg/sdk to the CLI's version (toolchain.sh), so
# it reuses the CLI's compiled packages from Go's build cache: about 2.5 min warm, 5 min cold on
# top of the CLI build.
#
# Usage:
#   tools/e2e/yaml-host.sh build      ensure the host (build when missing); print its path (stdout)
#   tools/e2e/yaml-host.sh bin        ensure; link it into $AP_CACHE/bin (the PATH the e2e harness
#                                     uses, see toolchain.sh env) and print that dir (stdout)
#   tools/e2e/yaml-host.sh plugins    ensure; link it as `bin` does and beside the cached pulumi binary,
#                                     where Pulumi looks for language hosts under
#                                     PULUMI_IGNORE_AMBIENT_PLUGINS=true (.ci/run and the e2e suite run this)
#   tools/e2e/yaml-host.sh check      build nothing; exit 0 iff the host is available
#   tools/e2e/yaml-host.sh version    print the pinned version
#
# Environment: AP_CACHE (cache root, default ${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform),
# AP_GO_PARALLEL (go build -p, default 2). The build's log: $AP_CACHE/pulumi-language-yaml-v*/build.log.
set -euo pipefail

# Served by the module proxy (v1.25.0 too, but it predates the `packages:` block that
# `pulumi package add` writes into a YAML project's Pulumi.yaml for source-based components).
YAML_VERSION=1.38.0
# The CLI that toolchain.sh builds; the host compiles against the same pulumi pkg/sdk.
PULUMI_VERSION=3.259.0

AP_CACHE=${AP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform}
BIN=$AP_CACHE/bin
DIR=$AP_CACHE/pulumi-language-yaml-v$YAML_VERSION
HOST=$DIR/bin/pulumi-language-yaml
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")

export CGO_ENABLED=0
export GOFLAGS="-mod=mod -p=${AP_GO_PARALLEL:-2}"
# The checksum database has no entry for some pulumi-yaml versions the proxy serves (404).
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi-yaml"

log() { echo "yaml-host: $*" >&2; }
die() { echo "yaml-host: ERROR: $*" >&2; exit 1; }
# shellcheck source=tools/e2e/lib.sh
source "$HERE/lib.sh"

# on_path: the host on PATH, ignoring our own bin dir (where `bin` links the cached build).
on_path() {
  local p IFS=:
  for p in $PATH; do
    [[ -z "$p" || "$(cd "$p" 2>/dev/null && pwd -P)" == "$(cd "$BIN" 2>/dev/null && pwd -P)" ]] && continue
    if [[ -x "$p/pulumi-language-yaml" && ! -d "$p/pulumi-language-yaml" ]]; then echo "$p/pulumi-language-yaml"; return 0; fi
  done
  return 1
}

build_host() {
  local s; s=$(now)
  mkdir -p "$DIR/bin"; cd "$DIR"
  [[ -f go.mod ]] || go mod init local/pulumi-language-yaml
  # pulumi-yaml's own go.mod pins pulumi v3.254.0; v3.259.0 (the CLI's) compiles as well and
  # shares the CLI's build cache.
  go get "github.com/pulumi/pulumi-yaml@v$YAML_VERSION" \
    "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
  go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" \
    -o bin/pulumi-language-yaml.tmp github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
  mv bin/pulumi-language-yaml.tmp bin/pulumi-language-yaml
  log "pulumi-language-yaml v$YAML_VERSION built in $(( $(now) - s ))s"
}

# ensure [build]: print the host's path; with "build", build it first when missing.
ensure() {
  local p
  if p=$(on_path); then log "pulumi-language-yaml: from PATH ($p)"; echo "$p"; return 0; fi
  if [[ ! -x $HOST && ${1:-} == build ]]; then
    run_build pulumi-language-yaml "$DIR" build_host || die "pulumi-language-yaml: build failed"
  fi
  [[ -x $HOST ]] || { log "pulumi-language-yaml: MISSING"; return 1; }
  log "pulumi-language-yaml: from this cache ($HOST)"
  echo "$HOST"
}

case "${1:-build}" in
  build) ensure build ;;
  bin)
    p=$(ensure build)
    mkdir -p "$BIN"
    [[ $p == "$HOST" ]] && ln -sfn "$HOST" "$BIN/pulumi-language-yaml"
    echo "$BIN" ;;
  plugins)
    # Pulumi refuses `plugin install language yaml` (a "bundled" plugin) and, with
    # PULUMI_IGNORE_AMBIENT_PLUGINS=true, looks for bundled language hosts only beside the pulumi
    # binary: link the host there when that binary is the one toolchain.sh built into $AP_CACHE.
    p=$(ensure build)
    mkdir -p "$BIN"
    [[ $p == "$HOST" ]] && ln -sfn "$HOST" "$BIN/pulumi-language-yaml"   # also on the e2e PATH, as `bin` does
    pulumi=$(readlink -f "$(command -v pulumi || echo "$BIN/pulumi")")
    dir=$(dirname "$pulumi")
    case "$dir/" in
      "$(cd "$AP_CACHE" && pwd -P)"/*) ln -sfn "$(readlink -f "$p")" "$dir/pulumi-language-yaml"; log "linked beside $pulumi" ;;
      *) [[ -x $dir/pulumi-language-yaml ]] || die "$pulumi is not in $AP_CACHE: put pulumi-language-yaml beside it or leave PULUMI_IGNORE_AMBIENT_PLUGINS unset (PATH: $(dirname "$p"))" ;;
    esac ;;
  check) ensure >/dev/null ;;
  version) echo "pulumi-language-yaml v$YAML_VERSION (github.com/pulumi/pulumi-yaml, built against pulumi v$PULUMI_VERSION)" ;;
  __build) "$2" ;;   # internal: the build function, run by run_build in its own process
  -h|--help|help) sed -n '2,/^set -euo/p' "$0" | sed '$d' ;;
  *) die "unknown command $1 (build|bin|plugins|check|version)" ;;
esac
