import { EmuError, EmuRequest, EmuResponse, FamilyCodes, Route, intParam, route } from "../http";
import type { Store } from "../store";
import { nowOf } from "../clock";

/** Every Octopus path in scope starts with `/v1.0/{project_id}` (§3). */
const BASE = "/v1.0/{project_id}";

/** Store kinds of the Octopus objects. */
export const KIND = {
  repo: "octopus.imageRepo",
  version: "octopus.imageRepoVersion",
  processor: "octopus.processor",
  tag: "octopus.dataTag",
  dataset: "octopus.dataset",
  datasetVersion: "octopus.datasetVersion",
} as const;

/** The creator recorded on objects (`user_id`); the emulator has one user per project. */
export const EMULATOR_USER_ID = "emulator-user";

/** §3 success envelope; `current_time` is UTC without milliseconds, as in every example. */
export function ok(payload: unknown, status = 200): EmuResponse {
  return { status, body: { payload, meta_info: { current_time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") } } };
}

/** Updates and deletes of repos, versions, processors and tags answer 200 with no body ("响应参数: 无"). */
export const NO_BODY: EmuResponse = { status: 200 };

export function fail(status: number, code: string, message: string): never {
  throw new EmuError(status, code, message);
}

/** 400 octopus.000003 "Request params [{key}:{value}] is invalid" (table 7-3), followed by the rule that was broken. */
export function invalidParam(key: string, value: unknown, rule: string): never {
  const shown = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  return fail(400, "octopus.000003", `Request params [${key}:${shown}] is invalid: ${rule}`);
}

/** §7.2: 000001 validation, 000112 a project the token is not for, 000002 internal errors. */
export const OCTOPUS_CODES: FamilyCodes = { invalidBody: "octopus.000001", wrongProject: { status: 403, code: "octopus.000112", message: "Permission is denied" }, internal: "octopus.000002" };

/** The simulation APIs (§4.18, §4.19) live under `/v2/{project_id}/sim/sm`, the rest under `/v1.0/{project_id}`. */
export const SIM_BASE = "/v2/{project_id}/sim/sm";

/**
 * A route guarded by the IAM action §6 lists for it: a principal whose policy does not grant the
 * action gets 403 octopus.000111 "Insufficient permission to operate" (§6.1, table 7-3). `base`
 * is the path prefix: `/v1.0/{project_id}`, or `SIM_BASE` for the simulation APIs.
 */
export function octopusRoute(method: string, path: string, action: string, handler: (req: EmuRequest) => EmuResponse | Promise<EmuResponse>, base = BASE): Route {
  const guarded = route(`${method} ${base}${path}`, (req) => {
    if (!req.permits(action)) fail(403, "octopus.000111", `Insufficient permission to operate: the policy does not grant ${action}`);
    return handler(req);
  });
  return { ...guarded, codes: OCTOPUS_CODES };
}

/** A list answer: `payload{list, page_info{total, offset, limit}}` with the API's documented `limit` bounds. */
export function listPage(rows: unknown[], query: URLSearchParams, bounds: { max: number; default: number }): EmuResponse {
  const limit = intParam(query, "limit", bounds.default, 1, bounds.max, "octopus.000001");
  const offset = intParam(query, "offset", 0, 0, Number.MAX_SAFE_INTEGER, "octopus.000001");
  return ok({ list: rows.slice(offset, offset + limit), page_info: { total: rows.length, offset, limit } });
}

/** A numeric path id (`id` Long/Integer, min 1). */
export function pathNumber(req: EmuRequest, name: string): number {
  const text = req.params[name];
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) invalidParam(name, text, "must be an integer >= 1");
  return n;
}

/** A query parameter that must be one of an enum when present. */
export function queryEnum(query: URLSearchParams, name: string, values: readonly string[]): string | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  if (!values.includes(value)) invalidParam(name, value, `must be one of ${values.join(", ")}`);
  return value;
}

/** Array query parameters with no documented encoding (§4.3.1 `statuses`, §4.13.1 `output_type`): repeated or comma-separated. */
export function queryList(query: URLSearchParams, name: string): string[] {
  return query.getAll(name).flatMap((v) => v.split(",")).filter(Boolean);
}

/** Emulator-wide numeric ids, shaped like the documented ones (10001, …). */
export function nextId(store: Store): number {
  return 10_000 + store.nextNumber();
}

/** Stores a new object under a fresh numeric id, stamped with its creation time; answers the id. */
export function insertNumbered(req: EmuRequest, kind: string, fields: Record<string, unknown>): number {
  const id = nextId(req.store);
  const now = nowOf(req.store);
  req.store.put(req.principal, kind, String(id), { id, ...fields, create_at: now, update_at: now });
  return id;
}

// ---- request bodies -------------------------------------------------------------------------

/** Checks one body field: returns its value (or `undefined` when absent and optional), or throws 400 octopus.000003. */
export type FieldCheck<T> = (value: unknown, key: string) => T | undefined;

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function required<T>(check: FieldCheck<T>): FieldCheck<T> {
  return (value, key) => (present(value) ? check(value, key) : invalidParam(key, value, "is required"));
}

export const field = {
  text(opts: { min?: number; max: number; required?: boolean }): FieldCheck<string> {
    const check: FieldCheck<string> = (value, key) => {
      if (!present(value)) return undefined;
      if (typeof value !== "string") invalidParam(key, value, "must be a string");
      if (value.length < (opts.min ?? 0) || value.length > opts.max) invalidParam(key, value, `length must be ${opts.min ?? 0}-${opts.max}`);
      return value;
    };
    return opts.required ? required(check) : check;
  },
  oneOf<T extends string>(values: readonly T[], opts: { required?: boolean } = {}): FieldCheck<T> {
    const check: FieldCheck<T> = (value, key) => {
      if (!present(value)) return undefined;
      if (!values.includes(value as T)) invalidParam(key, value, `must be one of ${values.join(", ")}`);
      return value as T;
    };
    return opts.required ? required(check) : check;
  },
  integer(opts: { min: number; max?: number; required?: boolean }): FieldCheck<number> {
    const check: FieldCheck<number> = (value, key) => {
      if (!present(value)) return undefined;
      if (typeof value !== "number" || !Number.isInteger(value) || value < opts.min || value > (opts.max ?? Number.MAX_SAFE_INTEGER))
        invalidParam(key, value, `must be an integer >= ${opts.min}${opts.max === undefined ? "" : ` and <= ${opts.max}`}`);
      return value;
    };
    return opts.required ? required(check) : check;
  },
  flag(opts: { required?: boolean } = {}): FieldCheck<boolean> {
    const check: FieldCheck<boolean> = (value, key) => {
      if (!present(value)) return undefined;
      if (typeof value !== "boolean") invalidParam(key, value, "must be a boolean");
      return value;
    };
    return opts.required ? required(check) : check;
  },
  list<T>(item: FieldCheck<T>, opts: { max: number }): FieldCheck<T[]> {
    return (value, key) => {
      if (!present(value)) return undefined;
      if (!Array.isArray(value)) invalidParam(key, value, "must be an array");
      if (value.length > opts.max) invalidParam(key, value, `must have at most ${opts.max} items`);
      return value.map((v, i) => required(item)(v, `${key}[${i}]`) as T);
    };
  },
  object<S extends Record<string, FieldCheck<unknown>>>(shape: S, opts: { required?: boolean } = {}): FieldCheck<Checked<S>> {
    const check: FieldCheck<Checked<S>> = (value, key) => {
      if (!present(value)) return undefined;
      if (typeof value !== "object" || Array.isArray(value)) invalidParam(key, value, "must be an object");
      return checkFields(value, shape, `${key}.`);
    };
    return opts.required ? required(check) : check;
  },
};

export type Checked<S extends Record<string, FieldCheck<unknown>>> = { [K in keyof S]: S[K] extends FieldCheck<infer T> ? T | undefined : never };

/** Checks the documented fields of a body (unknown fields are ignored, as the service does). */
export function checkFields<S extends Record<string, FieldCheck<unknown>>>(body: unknown, shape: S, prefix = ""): Checked<S> {
  const source = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(shape)) out[key] = check(source[key], prefix + key);
  return out as Checked<S>;
}

