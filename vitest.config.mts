import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // End-to-end tests drive the real pulumi CLI: each run takes seconds.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    maxWorkers: 2,
    // scripts/test.sh (`npm test`) runs `unit` with files and tests shuffled (every unit test passes
    // alone and in any order; `--sequence.seed=N` repeats an order) and `e2e` with its files
    // shuffled: an e2e file is one stack's story (create, update, replace, destroy), told in order.
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"] } },
    ],
  },
});
