import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import { HuaweiServiceClient, huaweiAuth, IamPasswordAuth } from "../../provider/client/huawei";
import { authorization, sdkDate } from "../../provider/client/signer";
import { ApiError, OutcomeUnknownError } from "../../provider/client/errors";
import { resolveConfig, ProviderConfig, ConfigKey } from "../../provider/config";
import { configure, handlers } from "../../provider/framework/runtime";
import { until } from "./wait";

const OTHER = { accessKey: "OTHERPROJECTACCESSKEY", secretKey: "other-secret", projectId: "ffffffffffffffffffffffffffffffff" };
let emu: Emulator;
let dataDir: string;

function config(overrides: Partial<Record<ConfigKey, string>>): ProviderConfig {
  const base: Partial<Record<ConfigKey, string>> = { hilensEndpoint: emu.url, iamEndpoint: emu.url, projectId: DEFAULTS.projectId, maxRetries: "3", ...overrides };
  return resolveConfig((k) => base[k], {});
}

function client(overrides: Partial<Record<ConfigKey, string>> = { accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey }, timeoutMs?: number) {
  const cfg = config(overrides);
  if (timeoutMs) cfg.requestTimeoutMs = timeoutMs;
  const c = new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg));
  (c.endpoint.options as { backoffMs?: number }).backoffMs = 10;
  return c;
}

