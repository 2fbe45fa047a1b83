#!/usr/bin/env bash
# The test command (`npm test`): installs, builds, makes the real pulumi CLI available, runs vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
bash scripts/install.sh
PULUMI_BIN="$(bash scripts/ensure-pulumi.sh)"
export PATH="$PULUMI_BIN:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
rm -rf .pulumi-test
exec npx vitest run "$@"
