/**
 * Background work that moves through phases on the emulator's clock (a job's LAUNCHING → RUNNING →
 * UPLOADING, §4.12; an import's IMPORTING, §4.10.5) and then ends in an outcome. Nothing is
 * written as time passes: the status is computed from the run's timestamps when it is read, so a
 * test moves the work on with a `ManualClock` or the timing route instead of sleeping.
 */
export interface Run {
  /** When the work was asked for (create, restart, start). */
  queuedAt: number;
  /**
   * The cluster was full when it was queued: it starts at the release with this index (the next
   * one at the time, counted rather than timed, so a release in the same millisecond counts; see `Timing.holdJobs`).
   */
  heldUntil?: number;
  /** The phases it goes through, each `phaseMs` long. */
  phases: string[];
  phaseMs: number;
  outcome: string;
  /** Stopped by a user (§4.12.6 STOP) at this time. */
  stoppedAt?: number;
}

export interface RunState {
  /** The waiting status before the work starts (QUEUING) or one of `phases`, the outcome, or STOPPED. */
  status: string;
  /** When the current status began. */
  since: number;
  /** When it started, once it has. */
  startedAt?: number;
  /** When it ended, once it has. */
  endedAt?: number;
}

export function runState(run: Run, now: number, releases: readonly number[], waiting: string): RunState {
  const startedAt = run.heldUntil === undefined ? run.queuedAt : releases[run.heldUntil];
  const stop = run.stoppedAt ?? Infinity;
  const at = Math.min(now, stop);
  if (startedAt === undefined || at < startedAt) return run.stoppedAt === undefined ? { status: waiting, since: run.queuedAt } : { status: "STOPPED", since: stop, endedAt: stop };
  const endsAt = startedAt + run.phases.length * run.phaseMs;
  if (at >= endsAt) return { status: run.outcome, since: endsAt, startedAt, endedAt: endsAt };
  if (run.stoppedAt !== undefined) return { status: "STOPPED", since: stop, startedAt, endedAt: stop };
  const index = Math.floor((now - startedAt) / run.phaseMs);
  return { status: run.phases[index], since: startedAt + index * run.phaseMs, startedAt };
}

/** When each phase a run has reached began, in order (for logs). */
export function phasesReached(run: Run, state: RunState): { status: string; at: number }[] {
  if (state.startedAt === undefined) return [];
  const phases = run.phases.map((status, i) => ({ status, at: state.startedAt! + i * run.phaseMs }));
  return state.endedAt === undefined ? phases.filter((p) => p.at <= state.since) : phases.filter((p) => p.at < state.endedAt!);
}
