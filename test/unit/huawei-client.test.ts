/**
 * The Huawei clients (HiLens, Octopus, IAM token auth) against a scripted loopback server: which
 * credential is chosen and what it puts on the wire, what vendor error bodies become, paging.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { HuaweiServiceClient, IamPasswordAuth, fillPath, huaweiAuth } from "../../provider/client/huawei";
import { octopusClient, listAllOctopus, isInUse } from "../../provider/client/octopus";
import { ApiError, EndpointError, InputError } from "../../provider/client/errors";
import { resolveConfig, ProviderConfig } from "../../provider/config";
import { startScriptedServer, ScriptedServer } from "./scripted-server";

const PROJECT = "0123456789abcdef0123456789abcdef";
let srv: ScriptedServer;
beforeAll(async () => {
  srv = await startScriptedServer();
});
afterAll(() => srv.close());
beforeEach(() => {
  srv.seen.length = 0;
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A configuration from environment variables, with every endpoint on the scripted server. */
function config(env: Record<string, string>): ProviderConfig {
  return resolveConfig(() => undefined, { HW_HILENS_ENDPOINT: srv.url, HW_OCTOPUS_ENDPOINT: srv.url, HW_IAM_ENDPOINT: srv.url, HW_PROJECT_ID: PROJECT, HW_MAX_RETRIES: "0", ...env });
}
const AKSK = { HW_ACCESS_KEY: "AKEXAMPLE", HW_SECRET_KEY: "secret-example" };
const PASSWORD = { HW_USER_NAME: "alice", HW_USER_PASSWORD: "pw-example", HW_DOMAIN_NAME: "corp" };

function hilens(env: Record<string, string> = AKSK) {
  const cfg = config(env);
  return new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg));
}

const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("the request succeeded"), (e: Error) => e);

describe("AK/SK requests", () => {
  it("carry a signature the official SDK signer computes the same way, over the security token too", async () => {
    await hilens({ ...AKSK, HW_SECURITY_TOKEN: "temporary-token" }).call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { query: { name: "a b" }, body: { configmap: { name: "x" } } });
    const [sent] = srv.seen;
    expect(sent.headers["x-security-token"]).toBe("temporary-token");
    expect(sent.headers["x-sdk-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    const official = AKSKSigner.sign(
      {
        method: "POST",
        endpoint: `${srv.url}/v3/${PROJECT}/ai-mgr/configmaps`,
        headers: { "X-Sdk-Date": sent.headers["x-sdk-date"], "X-Security-Token": "temporary-token", "Content-Type": "application/json" },
        queryParams: { name: "a b" },
        data: JSON.parse(sent.body),
      } as never,
      { getAk: () => AKSK.HW_ACCESS_KEY, getSk: () => AKSK.HW_SECRET_KEY } as never,
    ) as Record<string, string>;
    expect(sent.headers.authorization).toBe(official.Authorization);
    expect(sent.headers.authorization).toContain("SignedHeaders=content-type;host;x-sdk-date;x-security-token,");
  });

  it("a refused signature is final: signing again would not change it", async () => {
    srv.answer({ status: 401, body: { error_code: "APIGW.0301", error_msg: "Incorrect IAM authentication information" } });
    const err = await failure(hilens().call("GET /v3/{project_id}/ai-mgr/configmaps"));
    expect(err.message).toBe(`hilens GET /v3/${PROJECT}/ai-mgr/configmaps failed: HTTP 401 APIGW.0301: Incorrect IAM authentication information. The request was sent with an AK/SK signature (from HW_ACCESS_KEY, HW_SECRET_KEY)`);
    expect(srv.seen).toHaveLength(1);
  });

  it("a request id is read from X-Request-Id", async () => {
    srv.answer({ status: 404, headers: { "X-Request-Id": "req-7" }, body: { error_code: "HIL.404", error_msg: "gone" } });
    expect(((await failure(hilens().call("GET /v3/{project_id}/x"))) as ApiError).requestId).toBe("req-7");
  });

  it("without a security token send none", async () => {
    await hilens().call("GET /v3/{project_id}/ai-mgr/configmaps");
    expect(srv.seen[0].headers["x-security-token"]).toBeUndefined();
    expect(srv.seen[0].headers.authorization).toMatch(/^SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=host;x-sdk-date, Signature=[0-9a-f]{64}$/);
  });
});

