import type { Store } from "../store";
import { EmuError, route } from "../http";

/**
 * How long the asynchronous parts of HiLens take in the emulator. Transitions are computed from
 * timestamps when an object is read (no timers), so a restarted emulator continues where it was.
 */
export interface HilensTiming {
  /** After registration, the device agent connects (state RUNNING) after this long; `null`: never (set it online through the control route). */
  deviceConnectMs: number | null;
  /** A created or updated deployment leaves CREATING/STARTING after this long. */
  deploymentReadyMs: number;
  /** A firmware upgrade goes from 0 to 100 % in this long. */
  firmwareUpgradeMs: number;
}

export const DEFAULT_TIMING: HilensTiming = { deviceConnectMs: 500, deploymentReadyMs: 1500, firmwareUpgradeMs: 3000 };

const timings = new WeakMap<Store, HilensTiming>();

export function timingOf(store: Store): HilensTiming {
  return timings.get(store) ?? DEFAULT_TIMING;
}

export function setTiming(store: Store, timing: Partial<HilensTiming>): HilensTiming {
  const next = { ...timingOf(store), ...timing };
  timings.set(store, next);
  return next;
}

/** HiLens node and deployment timestamps: `2021-10-15 14:45:22 GMT+08:00` (§5.1.1 example). */
export function hilensTime(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  return d.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " GMT+08:00");
}

function durationOrNull(value: unknown, field: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null && field === "deviceConnectMs") return null;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new EmuError(400, "EMU.0400", `${field} must be a non-negative number of milliseconds`);
  return value;
}

/**
 * Control routes (no auth, not part of the HiLens API): timing, and a device agent going online
 * or offline, which a test cannot do through the documented API.
 */
export const timingControlRoutes = [
  route("GET /__emulator/hilens/timing", (req) => ({ body: timingOf(req.store) }), "none"),
  route(
    "PUT /__emulator/hilens/timing",
    (req) => {
      const patch: Partial<HilensTiming> = {};
      for (const key of ["deviceConnectMs", "deploymentReadyMs", "firmwareUpgradeMs"] as const) {
        const value = durationOrNull(req.body?.[key], key);
        if (value !== undefined) (patch as Record<string, number | null>)[key] = value;
      }
      return { body: setTiming(req.store, patch) };
    },
    "none",
  ),
];
