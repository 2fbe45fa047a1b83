#!/usr/bin/env bash
# ensure-pulumi.sh — make the real Pulumi CLI available for this project.
#
# Provides, at the version of the @pulumi/pulumi npm dependency:
#   pulumi                         the CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
#   pulumi-language-nodejs         the Node.js language host
#   pulumi-resource-pulumi-nodejs  the dynamic-provider plugin (a shell shim)
#
# Prints the directory to prepend to PATH as the LAST line of stdout; progress
# goes to stderr. Typical use:
#   PATH="$(bash scripts/ensure-pulumi.sh):$PATH"
#
# Order of preference:
#   1. `pulumi` on PATH already prints v<version> and `pulumi-language-nodejs`
#      is on PATH: use that directory, build nothing.
#   2. The per-version cache
#      ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-edgeai/pulumi-v<version>/bin/
#      holds all three: use it.
#   3. Build from Go modules with the machine's `go` (module proxy only, no
#      other downloads) into that cache, then use it.
#
# Language host: the Go module github.com/pulumi/pulumi/sdk/nodejs/cmd/
# pulumi-language-nodejs/v3 has no release tags, and the module proxy reachable
# here refuses every version of it. Unless PULUMI_LANGHOST_PSEUDO_VERSION names a
# version of that module the proxy serves, the host is built from the last
# release that still shipped it inside the sdk module
# (github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs, see
# LEGACY_LANGHOST_SDK below). That host speaks the same gRPC LanguageRuntime
# protocol, and the newer CLI falls back to the older calls it answers.
#
# Environment knobs:
#   PULUMI_LANGHOST_PSEUDO_VERSION  version of the split language-host module to
#                                   build instead of the legacy one
#   ENSURE_PULUMI_REBUILD=1         ignore PATH and cache, rebuild
#   GO                              go binary (default: `go` on PATH, else
#                                   /usr/local/go/bin/go)
set -euo pipefail

# Everything except the final answer goes to stderr.
exec 3>&1 1>&2

log() { printf '[ensure-pulumi] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Last sdk/v3 release that still contained nodejs/cmd/pulumi-language-nodejs
# (it moved into its own, untagged module in v3.69.0), and the non-local
# replace directive of that release's go.mod.
LEGACY_LANGHOST_SDK="v3.68.0"
LEGACY_LANGHOST_REPLACE="golang.org/x/text => golang.org/x/text v0.3.6"

CLI_PKG="github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
LANGHOST_MOD="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
LEGACY_LANGHOST_PKG="github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
VERSION_VAR="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
CLIPBOARD_REPLACE="github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"
BUILD_TAGS="osusergo,grpcnotrace"

# ---------------------------------------------------------------- version ---
json_field() { # json_field FILE EXPR  (EXPR evaluated on the parsed object `p`)
  if command -v node >/dev/null 2>&1; then
    node -e 'const p=require(process.argv[1]); const v=eval(process.argv[2]); if (v) console.log(v)' "$1" "$2" 2>/dev/null || true
  fi
}

pulumi_npm_version() {
  local v="" pj="$ROOT/node_modules/@pulumi/pulumi/package.json"
  if [[ -f "$pj" ]]; then
    v="$(json_field "$pj" 'p.version')"
    [[ -n "$v" ]] || v="$(sed -n 's/^[[:space:]]*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$pj" | head -n1)"
  fi
  if [[ -z "$v" ]]; then
    pj="$ROOT/package.json"
    [[ -f "$pj" ]] || die "no package.json at $ROOT"
    v="$(json_field "$pj" '(p.dependencies||{})["@pulumi/pulumi"] || (p.devDependencies||{})["@pulumi/pulumi"]')"
    [[ -n "$v" ]] || v="$(sed -n 's/.*"@pulumi\/pulumi"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$pj" | head -n1)"
    v="${v#[~^=v]}"
  fi
  [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot determine an exact @pulumi/pulumi version (got '${v}')"
  printf '%s\n' "$v"
}

VERSION="$(pulumi_npm_version)"
log "@pulumi/pulumi version: $VERSION"

