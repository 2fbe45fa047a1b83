/**
 * An emulator nobody can crash or poison: malformed request lines, odd paths, huge bodies,
 * reserved ids in every path parameter, wrong content types and invalid JSON all get an answer
 * (in the family's error shape where there is a family), the emulator keeps serving,
 * `Object.prototype` stays clean, and the persisted state (state.db) reads back with every project's objects
 * its own. Bounded and deterministic: fixed lists plus a seeded generator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator, readState, STATE_DB } from "../../emulator";
import { hilensRoutes } from "../../emulator/hilens";
import { octopusRoutes } from "../../emulator/octopus";
import { tensorbayRoutes } from "../../emulator/tensorbay";
import { SEXTANT_ROOT } from "../../emulator/tensorbay/common";
import { mulberry32 } from "../../emulator/faults";
import { iamToken, rawTcp, send, withToken, RawAnswer } from "./raw-http";

const A = DEFAULTS.projectId;
const B = "ffffffffffffffffffffffffffffffff";
const TB = "/gatewayv2/tensorbay-open-api/v1";
/** TensorBay's open API and the Sextant app's (same key, same error shape). */
const isTensorbay = (path: string) => path.startsWith("/gatewayv2/tensorbay-open-api/") || path.startsWith(SEXTANT_ROOT + "/");
const RESERVED = ["__proto__", "constructor", "toString", "hasOwnProperty"];

let emu: Emulator;
let dataDir: string;
let tokenA: string;
let tokenB: string;
/** Real objects of project A (and the TensorBay key), to fill the path parameters not under test. */
const fx: Record<string, string> = {};

