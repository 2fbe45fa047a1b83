#!/usr/bin/env bash
# `npm run bench -- --resources 100,500,1000 [--latency 20] [--repeat 3]`: the fleet-scale benchmark (prints numbers).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
bash scripts/install.sh
PULUMI_BIN="$(bash scripts/ensure-pulumi.sh)"
export PATH="$PULUMI_BIN:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
mkdir -p .pulumi-test
exec node -r ts-node/register/transpile-only bench/run.ts "$@"
