import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Store } from "./store";
import { RequestLog } from "./requestLog";
import { BadPathError, EmuError, EmuRequest, FamilyCodes, Route, matchRoute, route } from "./http";
import { Fault, FaultDecision, FaultInjector, FaultLogEntry, FaultMode, FaultModeInput, checkFault, formatFaultMode } from "./faults";
import { Family, familyOf, isControlPath } from "./families";
import { hilensRoutes } from "./hilens";
import { octopusRoutes } from "./octopus";
import { tensorbayRoutes } from "./tensorbay";
import { Clock, setClock, systemClock } from "./clock";
import { AuthOptions, CREDENTIAL_DEFAULTS, createAuth, header, sameToken } from "./auth";

export type { Fault, FaultKind, FaultLogEntry, FaultMode, FaultModeInput } from "./faults";
export type { Credential, IamUser } from "./auth";

/** The auth options (credentials, IAM users, token lifetime, X-Sdk-Date skew, TensorBay keys): see auth.ts. */
export interface EmulatorOptions extends AuthOptions {
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  dataDir: string;
  /** Fault mode: `"rate=0.1,seed=42,kinds=429,500,503,reset,lost,latency=20ms"` or its fields (see faults.ts). Off by default. */
  faults?: FaultModeInput;
  /** The token control routes (`/__emulator/…`) require in `X-Emulator-Token` (default: a random one, see `Emulator.controlToken`). */
  controlToken?: string;
  /** Largest request body accepted; larger ones get 413 (default `DEFAULTS.maxBodyBytes`). */
  maxBodyBytes?: number;
  /** The time that drives asynchronous work and timestamps (default: the machine's); tests pass a `ManualClock` and advance it instead of sleeping (see clock.ts). */
  clock?: Clock;
  /** The time X-Sdk-Date and IAM token expiry are checked against (default: the machine's, as signatures are made with real time); tests pass a `ManualClock` to reach the boundaries exactly. */
  authClock?: Clock;
  /** How many of the latest requests `Emulator.requests` holds in memory (default `DEFAULTS.requestLogLimit`); `<data>/requests.jsonl` gets them all. */
  requestLogLimit?: number;
}

export interface LoggedRequest {
  time: string;
  method: string;
  path: string;
  query: string;
  /** The status answered (for a `lost` request: the status the client never saw; 0 for a `reset` one). */
  status: number;
  code?: string;
  /** The injected fault, when there was one. */
  fault?: string;
}

export const DEFAULTS = {
  port: 8787,
  host: "127.0.0.1",
  dataDir: ".edgeai-emulator",
  ...CREDENTIAL_DEFAULTS,
  /** HiLens and Octopus §3: "AK/SK签名认证方式仅支持消息体大小12M以内" (AK/SK-signed bodies up to 12 MB). */
  maxBodyBytes: 12 * 1024 * 1024,
  requestLogLimit: 10_000,
};

