import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { Store } from "./store";
import { EmuError, EmuRequest, HILENS_CODES, Route, matchRoute, route } from "./http";
import { canonicalRequest, parseAuthorization, parseSdkDate, signature } from "../provider/client/signer";
import { hilensRoutes } from "./hilens";
import { octopusRoutes } from "./octopus";
import { tensorbayRoutes } from "./tensorbay";

export interface Credential {
  accessKey: string;
  secretKey: string;
  projectId: string;
  /** IAM actions this principal's policy does not grant (e.g. `octopus:imageRepo:create`); routes that check them answer 403. */
  deniedActions?: string[];
}

export interface IamUser {
  name: string;
  password: string;
  domain: string;
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  dataDir: string;
  credentials: Credential[];
  users?: IamUser[];
  /** Lifetime of issued IAM tokens (the real service: 24 h). */
  tokenTtlMs?: number;
  /** Allowed X-Sdk-Date skew (documented: 15 minutes). */
  maxClockSkewMs?: number;
  /** TensorBay access keys accepted in `X-Token` (default: `DEFAULTS.tensorbayAccessKey`). */
  tensorbayAccessKeys?: string[];
}

export interface LoggedRequest {
  time: string;
  method: string;
  path: string;
  query: string;
  status: number;
  code?: string;
}

/** An injected failure: the next `count` requests whose path matches answer `status` (tests of retries). */
export interface Fault {
  pathPattern: string;
  status: number;
  count: number;
  retryAfterSeconds?: number;
  /** Hold the answer this long first (tests of timeouts). */
  delayMs?: number;
}

export const DEFAULTS = {
  port: 8787,
  dataDir: ".edgeai-emulator",
  accessKey: "EMULATORACCESSKEY0001",
  secretKey: "emulator-secret-key-0001",
  projectId: "0e1d2c3b4a5968778695a4b3c2d1e0f0",
  userName: "edgeai",
  password: "edgeai-password",
  domainName: "edgeai",
  /** The documented shape: `Accesskey-` plus 32 characters. */
  tensorbayAccessKey: "Accesskey-0123456789abcdef0123456789abcdef",
};

export interface Emulator {
  url: string;
  port: number;
  store: Store;
  /** Every request answered, oldest first (also appended to `<data>/requests.jsonl`). */
  requests: LoggedRequest[];
  /** Queues an injected failure (also `POST /__emulator/faults`). */
  inject(fault: Fault): void;
  close(): Promise<void>;
}

