#!/usr/bin/env bash
# Installs dependencies when package-lock.json changed since the last install, then builds dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
if ! cmp -s package-lock.json node_modules/.installed-lock 2>/dev/null; then
  echo "install: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json node_modules/.installed-lock
fi
npm run --silent build >&2
node scripts/link-self.js
