import { createHash } from "node:crypto";
import { EmuError, EmuRequest, FamilyCodes, Handler, Route, page, route } from "../http";

/** The open API root (Open API "公共参数": `service` + `/v1`). */
export const TENSORBAY_ROOT = "/gatewayv2/tensorbay-open-api/v1";

/** The codes of the Open API "错误码" table, with the statuses the TensorBay SDK declares for them. */
const STATUS_CODES: Record<number, string> = { 400: "InvalidParamsValue", 401: "Unauthorized", 403: "AccessDenied", 404: "ResourceNotExist", 409: "NameConflict", 500: "InternalServerError" };
const TENSORBAY_CODES = new Set([...Object.values(STATUS_CODES), "RequestParamsMissing", "Forbidden", "SystemError", "TooManyRequests"]);

/**
 * `{code, message}` bodies ("Error code description"). Errors the shared server raises for every
 * family (unknown paths, bad JSON, oversized bodies, injected faults, crashes) may carry other
 * codes; they are answered with the TensorBay code of their status. Neither the document nor the
 * SDK names a code for 429: it gets the status's reason phrase, `TooManyRequests`; any other 4xx
 * without a code of its own is a request the service cannot take, `InvalidParamsValue`.
 */
export function tensorbayErrorBody(err: EmuError): unknown {
  const code = TENSORBAY_CODES.has(err.code)
    ? err.code
    : (STATUS_CODES[err.status] ?? (err.status >= 500 ? "InternalServerError" : err.status === 429 ? "TooManyRequests" : "InvalidParamsValue"));
  return { code, message: err.message };
}

/** The store scope of an access key: a digest, so the key itself is never stored. */
export function tensorbayPrincipal(accessKey: string): string {
  return "tensorbay-" + createHash("sha256").update(accessKey).digest("hex").slice(0, 16);
}

/** Paths carry no project; the access key alone scopes every object. */
export const TENSORBAY_FAMILY_CODES: FamilyCodes = { invalidBody: "InvalidParamsValue", wrongProject: { status: 403, code: "AccessDenied", message: "Access denied." }, internal: "InternalServerError" };

/**
 * The Sextant app's open API (benchmarks and evaluations, SDK `apps/sextant.py`: the gateway's
 * `apps-sextant/v1/`), served by the same client class as the open API: X-Token, `{code, message}`.
 */
export const SEXTANT_ROOT = "/gatewayv2/apps-sextant/v1";

/** A TensorBay route: `"GET /datasets"` under the root (the open API's unless given), X-Token auth, TensorBay error bodies. */
export function tensorbayRoute(spec: string, handler: Handler, root = TENSORBAY_ROOT): Route {
  const [method, path] = spec.split(" ");
  return { ...route(`${method} ${root}${path}`, handler, "tensorbay"), errorBody: tensorbayErrorBody, codes: TENSORBAY_FAMILY_CODES };
}

export const missing = (field: string): never => {
  throw new EmuError(400, "RequestParamsMissing", `${field} is required.`);
};
export const invalid = (field: string, rule: string): never => {
  throw new EmuError(400, "InvalidParamsValue", `${field} ${rule}.`);
};
export const notExist = (what: string): never => {
  throw new EmuError(404, "ResourceNotExist", `${what} not exist!`);
};
export const nameConflict = (what: string, name: string): never => {
  throw new EmuError(409, "NameConflict", `${what} ${name} already exists.`);
};
export const forbidden = (why: string): never => {
  throw new EmuError(403, "Forbidden", why);
};

export function requiredString(value: unknown, field: string): string {
  if (value === undefined || value === null || value === "") missing(field);
  if (typeof value !== "string") invalid(field, "must be a string");
  return value as string;
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") invalid(field, "must be a string");
  return value as string;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") invalid(field, "must be a boolean");
  return value as boolean;
}

/**
 * The Open API's fuzzy-query rules ("模糊查询") for `name` filters, a MySQL LIKE: `%` and `_` are
 * wildcards and `\` escapes the next character; a filter with neither a wildcard nor an escape
 * matches as a substring (`%filter%`), any other filter matches the whole name. MySQL's default
 * collations compare case-insensitively. (The document's example 2, `graviti\_%` also returning
 * `great_graviti_1`, contradicts its rule 3 and its other seven examples; the rules win.)
 */
export function likeMatcher(filter: string): (name: string) => boolean {
  let source = "";
  let literalOnly = true;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (c === "\\" && i + 1 < filter.length) {
      literalOnly = false;
      source += regexLiteral(filter[++i]);
    } else if (c === "%" || c === "_") {
      literalOnly = false;
      source += c === "%" ? ".*" : ".";
    } else source += regexLiteral(c);
  }
  const re = new RegExp(literalOnly ? source : `^${source}$`, "is");
  return (name) => re.test(name);
}

const regexLiteral = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** One offset/limit page in the documented list shape; the SDK's page size, 128, is the bound. */
export function pageBody(req: EmuRequest, rows: unknown[], itemsKey: string) {
  const items = page(rows, req.query, { max: 128, default: 128, invalidCode: "InvalidParamsValue" });
  return { body: { [itemsKey]: items, offset: Number(req.query.get("offset") || 0), recordSize: items.length, totalCount: rows.length } };
}

/** The rows whose name matches the request's `name` filter (all rows without one). */
export function filterByName<T extends { name: string }>(req: EmuRequest, rows: T[]): T[] {
  const filter = req.query.get("name");
  if (!filter) return rows;
  const matches = likeMatcher(filter);
  return rows.filter((r) => matches(r.name));
}