export interface Emulator {
  url: string;
  port: number;
  store: Store;
  /**
   * The API requests answered, oldest first: the latest `requestLogLimit` in memory, every one
   * appended to `<data>/requests.jsonl` (asynchronously; `close()` waits for it). `length` counts
   * every request since start and `slice(start)`/`since(start)` take absolute indexes, so
   * `const start = emulator.requests.length; …; emulator.requests.slice(start)` reads the requests
   * in between. Reads like an array (`at`, `filter`, `map`, `find`, iteration).
   */
  requests: RequestLog<LoggedRequest>;
  /** The token control routes require in `X-Emulator-Token`. */
  controlToken: string;
  /** Every injected fault, oldest first (also `GET /__emulator/faults/log` and `<data>/faults.jsonl`). */
  faultLog: FaultLogEntry[];
  /** The fault mode in force, if any. */
  readonly faults: FaultMode | undefined;
  /** Sets the fault mode (a spec string or its fields; the PRNG restarts from its seed), or turns it off with `undefined` (also `PUT`/`DELETE /__emulator/faults/mode`). */
  setFaults(mode: FaultModeInput | undefined): FaultMode | undefined;
  /** Queues a targeted fault: a status, or `kind: "reset" | "lost"` (also `POST /__emulator/faults`). */
  inject(fault: Fault): void;
  /**
   * Calls a control route with the control token and a JSON body; answers the parsed JSON body
   * (`undefined` when empty) and throws on a non-2xx answer. E.g.
   * `emulator.control("PUT", "/__emulator/hilens/timing", { deviceConnectMs: 300 })`.
   */
  control(method: string, path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

/** Thrown by `readBody` when the body passes the limit; the rest is not read. */
class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        chunks.length = 0;
        reject(new BodyTooLarge());
      } else chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Splits a request target into its raw path and query. Never throws: an absolute-form target that does not parse is kept as a path (and matches nothing). */
function splitTarget(target: string): { path: string; search: string } {
  let t = target;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    try {
      const u = new URL(t);
      t = u.pathname + u.search;
    } catch {
      // kept as it is
    }
  }
  const q = t.indexOf("?");
  return q < 0 ? { path: t, search: "" } : { path: t.slice(0, q), search: t.slice(q) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the request carries a body (a Content-Length above 0 or a chunked body). */
function hasBody(req: IncomingMessage): boolean {
  return Number(header(req, "content-length") ?? 0) > 0 || header(req, "transfer-encoding") !== undefined;
}

const isJson = (contentType: string | undefined) => !!contentType && /^application\/json\s*(;|$)/i.test(contentType.trim());

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const store = new Store(options.dataDir);
  if (options.clock) setClock(store, options.clock);
  const requests = new RequestLog<LoggedRequest>(options.requestLogLimit ?? DEFAULTS.requestLogLimit, join(options.dataDir, "requests.jsonl"));
  const maxBody = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const controlToken = options.controlToken ?? randomBytes(24).toString("base64url");
  if (!controlToken) {
    store.close();
    throw new Error("controlToken must not be empty");
  }
  const faults = new FaultInjector(join(options.dataDir, "faults.jsonl"), options.faults);
  const { iamRoute, authenticateHuawei, authenticateTensorbay } = createAuth(options, store, options.authClock ?? systemClock);

  const control = (spec: string, handler: Route["handler"]) => route(spec, handler, "none");
  const badControlBody = (err: unknown): never => {
    throw new EmuError(400, "EMU.0400", (err as Error).message);
  };
  const modeBody = () => {
    const mode = faults.mode;
    return { mode: mode ?? null, spec: mode ? formatFaultMode(mode) : null };
  };
  const controlRoutes: Route[] = [
    control("POST /__emulator/faults", (req) => {
      try {
        faults.inject(checkFault(req.body));
      } catch (err) {
        badControlBody(err);
      }
      return { status: 204 };
    }),
    control("GET /__emulator/faults/log", () => ({ body: faults.log })),
    control("GET /__emulator/faults/mode", () => ({ body: modeBody() })),
    control("PUT /__emulator/faults/mode", (req) => {
      const b = req.body;
      try {
        faults.setMode(b && typeof b === "object" && !Array.isArray(b) && typeof b.spec === "string" && Object.keys(b).length === 1 ? b.spec : b);
      } catch (err) {
        badControlBody(err);
      }
      return { body: modeBody() };
    }),
    control("DELETE /__emulator/faults/mode", () => (faults.setMode(undefined), { body: modeBody() })),
    // `?since=N`: the held requests from absolute index N on; X-Emulator-Request-Count: every request since start (the next N to ask from).
    control("GET /__emulator/requests", (req) => {
      const since = req.query.get("since");
      if (since !== null && !/^\d{1,15}$/.test(since)) throw new EmuError(400, "EMU.0400", "since must be a request index (a non-negative integer).");
      return { headers: { "X-Emulator-Request-Count": String(requests.length) }, body: since === null ? requests.slice() : requests.since(Number(since)) };
    }),
    control("GET /__emulator/count", (req) => ({ body: { count: store.count(req.query.get("project") ?? undefined) } })),
  ];
  const routes: Route[] = [iamRoute, ...controlRoutes, ...hilensRoutes, ...octopusRoutes, ...tensorbayRoutes];

  /** An injected status fault, in the family's shape; the handler does not run. */
  function faultError(family: Family, codes: FamilyCodes, status: number): EmuError {
    if (status === 429) return new EmuError(429, family.throttled, "The throttling threshold has been reached.");
    if (status >= 500) return new EmuError(status, codes.internal, status === 503 ? "Service unavailable." : "Internal server error.");
    return new EmuError(status, family.gateway.badRequest, "Bad request.");
  }

  function logRequest(entry: LoggedRequest): void {
    requests.push(entry);
  }

  /**
   * One request, start to end. Nothing in here may escape: every failure is answered in the
   * family's shape (or, for injected `reset`/`lost` faults, the connection is dropped on purpose).
   */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const { path, search } = splitTarget(req.url ?? "/");
    const query = new URLSearchParams(search);
    const family = familyOf(path);
    const isControl = isControlPath(path);
    // Drawn synchronously, on arrival: the fault mode's sequence follows arrival order.
    const decision: FaultDecision = isControl ? { delayMs: 0 } : faults.decide(method, path);
    let status = 200;
    let code: string | undefined;
    let payload: unknown;
    let closeConnection = false;
    const headers: Record<string, string> = { "Content-Type": "application/json", "X-Request-Id": randomBytes(16).toString("hex") };
    // Matched up front (synchronously) so that faults, too, answer in the route's own error shape.
    let found: ReturnType<typeof matchRoute> | EmuError;
    try {
      found = matchRoute(routes, method, path);
    } catch (err) {
      if (!(err instanceof BadPathError)) throw err;
      found = new EmuError(400, family.gateway.badRequest, err.message);
    }
    const renderError = (typeof found === "object" && !(found instanceof EmuError) && found.route.errorBody) || family.errorBody;
    const codes = (typeof found === "object" && !(found instanceof EmuError) && found.route.codes) || family.codes;
    try {
      if (decision.delayMs) await sleep(decision.delayMs);
      if (decision.drop === "reset") {
        logRequest({ time: new Date().toISOString(), method, path, query: search, status: 0, fault: "reset" });
        req.socket.destroy();
        return;
      }
      if (decision.status !== undefined) {
        if (decision.retryAfterSeconds !== undefined) headers["Retry-After"] = String(decision.retryAfterSeconds);
        throw faultError(family, codes, decision.status);
      }
      if (isControl) {
        if (!sameToken(header(req, "x-emulator-token"), controlToken)) throw new EmuError(401, "EMU.0401", "Control routes need the emulator's control token in X-Emulator-Token.");
        if ((hasBody(req) || ["POST", "PUT", "PATCH"].includes(method)) && !isJson(header(req, "content-type"))) throw new EmuError(415, "EMU.0415", "Control routes take JSON bodies: send Content-Type: application/json.");
      }
      if (found instanceof EmuError) throw found;
      if (found === undefined) throw new EmuError(404, family.gateway.notFound, "The API does not exist or has not been published in the environment.");
      if (found === "method") throw new EmuError(405, family.gateway.methodNotAllowed, "Method not allowed.");
      if (Number(header(req, "content-length") ?? 0) > maxBody) throw new BodyTooLarge();
      const body = await readBody(req, maxBody);
      let principal = "";
      let deniedActions: string[] = [];
      if (found.route.auth === "huawei") {
        ({ projectId: principal, deniedActions } = authenticateHuawei(req, path, query, body));
        const wrong = codes.wrongProject;
        if (found.params.project_id !== undefined && found.params.project_id !== principal) throw new EmuError(wrong.status, wrong.code, wrong.message);
      } else if (found.route.auth === "tensorbay") principal = authenticateTensorbay(req);
      let parsedBody: any = undefined;
      if (body) {
        try {
          parsedBody = JSON.parse(body);
        } catch {
          throw new EmuError(400, codes.invalidBody, "Request body is not valid JSON.");
        }
      }
      const emuReq: EmuRequest = { method, path, params: found.params, query, body: parsedBody, headers: req.headers as Record<string, string>, principal, permits: (action) => !deniedActions.includes(action), store };
      const out = await found.route.handler(emuReq);
      status = out.status ?? 200;
      payload = out.body;
      Object.assign(headers, out.headers ?? {});
    } catch (err) {
      let e: EmuError;
      if (err instanceof EmuError) e = err;
      else if (err instanceof BodyTooLarge) {
        // The rest of the body is never read: the connection closes after the answer.
        closeConnection = true;
        e = new EmuError(413, family.gateway.tooLarge, `Request body is larger than ${maxBody} bytes.`);
      } else {
        console.error(err);
        e = new EmuError(500, codes.internal, "Internal server error.");
      }
      status = e.status;
      code = e.code;
      payload = renderError(e);
    }
    if (!isControl) logRequest({ time: new Date().toISOString(), method, path, query: search, status, ...(code ? { code } : {}), ...(decision.drop === "lost" ? { fault: "lost" } : {}) });
    if (decision.drop === "lost") {
      // Applied, but the answer never arrives.
      req.socket.destroy();
      return;
    }
    if (closeConnection) headers["Connection"] = "close";
    const text = payload === undefined ? "" : JSON.stringify(payload);
    headers["Content-Length"] = String(Buffer.byteLength(text));
    res.writeHead(status, headers);
    res.end(text);
  }

