#!/usr/bin/env bash
# `npm run soak -- --resources 500 --rate 0.1 --seed 42`: the fault soak as a script that prints numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
bash scripts/install.sh
PULUMI_BIN="$(bash scripts/ensure-pulumi.sh)"
export PATH="$PULUMI_BIN:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
exec node -r ts-node/register/transpile-only scripts/soak.ts "$@"
