import type { Store } from "./store";

/**
 * The time that drives the emulator's asynchronous work (device connection, firmware upgrades,
 * deployment rollouts, Octopus pushes and dataset versions) and the timestamps it writes.
 * Transitions are computed from timestamps when an object is read, so a test that starts the
 * emulator with a `ManualClock` moves that work on by advancing the clock instead of sleeping.
 * Request authentication (X-Sdk-Date skew, IAM token expiry) keeps the machine's clock by default:
 * the signatures it checks are made with real time (a test that checks its boundaries passes
 * `authClock`).
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stands still until advanced (in-process: `startEmulator({ clock: new ManualClock() })`). */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.now()) {}
  now(): number {
    return this.ms;
  }
  /** Moves the time forward by `ms`. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: ${ms} is not a non-negative number of milliseconds`);
    this.ms += ms;
  }
}

const clocks = new WeakMap<Store, Clock>();

export function setClock(store: Store, clock: Clock): void {
  clocks.set(store, clock);
}

/** The current time of the emulator that owns `store`. */
export function nowOf(store: Store): number {
  return (clocks.get(store) ?? systemClock).now();
}
