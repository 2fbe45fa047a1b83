/** Small steps the Octopus end-to-end tests share. */
import type { Emulator } from "../../emulator";
import type { TestStack } from "./harness";

export const values = (outputs: Record<string, { value: any }>) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
/** A change summary without the unchanged count: `{}` means no changes. */
export const changes = (summary: Record<string, number>) => Object.fromEntries(Object.entries(summary).filter(([k, n]) => k !== "same" && n > 0));

/** `up`, returning the outputs and what changed (saves a separate preview per step). */
export async function upWithChanges(t: TestStack): Promise<{ outputs: Record<string, any>; changed: Record<string, number> }> {
  const result = await t.stack.up({ onOutput: (line) => t.output.push(line) });
  return { outputs: values(result.outputs), changed: changes(result.summary.resourceChanges ?? {}) };
}

/** A resource as the state holds it (stack outputs only change on `up`, not on `refresh`). */
export async function stateOf(t: TestStack, name: string): Promise<{ id: string; outputs: Record<string, any> } | undefined> {
  const state = JSON.parse(await t.exportState());
  return state.deployment.resources.find((r: any) => r.urn.endsWith(`::${name}`));
}

/** How long the emulator's pushes, dataset builds, jobs and imports take, how they end, and whether the cluster holds jobs in the queue. */
export async function setOctopusTiming(
  emulator: Emulator,
  body: { duration_ms?: number; push_outcome?: "PUSHED" | "PUSH_FAILED"; job_outcome?: "FINISHED" | "RUN_FAILED" | "UPLOAD_FAILED"; import_outcome?: "SUCCESS" | "FAILED"; hold_jobs?: boolean },
): Promise<void> {
  await emulator.control("PUT", "/__emulator/octopus/timing", body);
}
