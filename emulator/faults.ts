import { appendFileSync } from "node:fs";

/**
 * Fault injection: the emulator misbehaving the way a cloud API does, so the provider can be
 * shown to converge anyway.
 *
 * Two mechanisms share one log:
 * - the fault *mode* (`--faults 'rate=0.1,seed=42,kinds=429,500,503,reset,lost,latency=20ms'`):
 *   every API request draws from a seeded PRNG, in arrival order, whether it gets a fault and
 *   which; the same seed and the same requests give the same faults;
 * - *targeted* faults (`inject`): the next `count` requests matching a path (and method) get
 *   exactly this fault — for deterministic tests ("the next POST to /secrets is lost").
 *
 * Kinds:
 * - `429`: answered 429 with `Retry-After: 1` in the family's error shape; the handler does not run;
 * - `500`, `503`: answered in the family's error shape with its internal-error code; the handler does not run;
 * - `reset`: the connection is destroyed before the handler runs (nothing is committed);
 * - `lost`: the handler runs and commits, then the connection is destroyed without an answer.
 * Latency is not a kind: it is added before every API answer.
 */

export type FaultKind = "429" | "500" | "503" | "reset" | "lost";
export const FAULT_KINDS: readonly FaultKind[] = ["429", "500", "503", "reset", "lost"];

export interface FaultMode {
  /** Probability in [0, 1] that an API request gets a fault. */
  rate: number;
  /** Seed of the PRNG (an unsigned 32-bit integer). */
  seed: number;
  /** The kinds a faulted request draws from, uniformly. */
  kinds: FaultKind[];
  /** Delay added before every API answer, in milliseconds. */
  latencyMs: number;
}

/** A spec string (`rate=0.1,seed=42,kinds=429,500,latency=20ms`) or the fields of a mode. */
export type FaultModeInput = string | Partial<FaultMode>;

export const FAULT_MODE_DEFAULTS: FaultMode = { rate: 0.1, seed: 1, kinds: [...FAULT_KINDS], latencyMs: 0 };

/** A targeted fault: the next `count` requests whose path matches `pathPattern` (a regular expression) get it. */
export interface Fault {
  pathPattern: string;
  /** Only requests with this method (any when absent). */
  method?: string;
  /** The status to answer (429, 5xx, …); not used with `kind`. */
  status?: number;
  /** `reset`: the connection is destroyed before the handler runs; `lost`: after it ran. */
  kind?: "reset" | "lost";
  count: number;
  retryAfterSeconds?: number;
  /** Hold the answer this long first (tests of timeouts). */
  delayMs?: number;
}

export interface FaultLogEntry {
  time: string;
  method: string;
  path: string;
  /** `429`, `500`, `503`, `reset`, `lost`, or the status of a targeted fault (`502`, …). */
  kind: string;
  /** `mode` (drawn by the fault mode) or `inject` (a targeted fault). */
  source: "mode" | "inject";
}

/** What happens to one request. */
export interface FaultDecision {
  /** Wait this long before answering (or dropping). */
  delayMs: number;
  /** Destroy the connection before (`reset`) or after (`lost`) the handler runs. */
  drop?: "reset" | "lost";
  /** Answer this status without running the handler. */
  status?: number;
  retryAfterSeconds?: number;
}

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same sequence everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function invalid(message: string): never {
  throw new Error(`invalid fault mode: ${message}`);
}

function checkKind(kind: string): FaultKind {
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) invalid(`unknown kind "${kind}" (kinds: ${FAULT_KINDS.join(", ")})`);
  return kind as FaultKind;
}

/** `20ms`, `1.5s`, or a bare number of milliseconds. */
function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) invalid(`latency "${text}" is not a duration (e.g. 20ms, 1s)`);
  return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
}

/**
 * Parses `rate=0.1,seed=42,kinds=429,500,503,reset,lost,latency=20ms`. A comma-separated item
 * without `=` continues the list of the previous key (so `kinds=429,500` lists two kinds);
 * `kinds=429|500` works too. Absent keys take `FAULT_MODE_DEFAULTS`.
 */
