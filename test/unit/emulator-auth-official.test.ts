/**
 * The emulator's authentication (emulator/auth.ts), as a client sees it over raw HTTP. AK/SK requests
 * are signed by the official Huawei Cloud SDK signer (`@huaweicloud/huaweicloud-sdk-core`): the
 * provider's own signer takes no part, so a bug shared by the provider's signer and the emulator's
 * verifier cannot pass here. X-Sdk-Date and token expiry are checked against a `ManualClock`
 * (`authClock`), so the boundaries are met to the second without sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { startEmulator, DEFAULTS, Emulator, EmulatorOptions, ManualClock } from "../../emulator";
import { send, RawAnswer } from "./raw-http";

const P = DEFAULTS.projectId;
const CONFIG_MAPS = `/v3/${P}/ai-mgr/configmaps`;
const IMAGE_REPOS = `/v1.0/${P}/common/image-registry/image-repos`;
const TB_DATASETS = "/gatewayv2/tensorbay-open-api/v1/datasets";
/** A credential whose policy does not grant listing Octopus image repositories. */
const LIMITED = { accessKey: "LIMITEDAUTHKEY0001", secretKey: "limited-auth-secret", projectId: P, deniedActions: ["octopus:imageRepo:list"] };
const MINUTE = 60_000;
/** The auth clock starts on, and moves by, whole seconds: X-Sdk-Date has no finer unit. */
const clock = new ManualClock(Date.UTC(2026, 0, 2, 3, 4, 5));
let emu: Emulator;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-auth-official-"));
  emu = await startEmulator({ dataDir: join(dataDir, "main"), authClock: clock, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: P }, LIMITED] });
});
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `fn` against an emulator of its own with these options (credentials: the default one unless given). */
async function withEmulator(name: string, options: Partial<EmulatorOptions>, fn: (other: Emulator) => Promise<void>): Promise<void> {
  const other = await startEmulator({ dataDir: join(dataDir, name), credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: P }], ...options });
  try {
    await fn(other);
  } finally {
    await other.close();
  }
}

interface Signed {
  url: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[]>;
  body?: string;
}

/** `ms` since the epoch in the X-Sdk-Date format (`20260102T030405Z`). */
const sdkDateAt = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
/** The X-Sdk-Date of the auth clock's time moved by `ms`. */
const sdkDateOffBy = (ms: number) => sdkDateAt(clock.now() + ms);

/**
 * Signs a request with the official SDK signer. X-Sdk-Date: the auth clock's time unless given
 * (`realTime` leaves it to the signer: the machine's time).
 */
function officialSign(
  method: string,
  path: string,
  opts: { query?: Record<string, string>; body?: unknown; headers?: Record<string, string>; ak?: string; sk?: string; url?: string; realTime?: boolean } = {},
): Signed {
  const headers: Record<string, string> = { ...(opts.realTime ? {} : { "X-Sdk-Date": sdkDateOffBy(0) }), ...opts.headers };
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  const url = opts.url ?? emu.url;
  const credential = { getAk: () => opts.ak ?? DEFAULTS.accessKey, getSk: () => opts.sk ?? DEFAULTS.secretKey };
  const signed = AKSKSigner.sign({ method, endpoint: `${url}${path}`, headers, queryParams: opts.query ?? {}, data: opts.body } as never, credential as never) as Record<string, string>;
  return { url, method, path, query: opts.query ?? {}, headers: signed, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) };
}

function sendSigned(r: Signed): Promise<RawAnswer> {
  const qs = Object.entries(r.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  return send(r.url, r.method, qs ? `${r.path}?${qs}` : r.path, { headers: r.headers, body: r.body });
}

/** The request's headers without `name` (any case). */
function without(headers: Record<string, string | string[]>, name: string): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name.toLowerCase()));
}

const huaweiRefusal = (status: number, code: string, msg: string) => ({ status, json: { error_code: code, error_msg: msg } });
const AUTH_INFO = "Incorrect IAM authentication information: ";
const akRefused = huaweiRefusal(401, "APIGW.0301", AUTH_INFO + "ak not found or authorization header malformed.");
const dateRefused = huaweiRefusal(401, "APIGW.0301", AUTH_INFO + "X-Sdk-Date is missing or more than 15 minutes off.");
const signatureRefused = huaweiRefusal(401, "APIGW.0301", AUTH_INFO + "verify aksk signature fail.");
const tokenExpired = huaweiRefusal(401, "APIGW.0301", AUTH_INFO + "the token has expired.");
const noCredentials = huaweiRefusal(401, "APIGW.0301", AUTH_INFO + "no Authorization or X-Auth-Token header.");
const listed = { status: 200, json: { configmaps: [] } };