describe("which credential is used", () => {
  it("an access key without its secret key does not count: a ready token is used instead", async () => {
    const client = hilens({ HW_ACCESS_KEY: "AKEXAMPLE", HW_AUTH_TOKEN: "ready-token" });
    await client.call("GET /v3/{project_id}/ai-mgr/configmaps");
    expect(srv.seen[0].headers["x-auth-token"]).toBe("ready-token");
    expect(srv.seen[0].headers.authorization).toBeUndefined();
    srv.answer({ status: 401, body: { error_code: "APIGW.0307", error_msg: "The token must be updated" } });
    // A ready token cannot be renewed: the 401 is final, and names where the token came from.
    const err = await failure(client.call("GET /v3/{project_id}/ai-mgr/configmaps"));
    expect(err.message).toBe(`hilens GET /v3/${PROJECT}/ai-mgr/configmaps failed: HTTP 401 APIGW.0307: The token must be updated. The request was sent with a ready IAM token, X-Auth-Token (from HW_AUTH_TOKEN)`);
    expect(srv.seen).toHaveLength(2);
  });

  it("names AK/SK without a token, and stack settings by their config key", () => {
    expect(huaweiAuth(config(AKSK)).description).toBe("an AK/SK signature (from HW_ACCESS_KEY, HW_SECRET_KEY)");
    const fromStack = resolveConfig((k) => ({ userName: "alice", password: "pw", domainName: "corp", region: "cn-north-4", projectId: PROJECT })[k as string], {});
    expect(huaweiAuth(fromStack).description).toBe("an IAM token issued for a user name and password (from edgeai:userName, edgeai:password, edgeai:domainName)");
  });

  it("settings given in code, without their sources, are named by their config keys", () => {
    const { sources: _, ...inCode } = config({ ...AKSK, HW_SECURITY_TOKEN: "t" });
    expect(huaweiAuth(inCode).description).toBe("an AK/SK signature with a security token (temporary AK/SK) (from edgeai:accessKey, edgeai:secretKey, edgeai:securityToken)");
  });

  it("a user name and password without a domain, or nothing at all, is refused before any request", () => {
    const message =
      "edgeai: no Huawei Cloud credentials: set edgeai:accessKey/edgeai:secretKey (HW_ACCESS_KEY/HW_SECRET_KEY), edgeai:authToken (HW_AUTH_TOKEN), or edgeai:userName/password/domainName (HW_USER_NAME/HW_USER_PASSWORD/HW_DOMAIN_NAME)";
    expect(() => huaweiAuth(config({ HW_USER_NAME: "alice", HW_USER_PASSWORD: "pw" }))).toThrow(new InputError(message));
    expect(() => huaweiAuth(config({ HW_USER_NAME: "alice", HW_DOMAIN_NAME: "corp" }))).toThrow(message);
    expect(() => huaweiAuth(config({}))).toThrow(message);
    expect(srv.seen).toHaveLength(0);
  });

  it("a project ID is required, by the client and by password auth", () => {
    const noProject = resolveConfig(() => undefined, { HW_HILENS_ENDPOINT: srv.url, ...AKSK });
    expect(() => new HuaweiServiceClient(noProject, "hilens", huaweiAuth(noProject))).toThrow(new InputError("edgeai: projectId is required (edgeai:projectId or HW_PROJECT_ID)"));
    expect(() => huaweiAuth(resolveConfig(() => undefined, { ...PASSWORD, HW_REGION_NAME: "cn-north-4" }))).toThrow("edgeai: projectId is required");
  });
});

