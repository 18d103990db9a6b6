#!/usr/bin/env bash
# Offline Pulumi toolchain for the e2e tier: pulumi, pulumi-language-nodejs,
# pulumi-resource-kubernetes and pulumi-resource-random.
#
# Each tool is taken from PATH when it is already installed; otherwise it is built from
# Go sources into a versioned cache outside the repo and reused from there on later runs.
# See tools/e2e/README.md for what the module proxy refuses and why the builds look like this.
#
# Usage:
#   tools/e2e/toolchain.sh bin        ensure every tool, print the bin dir to put on PATH (stdout)
#   tools/e2e/toolchain.sh env        ensure every tool, print `export PATH=...` (eval it)
#   tools/e2e/toolchain.sh check      build nothing; exit 0 iff every tool is available
#   tools/e2e/toolchain.sh plugins    ensure, then install the providers built here into the
#                                     plugin cache of $PULUMI_HOME (default ~/.pulumi) with
#                                     `pulumi plugin install resource NAME VERSION -f BINARY`,
#                                     so runs can set PULUMI_IGNORE_AMBIENT_PLUGINS=true and get
#                                     no "using pulumi-resource-X from $PATH" warnings
#   tools/e2e/toolchain.sh versions   print the pinned versions
#
#   eval "$(tools/e2e/toolchain.sh env)"
#
# Environment:
#   AP_CACHE            cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform)
#   AP_NO_RANDOM=1      do not provide pulumi-resource-random
#   AP_GIT_MIRROR       dir with <owner>+<name>/repo bare git snapshots (default /work/.mirror);
#                       without one, sources are cloned (blob-less) from github.com
# Logs of each build go to <cache>/<tool>-<version>/build.log; progress goes to stderr.
set -euo pipefail

PULUMI_VERSION=3.259.0
# pkg/v3.259.0 and the matching pulumi-language-nodejs pseudo-version (the language host
# module has no tags).
PULUMI_COMMIT=a05d88f24d05726fa3beae771bfdedb0c0c6a94a
PULUMI_LANGHOST_MODVER=v3.0.0-20260820084410-a05d88f24d05
# @pulumi/kubernetes in package.json must be pinned to this version.
K8S_PROVIDER_VERSION=4.32.0
K8S_PROVIDER_REF=v4.32.0            # git tag in pulumi/pulumi-kubernetes (a03ff6ba58d2)
K8S_PROVIDER_KUBE=1.36.1            # KUBE_VERSION of upstream's Makefile at that tag (schema source)
# @pulumi/random in package.json should be pinned to this version.
RANDOM_PROVIDER_VERSION=4.21.1
RANDOM_PROVIDER_REF=v4.21.1

AP_CACHE=${AP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform}
AP_GIT_MIRROR=${AP_GIT_MIRROR:-/work/.mirror}
BIN=$AP_CACHE/bin
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")

CLI_DIR=$AP_CACHE/pulumi-cli-v$PULUMI_VERSION
KP_DIR=$AP_CACHE/pulumi-resource-kubernetes-v$K8S_PROVIDER_VERSION
RP_DIR=$AP_CACHE/pulumi-resource-random-v$RANDOM_PROVIDER_VERSION

export CGO_ENABLED=0
export GOFLAGS="-mod=mod -p=${AP_GO_PARALLEL:-2}"
# The checksum database has no entry for some versions the proxy serves (404 on lookup).
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi-kubernetes,github.com/pulumi/pulumi-dotnet,github.com/pulumi/pulumi-yaml"

log() { echo "toolchain: $*" >&2; }
die() { echo "toolchain: ERROR: $*" >&2; exit 1; }
now() { date +%s; }

# which_outside_bin TOOL: path of TOOL on PATH, ignoring our own bin dir.
which_outside_bin() {
  local p IFS=:
  for p in $PATH; do
    [[ -z "$p" || "$(cd "$p" 2>/dev/null && pwd -P)" == "$(cd "$BIN" 2>/dev/null && pwd -P)" ]] && continue
    if [[ -x "$p/$1" && ! -d "$p/$1" ]]; then echo "$p/$1"; return 0; fi
  done
  return 1
}

# git_dir OWNER/NAME: a git dir holding that repository (local snapshot or blob-less clone).
git_dir() {
  local m="$AP_GIT_MIRROR/${1/\//+}/repo" c="$AP_CACHE/src/${1/\//+}.git"
  if [[ -d "$m" ]]; then echo "$m"; return; fi
  if [[ ! -d "$c" ]]; then
    log "cloning https://github.com/$1 (blob-less) into $c"
    git clone -q --bare --filter=blob:none "https://github.com/$1" "$c" >&2 || die "cannot clone $1"
  fi
  echo "$c"
}

