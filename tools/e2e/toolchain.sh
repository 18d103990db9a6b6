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
#   AP_TOOLCHAIN_SRC    dir with the checksummed source archives and their SHA256SUMS
#                       (default: shared/toolchain-src next to the checkout, if it exists)
#   AP_GIT_MIRROR       dir with <owner>+<name>/repo bare git snapshots (no default)
#   AP_NO_NETWORK=1     skip `pulumi plugin install` from the network
#
# Where each tool comes from, first match wins (every run says which, per tool):
#   1. PATH (a normal Pulumi install)
#   2. providers only: the Pulumi plugin cache ($PULUMI_HOME/plugins or ~/.pulumi/plugins)
#      at the pinned version
#   3. this cache, built by an earlier run
#   4. providers only: `pulumi plugin install resource NAME VERSION` (official binaries;
#      fails fast without network)
#   5. a build from Go sources: modules from the Go proxy; the sources the proxy refuses from
#      $AP_TOOLCHAIN_SRC archives (sha256-verified), else $AP_GIT_MIRROR, else a git clone
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
AP_GIT_MIRROR=${AP_GIT_MIRROR:-}
BIN=$AP_CACHE/bin
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
# The archives ship beside the checkout (../shared/toolchain-src of the repo root).
TOOLCHAIN_SRC=${AP_TOOLCHAIN_SRC:-$(cd "$HERE/../../.." && pwd)/shared/toolchain-src}
PLUGIN_HOME=${PULUMI_HOME:-$HOME/.pulumi}

CLI_DIR=$AP_CACHE/pulumi-cli-v$PULUMI_VERSION
KP_DIR=$AP_CACHE/pulumi-resource-kubernetes-v$K8S_PROVIDER_VERSION
RP_DIR=$AP_CACHE/pulumi-resource-random-v$RANDOM_PROVIDER_VERSION

export CGO_ENABLED=0
export GOFLAGS="-mod=mod -p=${AP_GO_PARALLEL:-2}"
# The checksum database has no entry for some versions the proxy serves (404 on lookup).
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi-kubernetes,github.com/pulumi/pulumi-dotnet,github.com/pulumi/pulumi-yaml"

log() { echo "toolchain: $*" >&2; }
die() { echo "toolchain: ERROR: $*" >&2; exit 1; }
# shellcheck source=tools/e2e/lib.sh
source "$HERE/lib.sh"

# which_outside_bin TOOL: path of TOOL on PATH, ignoring our own bin dir.
which_outside_bin() {
  local p IFS=:
  for p in $PATH; do
    [[ -z "$p" || "$(cd "$p" 2>/dev/null && pwd -P)" == "$(cd "$BIN" 2>/dev/null && pwd -P)" ]] && continue
    if [[ -x "$p/$1" && ! -d "$p/$1" ]]; then echo "$p/$1"; return 0; fi
  done
  return 1
}

