import type { Dispatcher, EnvHttpProxyAgent, Pool } from "undici";
import { ApiError, EndpointError, OutcomeUnknownError } from "./errors";

/**
 * undici, loaded on the first request: the Pulumi program imports the resource classes (and with
 * them this module) but never sends a request, and loading undici's ~110 modules costs it ~50 ms.
 */
let undiciModule: typeof import("undici") | undefined;
const undici = (): typeof import("undici") => (undiciModule ??= require("undici") as typeof import("undici"));

/**
 * Connections per origin: as many as requests are in flight. The engine runs up to `--parallel`
 * steps at once (default: 4 per core) and each step has one request in flight, so the engine's
 * parallelism sizes the pool; it is not told to providers, so a fixed cap would throttle a run
 * with a higher `--parallel`. Idle connections are kept for reuse.
 */
const CONNECTIONS = { connections: null, keepAliveTimeout: 30_000 } as const;

/** One keep-alive pool per origin, shared by every client in the process. */
const pools = new Map<string, Pool>();
function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  // Stryker disable next-line ConditionalExpression: a new pool per request answers the same; only connection reuse differs, which undici does not make deterministic to observe.
  if (!pool) {
    pool = new (undici().Pool)(origin, CONNECTIONS);
    // Stryker disable next-line CallExpression: as above, only connection reuse differs.
    pools.set(origin, pool);
  }
  return pool;
}

/** The proxy settings, as curl and most CLIs read them (lowercase names too). */
const PROXY_VARS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];
let proxied: { settings: string; agent: EnvHttpProxyAgent } | undefined;

/**
 * Where a request goes: with HTTPS_PROXY/HTTP_PROXY (and NO_PROXY) set, through undici's
 * `EnvHttpProxyAgent` (CI runners behind corporate proxies); otherwise the origin's pool. The agent
 * is made again when the settings change.
 */
