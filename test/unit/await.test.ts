/**
 * Waiting for asynchronous objects (provider/framework/await.ts): `customTimeouts` as the wait
 * limit, and what a wait prints and answers. The clock is Vitest's fake one: the waits take no time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { awaitTimeoutsField, awaitTimeoutsOf, durationMs, skipAwaitField, timeoutFor, waitFor, Observation } from "../../provider/framework/await";
import type { Context } from "../../provider/framework/definition";

describe("customTimeouts as wait limits", () => {
  it("take Go durations, summing every part", () => {
    expect(durationMs("30s")).toBe(30_000);
    expect(durationMs("1h30m")).toBe(5_400_000);
    expect(durationMs("1.5h")).toBe(5_400_000);
    expect(durationMs("1.25h")).toBe(4_500_000);
    expect(durationMs("250ms")).toBe(250);
    expect(durationMs("2m10s500ms")).toBe(130_500);
  });

  it("refuse anything else, saying what a duration looks like", () => {
    const result = awaitTimeoutsField.safeParse({ create: "10 minutes" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["create"], message: 'must be a duration such as "30s", "5m" or "1h30m"' });
    expect(awaitTimeoutsField.safeParse({ create: "5m", update: "1h30m", delete: "1.5s" }).success).toBe(true);
    expect(awaitTimeoutsField.safeParse({ delete: "5mx" }).success).toBe(false);
    expect(awaitTimeoutsField.safeParse({ delete: "x5m" }).success).toBe(false);
    expect(skipAwaitField.parse(undefined)).toBe(false);
  });

  it("apply per operation, falling back to the resource's default", () => {
    expect(timeoutFor({ awaitTimeouts: { create: "2m" } }, "create", 1_000)).toBe(120_000);
    expect(timeoutFor({ awaitTimeouts: { create: "2m" } }, "delete", 1_000)).toBe(1_000);
    expect(timeoutFor({}, "update", 7)).toBe(7);
  });

  it("are copied from customTimeouts only for the operations it sets", () => {
    expect(awaitTimeoutsOf({ create: "5m", delete: "" })).toEqual({ create: "5m" });
    expect(awaitTimeoutsOf({ update: "1m" })).toEqual({ update: "1m" });
    expect(awaitTimeoutsOf({})).toBeUndefined();
    expect(awaitTimeoutsOf(undefined)).toBeUndefined();
  });
});

describe("a wait", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-11-30T00:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A context whose progress lines are kept, and an observer answering `script` in turn (its last answer repeats). */
  function setUp(script: Partial<Observation<string>>[]) {
    const lines: string[] = [];
    const ctx = { log: (m: string) => lines.push(m) } as unknown as Context;
    const polledAt: number[] = [];
    const start = Date.now();
    const observe = async () => {
      polledAt.push(Date.now() - start);
      const next = script.length > 1 ? script.shift()! : script[0];
      return { done: false, status: "pending", value: "v", ...next };
    };
    return { ctx, lines, polledAt, observe };
  }

  it("polls every 250 ms, doubling up to 2 s, and prints a status when it changes", async () => {
    const { ctx, lines, polledAt, observe } = setUp([{}, {}, { status: "RUNNING" }, {}, {}, {}, { done: true, status: "READY", value: "final" }]);
    const result = waitFor(ctx, "deployment d1", 60_000, observe);
    await vi.runAllTimersAsync();
    expect(await result).toEqual({ ok: true, value: "final" });
    expect(polledAt).toEqual([0, 250, 750, 1750, 3750, 5750, 7750]);
    expect(lines).toEqual(["deployment d1: pending (0s)", "deployment d1: RUNNING (1s)", "deployment d1: pending (2s)", "deployment d1: READY (8s)"]);
  });

  it("prints an unchanged status again every 10 s", async () => {
    // Polled at 0, 0.25, 0.75, 1.75, 3.75, 5.75, 7.75, 9.75, 11.75, 13.75 and 15.75 s.
    const { ctx, lines, observe } = setUp([...Array.from({ length: 10 }, () => ({})), { done: true }]);
    const result = waitFor(ctx, "job 7", 60_000, observe);
    await vi.runAllTimersAsync();
    await result;
    expect(lines).toEqual(["job 7: pending (0s)", "job 7: pending (12s)"]);
  });

  it("prints an unchanged status again exactly 10 s after it was last printed", async () => {
    // With a 10 s limit the last poll comes at exactly 10 s (after 9.75 s, the rest of the limit).
    const { ctx, lines, polledAt, observe } = setUp([{}]);
    const result = waitFor(ctx, "job 8", 10_000, observe);
    await vi.runAllTimersAsync();
    expect(await result).toMatchObject({ ok: false, reason: "timed out after 10s waiting (last seen: pending)" });
    expect(polledAt.at(-1)).toBe(10_000);
    expect(lines).toEqual(["job 8: pending (0s)", "job 8: pending (10s)"]);
  });

  it("ends with the service's reason when the object fails", async () => {
    const { ctx, observe } = setUp([{}, { status: "FAILED", failure: "image pull failed", value: "last" }]);
    const result = waitFor(ctx, "deployment d1", 60_000, observe);
    await vi.runAllTimersAsync();
    expect(await result).toEqual({ ok: false, reason: "image pull failed", value: "last" });
  });

  it("an empty failure reason still ends the wait", async () => {
    const { ctx, observe, polledAt } = setUp([{ failure: "" }]);
    const result = waitFor(ctx, "task", 60_000, observe);
    await vi.runAllTimersAsync();
    expect(await result).toMatchObject({ ok: false, reason: "" });
    expect(polledAt).toEqual([0]);
  });

  it("times out at the limit, not after the next full interval, naming the last status", async () => {
    const { ctx, polledAt, observe } = setUp([{ status: "PUSHING" }]);
    const result = waitFor(ctx, "version v1", 2_600, observe);
    await vi.runAllTimersAsync();
    expect(await result).toEqual({ ok: false, reason: "timed out after 3s waiting (last seen: PUSHING)", value: "v" });
    expect(polledAt).toEqual([0, 250, 750, 1750, 2600]);
  });
});