# ------------------------------------------------------ 1. already on PATH ---
# All three are needed: the CLI at the pinned version, a language host, and the dynamic-provider
# plugin; anything less falls through to the cache or a build.
if [[ "${ENSURE_PULUMI_REBUILD:-0}" != 1 ]] && command -v pulumi >/dev/null 2>&1 \
   && command -v pulumi-language-nodejs >/dev/null 2>&1 && command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; then
  have="$(PULUMI_SKIP_UPDATE_CHECK=1 pulumi version 2>/dev/null | head -n1 || true)"
  if [[ "$have" == "v$VERSION" ]]; then
    dir="$(cd "$(dirname "$(command -v pulumi)")" && pwd)"
    log "using pulumi $have already on PATH ($dir)"
    printf '%s\n' "$dir" >&3
    exit 0
  fi
fi

# --------------------------------------------------------------- 2. cache ---
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-edgeai"
PREFIX="$CACHE_ROOT/pulumi-v$VERSION"
BIN="$PREFIX/bin"

cache_complete() {
  [[ -x "$BIN/pulumi" && -x "$BIN/pulumi-language-nodejs" && -x "$BIN/pulumi-resource-pulumi-nodejs" ]]
}

if [[ "${ENSURE_PULUMI_REBUILD:-0}" != 1 ]] && cache_complete; then
  log "using cached pulumi v$VERSION ($BIN)"
  printf '%s\n' "$BIN" >&3
  exit 0
fi

# --------------------------------------------------------------- 3. build ---
mkdir -p "$CACHE_ROOT"
# One builder at a time per cache; a waiting run reuses what the first built.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/.lock-v$VERSION"
  if ! flock -n 9; then
    log "another ensure-pulumi run is building v$VERSION; waiting for it"
    flock 9
  fi
  if [[ "${ENSURE_PULUMI_REBUILD:-0}" != 1 ]] && cache_complete; then
    log "using cached pulumi v$VERSION ($BIN)"
    printf '%s\n' "$BIN" >&3
    exit 0
  fi
fi

GO="${GO:-$(command -v go || true)}"
[[ -n "$GO" ]] || GO=/usr/local/go/bin/go
[[ -x "$GO" ]] || die "no Go toolchain found (set GO=/path/to/go)"
log "building pulumi v$VERSION with $("$GO" version)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ensure-pulumi.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
STAGE="$WORK/bin"
mkdir -p "$STAGE"

export GOWORK=off GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"

# go_build OUT PKG VERSION_STAMP — run `go build -v` in the current module,
# printing a heartbeat with the number of packages compiled so far.
go_build() {
  local out="$1" pkg="$2" stamp="$3" blog="$WORK/build-$(basename "$1").log" pid start=$SECONDS
  local next=$((SECONDS + 20))
  log "go build $pkg (compiles a lot on a small machine; progress every 20s)"
  "$GO" build -v -trimpath -tags "$BUILD_TAGS" -ldflags "-X $VERSION_VAR=$stamp" -o "$out" "$pkg" >"$blog" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( SECONDS >= next )); then
      log "  ... $(basename "$out"): $(wc -l <"$blog" | tr -d ' ') packages compiled, $((SECONDS - start))s elapsed"
      next=$((SECONDS + 20))
    fi
  done
  if ! wait "$pid"; then
    tail -n 40 "$blog" >&2
    die "go build $pkg failed (full log above, last 40 lines)"
  fi
  log "built $(basename "$out") in $((SECONDS - start))s"
}

# go_get ARGS... — `go get` in the current module; its long "go: added ..."
# listing is kept in a log and shown only if it fails.
go_get() {
  local glog="$WORK/get-$RANDOM.log"
  if ! "$GO" get "$@" >"$glog" 2>&1; then
    tail -n 40 "$glog" >&2
    die "go get $* failed"
  fi
  log "  resolved $(grep -c '^go: added' "$glog" || true) modules"
}

# new_module DIR NAME GOVERSION [REPLACE] — a throwaway main module.
new_module() {
  mkdir -p "$1"
  printf 'module %s\n\ngo %s\n' "$2" "$3" >"$1/go.mod"
  [[ -z "${4:-}" ]] || printf '\nreplace %s\n' "$4" >>"$1/go.mod"
}