describe("IAM password auth", () => {
  const tokenAnswer = (token: string, expiresInMs?: number) => ({
    status: 201,
    headers: { "X-Subject-Token": token },
    ...(expiresInMs === undefined ? {} : { body: { token: { expires_at: new Date(Date.now() + expiresInMs).toISOString() } } }),
  });
  const tokensAsked = () => srv.seen.filter((r) => r.url === "/v3/auth/tokens");

  it("asks IAM for a project-scoped token by password and sends it as X-Auth-Token", async () => {
    srv.answer(tokenAnswer("tok-1", 3_600_000));
    await hilens(PASSWORD).call("GET /v3/{project_id}/ai-mgr/workspaces");
    const [issue, call] = srv.seen;
    expect(issue.method).toBe("POST");
    expect(JSON.parse(issue.body)).toEqual({
      auth: { identity: { methods: ["password"], password: { user: { name: "alice", password: "pw-example", domain: { name: "corp" } } } }, scope: { project: { id: PROJECT } } },
    });
    expect(call.headers["x-auth-token"]).toBe("tok-1");
  });

  it("keeps a token until a minute before it expires; one without an expiry is kept", async () => {
    const soon = hilens(PASSWORD);
    srv.answer(tokenAnswer("short", 30_000), {}, tokenAnswer("next", 3_600_000));
    await soon.call("GET /v3/{project_id}/ai-mgr/workspaces");
    await soon.call("GET /v3/{project_id}/ai-mgr/workspaces");
    expect(tokensAsked()).toHaveLength(2);
    expect(srv.seen.at(-1)!.headers["x-auth-token"]).toBe("next");

    srv.seen.length = 0;
    const undated = hilens(PASSWORD);
    srv.answer({ ...tokenAnswer("undated"), body: {} });
    await undated.call("GET /v3/{project_id}/ai-mgr/workspaces");
    await undated.call("GET /v3/{project_id}/ai-mgr/workspaces");
    expect(tokensAsked()).toHaveLength(1);

    srv.seen.length = 0;
    const bodiless = hilens(PASSWORD);
    srv.answer(tokenAnswer("bodiless"));
    await bodiless.call("GET /v3/{project_id}/ai-mgr/workspaces");
    await bodiless.call("GET /v3/{project_id}/ai-mgr/workspaces");
    expect(tokensAsked()).toHaveLength(1);
  });

  it("renews a token the service refuses before its time, once", async () => {
    srv.answer(tokenAnswer("revoked", 3_600_000), { status: 401 }, tokenAnswer("renewed", 3_600_000));
    await hilens(PASSWORD).call("GET /v3/{project_id}/ai-mgr/workspaces");
    expect(srv.seen.map((r) => `${r.method} ${r.url} ${r.headers["x-auth-token"] ?? ""}`.trim())).toEqual([
      "POST /v3/auth/tokens",
      `GET /v3/${PROJECT}/ai-mgr/workspaces revoked`,
      "POST /v3/auth/tokens",
      `GET /v3/${PROJECT}/ai-mgr/workspaces renewed`,
    ]);
  });

  it("a token expiring exactly a minute from now is already renewed", async () => {
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now);
    const client = hilens(PASSWORD);
    srv.answer({ status: 201, headers: { "X-Subject-Token": "edge" }, body: { token: { expires_at: new Date(now + 60_000).toISOString() } } }, {}, tokenAnswer("next", 3_600_000));
    await client.call("GET /v3/{project_id}/ai-mgr/workspaces");
    await client.call("GET /v3/{project_id}/ai-mgr/workspaces");
    expect(tokensAsked()).toHaveLength(2);
  });

  it("asks once for requests sent at the same time", async () => {
    const cfg = config(PASSWORD);
    const auth = huaweiAuth(cfg) as IamPasswordAuth;
    const client = new HuaweiServiceClient(cfg, "hilens", auth);
    srv.answer(tokenAnswer("shared", 3_600_000));
    await Promise.all([1, 2, 3].map(() => client.call("GET /v3/{project_id}/ai-mgr/workspaces")));
    expect(auth.issued).toBe(1);
    expect(tokensAsked()).toHaveLength(1);
  });

  it("repeats the token request after a 5xx (a second token is harmless)", async () => {
    srv.answer({ status: 503 }, tokenAnswer("after-retry", 3_600_000));
    const cfg = config({ ...PASSWORD, HW_MAX_RETRIES: "1" });
    const client = new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg));
    (client.endpoint.options as { backoffMs?: number }).backoffMs = 1;
    await client.call("GET /v3/{project_id}/ai-mgr/workspaces");
    expect(tokensAsked()).toHaveLength(2);
  });

  it("a refused password is IAM's error with its request id, asked once", async () => {
    srv.answer({ status: 401, headers: { "X-Request-Id": "iam-req-1" }, body: { error: { code: "1101", message: "The username or password is wrong." } } });
    const err = (await failure(hilens(PASSWORD).call("GET /v3/{project_id}/ai-mgr/workspaces"))) as ApiError;
    expect(err.message).toBe("iam POST /v3/auth/tokens failed: HTTP 401 1101: The username or password is wrong. (request id iam-req-1)");
    expect(tokensAsked()).toHaveLength(1);
  });

  it("an answer without X-Subject-Token is an error", async () => {
    srv.answer({ status: 201, body: {} });
    expect((await failure(hilens(PASSWORD).call("GET /v3/{project_id}/ai-mgr/workspaces"))).message).toBe("IAM answered without an X-Subject-Token header");
  });

  it("an unreachable IAM names its endpoint and the setting that chose it", async () => {
    const err = await failure(hilens({ ...PASSWORD, HW_IAM_ENDPOINT: "http://127.0.0.1:1" }).call("GET /v3/{project_id}/ai-mgr/workspaces"));
    expect(err).toBeInstanceOf(EndpointError);
    expect(err.message).toMatch(/^iam POST \/v3\/auth\/tokens: cannot reach the iam endpoint http:\/\/127\.0\.0\.1:1 \(set by HW_IAM_ENDPOINT\): .*; 1 attempt made$/);
  });
});

