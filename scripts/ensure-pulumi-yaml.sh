#!/usr/bin/env bash
# ensure-pulumi-yaml.sh — make the Pulumi YAML language host available (for Pulumi.yaml programs
# on the native `edgeai` plugin, e.g. examples/yaml-fleet).
#
# Provides pulumi-language-yaml (github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml) at
# PULUMI_YAML_VERSION (default v1.25.0). Prints the directory to prepend to PATH as the LAST
# line of stdout; progress goes to stderr:
#   PATH="$(bash scripts/ensure-pulumi-yaml.sh):$PATH"
#
# Order of preference, as scripts/ensure-pulumi.sh does for the CLI:
#   1. the per-version cache ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-edgeai/pulumi-yaml-<version>/bin/
#   2. a build from Go modules with the machine's `go` (module proxy only) into that cache.
#
# The module is built with its own go.mod pins (pkg/sdk v3.206.0 for v1.25.0): it does not
# compile against the CLI's v3.259.0 (API changes in schema.NewPluginLoader and
# plugin.NewContextWithRoot). The host talks to the newer CLI over gRPC all the same.
#
# Environment knobs: PULUMI_YAML_VERSION, ENSURE_PULUMI_REBUILD=1 (rebuild), GO (go binary).
set -euo pipefail
exec 3>&1 1>&2

log() { printf '[ensure-pulumi-yaml] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

VERSION="${PULUMI_YAML_VERSION:-v1.25.0}"
MOD="github.com/pulumi/pulumi-yaml"
PKG="$MOD/cmd/pulumi-language-yaml"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-edgeai"
PREFIX="$CACHE_ROOT/pulumi-yaml-$VERSION"
BIN="$PREFIX/bin"

cached() { [[ -x "$BIN/pulumi-language-yaml" ]]; }

if [[ "${ENSURE_PULUMI_REBUILD:-0}" != 1 ]] && cached; then
  log "using cached pulumi-language-yaml $VERSION ($BIN)"
  printf '%s\n' "$BIN" >&3
  exit 0
fi

mkdir -p "$CACHE_ROOT"
# One builder at a time per cache; a waiting run reuses what the first built.
exec 9>"$CACHE_ROOT/.lock-yaml-$VERSION"
flock 9
if [[ "${ENSURE_PULUMI_REBUILD:-0}" != 1 ]] && cached; then
  log "using cached pulumi-language-yaml $VERSION ($BIN)"
  printf '%s\n' "$BIN" >&3
  exit 0
fi

GO="${GO:-$(command -v go || true)}"
[[ -n "$GO" ]] || GO=/usr/local/go/bin/go
[[ -x "$GO" ]] || die "no Go toolchain found (set GO=/path/to/go)"
export GOWORK=off GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ensure-pulumi-yaml.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# A throwaway main module that requires pulumi-yaml: minimal version selection keeps its own pins.
printf 'module pulumi-edgeai.local/yaml-build\n\ngo 1.24\n' >go.mod
log "resolving $PKG@$VERSION (Go module proxy)"
"$GO" get "$PKG@$VERSION" >"$WORK/get.log" 2>&1 || { tail -n 40 "$WORK/get.log" >&2; die "go get failed"; }
log "go build $PKG (a few minutes cold on a small machine)"
start=$SECONDS
"$GO" build -trimpath -tags osusergo,grpcnotrace -ldflags "-X $MOD/pkg/version.Version=${VERSION#v}" \
  -o "$WORK/bin/pulumi-language-yaml" "$PKG" >"$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log" >&2; die "go build failed"; }
log "built in $((SECONDS - start))s"

mkdir -p "$PREFIX"
rm -rf "$BIN"
mv "$WORK/bin" "$BIN"
printf 'pulumi-language-yaml %s@%s\ngo %s\nbuilt %s\n' "$PKG" "$VERSION" "$("$GO" version)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$PREFIX/BUILD-INFO"
log "installed into $BIN"
printf '%s\n' "$BIN" >&3