function huaweiError(err: EmuError) {
  return err.body ?? { error_code: err.code, error_msg: err.message };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const store = new Store(options.dataDir);
  const requests: LoggedRequest[] = [];
  const logFile = join(options.dataDir, "requests.jsonl");
  const users = options.users ?? [{ name: DEFAULTS.userName, password: DEFAULTS.password, domain: DEFAULTS.domainName }];
  const tokenTtl = options.tokenTtlMs ?? 24 * 3600_000;
  const skew = options.maxClockSkewMs ?? 15 * 60_000;

  const iamRoute = route(
    "POST /v3/auth/tokens",
    (req) => {
      const user = req.body?.auth?.identity?.password?.user;
      const projectId = req.body?.auth?.scope?.project?.id;
      const known = users.find((u) => u.name === user?.name && u.password === user?.password && u.domain === user?.domain?.name);
      if (!known) throw new EmuError(401, "IAM.0002", "The username or password is incorrect.", { error: { code: 401, title: "Unauthorized", message: "The username or password is incorrect." } });
      if (!options.credentials.some((c) => c.projectId === projectId)) throw new EmuError(400, "IAM.0004", "Invalid project scope.", { error: { code: 400, title: "Bad Request", message: "Invalid project scope." } });
      const token = "MIIT" + randomBytes(48).toString("base64url");
      const expiresAt = Date.now() + tokenTtl;
      store.saveToken(token, projectId, expiresAt);
      return { status: 201, headers: { "X-Subject-Token": token }, body: { token: { expires_at: new Date(expiresAt).toISOString(), methods: ["password"], project: { id: projectId } } } };
    },
    "none",
  );
  const faults: Fault[] = [];
  const controlRoutes: Route[] = [
    route("POST /__emulator/faults", (req) => (faults.push(req.body as Fault), { status: 204 }), "none"),
    route("GET /__emulator/requests", () => ({ body: requests }), "none"),
    route("GET /__emulator/count", (req) => ({ body: { count: store.count(req.query.get("project") ?? undefined) } }), "none"),
  ];
  const routes: Route[] = [iamRoute, ...controlRoutes, ...hilensRoutes, ...octopusRoutes, ...tensorbayRoutes];

  const tensorbayKeys = new Set(options.tensorbayAccessKeys ?? [DEFAULTS.tensorbayAccessKey]);
  /** Returns the caller's TensorBay namespace: a digest of the key, so state.json never holds a key. */
  function authenticateTensorbay(req: IncomingMessage): string {
    const token = req.headers["x-token"];
    if (typeof token !== "string" || !token) throw new EmuError(401, "Unauthorized", "X-Token header is required.");
    if (!tensorbayKeys.has(token)) throw new EmuError(403, "AccessDenied", "The accesskey is invalid.");
    return "tensorbay-" + createHash("sha256").update(token).digest("hex").slice(0, 16);
  }

  /** Returns the caller's project, or throws the documented 401/403. */
  function authenticateHuawei(req: IncomingMessage, wirePath: string, query: URLSearchParams, body: string): { projectId: string; deniedActions: string[] } {
    const headers = req.headers as Record<string, string>;
    const auth = headers["authorization"];
    if (auth) {
      const parsed = parseAuthorization(auth);
      const cred = parsed && options.credentials.find((c) => c.accessKey === parsed.accessKey);
      if (!parsed || !cred) throw new EmuError(401, "APIGW.0301", "Incorrect IAM authentication information: ak not found or authorization header malformed.");
      const date = parseSdkDate(headers["x-sdk-date"] ?? "");
      if (!date || Math.abs(Date.now() - date.getTime()) > skew) throw new EmuError(401, "APIGW.0301", "Incorrect IAM authentication information: X-Sdk-Date is missing or more than 15 minutes off.");
      const signed: Record<string, string> = {};
      for (const name of parsed.signedHeaders) signed[name] = headers[name] ?? "";
      const queryRecord: Record<string, string[]> = {};
      for (const [k, v] of query) (queryRecord[k] ??= []).push(v);
      const { text } = canonicalRequest({ method: req.method!, path: wirePath, query: queryRecord, headers: signed, body });
      if (signature(cred.secretKey, headers["x-sdk-date"], text) !== parsed.signature) throw new EmuError(401, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail.");
      return { projectId: cred.projectId, deniedActions: cred.deniedActions ?? [] };
    }
    const token = headers["x-auth-token"];
    if (token) {
      const known = store.token(token);
      if (!known) throw new EmuError(403, "HIL.0145", "Invalid token.");
      if (known.expiresAt < Date.now()) throw new EmuError(401, "APIGW.0301", "Incorrect IAM authentication information: the token has expired.");
      return { projectId: known.projectId, deniedActions: [] };
    }
    throw new EmuError(401, "APIGW.0301", "Incorrect IAM authentication information: no Authorization or X-Auth-Token header.");
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator");
    const body = await readBody(req);
    let status = 200;
    let code: string | undefined;
    let payload: unknown;
    const headers: Record<string, string> = { "Content-Type": "application/json", "X-Request-Id": randomBytes(16).toString("hex") };
    let renderError = huaweiError as (e: EmuError) => unknown;
    let codes = HILENS_CODES;
    try {
      const fault = url.pathname.startsWith("/__emulator/") ? undefined : faults.find((f) => f.count > 0 && new RegExp(f.pathPattern).test(url.pathname));
      if (fault) {
        fault.count -= 1;
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
        throw new EmuError(fault.status, fault.status === 429 ? "APIGW.0308" : "HIL.0002", fault.status === 429 ? "The throttling threshold has been reached." : "Internal server error.");
      }
      const found = matchRoute(routes, req.method ?? "GET", url.pathname);
      if (found === undefined) throw new EmuError(404, "APIGW.0101", "The API does not exist or has not been published in the environment.");
      if (found === "method") throw new EmuError(405, "APIGW.0101", "Method not allowed.");
      renderError = found.route.errorBody ?? huaweiError;
      codes = found.route.codes ?? HILENS_CODES;
      let principal = "";
      let deniedActions: string[] = [];
      if (found.route.auth === "huawei") {
        ({ projectId: principal, deniedActions } = authenticateHuawei(req, url.pathname, url.searchParams, body));
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
      const emuReq: EmuRequest = { method: req.method!, path: url.pathname, params: found.params, query: url.searchParams, body: parsedBody, headers: req.headers as Record<string, string>, principal, permits: (action) => !deniedActions.includes(action), store };
      const out = await found.route.handler(emuReq);
      status = out.status ?? 200;
      payload = out.body;
      Object.assign(headers, out.headers ?? {});
    } catch (err) {
      if (err instanceof EmuError) {
        status = err.status;
        code = err.code;
        payload = renderError(err);
      } else {
        status = 500;
        code = codes.internal;
        payload = renderError(new EmuError(500, codes.internal, "Internal server error."));
        console.error(err);
      }
    }
    const entry: LoggedRequest = { time: new Date().toISOString(), method: req.method ?? "", path: url.pathname, query: url.search, status, ...(code ? { code } : {}) };
    if (!url.pathname.startsWith("/__emulator/")) {
      requests.push(entry);
      appendFileSync(logFile, JSON.stringify(entry) + "\n");
    }
    res.writeHead(status, headers);
    res.end(payload === undefined ? "" : JSON.stringify(payload));
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    requests,
    inject: (fault) => faults.push({ ...fault }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