describe("Huawei error bodies", () => {
  it.each([
    ["error_code and error_msg", { error_code: "HIL.0404", error_msg: "not found" }, "HIL.0404: not found"],
    ["error_message (HiLens deployments)", { error_code: "HIL.1", error_message: "deploy failed" }, "HIL.1: deploy failed"],
    ["code and message", { code: "C.1", message: "plain" }, "C.1: plain"],
    ["a nested error object", { error: { code: "E.2", message: "nested" } }, "E.2: nested"],
    ["a message without a code", { error_msg: "only text" }, "HTTP.400: only text"],
    ["a code without a message", { error_code: "ONLY.CODE" }, "ONLY.CODE: "],
    ["neither", { unrelated: 1 }, "HTTP.400: no error body"],
    ["plain text", "upstream said no", "HTTP.400: upstream said no"],
    ["long plain text, cut to 300 characters", "x".repeat(400), `HTTP.400: ${"x".repeat(300)}`],
    ["a JSON null", "null", "HTTP.400: no error body"],
    ["no body", undefined, "HTTP.400: no error body"],
  ])("%s", async (_title, body, expected) => {
    srv.answer({ status: 400, body, headers: { "X-Openstack-Request-Id": "os-1" } });
    const err = await failure(hilens().call("GET /v3/{project_id}/x"));
    expect(err.message).toBe(`hilens GET /v3/${PROJECT}/x failed: HTTP 400 ${expected} (request id os-1)`);
  });
});

describe("paths", () => {
  it("fill {project_id} from the configuration and the rest from the parameters; a missing or empty one is refused", () => {
    expect(fillPath("/v1/{project_id}/jobs/{id}", { project_id: "p", id: 0 })).toBe("/v1/p/jobs/0");
    expect(() => fillPath("/v1/{project_id}/jobs/{id}", { project_id: "p" })).toThrow(new InputError("missing path parameter id for /v1/{project_id}/jobs/{id}"));
    expect(() => fillPath("/v1/{project_id}/jobs/{id}", { project_id: "p", id: "" })).toThrow("missing path parameter id for /v1/{project_id}/jobs/{id}");
  });
});

