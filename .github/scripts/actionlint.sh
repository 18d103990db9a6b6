#!/usr/bin/env bash
# npm run lint:workflows: actionlint over .github/workflows/ (syntax, expressions, job and
# action inputs, local composite actions, and the run: scripts through shellcheck when it is
# installed). actionlint is built once from its Go module into the cache; .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=v1.7.12
AP_CACHE=${AP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform}
BIN=$AP_CACHE/actionlint-$VERSION/actionlint

if [[ ! -x $BIN ]]; then
  if ! command -v go >/dev/null; then
    echo "lint:workflows: actionlint $VERSION is not in $BIN and there is no Go toolchain to build it" >&2
    echo "  (install Go, or build github.com/rhysd/actionlint/cmd/actionlint@$VERSION there)" >&2
    exit 1
  fi
  echo "lint:workflows: building actionlint $VERSION into $BIN (once)" >&2
  mkdir -p "$AP_CACHE"
  tmp=$(mktemp -d "$AP_CACHE/actionlint-build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && GOBIN=$tmp nice -n 10 go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION")
  mkdir -p "$(dirname "$BIN")"
  mv "$tmp/actionlint" "$BIN"
fi

if command -v shellcheck >/dev/null; then
  echo "lint:workflows: actionlint $VERSION with $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
else
  echo "lint:workflows: actionlint $VERSION (shellcheck not installed: run: scripts are not linted)"
fi
"$BIN" -no-color "$@"
echo "lint:workflows: $(find .github/workflows -name '*.yml' -o -name '*.yaml' | wc -l | tr -d ' ') workflow files clean"