const configMap = (name: string) => ({ configmap: { name, configs: [{ key: "k", value: "v" }], tags: [] } });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-client-"));
  emu = await startEmulator({ dataDir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }, OTHER] });
});
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("Huawei client against the emulator", () => {
  it("signs with AK/SK and the emulator verifies the signature", async () => {
    const created = await client().call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: configMap("signed-one") });
    expect(created.configmap.name).toBe("signed-one");
  });

  it("a wrong secret key gets the gateway's 401 with error_code and error_msg", async () => {
    const err = await client({ accessKey: DEFAULTS.accessKey, secretKey: "wrong" }).call("GET /v3/{project_id}/ai-mgr/configmaps").catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    expect(err.errorCode).toBe("APIGW.0301");
    expect(err.message).toContain("verify aksk signature fail");
    expect(err.message).not.toContain("wrong");
  });

  it("an X-Sdk-Date more than 15 minutes off is refused, even when correctly signed", async () => {
    const path = `/v3/${DEFAULTS.projectId}/ai-mgr/configmaps`;
    const send = async (date: Date) => {
      const headers: Record<string, string> = { host: new URL(emu.url).host, "X-Sdk-Date": sdkDate(date) };
      headers.Authorization = authorization({ method: "GET", path, headers: { ...headers } }, DEFAULTS.accessKey, DEFAULTS.secretKey);
      const res = await fetch(emu.url + path, { headers });
      return { status: res.status, body: await res.json() };
    };
    expect((await send(new Date(Date.now() - 14 * 60_000))).status).toBe(200);
    const stale = await send(new Date(Date.now() - 16 * 60_000));
    expect(stale.status).toBe(401);
    expect(stale.body).toEqual({ error_code: "APIGW.0301", error_msg: expect.stringContaining("15 minutes") });
  });

  it("one project's credentials never see another project's objects", async () => {
    const mine = await client().call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: configMap("isolated-one") });
    const other = client({ accessKey: OTHER.accessKey, secretKey: OTHER.secretKey, projectId: OTHER.projectId });
    const err = await other.call("GET /v3/{project_id}/ai-mgr/configmaps/{id}", { id: mine.configmap.id }).catch((e) => e);
    expect(err.status).toBe(404);
    const list = await other.call("GET /v3/{project_id}/ai-mgr/configmaps");
    expect(list.configmaps.map((c: { name: string }) => c.name)).not.toContain("isolated-one");
    // and a path naming the other project is refused outright
    const crossed = await client({ accessKey: OTHER.accessKey, secretKey: OTHER.secretKey, projectId: DEFAULTS.projectId }).call("GET /v3/{project_id}/ai-mgr/configmaps").catch((e) => e);
    expect(crossed.errorCode).toBe("HIL.0004");
  });

  it("maps a 404 to ApiError with status, error_code, error_msg and request id", async () => {
    const err = await client().call("GET /v3/{project_id}/ai-mgr/secrets/{id}", { id: "no-such-secret" }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(404);
    expect(err.errorCode).toMatch(/^HIL\./);
    expect(err.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(err.message).toContain("no-such-secret");
  });

  it("retries 429 (honouring Retry-After) and 5xx, then succeeds", async () => {
    emu.inject({ pathPattern: "/ai-mgr/workspaces$", status: 429, count: 1, retryAfterSeconds: 1 });
    emu.inject({ pathPattern: "/ai-mgr/workspaces$", status: 503, count: 2 });
    const seen = emu.requests.length;
    const c = client();
    const log: string[] = [];
    (c.endpoint.options as { log?: (m: string) => void }).log = (m) => log.push(m);
    const list = await c.call("GET /v3/{project_id}/ai-mgr/workspaces");
    expect(list.count).toBeTypeOf("number");
    expect(emu.requests.slice(seen).map((r) => r.status)).toEqual([429, 503, 503, 200]);
    // The wait after the 429 is the one its Retry-After asked for; each retry is printed.
    expect(log).toHaveLength(3);
    expect(log[0]).toMatch(/^hilens GET .*: HTTP 429; retrying in 1\.0s \(attempt 2 of 4\)$/);
    expect(log[1]).toMatch(/HTTP 503; retrying in \d+\.\ds \(attempt 3 of 4\)$/);
  });

  it("gives up after maxRetries and reports the last error", async () => {
    emu.inject({ pathPattern: "/ai-mgr/workspaces$", status: 500, count: 3 });
    const err = await client({ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries: "2" }).call("GET /v3/{project_id}/ai-mgr/workspaces").catch((e) => e);
    expect(err.status).toBe(500);
    expect(err.errorCode).toBe("HIL.0002");
  });

  it("retries connections the server drops, counting every attempt", async () => {
    let attempts = 0;
    const dropper = createServer((socket) => {
      attempts += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dropper.listen(0, "127.0.0.1", resolve));
    const port = (dropper.address() as AddressInfo).port;
    try {
      const flaky = client({ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, hilensEndpoint: `http://127.0.0.1:${port}`, maxRetries: "2" });
      const err = await flaky.call("GET /v3/{project_id}/ai-mgr/workspaces").catch((e) => e);
      expect(String(err.message)).toMatch(/^hilens GET /);
      expect(attempts).toBe(3);
      // A POST may have reached the server before the connection dropped: it is not repeated.
      attempts = 0;
      await flaky.call("POST /v3/{project_id}/ai-mgr/workspaces", {}, { body: { name: "x" } }).catch((e) => e);
      expect(attempts).toBe(1);
    } finally {
      dropper.close();
    }
  });

  it("does not repeat a POST answered 5xx (it may have been carried out), but does after a 429", async () => {
    emu.inject({ pathPattern: "/ai-mgr/configmaps$", status: 502, count: 1 });
    const seen = emu.requests.length;
    const err = await client().call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: configMap("not-twice") }).catch((e) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.message).toMatch(/POST \/v3\/.*\/ai-mgr\/configmaps: no usable answer \(HTTP 502 .*\); the request may have been carried out/);
    emu.inject({ pathPattern: "/ai-mgr/configmaps$", status: 429, count: 1 });
    await client().call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: configMap("after-throttle") });
    expect(emu.requests.slice(seen).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 502", "POST 429", "POST 200"]);
  });

  it("reports a Retry-After longer than a minute instead of stalling on it", async () => {
    emu.inject({ pathPattern: "/ai-mgr/workspaces$", status: 429, count: 1, retryAfterSeconds: 3600 });
    const seen = emu.requests.length;
    const err = await client().call("GET /v3/{project_id}/ai-mgr/workspaces").catch((e) => e);
    expect(err.status).toBe(429);
    // Not retried at all: one request, the error at once.
    expect(emu.requests.slice(seen).map((r) => r.status)).toEqual([429]);
  });

  it("times out a request that hangs", async () => {
    const start = emu.requests.length;
    emu.inject({ pathPattern: "/ai-mgr/secrets$", status: 500, count: 1, delayMs: 1500 });
    const err = await client({ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries: "0" }, 300).call("GET /v3/{project_id}/ai-mgr/secrets").catch((e) => e);
    expect(String(err.message)).toMatch(/timeout/i);
    // The emulator answers (and logs) the abandoned request later: let it finish here, not in another test's window.
    await until("the abandoned request's answer", () => emu.requests.since(start).some((r) => r.path.endsWith("/ai-mgr/secrets") && r.status === 500));
  });

  it("IAM password auth: one token, cached, refreshed once after a 401", async () => {
    const cfg = config({ userName: DEFAULTS.userName, password: DEFAULTS.password, domainName: DEFAULTS.domainName });
    const auth = huaweiAuth(cfg) as IamPasswordAuth;
    expect(auth).toBeInstanceOf(IamPasswordAuth);
    const c = new HuaweiServiceClient(cfg, "hilens", auth);
    await c.call("GET /v3/{project_id}/ai-mgr/workspaces");
    await c.call("GET /v3/{project_id}/ai-mgr/workspaces");
    expect(auth.issued).toBe(1);
    // The service expires the token early; the client gets a 401, takes a new token once, and succeeds.
    const tokens = emu.requests.filter((r) => r.path === "/v3/auth/tokens").length;
    expireAllTokens(emu);
    await c.call("GET /v3/{project_id}/ai-mgr/workspaces");
    expect(auth.issued).toBe(2);
    expect(emu.requests.filter((r) => r.path === "/v3/auth/tokens").length).toBe(tokens + 1);
    expect(emu.requests.at(-3)?.status).toBe(401);
  });

  it("a wrong IAM password is reported without the password", async () => {
    const cfg = config({ userName: DEFAULTS.userName, password: "not-the-password", domainName: DEFAULTS.domainName });
    const err = await new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg)).call("GET /v3/{project_id}/ai-mgr/workspaces").catch((e) => e);
    expect(err.status).toBe(401);
    expect(err.message).not.toContain("not-the-password");
  });

  it("pages through limit/offset lists", async () => {
    const c = client();
    for (let i = 0; i < 5; i++) await c.call("POST /v3/{project_id}/ai-mgr/secrets", {}, { body: { secret: { name: `paged-${i}-x`, secrets: [{ key: "k", value: "v" }], tags: [] } } });
    const all = await c.listAll<{ name: string }>("GET /v3/{project_id}/ai-mgr/secrets", "secrets", { pageSize: 2 });
    expect(all.filter((s) => s.name.startsWith("paged-")).length).toBe(5);
    expect(emu.requests.filter((r) => r.path.endsWith("/ai-mgr/secrets") && r.query.includes("limit=2")).length).toBe(3);
  });

  it("persists: a restarted emulator still has every object", async () => {
    const created = await client().call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: configMap("survives-restart") });
    await emu.close();
    emu = await startEmulator({ dataDir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }, OTHER] });
    const read = await client().call("GET /v3/{project_id}/ai-mgr/configmaps/{id}", { id: created.configmap.id });
    expect(read.configmap.name).toBe("survives-restart");
  });
});