describe("requests signed by the official SDK signer", () => {
  it("are accepted: GET with a query string, POST with a JSON body, DELETE", async () => {
    const list = await sendSigned(officialSign("GET", CONFIG_MAPS, { query: { limit: "10", offset: "0", name: "a b&c=d" } }));
    expect(list).toMatchObject({ status: 200, json: { configmaps: [] } });

    const body = { configmap: { name: "signed-official", configs: [{ key: "MODEL", value: "yolo" }], tags: [] } };
    const created = await sendSigned(officialSign("POST", CONFIG_MAPS, { body }));
    expect(created.status).toBeLessThan(300);
    const id = created.json.configmap.id;
    expect((await sendSigned(officialSign("GET", `${CONFIG_MAPS}/${id}`))).json.configmap).toMatchObject({ id, name: "signed-official" });
    expect((await sendSigned(officialSign("DELETE", `${CONFIG_MAPS}/${id}`))).status).toBeLessThan(300);
  });

  it("are accepted with a further signed header (X-Project-Id) and an X-Sdk-Date within 15 minutes", async () => {
    const res = await sendSigned(officialSign("GET", CONFIG_MAPS, { headers: { "X-Project-Id": P, "X-Sdk-Date": sdkDateOffBy(-10 * MINUTE) } }));
    expect(res.status).toBe(200);
  });

  it("are checked against the machine's clock unless the emulator is given another", async () => {
    await withEmulator("machine-clock", {}, async (other) => {
      expect(await sendSigned(officialSign("GET", CONFIG_MAPS, { url: other.url, realTime: true }))).toMatchObject(listed);
    });
  });

  it("are accepted with a header sent twice (Set-Cookie, which Node keeps as a list), signed as its values joined by ', '", async () => {
    const r = officialSign("GET", CONFIG_MAPS, { headers: { "Set-Cookie": "a=1, b=2" } });
    expect(await sendSigned({ ...r, headers: { ...r.headers, "Set-Cookie": ["a=1", "b=2"] } })).toMatchObject(listed);
    expect(await sendSigned({ ...r, headers: { ...r.headers, "Set-Cookie": ["a=1", "b=3"] } })).toMatchObject(signatureRefused);
  });
});

describe("tampered requests are refused with 401 APIGW.0301 and change nothing", () => {
  const body = { configmap: { name: "tampered-body", configs: [{ key: "MODEL", value: "yolo" }], tags: [] } };

  it("another path than the one signed", async () => {
    const r = officialSign("GET", CONFIG_MAPS);
    expect(await sendSigned({ ...r, path: `/v3/${P}/ai-mgr/secrets` })).toMatchObject(signatureRefused);
  });

  it("another query value, an added query parameter, or one left out", async () => {
    const r = officialSign("GET", CONFIG_MAPS, { query: { limit: "10" } });
    expect(await sendSigned({ ...r, query: { limit: "11" } })).toMatchObject(signatureRefused);
    expect(await sendSigned({ ...r, query: { limit: "10", offset: "5" } })).toMatchObject(signatureRefused);
    expect(await sendSigned({ ...r, query: {} })).toMatchObject(signatureRefused);
  });

  it("another body than the one signed", async () => {
    const r = officialSign("POST", CONFIG_MAPS, { body });
    expect(await sendSigned({ ...r, body: r.body!.replace("yolo", "YOLO") })).toMatchObject(signatureRefused);
    const list = await sendSigned(officialSign("GET", CONFIG_MAPS));
    expect(list.json.configmaps.map((c: { name: string }) => c.name)).not.toContain("tampered-body");
  });

  it("a signed header changed after signing", async () => {
    const r = officialSign("GET", CONFIG_MAPS, { headers: { "X-Project-Id": P } });
    expect(await sendSigned({ ...r, headers: { ...r.headers, "X-Project-Id": "0".repeat(32) } })).toMatchObject(signatureRefused);
  });

  it("a signed header left out, unless it was signed empty (a header listed but not sent counts as empty)", async () => {
    const r = officialSign("GET", CONFIG_MAPS, { headers: { "X-Project-Id": P } });
    expect(await sendSigned({ ...r, headers: without(r.headers, "X-Project-Id") })).toMatchObject(signatureRefused);
    const empty = officialSign("GET", CONFIG_MAPS, { headers: { "X-Project-Id": "" } });
    expect(await sendSigned({ ...empty, headers: without(empty.headers, "X-Project-Id") })).toMatchObject(listed);
  });

  it("a signed header named like an object's own property (constructor) and not sent counts as empty too", async () => {
    const r = officialSign("GET", CONFIG_MAPS, { headers: { constructor: "" } });
    expect(r.headers.Authorization).toContain("SignedHeaders=constructor;");
    expect(await sendSigned({ ...r, headers: without(r.headers, "constructor") })).toMatchObject(listed);
  });

  it("another method than the one signed", async () => {
    const r = officialSign("GET", `${CONFIG_MAPS}/missing`);
    expect(await sendSigned({ ...r, method: "DELETE" })).toMatchObject(signatureRefused);
  });

  it("an X-Sdk-Date changed after signing", async () => {
    const r = officialSign("GET", CONFIG_MAPS);
    expect(await sendSigned({ ...r, headers: { ...r.headers, "X-Sdk-Date": sdkDateOffBy(-MINUTE) } })).toMatchObject(signatureRefused);
  });

  it("a signature made with another secret key", async () => {
    expect(await sendSigned(officialSign("GET", CONFIG_MAPS, { sk: "not-the-secret-key" }))).toMatchObject(signatureRefused);
  });
});