const api = (method: string, path: string, body?: unknown, token = tokenA) => send(emu.url, method, path, { headers: withToken(token), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
const tb = (method: string, path: string, body?: unknown) => send(emu.url, method, TB + path, { headers: { "Content-Type": "application/json", "X-Token": DEFAULTS.tensorbayAccessKey }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

/** The error shape of the family a path belongs to. */
function expectFamilyShape(path: string, a: RawAnswer): void {
  expect(a.error, `${path}: the connection failed`).toBeUndefined();
  if (isTensorbay(path)) expect(a.json, `${path} → ${a.text}`).toEqual({ code: expect.any(String), message: expect.any(String) });
  else if (path.startsWith("/v3/auth/")) expect(a.json, `${path} → ${a.text}`).toMatchObject({ error: { code: a.status, message: expect.any(String) } });
  else expect(a.json, `${path} → ${a.text}`).toMatchObject({ error_code: expect.any(String) });
}

/** The emulator still answers an ordinary request. */
async function stillServing(): Promise<void> {
  const res = await api("GET", `/v3/${A}/ai-mgr/configmaps`);
  expect(res.status).toBe(200);
  expect(res.json.configmaps.map((c: any) => c.name)).toContain("fuzz-settings");
}

/** The status line and JSON body of a raw HTTP answer. */
function parseRaw(raw: string): { status: number; json: any } | undefined {
  const m = /^HTTP\/1\.1 (\d{3}) [^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(raw);
  if (!m) return undefined;
  const length = /content-length: (\d+)/i.exec(m[2]);
  const body = length ? m[3].slice(0, Number(length[1])) : m[3];
  let json: any;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(m[1]), json };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-fuzz-"));
  emu = await startEmulator({
    dataDir,
    credentials: [
      { accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: A },
      { accessKey: "OTHERPROJECTACCESSKEY", secretKey: "other-secret", projectId: B },
    ],
    maxBodyBytes: 1024 * 1024,
  });
  tokenA = await iamToken(emu, A);
  tokenB = await iamToken(emu, B);
  await emu.control("PUT", "/__emulator/hilens/timing", { deviceConnectMs: null });
  const ws = await api("POST", `/v3/${A}/ai-mgr/workspaces`, { name: "fuzz-ws", enterprise_project_id: "0", enterprise_project_name: "default" });
  fx.workspace_id = ws.json.workspace_id ?? ws.json.id;
  fx.config_map_id = (await api("POST", `/v3/${A}/ai-mgr/configmaps`, { configmap: { name: "fuzz-settings", configs: [{ key: "k", value: "v" }], tags: [{ key: "team", value: "edge" }] } })).json.configmap.id;
  fx.secret_id = (await api("POST", `/v3/${A}/ai-mgr/secrets`, { secret: { name: "fuzz-secret", secrets: [{ key: "K", value: "v" }], tags: [] } })).json.secret.id;
  fx.node_id = (await api("POST", `/v3/${A}/ai-mgr/nodes`, { node: { name: "fuzz-device" } })).json.id;
  fx.repo_id = String((await api("POST", `/v1.0/${A}/common/image-registry/image-repos`, { name: "fuzz-repo", scope: "DATA_CONVERSION" })).json.payload.item);
  await api("POST", `/v1.0/${A}/common/image-registry/image-repos/${fx.repo_id}/versions`, {});
  fx.tag_id = String((await api("POST", `/v1.0/${A}/data/tags`, { name: "fuzz-tag" })).json.payload.item);
  fx.dataset = (await tb("POST", "/datasets", { name: "fuzz-dataset" })).json.id;
  await tb("POST", `/datasets/${fx.dataset}/drafts`, { branchName: "main", title: "first" });
  await tb("POST", "/storage-configs/local", { name: "fuzz-storage", filePath: "/data", endpoint: "http://127.0.0.1:9000" });
  for (const [k, v] of Object.entries(fx)) expect(v, `fixture ${k}`).toMatch(/\S/);
});

afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A value for a path parameter not under test: a real object where the route's family has one. */
function fill(pattern: string, param: string): string {
  const inOctopus = pattern.startsWith("/v1.0/");
  if (param === "project_id" || param === "project") return A;
  if (param === "id" && pattern.startsWith(TB)) return fx.dataset;
  if (param === "id" && pattern.includes("/image-repos/")) return fx.repo_id;
  if (param === "id" && pattern.includes("/data/tags/")) return fx.tag_id;
  if (param === "version") return "1";
  if (param === "draftNumber") return "1";
  if (param === "name") return "fuzz-storage";
  if (param === "resource_type") return "configmap";
  if (param === "resource_id") return fx.config_map_id;
  if (param === "key") return "team";
  if (param === "action") return "start";
  return fx[param] ?? (inOctopus ? "1" : "fuzz-missing");
}

/** What the data directory holds on disk (state.db), as plain objects. */
const snapshotOfState = () => readState(dataDir);

describe("reserved ids in every path parameter position", () => {
  it("answer 4xx in the family's shape, never 2xx, and change nothing", async () => {
    const before = { a: emu.store.count(A), b: emu.store.count(B), all: emu.store.count() };
    const routes = [...hilensRoutes, ...octopusRoutes, ...tensorbayRoutes].filter((r) => r.pattern.includes("{"));
    let sent = 0;
    for (const r of routes) {
      const params = [...r.pattern.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const target of params) {
        for (const reserved of RESERVED) {
          const path = r.pattern.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(p === target ? reserved : fill(r.pattern, p)));
          const headers: Record<string, string> = isTensorbay(r.pattern)
            ? { "Content-Type": "application/json", "X-Token": DEFAULTS.tensorbayAccessKey }
            : r.pattern.startsWith("/__emulator/")
              ? { "Content-Type": "application/json", "X-Emulator-Token": emu.controlToken }
              : withToken(tokenA);
          const body = r.pattern.startsWith("/__emulator/") ? JSON.stringify({ online: true }) : ["POST", "PUT", "PATCH"].includes(r.method) ? "{}" : undefined;
          const res = await send(emu.url, r.method, path, { headers, body });
          sent++;
          expect(res.status, `${r.method} ${path} → ${res.status} ${res.text}`).toBeGreaterThanOrEqual(400);
          expect(res.status, `${r.method} ${path} → ${res.status} ${res.text}`).toBeLessThan(500);
          expectFamilyShape(path, res);
        }
      }
    }
    expect(sent).toBeGreaterThan(300);
    expect({ a: emu.store.count(A), b: emu.store.count(B), all: emu.store.count() }).toEqual(before);
    expect(Object.keys(Object.prototype)).toEqual([]);
    await stillServing();
  });

  it("GET of a config map, secret or device named like an Object.prototype member is a 404", async () => {
    for (const id of RESERVED) {
      for (const path of [`/v3/${A}/ai-mgr/configmaps/${id}`, `/v3/${A}/ai-mgr/secrets/${id}`, `/v3/${A}/ai-mgr/nodes/${id}`, `/v3/${A}/ai-mgr/workspaces/${id}`]) {
        const res = await api("GET", path);
        expect(res.status, path).toBe(404);
        expect(res.json.error_code).toMatch(/^HIL\./);
      }
      expect((await tb("GET", `/datasets/${id}`)).json).toEqual({ code: "ResourceNotExist", message: expect.any(String) });
    }
  });

  it("a device set online under project __proto__ pollutes nothing: project B still sees none of A's devices, and A's device stays in the persisted state", async () => {
    const res = await send(emu.url, "PUT", `/__emulator/hilens/__proto__/nodes/${fx.node_id}/connection`, { headers: { "Content-Type": "application/json", "X-Emulator-Token": emu.controlToken }, body: JSON.stringify({ online: true }) });
    expect(res.status).toBe(404);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).device).toBeUndefined();
    const listB = await api("GET", `/v3/${B}/ai-mgr/nodes`, undefined, tokenB);
    expect(listB.status).toBe(200);
    expect(JSON.stringify(listB.json)).not.toContain(fx.node_id);
    const state = snapshotOfState();
    expect(Object.keys(state.projects[A].device)).toContain(fx.node_id);
    expect(state.projects[B]?.device ?? {}).toEqual({});
  });

  it("TensorBay branch and tag names like __proto__ are ordinary names; such revisions that do not exist are 404", async () => {
    const draft = (await tb("POST", `/datasets/${fx.dataset}/drafts`, { branchName: "main", title: "for reserved names" })).json.draftNumber;
    const commit = await tb("POST", `/datasets/${fx.dataset}/commits`, { draftNumber: draft, title: "c1" });
    expect(commit.status).toBe(200);
    for (const name of RESERVED) {
      expect((await tb("GET", `/datasets/${fx.dataset}/commits?commit=${name}`)).status).toBe(404);
      expect((await tb("POST", `/datasets/${fx.dataset}/drafts`, { branchName: name, title: "x" })).status).toBe(404);
      expect((await tb("POST", `/datasets/${fx.dataset}/branches`, { name, commit: "main" })).status).toBe(200);
      expect((await tb("POST", `/datasets/${fx.dataset}/tags`, { name, commit: name })).status).toBe(200);
    }
    const branches = (await tb("GET", `/datasets/${fx.dataset}/branches`)).json.branches.map((b: any) => b.name);
    expect(branches).toEqual(expect.arrayContaining(RESERVED));
    const tags = (await tb("GET", `/datasets/${fx.dataset}/tags`)).json.tags;
    expect(tags.map((t: any) => t.name)).toEqual(expect.arrayContaining(RESERVED));
    expect(tags.every((t: any) => t.commitId === commit.json.commitId)).toBe(true);
    expect((await tb("POST", `/datasets/${fx.dataset}/branches`, { name: "__proto__", commit: "main" })).json.code).toBe("NameConflict");
    for (const name of RESERVED) {
      const deleted = await tb("DELETE", `/datasets/${fx.dataset}/branches`, { name });
      expect(deleted.status, `${name}: ${deleted.text}`).toBe(200);
    }
    // After a restart (state.db read back), the reserved tag names are still plain data.
    const again = await startEmulator({ dataDir, credentials: [], port: 0 });
    try {
      const reloaded = await send(again.url, "GET", `${TB}/datasets/${fx.dataset}/tags`, { headers: { "X-Token": DEFAULTS.tensorbayAccessKey } });
      expect(reloaded.json.tags.map((t: any) => t.name)).toEqual(expect.arrayContaining(RESERVED));
    } finally {
      await again.close();
    }
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe("odd paths", () => {
  const cases: [string, number][] = [
    ["//", 404],
    ["//a:b@/x", 404],
    ["//%zz", 404],
    ["/%00", 404],
    ["/%zz", 404],
    [`/v3/%zz/ai-mgr/configmaps`, 400],
    [`/v3/${A}/ai-mgr/configmaps/%E0%A4%A`, 400],
    [`/v3/${A}/ai-mgr/configmaps/%00`, 404],
    [`/v3/${A}/ai-mgr//configmaps`, 404],
    [`/v3/${A}/ai-mgr/configmaps/..%2F..%2F`, 404],
    [`${TB}/datasets/%zz`, 400],
    [`${TB}/nope`, 404],
    [`${TB}//`, 404],
    [`/v1.0/${A}/data/tags/%ff`, 400],
    ["/" + "a".repeat(8000), 404],
    [`/v3/${A}/ai-mgr/configmaps/${"x".repeat(8000)}`, 404],
    ["http://other.example/v3/x", 404],
    ["*", 404],
  ];
  it.each(cases.map(([path, status]) => [path.length > 80 ? `${path.slice(0, 60)}… (${path.length} characters)` : path, path, status] as const))("GET %s is answered in the family's shape, and the emulator keeps serving", async (_label, path, status) => {
    const raw = await rawTcp(emu.port, `GET ${path} HTTP/1.1\r\nHost: emulator\r\nX-Auth-Token: ${tokenA}\r\nX-Token: ${DEFAULTS.tensorbayAccessKey}\r\nConnection: close\r\n\r\n`);
    const answer = parseRaw(raw);
    expect(answer, raw.slice(0, 200)).toBeDefined();
    expect(answer!.status, raw.slice(0, 300)).toBe(status);
    const where = path.startsWith("http://") ? "/v3/x" : path;
    expectFamilyShape(where, { status: answer!.status, json: answer!.json });
    await stillServing();
  });

  it("a path longer than the header limit gets 431, and the emulator keeps serving", async () => {
    const raw = await rawTcp(emu.port, `GET /${"a".repeat(20000)} HTTP/1.1\r\nHost: emulator\r\n\r\n`);
    expect(parseRaw(raw)?.status).toBe(431);
    await stillServing();
  });

  it("a wrong method on a known path is 405, in TensorBay's shape under its prefix", async () => {
    const hilens = await api("PATCH", `/v3/${A}/ai-mgr/configmaps`);
    expect(hilens.status).toBe(405);
    expect(hilens.json.error_code).toBe("APIGW.0101");
    const tensorbay = await tb("PUT", "/datasets");
    expect(tensorbay.status).toBe(405);
    expect(tensorbay.json).toEqual({ code: "InvalidParamsValue", message: "Method not allowed." });
  });
});

describe("malformed requests on the wire", () => {
  const junk = [
    "GARBAGE\r\n\r\n",
    "GET\r\n\r\n",
    "GET / HTTP/9.9\r\n\r\n",
    "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
    "BREW /coffee HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /v3 HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "POST /v3 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    "POST /v3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(20000) + "\r\n\r\n",
    "\x00\x01\x02\x03\xff\xfe\r\n\r\n",
    "GET /\x00 HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\n\r\n" + "\x16\x03\x01\x02\x00",
  ];
  it.each(junk.map((j, i) => [i, j] as const))("junk #%i gets an HTTP answer or a closed connection, never a crash", async (_i, data) => {
    const raw = await rawTcp(emu.port, Buffer.from(data, "latin1"));
    if (raw) expect(raw, raw.slice(0, 200)).toMatch(/^HTTP\/1\.1 \d{3} /);
    await stillServing();
  });

  it("200 generated request lines (seeded) are all answered and none crashes the emulator", async () => {
    const random = mulberry32(20240611);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "get", "G E T", ""];
    const pieces = ["", "/", "//", "%", "%zz", "%00", "%2e%2e", "..", "__proto__", "constructor", "?", "#", "@", ":", "v3", A, "ai-mgr", "configmaps", "gatewayv2", "tensorbay-open-api", "v1", "v1.0", "__emulator", "\\", "é", "\t"];
    const versions = ["HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/1.1 extra", ""];
    for (let i = 0; i < 200; i++) {
      const path = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(pieces)).join(pick(["/", "/", "/", "//", ""]));
      const raw = await rawTcp(emu.port, Buffer.from(`${pick(methods)} ${path} ${pick(versions)}\r\nHost: e\r\nConnection: close\r\n\r\n`, "utf8"), 2000);
      if (raw) expect(raw.slice(0, 12), `request ${i}: ${path}`).toMatch(/^HTTP\/1\.[01] \d{3}/);
    }
    expect(Object.keys(Object.prototype)).toEqual([]);
    await stillServing();
  });
});

describe("request bodies", () => {
  it("a body over the limit is refused with 413 in the family's shape before it is read", async () => {
    // 50 MB announced, a few bytes sent: the answer comes without waiting for (or buffering) the rest.
    for (const path of [`/v3/${A}/ai-mgr/configmaps`, `/v1.0/${A}/data/tags`, `${TB}/datasets`]) {
      const raw = await rawTcp(emu.port, `POST ${path} HTTP/1.1\r\nHost: e\r\nContent-Type: application/json\r\nX-Auth-Token: ${tokenA}\r\nContent-Length: 52428800\r\n\r\n{"a":`);
      const answer = parseRaw(raw)!;
      expect(answer.status, raw.slice(0, 200)).toBe(413);
      expectFamilyShape(path, { status: 413, json: answer.json });
      expect(raw).toMatch(/\r\nConnection: close\r\n/i);
    }
    await stillServing();
  });

  it("a chunked body that grows past the limit gets 413 as soon as it does", async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const res = await send(emu.url, "POST", `/v3/${A}/ai-mgr/configmaps`, { headers: { ...withToken(tokenA), "Transfer-Encoding": "chunked" }, body: Buffer.concat(Array.from({ length: 6 }, () => chunk)) });
    expect(res.status).toBe(413);
    expect(res.json.error_code).toBe("APIGW.0201");
    await stillServing();
  });

  it("a 50 MB body sent in full gets 413 and the emulator keeps serving", async () => {
    const res = await send(emu.url, "PATCH", `${TB}/datasets/${fx.dataset}`, { headers: { "Content-Type": "application/json", "X-Token": DEFAULTS.tensorbayAccessKey }, body: Buffer.alloc(50 * 1024 * 1024, 0x61) });
    // The emulator may close before the client finished sending; either way no buffering, no crash.
    if (res.error === undefined) expect(res.json).toEqual({ code: "InvalidParamsValue", message: expect.stringContaining("larger than") });
    await stillServing();
  });

  const badBodies = ["{", "not json", "{\"a\":}", "\u0000", "[1,2", "{\"configmap\": {\"name\": \"x\"", "\uFEFF{}", "{}}"];
  it.each(badBodies)("invalid JSON %j gets 400 in every family's shape", async (body) => {
    const cases: [string, Record<string, string>, string][] = [
      [`/v3/${A}/ai-mgr/configmaps`, withToken(tokenA), "HIL.0400"],
      [`/v1.0/${A}/data/tags`, withToken(tokenA), "octopus.000001"],
      [`${TB}/datasets`, { "Content-Type": "application/json", "X-Token": DEFAULTS.tensorbayAccessKey }, "InvalidParamsValue"],
      ["/v3/auth/tokens", { "Content-Type": "application/json" }, ""],
      ["/__emulator/faults", { "Content-Type": "application/json", "X-Emulator-Token": emu.controlToken }, "EMU.0400"],
    ];
    for (const [path, headers, code] of cases) {
      const res = await send(emu.url, "POST", path, { headers, body });
      expect(res.status, `${path}: ${res.text}`).toBe(400);
      expectFamilyShape(path, res);
      if (code) expect(res.json.error_code ?? res.json.code).toBe(code);
    }
    await stillServing();
  });

  const oddJson = ["null", "[]", "\"text\"", "42", "true", "{\"__proto__\": {\"polluted\": true}}", "{\"constructor\": {\"prototype\": {\"polluted\": true}}}", "[".repeat(5000) + "]".repeat(5000), JSON.stringify({ configmap: { __proto__: { name: "x" } } })];
  it("valid but odd JSON on every write route is answered without a 5xx and pollutes nothing", async () => {
    const before = emu.store.count(B);
    const routes = [...hilensRoutes, ...octopusRoutes, ...tensorbayRoutes].filter((r) => ["POST", "PUT", "PATCH"].includes(r.method) && !r.pattern.startsWith("/__emulator/"));
    for (const r of routes) {
      const path = r.pattern.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(fill(r.pattern, p)));
      const headers = isTensorbay(r.pattern) ? { "Content-Type": "application/json", "X-Token": DEFAULTS.tensorbayAccessKey } : withToken(tokenA);
      for (const body of oddJson) {
        const res = await send(emu.url, r.method, path, { headers, body });
        expect(res.error, `${r.method} ${path} ${body.slice(0, 40)}`).toBeUndefined();
        expect(res.status, `${r.method} ${path} ${body.slice(0, 40)} → ${res.text}`).toBeLessThan(500);
        if (res.status! >= 400) expectFamilyShape(path, res);
      }
    }
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(emu.store.count(B)).toBe(before);
  });

  it("wrong content types: API routes still answer; control routes refuse anything but JSON with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", ""]) {
      const headers: Record<string, string> = { "X-Auth-Token": tokenA, ...(type ? { "Content-Type": type } : {}) };
      const apiRes = await send(emu.url, "GET", `/v3/${A}/ai-mgr/configmaps`, { headers });
      expect(apiRes.status).toBe(200);
      const control = await send(emu.url, "PUT", "/__emulator/hilens/timing", { headers: { "X-Emulator-Token": emu.controlToken, ...(type ? { "Content-Type": type } : {}) }, body: JSON.stringify({ deviceConnectMs: 5 }) });
      expect(control.status, type).toBe(415);
      expect(control.json.error_code).toBe("EMU.0415");
    }
    const json = await send(emu.url, "PUT", "/__emulator/hilens/timing", { headers: { "X-Emulator-Token": emu.controlToken, "Content-Type": "application/json; charset=utf-8" }, body: JSON.stringify({ deviceConnectMs: null }) });
    expect(json.status).toBe(200);
  });
});