function expireAllTokens(e: Emulator) {
  e.store.expireTokens();
}

describe("HiLens config map and secret lists in the emulator", () => {
  it("sort by name, created_at or updated_at as documented (default newest first), and refuse other orders", async () => {
    const c = client();
    for (const name of ["sort-b-cfg", "sort-a-cfg", "sort-c-cfg"]) await c.call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: configMap(name) });
    const names = async (sort?: string) => (await c.call("GET /v3/{project_id}/ai-mgr/configmaps", {}, { query: { name: "sort-", sort } })).configmaps.map((m: { name: string }) => m.name);
    expect(await names("name")).toEqual(["sort-a-cfg", "sort-b-cfg", "sort-c-cfg"]);
    expect(await names("name:desc")).toEqual(["sort-c-cfg", "sort-b-cfg", "sort-a-cfg"]);
    expect(await names()).toEqual(await names("created_at:desc"));
    const err = await names("size").catch((e) => e);
    expect(err).toMatchObject({ status: 400, errorCode: "HIL.0400" });
  });

  it("filter config maps by tag_key=key=value and secrets by tags=key.value", async () => {
    const c = client();
    await c.call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: { configmap: { name: "tagged-cfg", configs: [{ key: "k", value: "v" }], tags: [{ key: "team", value: "vision" }] } } });
    await c.call("POST /v3/{project_id}/ai-mgr/secrets", {}, { body: { secret: { name: "tagged-secret", secrets: [{ key: "k", value: "v" }], tags: [{ key: "team", value: "vision" }, { key: "env", value: "prod" }] } } });
    const maps = await c.call("GET /v3/{project_id}/ai-mgr/configmaps", {}, { query: { tag_key: "team=vision" } });
    expect(maps.configmaps.map((m: { name: string }) => m.name)).toEqual(["tagged-cfg"]);
    const both = await c.call("GET /v3/{project_id}/ai-mgr/secrets", {}, { query: { tags: "team.vision,env.prod" } });
    expect(both.secrets.map((m: { name: string }) => m.name)).toEqual(["tagged-secret"]);
    const none = await c.call("GET /v3/{project_id}/ai-mgr/secrets", {}, { query: { tags: "team.vision,env.dev" } });
    expect(none.count).toBe(0);
  });
});