# source_tree OWNER/NAME REF ARCHIVE DEST PATH...: the files of OWNER/NAME at REF under PATH...,
# written into DEST (laid out as in the repository). Taken from $TOOLCHAIN_SRC/ARCHIVE.tar.gz
# when it is there (its SHA256SUMS line must match), else from a git snapshot in
# $AP_GIT_MIRROR, else from a blob-less clone of github.com.
source_tree() {
  local repo=$1 ref=$2 archive=$3 dest=$4; shift 4
  local file=$TOOLCHAIN_SRC/$archive.tar.gz
  rm -rf "$dest"; mkdir -p "$dest"
  if [[ -f $file ]]; then
    local sum
    sum=$(grep -E "[[:space:]]\*?$archive\.tar\.gz\$" "$TOOLCHAIN_SRC/SHA256SUMS" 2>/dev/null) ||
      die "$file has no line in $TOOLCHAIN_SRC/SHA256SUMS"
    (cd "$TOOLCHAIN_SRC" && sha256sum -c --quiet - <<<"$sum" >&2) || die "$file: checksum mismatch"
    log "sources of $repo@$ref: $file (sha256 verified)"
    local p; for p in "$@"; do
      tar -xzf "$file" -C "$dest" --strip-components=1 "$archive/$p" || die "$p not in $file"
    done
    return
  fi
  local g
  if [[ -n $AP_GIT_MIRROR && -d $AP_GIT_MIRROR/${repo/\//+}/repo ]]; then
    g=$AP_GIT_MIRROR/${repo/\//+}/repo; log "sources of $repo@$ref: git snapshot $g"
  else
    g=$AP_CACHE/src/${repo/\//+}.git
    if [[ ! -d $g ]]; then
      log "sources of $repo@$ref: no archive in $TOOLCHAIN_SRC and no snapshot; cloning https://github.com/$repo (blob-less)"
      git clone -q --bare --filter=blob:none "https://github.com/$repo" "$g.tmp" >&2 ||
        { rm -rf "$g.tmp"; die "cannot clone $repo: set AP_TOOLCHAIN_SRC to a directory with $archive.tar.gz (see tools/e2e/README.md)"; }
      mv "$g.tmp" "$g"
    fi
  fi
  git --git-dir="$g" rev-parse -q --verify "$ref^{commit}" >/dev/null || die "$ref not in $g"
  local mode type obj path
  git --git-dir="$g" ls-tree -r "$ref" -- "$@" | while read -r mode type obj path; do
    [[ $type == blob ]] || continue
    mkdir -p "$dest/$(dirname "$path")"
    # Snapshots may lack their largest blobs; the builds below regenerate or do not need them.
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
      local f
      source_tree pulumi/pulumi "$PULUMI_COMMIT" "pulumi-${PULUMI_COMMIT:0:12}" langhost-src sdk/nodejs/cmd/pulumi-language-nodejs
      for f in langhost-src/sdk/nodejs/cmd/pulumi-language-nodejs/*.go; do
        [[ $f != *_test.go && $f != *_windows.go ]] && cp "$f" langhost/
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
  source_tree pulumi/pulumi-kubernetes "$K8S_PROVIDER_REF" "pulumi-kubernetes-$K8S_PROVIDER_REF" src provider
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
  source_tree pulumi/pulumi-random "$RANDOM_PROVIDER_REF" "pulumi-random-$RANDOM_PROVIDER_REF" src provider
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
# NAME PLUGIN VERSION CACHED-PATH BUILD-FN (PLUGIN/VERSION "-" for tools that are not providers)
tools() {
  echo "pulumi - - $CLI_DIR/bin/pulumi build_cli"
  echo "pulumi-language-nodejs - - $CLI_DIR/bin/pulumi-language-nodejs build_cli"
  echo "pulumi-resource-kubernetes kubernetes $K8S_PROVIDER_VERSION $KP_DIR/bin/pulumi-resource-kubernetes build_kubernetes_provider"
  [[ "${AP_NO_RANDOM:-}" == 1 ]] || echo "pulumi-resource-random random $RANDOM_PROVIDER_VERSION $RP_DIR/bin/pulumi-resource-random build_random_provider"
}

# plugin_cache_path PLUGIN VERSION: the provider binary in a Pulumi plugin cache, if installed.
plugin_cache_path() {
  local home
  for home in ${PULUMI_HOME:+"$PULUMI_HOME"} "$HOME/.pulumi"; do
    if [[ -x $home/plugins/resource-$1-v$2/pulumi-resource-$1 ]]; then
      echo "$home/plugins/resource-$1-v$2/pulumi-resource-$1"; return 0
    fi
  done
  return 1
}

# network_install PLUGIN VERSION: official binaries via `pulumi plugin install` (needs
# get.pulumi.com or GitHub; on an offline machine it fails within the timeout).
network_install() {
  [[ ${AP_NO_NETWORK:-} == 1 ]] && return 1
  local pulumi; pulumi=$(command -v pulumi 2>/dev/null || echo "$BIN/pulumi")
  [[ -x $pulumi ]] || return 1
  log "$1: trying \`pulumi plugin install resource $1 $2\` (official binaries)"
  if timeout "${AP_PLUGIN_INSTALL_TIMEOUT:-90}" "$pulumi" plugin install resource "$1" "$2" --non-interactive >&2 2>&1; then
    return 0
  fi
  log "$1: not installable from the network here; building from source instead"
  return 1
}

# ensure [build]: link every tool into $BIN (PATH ones are left alone, not linked), saying where
# each comes from; with "build", missing ones are installed or built first. Returns 1 if
# something is missing.
ensure() {
  local build=${1:-} name plugin ver path fn ext found missing=0
  mkdir -p "$BIN"
  while read -r name plugin ver path fn; do
    if ext=$(which_outside_bin "$name"); then
      rm -f "$BIN/$name"; log "$name: from PATH ($ext)"; continue
    fi
    found=""
    if [[ $plugin != - ]] && found=$(plugin_cache_path "$plugin" "$ver"); then
      log "$name: from the Pulumi plugin cache ($found)"
    elif [[ -x $path ]]; then
      found=$path; log "$name: from this cache ($path)"
    elif [[ -n $build ]]; then
      if [[ $plugin != - ]] && network_install "$plugin" "$ver" && found=$(plugin_cache_path "$plugin" "$ver"); then
        log "$name: installed official binaries ($found)"
      elif run_build "$name" "$(dirname "$(dirname "$path")")" "$fn" && [[ -x $path ]]; then
        found=$path
      fi
    fi
    if [[ -n $found ]]; then
      ln -sfn "$found" "$BIN/$name"
    else
      rm -f "$BIN/$name"; log "$name: MISSING"; missing=1
    fi
  done < <(tools)
  return $missing
}

# install_plugins: put the providers in use (built here, from PATH or from the user's plugin
# cache) into $PULUMI_HOME's plugin cache, offline, so runs can ignore ambient plugins.
install_plugins() {
  local pulumi name ver path home=${PULUMI_HOME:-$HOME/.pulumi}
  pulumi=$(command -v pulumi)
  while read -r name ver; do
    path=$(command -v "pulumi-resource-$name") || continue
    if [[ -x $home/plugins/resource-$name-v$ver/pulumi-resource-$name ]]; then
      log "plugin $name $ver already in $home/plugins"; continue
    fi
    PULUMI_HOME=$home "$pulumi" plugin install resource "$name" "$ver" -f "$(readlink -f "$path")" >&2
  done <<PLUGINS
kubernetes $K8S_PROVIDER_VERSION
random $RANDOM_PROVIDER_VERSION
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