export function parseFaultSpec(spec: string): FaultMode {
  const values = new Map<string, string[]>();
  let last: string | undefined;
  for (const item of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf("=");
    if (eq >= 0) {
      last = item.slice(0, eq).trim();
      if (values.has(last)) invalid(`"${last}" is given twice`);
      values.set(last, [item.slice(eq + 1).trim()]);
    } else if (last === "kinds") values.get(last)!.push(item);
    else invalid(`"${item}" is not key=value`);
  }
  const fields: Partial<FaultMode> = {};
  for (const [key, [first, ...more]] of values) {
    if (key !== "kinds" && more.length) invalid(`"${key}" takes one value`);
    if (key === "rate") fields.rate = Number(first);
    else if (key === "seed") fields.seed = Number(first);
    else if (key === "latency") fields.latencyMs = parseDuration(first);
    else if (key === "kinds") fields.kinds = [first, ...more].flatMap((k) => k.split("|")).filter(Boolean) as FaultKind[];
    else invalid(`unknown key "${key}" (keys: rate, seed, kinds, latency)`);
  }
  return normalizeFaultMode(fields);
}

/** Validates a mode given as a spec string or as fields; absent fields take the defaults. */
export function normalizeFaultMode(input: FaultModeInput): FaultMode {
  if (typeof input === "string") return parseFaultSpec(input);
  if (!input || typeof input !== "object" || Array.isArray(input)) invalid("expected a spec string or an object");
  const mode: FaultMode = { ...FAULT_MODE_DEFAULTS, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
  for (const key of Object.keys(input)) if (!Object.hasOwn(FAULT_MODE_DEFAULTS, key)) invalid(`unknown field "${key}"`);
  if (typeof mode.rate !== "number" || !(mode.rate >= 0 && mode.rate <= 1)) invalid("rate must be a number in [0, 1]");
  if (typeof mode.seed !== "number" || !Number.isInteger(mode.seed) || mode.seed < 0 || mode.seed > 0xffffffff) invalid("seed must be an integer in [0, 2^32)");
  if (typeof mode.latencyMs !== "number" || !Number.isFinite(mode.latencyMs) || mode.latencyMs < 0 || mode.latencyMs > 60_000) invalid("latency must be 0-60000 ms");
  if (!Array.isArray(mode.kinds) || !mode.kinds.length) invalid("kinds must list at least one of " + FAULT_KINDS.join(", "));
  mode.kinds = [...new Set(mode.kinds.map((k) => checkKind(String(k))))];
  return mode;
}

/** A spec string that parses back to `mode`. */
export function formatFaultMode(mode: FaultMode): string {
  return `rate=${mode.rate},seed=${mode.seed},kinds=${mode.kinds.join("|")},latency=${mode.latencyMs}ms`;
}

/** Validates a targeted fault (from `inject` or the control route). */
export function checkFault(input: unknown): Fault {
  const f = input as Partial<Fault> | null;
  if (!f || typeof f !== "object" || Array.isArray(f)) throw new Error("a fault is an object {pathPattern, count, status | kind}");
  if (typeof f.pathPattern !== "string") throw new Error("pathPattern must be a regular expression string");
  try {
    new RegExp(f.pathPattern);
  } catch {
    throw new Error(`pathPattern ${JSON.stringify(f.pathPattern)} is not a valid regular expression`);
  }
  if (typeof f.count !== "number" || !Number.isInteger(f.count) || f.count < 1) throw new Error("count must be an integer >= 1");
  if (f.kind !== undefined && f.kind !== "reset" && f.kind !== "lost") throw new Error('kind must be "reset" or "lost"');
  if (f.kind === undefined && (typeof f.status !== "number" || !Number.isInteger(f.status) || f.status < 400 || f.status > 599)) throw new Error("status must be a 4xx or 5xx code (or give kind reset/lost)");
  if (f.kind !== undefined && f.status !== undefined) throw new Error("give either status or kind");
  if (f.method !== undefined && typeof f.method !== "string") throw new Error("method must be a string");
  for (const key of ["retryAfterSeconds", "delayMs"] as const) {
    const v = f[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) throw new Error(`${key} must be a non-negative number`);
  }
  return {
    pathPattern: f.pathPattern,
    count: f.count,
    ...(f.method !== undefined ? { method: f.method.toUpperCase() } : {}),
    ...(f.status !== undefined ? { status: f.status } : {}),
    ...(f.kind !== undefined ? { kind: f.kind } : {}),
    ...(f.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.retryAfterSeconds } : {}),
    ...(f.delayMs !== undefined ? { delayMs: f.delayMs } : {}),
  };
}