/** Drops absent fields: the service omits them from answers (e.g. an image repo without a description, §4.1). */
export function defined<T extends Record<string, unknown>>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined && v !== null)) as T;
}

// ---- timing of background work ----------------------------------------------------------------

/**
 * How long background work takes in this emulator: an image push once a PUSH account is issued
 * (INIT → PUSHING → PUSHED, §4.2.6) and a dataset version build (INITIALIZING → SUCCESS, §4.4.2),
 * and how a push ends. Set through `PUT /__emulator/octopus/timing`.
 */
export interface Timing {
  durationMs: number;
  pushOutcome: "PUSHED" | "PUSH_FAILED";
}

const timings = new WeakMap<Store, Timing>();

export function timingOf(store: Store): Timing {
  let timing = timings.get(store);
  if (!timing) timings.set(store, (timing = { durationMs: 2000, pushOutcome: "PUSHED" }));
  return timing;
}

export const timingRoute = route(
  "PUT /__emulator/octopus/timing",
  (req) => {
    const timing = timingOf(req.store);
    const b = checkFields(req.body, { duration_ms: field.integer({ min: 0 }), push_outcome: field.oneOf(["PUSHED", "PUSH_FAILED"] as const) });
    if (b.duration_ms !== undefined) timing.durationMs = b.duration_ms;
    if (b.push_outcome !== undefined) timing.pushOutcome = b.push_outcome;
    return { body: { duration_ms: timing.durationMs, push_outcome: timing.pushOutcome } };
  },
  "none",
);
