/** camelCase ⇄ snake_case for API bodies: args mirror the documented body in camelCase. */
export const snakeOf = (key: string) => key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
export const camelOf = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function convert(value: unknown, rename: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, rename));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[rename(k)] = convert(v, rename);
    return out;
  }
  return value;
}

export const toSnake = <T = any>(value: unknown) => convert(value, snakeOf) as T;
export const toCamel = <T = any>(value: unknown) => convert(value, camelOf) as T;

/** Drops keys whose value is null or undefined (API answers use null for "not set"; Pulumi outputs must omit them). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = v;
  return out as T;
}

/** Drops null and undefined at every depth: the engine's protobuf conversion rejects `undefined` (pulumi/pulumi#2205). */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map(prune) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = prune(v);
    return out as T;
  }
  return value;
}
