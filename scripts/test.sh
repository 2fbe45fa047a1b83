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
# Team state: the examples also run with their state in a real PostgreSQL server (Pulumi's
# postgres:// backend), started here and stopped when the tests end.
PG_DIR="$(mktemp -d -t edgeai-postgres-XXXXXX)"
trap 'bash scripts/postgres.sh stop "$PG_DIR"; rm -rf "$PG_DIR"' EXIT
EDGEAI_TEST_POSTGRES_URL="$(bash scripts/postgres.sh start "$PG_DIR" | tail -n 1)"
export EDGEAI_TEST_POSTGRES_URL
npx vitest run "$@"
