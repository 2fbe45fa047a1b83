import type { Store } from "./store";

/** An error answered with a documented body; `body` defaults to Huawei's `{error_code, error_msg}`. */
export class EmuError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface EmuRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  headers: Record<string, string>;
  /** The authenticated project (Huawei) or access key (TensorBay). */
  principal: string;
  /** Whether the caller's IAM policy grants `action` (a service's §6 action list); see `Credential.deniedActions`. */
  permits(action: string): boolean;
  store: Store;
}

export interface EmuResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: EmuRequest) => EmuResponse | Promise<EmuResponse>;

/** Which auth scheme guards a route. */
export type AuthScheme = "huawei" | "tensorbay" | "none";

export interface Route {
  method: string;
  pattern: string;
  auth: AuthScheme;
  handler: Handler;
  /** Renders an EmuError for this route's API family. */
  errorBody?: (err: EmuError) => unknown;
  /** The family's codes for failures the server itself detects (default: HiLens's). */
  codes?: FamilyCodes;
}

/** Codes a service family answers for failures found before its handlers run. */
export interface FamilyCodes {
  /** 400: the body is not JSON. */
  invalidBody: string;
  /** The path names another project than the credentials'. */
  wrongProject: { status: number; code: string; message: string };
  /** 500. */
  internal: string;
}

/** HiLens §7.2: HIL.0004 for a foreign project id, HIL.0002 for internal errors; no generic 400 code is documented. */
export const HILENS_CODES: FamilyCodes = { invalidBody: "HIL.0400", wrongProject: { status: 400, code: "HIL.0004", message: "Invalid projectId." }, internal: "HIL.0002" };

/** `"GET /v3/{project_id}/ai-mgr/configmaps/{id}"` → route; `{project_id}` must be the caller's project. */
export function route(spec: string, handler: Handler, auth: AuthScheme = "huawei"): Route {
  const [method, pattern] = spec.split(" ");
  return { method, pattern, auth, handler };
}

export function matchRoute(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | undefined | "method" {
  let pathMatched = false;
  for (const r of routes) {
    const params = matchPattern(r.pattern, path);
    if (!params) continue;
    pathMatched = true;
    if (r.method === method) return { route: r, params };
  }
  return pathMatched ? "method" : undefined;
}

/** A path segment that is not valid percent-encoding (`%zz`): a 400 in the family's shape. */
export class BadPathError extends Error {}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const ps = pattern.split("/");
  const xs = path.split("/");
  if (ps.length !== xs.length) return undefined;
  // Values come from the request: a null-prototype record, so `__proto__` is just a value's name.
  const params: Record<string, string> = Object.create(null);
  for (let i = 0; i < ps.length; i++) {
    const m = /^\{(\w+)\}$/.exec(ps[i]);
    if (m) {
      if (!xs[i]) return undefined;
      try {
        params[m[1]] = decodeURIComponent(xs[i]);
      } catch {
        throw new BadPathError(`Path segment ${JSON.stringify(xs[i].slice(0, 64))} is not valid percent-encoding.`);
      }
    } else if (ps[i] !== xs[i]) return undefined;
  }
  return params;
}

/** `obj[key]` when `key` is the object's own property; never an inherited one (`constructor`, `__proto__`, …). */
export function own<T>(obj: Record<string, T> | undefined, key: string): T | undefined {
  return obj && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** limit/offset paging with the documented bounds; `invalidCode` is the family's code for a bad parameter (HiLens: HIL.0400). */
export function page<T>(rows: T[], query: URLSearchParams, bounds: { max: number; default: number; invalidCode?: string }): T[] {
  const limit = intParam(query, "limit", bounds.default, 1, bounds.max, bounds.invalidCode);
  const offset = intParam(query, "offset", 0, 0, Number.MAX_SAFE_INTEGER, bounds.invalidCode);
  return rows.slice(offset, offset + limit);
}

export function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number, invalidCode = "HIL.0400"): number {
  const text = query.get(name);
  if (text === null || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new EmuError(400, invalidCode, `Invalid parameter ${name}: must be an integer in [${min}, ${max}].`);
  return n;
}
