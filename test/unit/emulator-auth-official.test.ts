/**
 * The emulator's AK/SK check against requests signed by the official Huawei Cloud SDK signer
 * (`@huaweicloud/huaweicloud-sdk-core`), sent by raw HTTP: the provider's own signer takes no part,
 * so a bug shared by the provider's signer and the emulator's verifier cannot pass here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import { send, RawAnswer } from "./raw-http";

const P = DEFAULTS.projectId;
const CONFIG_MAPS = `/v3/${P}/ai-mgr/configmaps`;
let emu: Emulator;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-auth-official-"));
  emu = await startEmulator({ dataDir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: P }] });
});
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Signed {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

/** Signs a request with the official SDK signer (X-Sdk-Date: now, unless given). */
function officialSign(method: string, path: string, opts: { query?: Record<string, string>; body?: unknown; headers?: Record<string, string>; sk?: string } = {}): Signed {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  const credential = { getAk: () => DEFAULTS.accessKey, getSk: () => opts.sk ?? DEFAULTS.secretKey };
  const signed = AKSKSigner.sign({ method, endpoint: `${emu.url}${path}`, headers, queryParams: opts.query ?? {}, data: opts.body } as never, credential as never) as Record<string, string>;
  return { method, path, query: opts.query ?? {}, headers: signed, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) };
}

function sendSigned(r: Signed): Promise<RawAnswer> {
  const qs = Object.entries(r.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  return send(emu.url, r.method, qs ? `${r.path}?${qs}` : r.path, { headers: r.headers, body: r.body });
}

/** The request's X-Sdk-Date moved by `ms`, in the signer's basic format. */
function sdkDateOffBy(ms: number): string {
  return new Date(Date.now() + ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

const refused = { status: 401, json: { error_code: "APIGW.0301", error_msg: expect.stringContaining("Incorrect IAM authentication information") } };

describe("requests signed by the official SDK signer", () => {
  it("are accepted: GET with a query string, POST with a JSON body, DELETE", async () => {
    const listed = await sendSigned(officialSign("GET", CONFIG_MAPS, { query: { limit: "10", offset: "0", name: "a b&c=d" } }));
    expect(listed).toMatchObject({ status: 200, json: { configmaps: [] } });

    const body = { configmap: { name: "signed-official", configs: [{ key: "MODEL", value: "yolo" }], tags: [] } };
    const created = await sendSigned(officialSign("POST", CONFIG_MAPS, { body }));
    expect(created.status).toBeLessThan(300);
    const id = created.json.configmap.id;
    expect((await sendSigned(officialSign("GET", `${CONFIG_MAPS}/${id}`))).json.configmap).toMatchObject({ id, name: "signed-official" });
    expect((await sendSigned(officialSign("DELETE", `${CONFIG_MAPS}/${id}`))).status).toBeLessThan(300);
  });

  it("are accepted with a further signed header (X-Project-Id) and an X-Sdk-Date within 15 minutes", async () => {
    const res = await sendSigned(officialSign("GET", CONFIG_MAPS, { headers: { "X-Project-Id": P, "X-Sdk-Date": sdkDateOffBy(-10 * 60_000) } }));
    expect(res.status).toBe(200);
  });
});

describe("tampered requests are refused with 401 APIGW.0301 and change nothing", () => {
  const body = { configmap: { name: "tampered-body", configs: [{ key: "MODEL", value: "yolo" }], tags: [] } };

  it("another path than the one signed", async () => {
    const r = officialSign("GET", CONFIG_MAPS);
    expect(await sendSigned({ ...r, path: `/v3/${P}/ai-mgr/secrets` })).toMatchObject(refused);
  });

  it("another query value, or an added query parameter", async () => {
    const r = officialSign("GET", CONFIG_MAPS, { query: { limit: "10" } });
    expect(await sendSigned({ ...r, query: { limit: "11" } })).toMatchObject(refused);
    expect(await sendSigned({ ...r, query: { limit: "10", offset: "5" } })).toMatchObject(refused);
  });

  it("another body than the one signed", async () => {
    const r = officialSign("POST", CONFIG_MAPS, { body });
    expect(await sendSigned({ ...r, body: r.body!.replace("yolo", "YOLO") })).toMatchObject(refused);
    const list = await sendSigned(officialSign("GET", CONFIG_MAPS));
    expect(list.json.configmaps.map((c: { name: string }) => c.name)).not.toContain("tampered-body");
  });

  it("a signed header changed after signing", async () => {
    const r = officialSign("GET", CONFIG_MAPS, { headers: { "X-Project-Id": P } });
    expect(await sendSigned({ ...r, headers: { ...r.headers, "X-Project-Id": "0".repeat(32) } })).toMatchObject(refused);
  });

  it("another method than the one signed", async () => {
    const r = officialSign("GET", `${CONFIG_MAPS}/missing`);
    expect(await sendSigned({ ...r, method: "DELETE" })).toMatchObject(refused);
  });

  it("an X-Sdk-Date changed after signing, or signed more than 15 minutes off", async () => {
    const r = officialSign("GET", CONFIG_MAPS);
    expect(await sendSigned({ ...r, headers: { ...r.headers, "X-Sdk-Date": sdkDateOffBy(-60_000) } })).toMatchObject(refused);
    expect(await sendSigned(officialSign("GET", CONFIG_MAPS, { headers: { "X-Sdk-Date": sdkDateOffBy(-16 * 60_000) } }))).toMatchObject(refused);
    expect(await sendSigned(officialSign("GET", CONFIG_MAPS, { headers: { "X-Sdk-Date": sdkDateOffBy(16 * 60_000) } }))).toMatchObject(refused);
  });

  it("a signature made with another secret key", async () => {
    expect(await sendSigned(officialSign("GET", CONFIG_MAPS, { sk: "not-the-secret-key" }))).toMatchObject(refused);
  });
});