describe("listAll", () => {
  const items = (...names: string[]) => names.map((name) => ({ name }));

  it("stops when `count` is reached, even on a full page", async () => {
    srv.answer({ body: { items: items("a", "b"), count: 4 } }, { body: { items: items("c", "d"), count: 4 } });
    const all = await hilens().listAll<{ name: string }>("GET /v3/{project_id}/things", "items", { pageSize: 2, query: { kind: "k" } });
    expect(all.map((i) => i.name)).toEqual(["a", "b", "c", "d"]);
    expect(srv.seen.map((r) => r.url)).toEqual([`/v3/${PROJECT}/things?kind=k&limit=2&offset=0`, `/v3/${PROJECT}/things?kind=k&limit=2&offset=2`]);
  });

  it("without a count walks until a short page; an empty answer is an empty list", async () => {
    srv.answer({ body: { items: items("a", "b") } }, { body: { items: items("c") } });
    expect(await hilens().listAll("GET /v3/{project_id}/things", "items", { pageSize: 2 })).toHaveLength(3);
    srv.answer({ status: 200 });
    expect(await hilens().listAll("GET /v3/{project_id}/things", "items")).toEqual([]);
  });

  it("a list queried by POST sends its body with every page and is repeated after a 5xx", async () => {
    srv.answer({ body: { items: items("a"), count: 2 } }, { status: 503 }, { body: { items: items("b"), count: 2 } });
    const client = hilens({ ...AKSK, HW_MAX_RETRIES: "1" });
    (client.endpoint.options as { backoffMs?: number }).backoffMs = 1;
    const all = await client.listAll("POST /v3/{project_id}/things/query", "items", { pageSize: 1, body: { filter: "f" } });
    expect(all).toHaveLength(2);
    expect(srv.seen.map((r) => r.body)).toEqual(['{"filter":"f"}', '{"filter":"f"}', '{"filter":"f"}']);
  });
});

describe("Octopus", () => {
  const octopus = () => octopusClient(config(AKSK));

  it("unwraps the payload envelope; bare arrays, bodies without a payload and plain text are answered as they are", async () => {
    srv.answer({ body: { payload: { id: 5 }, meta_info: { current_time: 1 } } }, { body: [{ tag: "t" }] }, { body: { other: 1 } }, { body: "ok" }, { status: 200 });
    const c = octopus();
    expect(await c.call("GET /v1.0/{project_id}/a")).toEqual({ id: 5 });
    expect(await c.call("GET /v1.0/{project_id}/b")).toEqual([{ tag: "t" }]);
    expect(await c.call("GET /v1.0/{project_id}/c")).toEqual({ other: 1 });
    expect(await c.call("GET /v1.0/{project_id}/d")).toBe("ok");
    expect(await c.call("DELETE /v1.0/{project_id}/e")).toBeUndefined();
  });

  it("drops the full-width stop that ends the documented messages, and keeps one inside a message", async () => {
    srv.answer({ status: 400, body: { error_code: "octopus.202201", error_msg: "数据集名称已存在。" } }, { status: 400, body: { error_code: "octopus.1", error_msg: "第一句。第二句" } });
    const c = octopus();
    expect((await failure(c.call("POST /v1.0/{project_id}/datasets"))).message).toBe(`octopus POST /v1.0/${PROJECT}/datasets failed: HTTP 400 octopus.202201: 数据集名称已存在`);
    expect(((await failure(c.call("GET /v1.0/{project_id}/x"))) as ApiError).errorMsg).toBe("第一句。第二句");
  });

  it("lists walk `payload.list` by `payload.page_info.total`, 100 at a time", async () => {
    srv.answer({ body: { payload: { list: [{ id: 1 }, { id: 2 }], page_info: { total: 2 } } } });
    expect(await listAllOctopus(octopus(), "GET /v1.0/{project_id}/repos")).toEqual([{ id: 1 }, { id: 2 }]);
    expect(srv.seen.map((r) => r.url)).toEqual([`/v1.0/${PROJECT}/repos?limit=100&offset=0`]);
    srv.seen.length = 0;
    srv.answer({ body: { payload: { list: [{ id: 1 }], page_info: { total: 2 } } } }, { body: { payload: { list: [{ id: 2 }], page_info: { total: 2 } } } });
    expect(await listAllOctopus(octopus(), "GET /v1.0/{project_id}/repos", { pageSize: 1 })).toHaveLength(2);
    expect(srv.seen).toHaveLength(2);
  });

  it("'in use' is 409 octopus.000143 or octopus.400009 (§7.2), nothing else", () => {
    const answered = (code: string) => new ApiError("octopus", "DELETE", "/x", 409, code, "m");
    expect(isInUse(answered("octopus.000143"))).toBe(true);
    expect(isInUse(answered("octopus.400009"))).toBe(true);
    expect(isInUse(answered("octopus.000142"))).toBe(false);
    expect(isInUse(Object.assign(new Error("m"), { errorCode: "octopus.000143" }))).toBe(false);
  });
});