describe("X-Sdk-Date: at most 15 minutes off the emulator's time", () => {
  const signedAt = (offsetMs: number) => sendSigned(officialSign("GET", CONFIG_MAPS, { headers: { "X-Sdk-Date": sdkDateOffBy(offsetMs) } }));

  it("exactly 15 minutes behind or ahead is accepted", async () => {
    expect(await signedAt(-15 * MINUTE)).toMatchObject(listed);
    expect(await signedAt(15 * MINUTE)).toMatchObject(listed);
  });

  it("15 minutes and 1 second behind or ahead is refused", async () => {
    expect(await signedAt(-15 * MINUTE - 1000)).toMatchObject(dateRefused);
    expect(await signedAt(15 * MINUTE + 1000)).toMatchObject(dateRefused);
  });

  it("a request without X-Sdk-Date, or with one in another format, is refused", async () => {
    const r = officialSign("GET", CONFIG_MAPS);
    expect(await sendSigned({ ...r, headers: without(r.headers, "X-Sdk-Date") })).toMatchObject(dateRefused);
    const iso = new Date(clock.now()).toISOString();
    expect(await sendSigned(officialSign("GET", CONFIG_MAPS, { headers: { "X-Sdk-Date": iso } }))).toMatchObject(dateRefused);
  });

  it("the allowed skew is the emulator's maxClockSkewMs when given", async () => {
    await withEmulator("skew", { authClock: clock, maxClockSkewMs: MINUTE }, async (other) => {
      const at = (offsetMs: number) => sendSigned(officialSign("GET", CONFIG_MAPS, { url: other.url, headers: { "X-Sdk-Date": sdkDateOffBy(offsetMs) } }));
      expect(await at(-MINUTE)).toMatchObject(listed);
      expect(await at(MINUTE + 1000)).toMatchObject(dateRefused);
    });
  });
});

describe("the Authorization header", () => {
  it("malformed is refused: another scheme, or a signature part missing", async () => {
    const r = officialSign("GET", CONFIG_MAPS);
    expect(await sendSigned({ ...r, headers: { ...r.headers, Authorization: "Bearer abc" } })).toMatchObject(akRefused);
    const noSignature = String(r.headers.Authorization).replace(/, Signature=.*$/, "");
    expect(await sendSigned({ ...r, headers: { ...r.headers, Authorization: noSignature } })).toMatchObject(akRefused);
  });

  it("with an access key the emulator does not know is refused", async () => {
    expect(await sendSigned(officialSign("GET", CONFIG_MAPS, { ak: "UNKNOWNACCESSKEY0001" }))).toMatchObject(akRefused);
  });

  it("absent, with no X-Auth-Token either, is refused", async () => {
    expect(await send(emu.url, "GET", CONFIG_MAPS)).toMatchObject(noCredentials);
    expect(await send(emu.url, "GET", CONFIG_MAPS, { headers: { Authorization: "" } })).toMatchObject(noCredentials);
  });
});

describe("denied actions: a credential's policy", () => {
  it("refuses the actions it does not grant, with 403 octopus.000111", async () => {
    const res = await sendSigned(officialSign("GET", IMAGE_REPOS, { ak: LIMITED.accessKey, sk: LIMITED.secretKey }));
    expect(res).toMatchObject(huaweiRefusal(403, "octopus.000111", "Insufficient permission to operate: the policy does not grant octopus:imageRepo:list"));
  });

  it("grants everything to a credential that lists none, and to an IAM user's token", async () => {
    expect((await sendSigned(officialSign("GET", IMAGE_REPOS))).status).toBe(200);
    expect((await send(emu.url, "GET", IMAGE_REPOS, { headers: { "X-Auth-Token": await token(emu) } })).status).toBe(200);
  });
});