function dispatcherFor(origin: string): Dispatcher {
  // Stryker disable next-line StringLiteral: equivalent, with no proxy set the agent connects directly as the pool does.
  const values = PROXY_VARS.map((name) => process.env[name] ?? "");
  const settings = values.join("\n");
  // Stryker disable next-line ConditionalExpression,MethodExpression: equivalent, EnvHttpProxyAgent without proxy settings connects directly too; the pool is only the cheaper path.
  if (!settings.trim()) return poolFor(origin);
  // Stryker disable next-line ConditionalExpression: equivalent, a new agent for unchanged settings routes the same; only connection reuse differs.
  if (proxied?.settings !== settings) {
    void proxied?.agent.close().catch(() => undefined);
    proxied = { settings, agent: new (undici().EnvHttpProxyAgent)(CONNECTIONS) };
  }
  return proxied.agent;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface HttpRequest {
  method: string;
  /** Path without query, not yet percent-encoded per segment. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Repeating the request is harmless (PUT, DELETE, GET, and POSTs the caller marks, such as
   * start/stop actions). Default: every method but POST.
   */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** Everything a service family decides: how to authenticate, how errors and payloads look. */
export interface Family {
  service: string;
  /** Adds auth headers; `refresh` asks token auth for a new token (after a 401). */
  authenticate(req: PreparedRequest, refresh: boolean): Promise<void>;
  /** Whether a 401 may be cured by `authenticate(req, true)` (token auth). */
  readonly refreshable: boolean;
  /** Turns a non-2xx body into `[code, message]`. */
  errorOf(status: number, body: any): [string, string];
  /** Unwraps a successful body (for example an envelope). */
  unwrap(body: any): any;
  requestIdOf(headers: Record<string, string>, body: any): string | undefined;
  /** Which credential the requests carry and which settings it came from (never its value): named by 401/403 errors. */
  readonly credential?: string;
}

export interface PreparedRequest {
  method: string;
  url: URL;
  /** The encoded path as sent on the wire. */
  wirePath: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

export interface EndpointOptions {
  maxRetries: number;
  timeoutMs: number;
  /** Base backoff; tests lower it. */
  backoffMs?: number;
  /** Where retries are reported (the run's output); silent when omitted. */
  log?: (message: string) => void;
  /** Which setting chose the endpoint, for errors (e.g. `set by HW_HILENS_ENDPOINT`). */
  source?: string;
}

const RETRYABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
/** Failures that happen before the request reaches the server: safe to retry even for a POST. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
/** A Retry-After longer than this is not waited for: the error is reported instead. */
const MAX_RETRY_AFTER_MS = 60_000;

function encodePath(path: string): string {
  return path.split("/").map((s) => encodeURIComponent(s)).join("/");
}

function retryAfterMs(headers: Record<string, string>): number | undefined {
  const value = headers["retry-after"];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A base URL plus the family that speaks to it: retries, timeouts, auth, error mapping. */
export class Endpoint {
  constructor(
    readonly baseUrl: string,
    readonly family: Family,
    readonly options: EndpointOptions,
  ) {}

  prepare(req: HttpRequest): PreparedRequest {
    const base = new URL(this.baseUrl);
    const basePath = base.pathname.replace(/\/$/, "");
    const wirePath = basePath + encodePath(req.path);
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== null) query[k] = String(v);
    const url = new URL(base.origin + wirePath);
    for (const [k, v] of Object.entries(query)) url.searchParams.append(k, v);
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["Content-Type"] = "application/json";
    }
    return { method: req.method, url, wirePath, query, headers, body };
  }

  /**
   * Sends `req`, retrying what is safe to retry: anything that cannot have reached the server
   * (429, refused connections), and idempotent requests on 5xx and broken connections. A POST
   * that may have been carried out (5xx, connection lost after sending) is not repeated: it
   * fails with `OutcomeUnknownError`, so the caller can find out what happened first.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const backoff = this.options.backoffMs ?? 250;
    let refreshed = false;
    let forceRefresh = false;
    const idempotent = req.idempotent ?? req.method !== "POST";
    const what = `${this.family.service} ${req.method} ${req.path}`;
    const retry = async (why: string, attempt: number, waitMs: number) => {
      this.options.log?.(`${what}: ${why}; retrying in ${(waitMs / 1000).toFixed(1)}s (attempt ${attempt + 2} of ${this.options.maxRetries + 1})`);
      await sleep(waitMs);
    };
    for (let attempt = 0; ; attempt++) {
      const prepared = this.prepare(req);
      await this.family.authenticate(prepared, forceRefresh);
      forceRefresh = false;
      let res: HttpResponse;
      try {
        res = await this.send(prepared);
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code ?? "";
        const message = (err as Error).message || code;
        const notSent = NOT_SENT_CODES.has(code);
        const retryable = notSent || (idempotent && (RETRYABLE_CODES.has(code) || err instanceof undici().errors.UndiciError));
        if (attempt < this.options.maxRetries && retryable) {
          await retry(message, attempt, jitter(backoff, attempt));
          continue;
        }
        if (!notSent && !idempotent) throw new OutcomeUnknownError(this.family.service, req.method, req.path, message);
        throw new EndpointError(this.family.service, this.baseUrl, this.options.source, attempt + 1, message, what);
      }
      if (res.status === 401 && this.family.refreshable && !refreshed) {
        refreshed = forceRefresh = true;
        continue;
      }
      const wait = retryAfterMs(res.headers) ?? jitter(backoff, attempt);
      if ((res.status === 429 || (res.status >= 500 && idempotent)) && attempt < this.options.maxRetries && wait <= MAX_RETRY_AFTER_MS) {
        await retry(`HTTP ${res.status}`, attempt, wait);
        continue;
      }
      if (res.status >= 400) {
        const [code, msg] = this.family.errorOf(res.status, res.body);
        // A gateway or backend may answer 5xx after the object was made.
        if (res.status >= 500 && !idempotent) throw new OutcomeUnknownError(this.family.service, req.method, req.path, `HTTP ${res.status} ${code}: ${msg}`);
        const hint = (res.status === 401 || res.status === 403) && this.family.credential ? `The request was sent with ${this.family.credential}` : undefined;
        throw new ApiError(this.family.service, req.method, req.path, res.status, code, msg, this.family.requestIdOf(res.headers, res.body), hint);
      }
      return { ...res, body: this.family.unwrap(res.body) };
    }
  }

  private async send(p: PreparedRequest): Promise<HttpResponse> {
    const res = await dispatcherFor(p.url.origin).request({
      origin: p.url.origin,
      method: p.method as "GET",
      path: p.url.pathname + p.url.search,
      headers: p.headers,
      body: p.body,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    const text = await res.body.text();
    const headers: Record<string, string> = {};
    // Stryker disable next-line StringLiteral: equivalent, undici never answers a header whose value is undefined.
    for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v ?? "");
    let body: any = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.statusCode, headers, body };
  }
}

/** Exponential backoff with full jitter, capped at 10 s. */
function jitter(baseMs: number, attempt: number): number {
  return Math.random() * Math.min(10_000, baseMs * 2 ** attempt);
}
