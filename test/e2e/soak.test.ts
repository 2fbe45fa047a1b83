import { describe, expect, it } from "vitest";
import { runSoak } from "../soak/soak";

describe("a fleet across the three services converges under faults (real CLI, emulator fault mode)", () => {
  it("64 resources, 10% of requests throttled, failed, reset or answered and lost: ≤ 2 ups, nothing duplicated, orphaned or lost; destroy leaves nothing", async () => {
    const lines: string[] = [];
    const result = await runSoak({ resources: 64, rate: 0.1, seed: 20261130, log: (line) => lines.push(line) });
    const report = `${JSON.stringify(result)}\n${lines.join("\n")}`;
    // The run really was under faults, lost answers among them.
    expect(result.faults.lost ?? 0, report).toBeGreaterThan(0);
    expect(Object.values(result.faults).reduce((a, b) => a + b, 0), report).toBeGreaterThanOrEqual(5);
    // Retries and look-ups after lost answers show in the run's output.
    expect(result.reported.retries, report).toBeGreaterThan(0);
    expect(result.reported.lookups, report).toBeGreaterThan(0);
    expect(result.upRuns, report).toBeGreaterThanOrEqual(1);
    expect(result.upRuns, report).toBeLessThanOrEqual(2);
    expect({ missingFromState: result.missingFromState, duplicates: result.duplicates, orphans: result.orphans, lost: result.lost }, report).toEqual({ missingFromState: 0, duplicates: 0, orphans: 0, lost: 0 });
    expect(result.destroyRuns, report).toBeGreaterThanOrEqual(1);
    expect(result.leftovers, report).toBe(0);
  });
});
