#!/usr/bin/env bash
# The main job (`npm start`): starts the embedded emulator and runs a real `pulumi up` of
# examples/hilens-basics against it, then prints the stack outputs. Every run starts fresh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
source scripts/pulumi-env.sh

WORK="$(mktemp -d -t edgeai-main-job-XXXXXX)"
mkdir -p "$WORK/state" "$WORK/home"
PROJECT_ID=0e1d2c3b4a5968778695a4b3c2d1e0f0
ACCESS_KEY=MAINJOBACCESSKEY0001
SECRET_KEY="$(node -e 'console.log(require("node:crypto").randomBytes(24).toString("hex"))')"

node dist/emulator/cli.js --port 0 --data "$WORK/emulator" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" --project-id "$PROJECT_ID" >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
trap 'kill $EMULATOR_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/emulator.log" && break; sleep 0.1; done
URL="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/emulator.log")"
[ -n "$URL" ] || { cat "$WORK/emulator.log"; exit 1; }
echo "main-job: emulator at $URL"

# Credentials reach the provider the way they would on a workstation: the Huawei Terraform
# provider's environment variables (the secret key never appears in config files or state).
export HW_PROJECT_ID="$PROJECT_ID" HW_ACCESS_KEY="$ACCESS_KEY" HW_SECRET_KEY="$SECRET_KEY"
export HW_HILENS_ENDPOINT="$URL" HW_OCTOPUS_ENDPOINT="$URL" HW_IAM_ENDPOINT="$URL"
export PULUMI_BACKEND_URL="file://$WORK/state" PULUMI_HOME="$WORK/home" PULUMI_CONFIG_PASSPHRASE="main-job"
export PULUMI_NODEJS_TRANSPILE_ONLY=true

cd examples/hilens-basics
pulumi stack select --create emulator --non-interactive
pulumi up --yes --non-interactive --diff
echo "main-job: outputs"
pulumi stack output --json
echo "main-job: a second preview must show no changes"
pulumi preview --non-interactive --expect-no-changes
