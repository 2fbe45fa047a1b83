// Mutation testing (`npm run mutate`, not part of `npm test`): see scripts/mutate.sh.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.mts", related: false },
  coverageAnalysis: "perTest",
  // Generated files (provider/*/generated.ts, provider/native/<service>.ts) are left out: their behaviour is
  // their generator's (provider/framework/typescript.ts, mutated here), and the staleness test refuses any change to them.
  mutate: ["provider/**/*.ts", "emulator/auth.ts", "emulator/store.ts", "!provider/**/*-cli.ts", "!provider/*/generated.ts", "!provider/native/{hilens,octopus,tensorbay}.ts"],
  // Static mutants (module-level code: constants, tables) need every test re-run per mutant, ~90% of
  // the run time on this machine; they are reported as ignored. `npm run mutate -- --ignoreStatic false` counts them.
  ignoreStatic: true,
  // Vitest does not type-check, so mutated files need no `// @ts-nocheck`; Stryker's default would add
  // it to every file, generated.ts included, which the generated-files staleness test then refuses.
  disableTypeChecks: false,
  incremental: true,
  incrementalFile: ".stryker-incremental.json",
  concurrency: 1,
  timeoutMS: 20000,
  reporters: ["clear-text", "json", "progress-append-only"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  ignorePatterns: [".pulumi-test", ".scratch", ".edgeai-emulator", "dist", "reports", ".stryker-incremental.json"],
  cleanTempDir: "always",
};