# git_extract GITDIR REV DEST PATH...: write the files of REV under PATH... into DEST.
# Snapshots may lack their largest blobs; those are skipped with a warning (the builds below
# regenerate or do not need them).
git_extract() {
  local g=$1 rev=$2 dest=$3; shift 3
  git --git-dir="$g" rev-parse -q --verify "$rev^{commit}" >/dev/null || die "$rev not in $g"
  local mode type obj path
  git --git-dir="$g" ls-tree -r "$rev" -- "$@" | while read -r mode type obj path; do
    [[ $type == blob ]] || continue
    mkdir -p "$dest/$(dirname "$path")"
    if ! git --git-dir="$g" cat-file blob "$obj" >"$dest/$path" 2>/dev/null; then
      rm -f "$dest/$path"; log "  (blob missing in snapshot, skipped: $path)"
    fi
  done
}

# ---------------------------------------------------------------- pulumi CLI + language host
build_cli() {
  local s; s=$(now)
  mkdir -p "$CLI_DIR/bin"; cd "$CLI_DIR"
  [[ -f go.mod ]] || go mod init local/pulumi-cli
  # pkg/v3 has replace directives, so `go install pkg/v3/cmd/pulumi@...` is refused: build it
  # inside this scratch module instead (dependency replaces are ignored).
  go get github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION
  local F=(-trimpath -tags osusergo,grpcnotrace
           -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION")
  if [[ ! -x bin/pulumi ]]; then
    go build "${F[@]}" -o bin/pulumi.tmp github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    mv bin/pulumi.tmp bin/pulumi
    log "pulumi built in $(( $(now) - s ))s"
  fi
  s=$(now)
  if [[ ! -x bin/pulumi-language-nodejs ]]; then
    if go get github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$PULUMI_LANGHOST_MODVER; then
      go build "${F[@]}" -o bin/pulumi-language-nodejs.tmp github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
    else
      # The proxy here answers 403 for that pseudo-version: build the same sources (the
      # language host's non-test .go files at the release commit) as a package of this module.
      log "language host module refused; building it from pulumi/pulumi@${PULUMI_COMMIT:0:12} sources"
      rm -rf langhost; mkdir -p langhost
      local g f; g=$(git_dir pulumi/pulumi)
      for f in $(git --git-dir="$g" ls-tree --name-only "$PULUMI_COMMIT" sdk/nodejs/cmd/pulumi-language-nodejs/); do
        [[ $f == *.go && $f != *_test.go && $f != *_windows.go ]] || continue
        git --git-dir="$g" cat-file blob "$PULUMI_COMMIT:$f" >"langhost/$(basename "$f")"
      done
      go build "${F[@]}" -o bin/pulumi-language-nodejs.tmp ./langhost
    fi
    mv bin/pulumi-language-nodejs.tmp bin/pulumi-language-nodejs
    log "pulumi-language-nodejs built in $(( $(now) - s ))s"
  fi
}

# ---------------------------------------------------------------- kubernetes provider
build_kubernetes_provider() {
  local s; s=$(now)
  mkdir -p "$KP_DIR/bin" "$KP_DIR/swagger"; cd "$KP_DIR"
  # The provider module (github.com/pulumi/pulumi-kubernetes/provider/v4) is refused by the
  # proxy (403 for every pseudo-version), and its zip would lack the generated schema anyway:
  # build the provider module from the git tag's sources.
  # (always a fresh copy: -mod=mod builds rewrite go.mod, and edits below must apply to the original)
  rm -rf src
  git_extract "$(git_dir pulumi/pulumi-kubernetes)" "$K8S_PROVIDER_REF" src provider
  cd src/provider
  # Module pins the proxy refuses, replaced by the nearest served versions:
  #  - pulumi pkg/sdk v3.243.0 zip: 403 -> v3.246.0 (v4.32.0 does not compile against >= v3.247.0)
  #  - fluxcd/pkg/ssa v0.71.1-0.20260424094917-4f94dc680419: 403; v0.71.0 still imports the
  #    removed k8s.io/api/autoscaling/v2beta2 -> v0.76.0 (same API, built for k8s.io/api v0.36)
  #  - pulumi-language-dotnet v3.106.2: 403; only upstream's SDK generator main uses it, and
  #    that main is replaced by a schema-only one below
  #  - sdk/v4 => ../sdk: the snapshot lacks sdk/go/kubernetes/core/v1/pulumiTypes.go -> the
  #    served github.com/pulumi/pulumi-kubernetes/sdk/v4 v4.32.0
  go mod edit \
    -dropreplace github.com/pulumi/pulumi-kubernetes/sdk/v4 \
    -require github.com/pulumi/pulumi-kubernetes/sdk/v4@v$K8S_PROVIDER_VERSION \
    -require github.com/pulumi/pulumi/pkg/v3@v3.246.0 -require github.com/pulumi/pulumi/sdk/v3@v3.246.0 \
    -replace github.com/fluxcd/pkg/ssa=github.com/fluxcd/pkg/ssa@v0.76.0 \
    -droprequire github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3
  # schema.json is absent from the snapshot (too large): regenerate it exactly as upstream's
  # `make schema` does, from the Kubernetes OpenAPI specs upstream merges (v1.KUBE and the
  # legacy v1.17/18/19/20/26/28/30/31), taken from the k8s.io/kubernetes module zips.
  local v d tmpmc
  for v in 1.17.0 1.18.0 1.19.0 1.20.0 1.26.0 1.28.0 1.30.0 1.31.0 $K8S_PROVIDER_KUBE; do
    [[ -s "$KP_DIR/swagger/swagger-v$v.json" ]] && continue
    tmpmc=$(mktemp -d)
    d=$(GOMODCACHE=$tmpmc go mod download -json "k8s.io/kubernetes@v$v" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
    cp "$d/api/openapi-spec/swagger.json" "$KP_DIR/swagger/swagger-v$v.json"
    chmod -R u+w "$tmpmc"; rm -rf "$tmpmc"
  done
  cat >cmd/pulumi-gen-kubernetes/main.go <<'EOF'
// Schema-only replacement for upstream's pulumi-gen-kubernetes main.go (written by
// tools/e2e/toolchain.sh). Same legacy-spec merge and gen.PulumiSchema call as upstream's
// `schema` step; the swagger-v1.X.0.json legacy files must sit next to the input file.
// Usage: pulumi-gen-kubernetes <swagger.json> <out schema.json>
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/gen"
)

func main() {
	swagger, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	for _, v := range []string{"17", "18", "19", "20", "26", "28", "30", "31"} {
		legacy, err := os.ReadFile(filepath.Join(filepath.Dir(os.Args[1]), fmt.Sprintf("swagger-v1.%s.0.json", v)))
		if err != nil {
			panic(err)
		}
		swagger = mergeSwaggerSpecs(legacy, swagger)
	}
	var schemaMap map[string]any
	if err := json.Unmarshal(swagger, &schemaMap); err != nil {
		panic(err)
	}
	spec := gen.PulumiSchema(schemaMap, gen.WithResourceOverlays(gen.ResourceOverlays), gen.WithTypeOverlays(gen.TypeOverlays))
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(spec); err != nil {
		panic(err)
	}
	if err := os.WriteFile(os.Args[2], out.Bytes(), 0o644); err != nil {
		panic(err)
	}
}
EOF
  go build -trimpath -o "$KP_DIR/gen-schema" ./cmd/pulumi-gen-kubernetes
  "$KP_DIR/gen-schema" "$KP_DIR/swagger/swagger-v$K8S_PROVIDER_KUBE.json" cmd/pulumi-resource-kubernetes/schema.json
  # upstream's own go:generate step: versioned schema-embed.json + terraform-mapping-embed.json
  (cd cmd/pulumi-resource-kubernetes && VERSION=$K8S_PROVIDER_VERSION go run generate.go)
  go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_VERSION" \
    -o "$KP_DIR/bin/pulumi-resource-kubernetes.tmp" ./cmd/pulumi-resource-kubernetes
  mv "$KP_DIR/bin/pulumi-resource-kubernetes.tmp" "$KP_DIR/bin/pulumi-resource-kubernetes"
  log "pulumi-resource-kubernetes $K8S_PROVIDER_VERSION built in $(( $(now) - s ))s"
}

# ---------------------------------------------------------------- random provider
build_random_provider() {
  local s; s=$(now)
  mkdir -p "$RP_DIR/bin"; cd "$RP_DIR"
  # github.com/pulumi/pulumi-random/provider/v4 is refused by the proxy (403): build the tag's
  # sources (provider/ incl. its ./shim module; schema.json is in the snapshot).
  rm -rf src
  git_extract "$(git_dir pulumi/pulumi-random)" "$RANDOM_PROVIDER_REF" src provider
  cd src/provider
  # pulumi-terraform-bridge v3.135.0 pins pseudo-versions of pulumi-language-dotnet and
  # pulumi-yaml that the proxy refuses (403); they are only reached through its tfgen/convert
  # packages. The nearest served releases need pulumi pkg >= v3.254.0, whose
  # codegen.DocLanguageHelper gained ResolveDocRef, so pulumi-java must move too:
  # dotnet v3.110.0 + yaml v1.38.0 + java v1.34.0 (pkg/sdk end up at v3.255.0) compiles.
  # (Tried and failed: dotnet v3.107.3 + yaml v1.38.0 -> java v1.32.0/dotnet lack
  # ResolveDocRef; yaml v1.37.0 -> pkghost.New/plugin.NewContext signature mismatch.)
  go mod edit \
    -replace github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3=github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3@v3.110.0 \
    -replace github.com/pulumi/pulumi-yaml=github.com/pulumi/pulumi-yaml@v1.38.0 \
    -replace github.com/pulumi/pulumi-java=github.com/pulumi/pulumi-java@v1.34.0
  (cd cmd/pulumi-resource-random && VERSION=$RANDOM_PROVIDER_VERSION go run generate.go)
  go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version=$RANDOM_PROVIDER_VERSION" \
    -o "$RP_DIR/bin/pulumi-resource-random.tmp" ./cmd/pulumi-resource-random
  mv "$RP_DIR/bin/pulumi-resource-random.tmp" "$RP_DIR/bin/pulumi-resource-random"
  log "pulumi-resource-random $RANDOM_PROVIDER_VERSION built in $(( $(now) - s ))s"
}

# ---------------------------------------------------------------- driver
tools() {
  echo "pulumi $CLI_DIR/bin/pulumi build_cli"
  echo "pulumi-language-nodejs $CLI_DIR/bin/pulumi-language-nodejs build_cli"
  echo "pulumi-resource-kubernetes $KP_DIR/bin/pulumi-resource-kubernetes build_kubernetes_provider"
  [[ "${AP_NO_RANDOM:-}" == 1 ]] || echo "pulumi-resource-random $RP_DIR/bin/pulumi-resource-random build_random_provider"
}

# ensure [build]: link every tool into $BIN (PATH ones are left alone, not linked); with
# "build", missing ones are built first. Returns 1 if something is missing.
ensure() {
  local build=${1:-} name path fn ext missing=0
  mkdir -p "$BIN"
  while read -r name path fn; do
    if ext=$(which_outside_bin "$name"); then
      rm -f "$BIN/$name"; log "$name: using $ext from PATH"; continue
    fi
    if [[ ! -x "$path" && -n "$build" ]]; then
      log "$name: building into $(dirname "$(dirname "$path")") (log: .../build.log)"
      local dir; dir=$(dirname "$(dirname "$path")"); mkdir -p "$dir"
      # Run the build as a separate bash process: errexit must hold inside it, and bash
      # ignores set -e in anything called from an `if`/`||` context (as ensure is).
      local rc=0; "$SELF" __build "$fn" >>"$dir/build.log" 2>&1 || rc=$?
      if (( rc != 0 )); then
        log "$name: BUILD FAILED, see $dir/build.log:"; tail -n 20 "$dir/build.log" >&2
      fi
    fi
    if [[ -x "$path" ]]; then
      ln -sfn "$path" "$BIN/$name"; log "$name: $path"
    else
      rm -f "$BIN/$name"; log "$name: MISSING"; missing=1
    fi
  done < <(tools)
  return $missing
}

# install_plugins: copy the providers built here into $PULUMI_HOME's plugin cache (offline).
install_plugins() {
  local pulumi name ver path home=${PULUMI_HOME:-$HOME/.pulumi}
  pulumi=$(command -v pulumi 2>/dev/null || echo "$BIN/pulumi")
  while read -r name ver path; do
    [[ -x $path ]] || continue
    if [[ -x $home/plugins/resource-$name-v$ver/pulumi-resource-$name ]]; then
      log "plugin $name $ver already in $home/plugins"; continue
    fi
    PULUMI_HOME=$home "$pulumi" plugin install resource "$name" "$ver" -f "$path" >&2
  done <<PLUGINS
kubernetes $K8S_PROVIDER_VERSION $KP_DIR/bin/pulumi-resource-kubernetes
random $RANDOM_PROVIDER_VERSION $RP_DIR/bin/pulumi-resource-random
PLUGINS
}

case "${1:-bin}" in
  bin) ensure build || die "some tools are missing (see above)"; echo "$BIN" ;;
  env) ensure build || die "some tools are missing (see above)"; echo "export PATH=\"$BIN:\$PATH\"" ;;
  check) ensure ;;
  __build) "$2" ;;   # internal: one build function, run by ensure in its own process
  plugins) ensure build || die "some tools are missing (see above)"
    PATH="$BIN:$PATH" install_plugins ;;
  versions)
    echo "pulumi v$PULUMI_VERSION (language host from pulumi/pulumi@${PULUMI_COMMIT:0:12})"
    echo "pulumi-resource-kubernetes $K8S_PROVIDER_VERSION (npm @pulumi/kubernetes $K8S_PROVIDER_VERSION)"
    echo "pulumi-resource-random $RANDOM_PROVIDER_VERSION (npm @pulumi/random $RANDOM_PROVIDER_VERSION)" ;;
  -h|--help|help) sed -n '2,27p' "$0" ;;
  *) die "unknown command $1 (bin|env|check|versions)" ;;
esac
