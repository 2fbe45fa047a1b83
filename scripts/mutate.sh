#!/usr/bin/env bash
# Mutation testing (`npm run mutate`): Stryker over provider/ and the emulator's auth (auth.ts) and
# store, against the unit tests; then the score per folder and every surviving mutant. Slow (each
# mutant runs the tests that cover it), so it is not part of `npm test`. Incremental: results of
# unchanged code and tests are reused from .stryker-incremental.json.
#   npm run mutate                                    # everything
#   npm run mutate -- --mutate 'provider/client/**/*.ts'   # one folder
#   npm run mutate -- --concurrency 2                 # any other Stryker option
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
bash scripts/install.sh
npx stryker run stryker.config.mjs "$@"
node scripts/mutation-summary.mjs reports/mutation/mutation.json
