#!/usr/bin/env bash
# Mutation testing (`npm run mutate`): Stryker over provider/ and the emulator's auth (auth.ts) and
# store, against the unit tests; then the score per folder and every surviving mutant. Slow (each
# mutant runs the tests that cover it), so it is not part of `npm test`. Incremental: results of
# unchanged code and tests are reused from .stryker-incremental.json, and the summary covers every
# file measured so far.
#   npm run mutate                                    # everything, against every unit test file
#   npm run mutate -- framework                       # one area, against the unit files written for it
#   npm run mutate -- framework --concurrency 2       # any other Stryker option after it
# An area runs only its own test files (MUTATE_TESTS, see vitest.mutate.config.mts): on 2 cores a
# run against every file takes hours, and fewer tests can only kill fewer mutants, so its score is
# a lower bound.
set -euo pipefail
cd "$(dirname "$0")/.."

# area → the files it mutates | the unit test files written for them. A file is in one area only.
# resource.ts, lookup.ts and definition.ts are apart from the rest of the framework because their
# tests load the package inside the test: every module-level line of what they load (a regex, a
# table) then counts as covered by them alone ("hybrid" mutants, which Stryker runs against the
# covering tests only), and the tests that check those lines would not be run for them.
declare -A MUTATE=(
  [client]="provider/client/**/*.ts|http-endpoint,huawei-client,tensorbay-wire,signer,errors,proxy"
  [framework]="provider/framework/*.ts,!provider/framework/*-cli.ts,!provider/framework/resource.ts,!provider/framework/lookup.ts,!provider/framework/definition.ts|await,rest-mapping,runtime-lifecycle,runtime,context,runtime-errors,schema,generators,native-plugin"
  [delivery]="provider/framework/resource.ts,provider/framework/lookup.ts,provider/framework/definition.ts|resource,lookup,runtime-lifecycle,rest-mapping,await,native-plugin,schema"
  [native]="provider/native/plugin.ts|native-plugin,native-plugin-server,native-plugin-standalone"
  [config]="provider/config.ts,provider/registry.ts|config,client,errors"
  [emulator]="emulator/auth.ts,emulator/store.ts|emulator-auth-official,emulator-store"
  [tensorbay]="provider/tensorbay/*.ts,!provider/tensorbay/generated.ts|tensorbay-client,tensorbay-emulator-operations,tensorbay-resources,tensorbay-structure,tensorbay-wire,exactly-once,native-plugin,schema"
  [octopus]="provider/octopus/*.ts,!provider/octopus/generated.ts|octopus-api,octopus-catalog,octopus-check,octopus-datasets,octopus-functions,octopus-import-tasks,octopus-jobs,octopus-packages-ops,octopus-scenes,exactly-once,native-plugin,schema"
  [hilens]="provider/hilens/*.ts,!provider/hilens/generated.ts|hilens-deployments,hilens-devices,hilens-fleet,hilens-gitops,hilens-instances,hilens-keyvalue-runtime,hilens-secret,hilens-workspace,exactly-once,native-plugin,schema"
)
args=("$@")
if [[ $# -gt 0 && -n "${MUTATE[$1]:-}" ]]; then
  IFS="|" read -r files tests <<<"${MUTATE[$1]}"
  export MUTATE_TESTS="$(sed -E 's/([^,]+)/\1.test.ts/g' <<<"$tests")"
  args=(--mutate "$files" "${@:2}")
fi

source scripts/node-env.sh
bash scripts/install.sh
npx stryker run stryker.config.mjs "${args[@]}"
node scripts/mutation-summary.mjs reports/mutation/mutation.json
