#!/usr/bin/env bash
# `npm run bench:emulator [-- --levels 0,1000,10000 --samples 400]`: the emulator's create latency by stored objects (numbers, not a test).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
bash scripts/install.sh
exec node -r ts-node/register/transpile-only scripts/bench-emulator.ts "$@"
