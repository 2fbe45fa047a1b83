import { z } from "zod";
import type { Context } from "./definition";

/**
 * Waiting for asynchronous objects (a deployment becoming ready, a firmware upgrade). Dynamic
 * providers never receive the `customTimeouts` resource option, so the resource class copies it
 * into the hidden input `awaitTimeouts` (see resource.ts); `skipAwait` turns waiting off. Both
 * steer the provider rather than describe the object, so changing them is never a diff.
 */
export const AWAIT_KEYS = ["awaitTimeouts", "skipAwait"] as const;

/** Go duration syntax, as `customTimeouts` takes it: "30s", "5m", "1h30m", "1.5h". */
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function durationMs(text: string): number {
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  return total;
}

const duration = z.string().regex(DURATION, { message: 'must be a duration such as "30s", "5m" or "1h30m"' });

export const awaitTimeoutsField = z
  .object({
    create: duration.optional().describe("How long `create` waits."),
    update: duration.optional().describe("How long `update` waits."),
    delete: duration.optional().describe("How long `delete` waits."),
  })
  .optional()
  .describe("Wait limits, filled from the `customTimeouts` resource option (set that instead); never a diff.");

export const skipAwaitField = z.boolean().default(false).describe("Do not wait for the object to settle after create, update or delete; never a diff.");

export type AwaitOp = "create" | "update" | "delete";
export interface AwaitInputs {
  awaitTimeouts?: Partial<Record<AwaitOp, string>>;
  skipAwait?: boolean;
}

export function timeoutFor(inputs: AwaitInputs, op: AwaitOp, fallbackMs: number): number {
  const text = inputs.awaitTimeouts?.[op];
  return text ? durationMs(text) : fallbackMs;
}

/** `customTimeouts` → the `awaitTimeouts` input (only the keys that are set). */
export function awaitTimeoutsOf(custom: { create?: string; update?: string; delete?: string } | undefined): AwaitInputs["awaitTimeouts"] {
  if (!custom) return undefined;
  const out: Partial<Record<AwaitOp, string>> = {};
  for (const op of ["create", "update", "delete"] as const) if (custom[op]) out[op] = custom[op];
  return Object.keys(out).length ? out : undefined;
}

export interface Observation<T> {
  /** The wait is over and succeeded. */
  done: boolean;
  /** The wait is over and failed, with the service's reason. */
  failure?: string;
  /** One line on where things stand, printed when it changes. */
  status: string;
  value: T;
}

export type WaitResult<T> = { ok: true; value: T } | { ok: false; reason: string; value: T };

/**
 * Polls `observe` (250 ms, backing off to 2 s) until it reports done or failure, or `timeoutMs`
 * passes. Progress goes through `ctx.log`: lines prefixed with the resource's type and name.
 */
export async function waitFor<T>(ctx: Context, what: string, timeoutMs: number, observe: () => Promise<Observation<T>>): Promise<WaitResult<T>> {
  const started = Date.now();
  let interval = 250;
  // Stryker disable next-line StringLiteral: equivalent, observers build a status from the service's state, never an empty one.
  let lastStatus = "";
  let lastPrinted = 0;
  for (;;) {
    const seen = await observe();
    const elapsed = Date.now() - started;
    if (seen.status !== lastStatus || elapsed - lastPrinted >= 10_000) {
      ctx.log(`${what}: ${seen.status} (${Math.round(elapsed / 1000)}s)`);
      lastStatus = seen.status;
      lastPrinted = elapsed;
    }
    if (seen.done) return { ok: true, value: seen.value };
    if (seen.failure !== undefined) return { ok: false, reason: seen.failure, value: seen.value };
    if (elapsed >= timeoutMs) return { ok: false, reason: `timed out after ${Math.round(timeoutMs / 1000)}s waiting (last seen: ${seen.status})`, value: seen.value };
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, timeoutMs - elapsed))));
    interval = Math.min(2000, interval * 2);
  }
}