  /** The error boundary around `handle`: the emulator keeps serving whatever one request does. */
  function serve(req: IncomingMessage, res: ServerResponse): void {
    // A client that goes away mid-request must not raise an unhandled 'error'.
    req.on("error", () => {});
    res.on("error", () => {});
    handle(req, res).catch((err) => {
      console.error(err);
      try {
        if (res.headersSent) res.destroy();
        else {
          const path = splitTarget(req.url ?? "/").path;
          const family = familyOf(path);
          res.writeHead(500, { "Content-Type": "application/json", Connection: "close" });
          res.end(JSON.stringify(family.errorBody(new EmuError(500, family.codes.internal, "Internal server error."))));
        }
      } catch {
        res.destroy();
      }
    });
  }

  const server: Server = createServer(serve);
  // A request Node's parser refuses (bad request line, bad header, header too large): answered in
  // the gateway's shape, then the connection closes (the parser cannot continue on it).
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === "ECONNRESET" || !socket.writable) return void socket.destroy();
    const [status, text] = err.code === "HPE_HEADER_OVERFLOW" ? [431, "Request Header Fields Too Large"] : [400, "Bad Request"];
    const body = JSON.stringify({ error_code: "APIGW.0201", error_msg: `${text}.` });
    socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  const host = options.host ?? DEFAULTS.host;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((err) => {
    store.close();
    throw err;
  });
  const port = (server.address() as { port: number }).port;
  // A wildcard address is reached through loopback; an IPv6 literal needs brackets.
  const urlHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  return {
    url,
    port,
    store,
    requests,
    controlToken,
    faultLog: faults.log,
    get faults() {
      return faults.mode;
    },
    setFaults: (mode) => faults.setMode(mode),
    inject: (fault) => faults.inject(fault),
    async control(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: { "X-Emulator-Token": controlToken, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await requests.flush();
      store.close();
    },
  };
}
