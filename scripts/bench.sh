#!/usr/bin/env bash
# `npm run bench -- --resources 100,500,1000 [--latency 20] [--repeat 3]`: the fleet-scale benchmark (prints numbers).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pulumi-env.sh
mkdir -p .pulumi-test
exec node -r ts-node/register/transpile-only bench/run.ts "$@"
