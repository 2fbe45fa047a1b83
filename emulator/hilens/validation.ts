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

/** Tags of config maps and secrets (§5.6.2): at most 20; key 1-36, value 1-43. */
export function tags(value: unknown, field = "tags"): { key: string; value: string }[] {
  return requireArray(value ?? [], field, { max: 20 }).map((t, i) => ({
    key: requireString(t?.key, `${field}[${i}].key`, { pattern: /^[A-Za-z0-9_.-]{1,36}$/ }),
    value: requireString(t?.value, `${field}[${i}].value`, { pattern: /^[A-Za-z0-9_./-]{1,43}$/ }),
  }));
}

export function notFound(what: string, id: string): never {
  throw new EmuError(404, "HIL.0404", `The ${what} ${id} does not exist.`);
}

export function conflict(what: string, name: string): never {
  throw new EmuError(409, "HIL.0409", `A ${what} named ${name} already exists.`);
}