describe("control routes", () => {
  it("require the control token: the request log and counts are not readable without it", async () => {
    for (const path of ["/__emulator/requests", "/__emulator/count", `/__emulator/count?project=${A}`, "/__emulator/faults/log", "/__emulator/faults/mode", "/__emulator/hilens/timing", "/__emulator/nope"]) {
      for (const headers of [{} as Record<string, string>, { "X-Emulator-Token": "wrong" }, { "X-Emulator-Token": emu.controlToken + "x" }, { "X-Emulator-Token": "" }]) {
        const res = await send(emu.url, "GET", path, { headers });
        expect(res.status, path).toBe(401);
        expect(res.json).toEqual({ error_code: "EMU.0401", error_msg: expect.any(String) });
        expect(res.text).not.toContain(A);
      }
    }
    const before = emu.requests.length;
    const write = await send(emu.url, "PUT", "/__emulator/octopus/timing", { headers: { "Content-Type": "application/json" }, body: JSON.stringify({ duration_ms: 1 }) });
    expect(write.status).toBe(401);
    expect(await emu.control("GET", "/__emulator/requests")).toHaveLength(emu.requests.length);
    expect(emu.requests.length).toBe(before);
  });

  it("a generated token is long and random; a given one is used as is", async () => {
    expect(emu.controlToken).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const dir = mkdtempSync(join(tmpdir(), "edgeai-fuzz-token-"));
    const other = await startEmulator({ dataDir: dir, credentials: [], controlToken: "given-token" });
    try {
      expect(other.controlToken).toBe("given-token");
      expect((await send(other.url, "GET", "/__emulator/count", { headers: { "X-Emulator-Token": "given-token" } })).json).toEqual({ count: 0 });
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("one error boundary per request", () => {
  it("a handler that fails unexpectedly answers 500 in the family's shape, and the next request is served", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeai-fuzz-crash-"));
    const crashy = await startEmulator({ dataDir: dir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: A }] });
    try {
      const token = await iamToken(crashy, A);
      // Another process holds the database's write lock: the emulator's writes fail.
      const other = new DatabaseSync(join(dir, STATE_DB));
      other.exec("BEGIN IMMEDIATE");
      const hilens = await send(crashy.url, "POST", `/v3/${A}/ai-mgr/configmaps`, { headers: withToken(token), body: JSON.stringify({ configmap: { name: "while-broken", configs: [{ key: "k", value: "v" }], tags: [] } }) });
      expect(hilens.status).toBe(500);
      expect(hilens.json).toEqual({ error_code: "HIL.0002", error_msg: "Internal server error." });
      const tensorbay = await send(crashy.url, "POST", `${TB}/datasets`, { headers: { "Content-Type": "application/json", "X-Token": DEFAULTS.tensorbayAccessKey }, body: JSON.stringify({ name: "while-broken" }) });
      expect(tensorbay.status).toBe(500);
      expect(tensorbay.json).toEqual({ code: "InternalServerError", message: "Internal server error." });
      other.exec("ROLLBACK");
      other.close();
      const fixed = await send(crashy.url, "POST", `/v3/${A}/ai-mgr/configmaps`, { headers: withToken(token), body: JSON.stringify({ configmap: { name: "after-fix", configs: [{ key: "k", value: "v" }], tags: [] } }) });
      expect(fixed.status).toBe(200);
      // The failed create left nothing behind, in memory or on disk.
      const list = await send(crashy.url, "GET", `/v3/${A}/ai-mgr/configmaps`, { headers: withToken(token) });
      expect(list.json.configmaps.map((c: any) => c.name)).toEqual(["after-fix"]);
      expect(JSON.stringify(readState(dir))).not.toContain("while-broken");
    } finally {
      await crashy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("after everything", () => {
  it("the persisted state reads back, each project holds only its own objects, and Object.prototype is clean", async () => {
    const state = snapshotOfState();
    expect(Object.keys(Object.prototype)).toEqual([]);
    for (const [project, kinds] of Object.entries<Record<string, Record<string, any>>>(state.projects)) {
      for (const rows of Object.values(kinds)) for (const row of Object.values(rows)) if (row.project_id !== undefined) expect(row.project_id).toBe(project);
    }
    expect(Object.keys(state.projects)).not.toContain("__proto__");
    expect(state.projects[B] ?? {}).toEqual({});
    await stillServing();
  });
});
