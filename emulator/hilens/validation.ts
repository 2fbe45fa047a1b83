import { EmuError } from "../http";

/** HiLens answers a bad request body with 400 and `{error_code, error_msg}`; §7.2 lists no generic code, so the emulator uses HIL.0400. */
export function invalid(field: string, rule: string): never {
  throw new EmuError(400, "HIL.0400", `Invalid parameter ${field}: ${rule}.`);
}

export function requireString(value: unknown, field: string, opts: { pattern?: RegExp; max?: number; rule?: string } = {}): string {
  if (typeof value !== "string" || value === "") invalid(field, "is required");
  if (opts.max !== undefined && value.length > opts.max) invalid(field, `must be at most ${opts.max} characters`);
  if (opts.pattern && !opts.pattern.test(value)) invalid(field, opts.rule ?? `must match ${opts.pattern}`);
  return value;
}

export function optionalString(value: unknown, field: string, opts: { pattern?: RegExp; max?: number; rule?: string } = {}): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") invalid(field, "must be a string");
  return value === "" ? value : requireString(value, field, opts);
}

export function requireArray(value: unknown, field: string, opts: { min?: number; max?: number } = {}): any[] {
  if (!Array.isArray(value)) invalid(field, "is required and must be an array");
  if (opts.min !== undefined && value.length < opts.min) invalid(field, `must have at least ${opts.min} item(s)`);
  if (opts.max !== undefined && value.length > opts.max) invalid(field, `must have at most ${opts.max} items`);
  return value;
}

export interface TagRule {
  key: RegExp;
  value: RegExp;
}

/** The tag rules differ per resource type; every one allows at most 20 tags. */
export const TAG_RULES = {
  /** Config maps and secrets (§5.4.2 table 5-307, §5.7.4 table 5-432; §5.6.2's looser prose is not what the tag API accepts). */
  keyValue: { key: /^[A-Za-z0-9_-]{1,36}$/, value: /^[A-Za-z0-9_-]{1,43}$/ },
  /** Devices (§5.1.2 TagObject, §5.7). */
  node: { key: /^[A-Za-z0-9_-]{1,36}$/, value: /^[A-Za-z0-9_-]{1,43}$/ },
  /** Deployments and node selection by tag (§5.3.2 DeploymentTag/TagRequest): the value may hold '.'. */
  deployment: { key: /^[A-Za-z0-9_-]{1,36}$/, value: /^[A-Za-z0-9_.-]{1,43}$/ },
} satisfies Record<string, TagRule>;

export function tags(value: unknown, field = "tags", rule: TagRule = TAG_RULES.keyValue): { key: string; value: string }[] {
  return requireArray(value ?? [], field, { max: 20 }).map((t, i) => ({
    key: requireString(t?.key, `${field}[${i}].key`, { pattern: rule.key }),
    value: requireString(t?.value, `${field}[${i}].value`, { pattern: rule.value }),
  }));
}

/** An integer, or (as the document's own examples send) a string holding one. */
export function optionalInt(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) invalid(field, `must be an integer in [${min}, ${max}]`);
  return n;
}

export function requireInt(value: unknown, field: string, min: number, max: number): number {
  return optionalInt(value, field, min, max) ?? invalid(field, "is required");
}

/** A boolean, or the strings "true"/"false" (the document's create example sends `"privileged":"false"`). */
export function optionalBool(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  invalid(field, "must be a boolean");
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !allowed.includes(value as T)) invalid(field, `must be one of ${allowed.join(", ")}`);
  return value as T;
}

/** §1.2 DESC: at most 255 characters, none of ^ ~ # $ % & * < > ( ) [ ] { } ' " \ */
export const DESCRIPTION = { max: 255, pattern: /^[^\^~#$%&*<>()[\]{}'"\\]*$/, rule: "must not contain ^ ~ # $ % & * < > ( ) [ ] { } ' \" \\" };

export function notFound(what: string, id: string): never {
  throw new EmuError(404, "HIL.0404", `The ${what} ${id} does not exist.`);
}

export function conflict(what: string, name: string): never {
  throw new EmuError(409, "HIL.0409", `A ${what} named ${name} already exists.`);
}