# -- CLI (and, if requested, the split language-host module) ----------------
CLI_DIR="$WORK/cli"
new_module "$CLI_DIR" "pulumi-edgeai.local/pulumi-build" "1.25" "$CLIPBOARD_REPLACE"
(
  cd "$CLI_DIR"
  log "resolving $CLI_PKG@v$VERSION (Go module proxy)"
  go_get "$CLI_PKG@v$VERSION" "github.com/pulumi/pulumi/sdk/v3@v$VERSION"
  go_build "$STAGE/pulumi" "$CLI_PKG" "v$VERSION"
)

LANGHOST_DESC=""
if [[ -n "${PULUMI_LANGHOST_PSEUDO_VERSION:-}" ]]; then
  (
    cd "$CLI_DIR"
    log "resolving $LANGHOST_MOD@$PULUMI_LANGHOST_PSEUDO_VERSION (Go module proxy)"
    go_get "$LANGHOST_MOD@$PULUMI_LANGHOST_PSEUDO_VERSION" \
      "github.com/pulumi/pulumi/pkg/v3@v$VERSION" "github.com/pulumi/pulumi/sdk/v3@v$VERSION"
    go_build "$STAGE/pulumi-language-nodejs" "$LANGHOST_MOD" "v$VERSION"
  )
  LANGHOST_DESC="$LANGHOST_MOD@$PULUMI_LANGHOST_PSEUDO_VERSION"
else
  LH_DIR="$WORK/langhost"
  new_module "$LH_DIR" "pulumi-edgeai.local/langhost-build" "1.18" "$LEGACY_LANGHOST_REPLACE"
  (
    cd "$LH_DIR"
    log "resolving $LEGACY_LANGHOST_PKG@$LEGACY_LANGHOST_SDK (legacy in-sdk language host)"
    go_get "$LEGACY_LANGHOST_PKG@$LEGACY_LANGHOST_SDK"
    go_build "$STAGE/pulumi-language-nodejs" "$LEGACY_LANGHOST_PKG" "$LEGACY_LANGHOST_SDK"
  )
  LANGHOST_DESC="$LEGACY_LANGHOST_PKG@$LEGACY_LANGHOST_SDK"
fi

# -- dynamic-provider plugin --------------------------------------------------
# @pulumi/pulumi ships the shim at its package root; reuse it when installed.
SHIM_SRC="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [[ -f "$SHIM_SRC" ]]; then
  cp "$SHIM_SRC" "$STAGE/pulumi-resource-pulumi-nodejs"
  log "pulumi-resource-pulumi-nodejs: copied from node_modules/@pulumi/pulumi"
else
  # Same behaviour as sdk/nodejs/dist/pulumi-resource-pulumi-nodejs: resolve the
  # dynamic-provider entry point from the program directory (the cwd) and run it.
  cat >"$STAGE/pulumi-resource-pulumi-nodejs" <<'EOF'
#!/bin/sh
PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")
if [ ! -z "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then
    exec node "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" "$@"
fi
EOF
  log "pulumi-resource-pulumi-nodejs: wrote shim (node_modules not installed)"
fi
chmod 0755 "$STAGE"/*

# -- install into the cache -----------------------------------------------------
got="$("$STAGE/pulumi" version 2>/dev/null | head -n1 || true)"
[[ "$got" == "v$VERSION" ]] || die "built pulumi reports '$got', expected v$VERSION"

mkdir -p "$PREFIX"
rm -rf "$PREFIX/bin.new"
mv "$STAGE" "$PREFIX/bin.new"
rm -rf "$BIN"
mv "$PREFIX/bin.new" "$BIN"
cat >"$PREFIX/BUILD-INFO" <<EOF
pulumi                        $CLI_PKG@v$VERSION
pulumi-language-nodejs        $LANGHOST_DESC
pulumi-resource-pulumi-nodejs shell shim (dynamic provider)
go                            $("$GO" version)
built                         $(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
log "installed pulumi v$VERSION into $BIN"
printf '%s\n' "$BIN" >&3