/** The password auth body of `POST /v3/auth/tokens` for `user`, scoped to `projectId`. */
function passwordAuth(user: { name?: string; password?: string; domain?: { name?: string } }, projectId: string = P): unknown {
  return { auth: { identity: { methods: ["password"], password: { user } }, scope: { project: { id: projectId } } } };
}
const DEFAULT_USER = { name: DEFAULTS.userName, password: DEFAULTS.password, domain: { name: DEFAULTS.domainName } };

function postTokens(target: Emulator, body: unknown): Promise<RawAnswer> {
  return send(target.url, "POST", "/v3/auth/tokens", { headers: { "Content-Type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** A token issued to `user` by `target`. */
async function token(target: Emulator, user = DEFAULT_USER, projectId = P): Promise<string> {
  const res = await postTokens(target, passwordAuth(user, projectId));
  expect(res.status).toBe(201);
  return String(res.headers!["x-subject-token"]);
}

/** IAM's Keystone-style error body; its own code (IAM.0002, …) shows only in the request log. */
const iamRefusal = (status: number, title: string, message: string) => ({ status, json: { error: { code: status, title, message } } });
const wrongPassword = iamRefusal(401, "Unauthorized", "The username or password is incorrect.");
const invalidScope = iamRefusal(400, "Bad Request", "Invalid project scope.");

describe("IAM tokens (POST /v3/auth/tokens)", () => {
  // An emulator of its own, started in the test: the defaults are what it is given no option for.
  it("are issued to the default user: 201, the token in X-Subject-Token, valid for 24 hours", async () => {
    await withEmulator("default-user", { authClock: clock }, async (other) => {
      const res = await postTokens(other, passwordAuth(DEFAULT_USER));
      expect(res.status).toBe(201);
      expect(res.headers!["x-subject-token"]).toMatch(/^MIIT[A-Za-z0-9_-]{64}$/);
      expect(res.json).toEqual({ token: { expires_at: new Date(clock.now() + 24 * 3600_000).toISOString(), methods: ["password"], project: { id: P } } });
    });
  });

  it("are refused for a wrong user name, password or domain, with IAM's 401 body", async () => {
    for (const user of [
      { ...DEFAULT_USER, name: "someone-else" },
      { ...DEFAULT_USER, password: "not-the-password" },
      { ...DEFAULT_USER, domain: { name: "other-domain" } },
      { name: DEFAULT_USER.name, password: DEFAULT_USER.password },
    ]) {
      expect(await postTokens(emu, passwordAuth(user))).toMatchObject(wrongPassword);
      expect(emu.requests.at(-1)).toMatchObject({ path: "/v3/auth/tokens", status: 401, code: "IAM.0002" });
    }
  });

  it("are refused with IAM's 401 body when the body lacks the user at any level", async () => {
    for (const body of [undefined, {}, { auth: {} }, { auth: { identity: {} } }, { auth: { identity: { password: {} } } }]) {
      expect(await postTokens(emu, body)).toMatchObject(wrongPassword);
    }
  });

  it("are refused with 400 IAM.0004's body for a project the emulator does not serve, or none", async () => {
    expect(await postTokens(emu, passwordAuth(DEFAULT_USER, "f".repeat(32)))).toMatchObject(invalidScope);
    expect(emu.requests.at(-1)).toMatchObject({ path: "/v3/auth/tokens", status: 400, code: "IAM.0004" });
    const noScope = { auth: { identity: { methods: ["password"], password: { user: DEFAULT_USER } } } };
    expect(await postTokens(emu, noScope)).toMatchObject(invalidScope);
    expect(await postTokens(emu, { auth: { ...noScope.auth, scope: {} } })).toMatchObject(invalidScope);
    expect(await postTokens(emu, { auth: { ...noScope.auth, scope: { project: {} } } })).toMatchObject(invalidScope);
  });

  it("are accepted in X-Auth-Token up to their expiry, then refused as expired (a second later)", async () => {
    const t = await token(emu);
    expect(await send(emu.url, "GET", CONFIG_MAPS, { headers: { "X-Auth-Token": t } })).toMatchObject(listed);
    clock.advance(24 * 3600_000);
    expect(await send(emu.url, "GET", CONFIG_MAPS, { headers: { "X-Auth-Token": t } })).toMatchObject(listed);
    clock.advance(1000);
    expect(await send(emu.url, "GET", CONFIG_MAPS, { headers: { "X-Auth-Token": t } })).toMatchObject(tokenExpired);
  });

  it("an X-Auth-Token the emulator never issued is refused with 403 HIL.0145", async () => {
    expect(await send(emu.url, "GET", CONFIG_MAPS, { headers: { "X-Auth-Token": "MIIT-never-issued" } })).toMatchObject(huaweiRefusal(403, "HIL.0145", "Invalid token."));
  });

  it("follow the emulator's users, projects and tokenTtlMs when given", async () => {
    const P2 = "1".repeat(32);
    const user = { name: "alice", password: "alice-password", domain: "alice-domain" };
    const options = { authClock: clock, users: [user], tokenTtlMs: MINUTE, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: P }, { accessKey: "SECONDPROJECTKEY0001", secretKey: "second-secret", projectId: P2 }] };
    await withEmulator("users", options, async (other) => {
      const alice = { name: user.name, password: user.password, domain: { name: user.domain } };
      const res = await postTokens(other, passwordAuth(alice, P2));
      expect(res).toMatchObject({ status: 201, json: { token: { expires_at: new Date(clock.now() + MINUTE).toISOString(), project: { id: P2 } } } });
      expect(await postTokens(other, passwordAuth(DEFAULT_USER))).toMatchObject(wrongPassword);
      const t = String(res.headers!["x-subject-token"]);
      expect(await send(other.url, "GET", `/v3/${P2}/ai-mgr/configmaps`, { headers: { "X-Auth-Token": t } })).toMatchObject(listed);
    });
  });
});

describe("TensorBay's X-Token", () => {
  it("the default access key is accepted", async () => {
    await withEmulator("default-tensorbay-key", {}, async (other) => {
      expect(await send(other.url, "GET", TB_DATASETS, { headers: { "X-Token": DEFAULTS.tensorbayAccessKey } })).toMatchObject({ status: 200 });
    });
  });

  // A TensorBay body's code would read the same for any 401 or 403 (the code the document gives the status): the request log shows the code raised.
  it("missing is refused with 401 Unauthorized", async () => {
    expect(await send(emu.url, "GET", TB_DATASETS)).toMatchObject({ status: 401, json: { code: "Unauthorized", message: "X-Token header is required." } });
    expect(emu.requests.at(-1)).toMatchObject({ path: TB_DATASETS, status: 401, code: "Unauthorized" });
  });

  it("an unknown key is refused with 403 AccessDenied", async () => {
    expect(await send(emu.url, "GET", TB_DATASETS, { headers: { "X-Token": "Accesskey-ffffffffffffffffffffffffffffffff" } })).toMatchObject({ status: 403, json: { code: "AccessDenied", message: "The accesskey is invalid." } });
    expect(emu.requests.at(-1)).toMatchObject({ path: TB_DATASETS, status: 403, code: "AccessDenied" });
  });

  it("the keys are the emulator's tensorbayAccessKeys when given", async () => {
    const key = "Accesskey-11111111111111111111111111111111";
    await withEmulator("tensorbay-keys", { tensorbayAccessKeys: [key] }, async (other) => {
      expect(await send(other.url, "GET", TB_DATASETS, { headers: { "X-Token": key } })).toMatchObject({ status: 200 });
      expect(await send(other.url, "GET", TB_DATASETS, { headers: { "X-Token": DEFAULTS.tensorbayAccessKey } })).toMatchObject({ status: 403 });
    });
  });
});

describe("the control token (X-Emulator-Token)", () => {
  const FAULT_MODE = "/__emulator/faults/mode";
  const controlRefused = huaweiRefusal(401, "EMU.0401", "Control routes need the emulator's control token in X-Emulator-Token.");

  it("opens the control routes", async () => {
    expect(await send(emu.url, "GET", FAULT_MODE, { headers: { "X-Emulator-Token": emu.controlToken } })).toMatchObject({ status: 200, json: { mode: null, spec: null } });
  });

  it("missing, or any other token (longer, shorter, same length), is refused with 401 EMU.0401", async () => {
    const sameLength = emu.controlToken.slice(0, -1) + (emu.controlToken.endsWith("A") ? "B" : "A");
    expect(await send(emu.url, "GET", FAULT_MODE)).toMatchObject(controlRefused);
    for (const wrong of [emu.controlToken + "x", emu.controlToken.slice(0, -1), sameLength]) {
      expect(await send(emu.url, "GET", FAULT_MODE, { headers: { "X-Emulator-Token": wrong } })).toMatchObject(controlRefused);
    }
  });
});
