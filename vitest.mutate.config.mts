import { defineConfig } from "vitest/config";

/**
 * What mutation testing (`npm run mutate`) runs against each mutant: the unit tests (no real pulumi
 * CLI). The crash test kills emulator processes of the built CLI (dist/), which mutants never reach.
 * `MUTATE_FAST=1` also leaves out the slow emulator-level files (the fleet's waits, fuzzing, fault
 * mode, the store), which exercise the emulator and the HiLens fleet resources rather than the
 * client or the framework: used for the provider/client and provider/framework runs on 2 cores.
 * `MUTATE_TESTS=a.test.ts,b.test.ts` runs only those files of test/unit (the ones written for the
 * folder mutated): on a loaded machine a run against every file can take hours. Fewer tests can only
 * kill fewer mutants, so the score it reports is a lower bound; a later full run re-tests the survivors.
 */
const slow = ["test/unit/hilens-fleet.test.ts", "test/unit/emulator-fuzz.test.ts", "test/unit/emulator-faults.test.ts", "test/unit/emulator-store.test.ts"];

export default defineConfig({
  test: {
    include: process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(",").map((file) => `test/unit/${file.trim()}`) : ["test/unit/**/*.test.ts"],
    exclude: ["test/unit/emulator-crash.test.ts", ...(process.env.MUTATE_FAST ? slow : [])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
