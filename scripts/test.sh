#!/usr/bin/env bash
# The test command (`npm test`): installs, builds, makes the real pulumi CLI available, runs vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pulumi-env.sh
rm -rf .pulumi-test
# Team state: the examples also run with their state in a real PostgreSQL server (Pulumi's
# postgres:// backend), started here and stopped when the tests end.
PG_DIR="$(mktemp -d -t edgeai-postgres-XXXXXX)"
trap 'bash scripts/postgres.sh stop "$PG_DIR"; rm -rf "$PG_DIR"' EXIT
EDGEAI_TEST_POSTGRES_URL="$(bash scripts/postgres.sh start "$PG_DIR" | tail -n 1)"
export EDGEAI_TEST_POSTGRES_URL
if [ $# -gt 0 ]; then
  npx vitest run "$@"
else
  # Order independence: unit files and tests in a random order on every run, e2e files in a random
  # order (each file's story in its own). The seed is printed; TEST_SEED=N npm test repeats an order.
  SEED="${TEST_SEED:-$((RANDOM * 32768 + RANDOM))}"
  echo "test order seed: $SEED"
  mkdir -p .pulumi-test
  status=0
  npx vitest run --project unit --sequence.shuffle --sequence.seed="$SEED" --reporter=default --reporter=json --outputFile.json=.pulumi-test/unit.json || status=$?
  if [ "$status" = 0 ]; then
    npx vitest run --project e2e --sequence.shuffle.files --sequence.shuffle.tests=false --sequence.seed="$SEED" --reporter=default --reporter=json --outputFile.json=.pulumi-test/e2e.json || status=$?
  fi
  # One closing line for both runs, in the plain form any CI reads.
  node -e 'const fs = require("node:fs"); let p = 0, f = 0; for (const file of process.argv.slice(1)) if (fs.existsSync(file)) { const r = JSON.parse(fs.readFileSync(file, "utf8")); p += r.numPassedTests; f += r.numFailedTests; } console.log(`${p} passed, ${f} failed`);' .pulumi-test/unit.json .pulumi-test/e2e.json
  exit "$status"
fi
