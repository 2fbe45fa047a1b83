#!/usr/bin/env bash
# `npm run soak -- --resources 500 --rate 0.1 --seed 42`: the fault soak as a script that prints numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pulumi-env.sh
exec node -r ts-node/register/transpile-only scripts/soak.ts "$@"