/** Decides, per API request and in arrival order, which fault (if any) it gets, and logs it. */
export class FaultInjector {
  /** Every injected fault, oldest first (also appended to the log file). */
  readonly log: FaultLogEntry[] = [];
  private current: FaultMode | undefined;
  private random: () => number = () => 1;
  private readonly targeted: (Fault & { re: RegExp })[] = [];

  constructor(
    private readonly logFile: string,
    mode?: FaultModeInput,
  ) {
    this.setMode(mode);
  }

  get mode(): FaultMode | undefined {
    return this.current && { ...this.current, kinds: [...this.current.kinds] };
  }

  /** Sets (or with `undefined`, clears) the fault mode; the PRNG restarts from the mode's seed. */
  setMode(input: FaultModeInput | undefined): FaultMode | undefined {
    this.current = input === undefined ? undefined : normalizeFaultMode(input);
    this.random = mulberry32(this.current?.seed ?? 0);
    return this.mode;
  }

  inject(fault: Fault): void {
    const checked = checkFault(fault);
    this.targeted.push({ ...checked, re: new RegExp(checked.pathPattern) });
  }

  /**
   * The fate of one API request. Call it once per request, synchronously on arrival: the
   * mode's draws follow arrival order. A matching targeted fault wins over a drawn one (the
   * draw still happens, so targeted faults do not shift the mode's sequence).
   */
  decide(method: string, path: string): FaultDecision {
    const mode = this.current;
    let drawn: FaultKind | undefined;
    if (mode && mode.rate > 0 && this.random() < mode.rate) drawn = mode.kinds[Math.floor(this.random() * mode.kinds.length)];
    const delayMs = mode?.latencyMs ?? 0;
    const target = this.targeted.find((f) => f.count > 0 && (!f.method || f.method === method) && f.re.test(path));
    if (target) {
      target.count -= 1;
      if (target.count === 0) this.targeted.splice(this.targeted.indexOf(target), 1);
      const kind = target.kind ?? String(target.status);
      this.record(method, path, kind, "inject");
      const delay = delayMs + (target.delayMs ?? 0);
      return target.kind ? { delayMs: delay, drop: target.kind } : { delayMs: delay, status: target.status, retryAfterSeconds: target.retryAfterSeconds };
    }
    if (!drawn) return { delayMs };
    this.record(method, path, drawn, "mode");
    if (drawn === "reset" || drawn === "lost") return { delayMs, drop: drawn };
    return { delayMs, status: Number(drawn), ...(drawn === "429" ? { retryAfterSeconds: 1 } : {}) };
  }

  private record(method: string, path: string, kind: string, source: FaultLogEntry["source"]): void {
    const entry: FaultLogEntry = { time: new Date().toISOString(), method, path, kind, source };
    this.log.push(entry);
    try {
      appendFileSync(this.logFile, JSON.stringify(entry) + "\n");
    } catch (err) {
      // The in-memory log still has it; a data directory removed under a running emulator must not stop it.
      console.error(`edgeai-emulator: cannot append to ${this.logFile}: ${(err as Error).message}`);
    }
  }
}