describe("a create whose follow-up step fails", () => {
  it("is reported as partially created with the new ID, so the engine keeps the object instead of orphaning it", async () => {
    const values: Record<string, string> = { "edgeai:hilensEndpoint": emu.url, "edgeai:projectId": DEFAULTS.projectId, "edgeai:accessKey": DEFAULTS.accessKey, "edgeai:secretKey": DEFAULTS.secretKey, "edgeai:maxRetries": "0" };
    await configure({ config: { get: (key: string) => values[key] } } as never);
    // A workspace is read back after its create.
    emu.inject({ pathPattern: "/ai-mgr/workspaces/[^/]+$", method: "GET", status: 503, count: 1 });
    const err = await handlers.create("edgeai:hilens:Workspace", { name: "half-made", enterpriseProjectId: "0", enterpriseProjectName: "default", __provider: "p" }).catch((e) => e);
    expect(err.id).toBeTruthy();
    expect(err.message).toContain(`the object was created as ${err.id}`);
    expect(err.properties).toMatchObject({ name: "half-made", __provider: "p" });
    const live = await client().call("GET /v3/{project_id}/ai-mgr/workspaces/{id}", { id: err.id });
    expect(live.name).toBe("half-made");
  });
});

describe("connections", () => {
  it("keeps as many requests in flight as the engine's parallel steps make (no fixed cap of 8)", async () => {
    // A server that answers only once 16 requests are open at the same time: a pool capped below
    // that would never get them all there, and the requests would time out.
    const { createServer: createHttpServer } = await import("node:http");
    const waiting: import("node:http").ServerResponse[] = [];
    let mostOpen = 0;
    const server = createHttpServer((_req, res) => {
      waiting.push(res);
      mostOpen = Math.max(mostOpen, waiting.length);
      if (waiting.length === 16) for (const r of waiting.splice(0)) r.writeHead(200, { "Content-Type": "application/json" }).end('{"count":0,"workspaces":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const wide = client({ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, hilensEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxRetries: "0" }, 5_000);
      const answers = await Promise.all(Array.from({ length: 16 }, () => wide.call("GET /v3/{project_id}/ai-mgr/workspaces")));
      expect(answers).toHaveLength(16);
      expect(mostOpen).toBe(16);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
