/**
 * The emulator's fault mode (`--faults` / `startEmulator({faults})` / `setFaults`) and targeted
 * faults (`inject`): reproducible per seed, each kind doing what a client would see from a real
 * cloud API (throttling, 5xx in the family's shape, a reset before anything happened, an answer
 * lost after the change was applied), logged, and switchable at run time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator, DEFAULTS, Emulator, parseFaultSpec, readState, type FaultModeInput } from "../../emulator";
import { FaultInjector } from "../../emulator/faults";
import { parseCli } from "../../emulator/cli";
import { iamToken, send, withToken, RawAnswer } from "./raw-http";

const dirs: string[] = [];
const emulators: Emulator[] = [];

async function emulator(faults?: FaultModeInput): Promise<Emulator> {
  const dataDir = mkdtempSync(join(tmpdir(), "edgeai-faults-"));
  dirs.push(dataDir);
  const emu = await startEmulator({ dataDir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }], ...(faults ? { faults } : {}) });
  emulators.push(emu);
  return emu;
}

afterAll(async () => {
  for (const emu of emulators) await emu.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const P = DEFAULTS.projectId;
const WORKSPACES = `/v3/${P}/ai-mgr/workspaces`;
const SECRETS = `/v3/${P}/ai-mgr/secrets`;
const CONFIGMAPS = `/v3/${P}/ai-mgr/configmaps`;
const secretBody = (name: string) => JSON.stringify({ secret: { name, secrets: [{ key: "K", value: "v" }], tags: [] } });
const configMapBody = (name: string) => JSON.stringify({ configmap: { name, configs: [{ key: "k", value: "v" }], tags: [] } });
/** What a client saw: the status, or that the connection failed. */
const outcome = (a: RawAnswer) => (a.error !== undefined ? "dropped" : String(a.status));

async function sequence(emu: Emulator, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) seen.push(outcome(await send(emu.url, "GET", WORKSPACES)));
  return seen;
}

describe("fault mode: reproducible per seed", () => {
  it("the same seed gives the same faults for the same requests; another seed gives others", async () => {
    const spec = "rate=0.5,seed=42,kinds=429,500,503,reset,lost";
    const a = await emulator(spec);
    const b = await emulator(spec);
    const c = await emulator("rate=0.5,seed=7,kinds=429,500,503,reset,lost");
    const [sa, sb, sc] = [await sequence(a, 40), await sequence(b, 40), await sequence(c, 40)];
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    // Unauthenticated requests that get no fault reach the API (401); the rest are faults of every kind.
    expect(new Set(sa)).toEqual(new Set(["401", "429", "500", "503", "dropped"]));
    expect(a.faultLog.map((f) => f.kind)).toEqual(b.faultLog.map((f) => f.kind));
    expect(a.faultLog.length).toBe(sa.filter((s) => s !== "401").length);
  });

  it("setFaults restarts the sequence from the seed", async () => {
    const emu = await emulator("rate=0.5,seed=3,kinds=429,500,503");
    const first = await sequence(emu, 20);
    emu.setFaults("rate=0.5,seed=3,kinds=429,500,503");
    expect(await sequence(emu, 20)).toEqual(first);
  });

  it("the PRNG draws per request in arrival order, independent of paths and of targeted faults", () => {
    const draw = (inject: boolean) => {
      const dir = mkdtempSync(join(tmpdir(), "edgeai-faults-"));
      dirs.push(dir);
      const f = new FaultInjector(join(dir, "faults.jsonl"), "rate=0.3,seed=99,kinds=500,lost");
      if (inject) f.inject({ pathPattern: "^/x$", status: 502, count: 1 });
      return ["/a", "/x", "/b", "/c", "/d", "/e", "/f", "/g"].flatMap((p) => Array.from({ length: 5 }, () => f.decide("GET", p))).map((d) => d.drop ?? d.status ?? "-");
    };
    const plain = draw(false);
    const withTargeted = draw(true);
    expect(withTargeted[5]).toBe(502);
    expect(withTargeted.filter((_, i) => i !== 5)).toEqual(plain.filter((_, i) => i !== 5));
  });
});

describe("fault kinds", () => {
  let emu: Emulator;
  let token: string;
  beforeAll(async () => {
    emu = await emulator();
    token = await iamToken(emu);
  });
  afterEach(() => {
    emu.setFaults(undefined);
  });

  it("lost: the create is applied, but the client gets a socket error instead of the answer", async () => {
    emu.setFaults({ rate: 1, seed: 1, kinds: ["lost"] });
    const created = await send(emu.url, "POST", SECRETS, { headers: withToken(token), body: secretBody("lost-answer") });
    expect(created.error).toBeDefined();
    expect(created.status).toBeUndefined();
    emu.setFaults(undefined);
    const list = await send(emu.url, "GET", SECRETS, { headers: withToken(token) });
    expect(list.json.secrets.map((s: any) => s.name)).toContain("lost-answer");
    const state = readState(emu.store.dir);
    expect(Object.values(state.projects[P].secret).map((s: any) => s.name)).toContain("lost-answer");
  });

  it("lost, targeted: exactly the next POST matching /secrets is lost; the GET after it is answered", async () => {
    emu.inject({ pathPattern: "/ai-mgr/secrets$", method: "POST", kind: "lost", count: 1 });
    const listed = await send(emu.url, "GET", SECRETS, { headers: withToken(token) });
    expect(listed.status).toBe(200);
    const created = await send(emu.url, "POST", SECRETS, { headers: withToken(token), body: secretBody("targeted-lost") });
    expect(created.error).toBeDefined();
    const again = await send(emu.url, "POST", SECRETS, { headers: withToken(token), body: secretBody("targeted-lost") });
    // The first one was applied: the retry meets the existing secret.
    expect(again.status).toBe(409);
    expect(emu.faultLog.at(-1)).toMatchObject({ method: "POST", path: SECRETS, kind: "lost", source: "inject" });
  });

  it("reset: the connection drops before the handler runs, so nothing is created", async () => {
    const before = emu.store.count(P);
    emu.setFaults("rate=1,kinds=reset");
    const created = await send(emu.url, "POST", CONFIGMAPS, { headers: withToken(token), body: configMapBody("reset-config") });
    expect(created.error).toBeDefined();
    emu.setFaults(undefined);
    expect(emu.store.count(P)).toBe(before);
    const list = await send(emu.url, "GET", CONFIGMAPS, { headers: withToken(token) });
    expect(list.json.configmaps.map((c: any) => c.name)).not.toContain("reset-config");
    expect(emu.requests.at(-2)).toMatchObject({ method: "POST", path: CONFIGMAPS, status: 0, fault: "reset" });
  });

  it("reset, targeted: the next request matching is reset, the one after it is served", async () => {
    emu.inject({ pathPattern: "/ai-mgr/workspaces$", kind: "reset", count: 1 });
    expect((await send(emu.url, "GET", WORKSPACES, { headers: withToken(token) })).error).toBeDefined();
    expect((await send(emu.url, "GET", WORKSPACES, { headers: withToken(token) })).status).toBe(200);
  });

  it("500 and 503 answer in each family's error shape and code, and the handler does not run", async () => {
    const before = emu.store.count(P);
    emu.setFaults("rate=1,kinds=500");
    const hilens = await send(emu.url, "POST", CONFIGMAPS, { headers: withToken(token), body: configMapBody("never-made") });
    expect(hilens.status).toBe(500);
    expect(hilens.json).toEqual({ error_code: "HIL.0002", error_msg: expect.any(String) });
    const octopus = await send(emu.url, "GET", `/v1.0/${P}/data/tags`, { headers: withToken(token) });
    expect(octopus.status).toBe(500);
    expect(octopus.json).toEqual({ error_code: "octopus.000002", error_msg: expect.any(String) });
    const tensorbay = await send(emu.url, "GET", "/gatewayv2/tensorbay-open-api/v1/datasets", { headers: { "X-Token": DEFAULTS.tensorbayAccessKey } });
    expect(tensorbay.status).toBe(500);
    expect(tensorbay.json).toEqual({ code: "InternalServerError", message: expect.any(String) });
    emu.setFaults("rate=1,kinds=503");
    const unavailable = await send(emu.url, "POST", CONFIGMAPS, { headers: withToken(token), body: configMapBody("never-made") });
    expect(unavailable.status).toBe(503);
    expect(unavailable.json.error_code).toBe("HIL.0002");
    const tbUnavailable = await send(emu.url, "GET", "/gatewayv2/tensorbay-open-api/v1/datasets", { headers: { "X-Token": DEFAULTS.tensorbayAccessKey } });
    expect(tbUnavailable.json).toEqual({ code: "InternalServerError", message: expect.any(String) });
    emu.setFaults(undefined);
    expect(emu.store.count(P)).toBe(before);
  });

  it("HiLens deployment routes keep their own error shape under faults", async () => {
    emu.setFaults("rate=1,kinds=500");
    const res = await send(emu.url, "GET", `/v3/${P}/ai-mgr/deployments`, { headers: withToken(token) });
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ error_code: "HIL.0002", error_message: expect.any(String) });
  });

  it("429 carries Retry-After and the family's throttling code", async () => {
    emu.setFaults("rate=1,kinds=429");
    const hilens = await send(emu.url, "GET", WORKSPACES, { headers: withToken(token) });
    expect(hilens.status).toBe(429);
    expect(hilens.headers!["retry-after"]).toBe("1");
    expect(hilens.json.error_code).toBe("APIGW.0308");
    const octopus = await send(emu.url, "GET", `/v1.0/${P}/data/tags`, { headers: withToken(token) });
    expect(octopus.json.error_code).toBe("octopus.202230");
    const tensorbay = await send(emu.url, "GET", "/gatewayv2/tensorbay-open-api/v1/datasets", { headers: { "X-Token": DEFAULTS.tensorbayAccessKey } });
    expect(tensorbay.status).toBe(429);
    expect(tensorbay.json).toEqual({ code: "TooManyRequests", message: expect.any(String) });
  });

  it("IAM token requests are API requests too: they get faults in IAM's shape", async () => {
    emu.setFaults("rate=1,kinds=503");
    const res = await send(emu.url, "POST", "/v3/auth/tokens", { headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ error: { code: 503, title: "Service Unavailable", message: expect.any(String) } });
  });

  it("latency delays every API answer by at least the given time", async () => {
    emu.setFaults("rate=0,latency=150ms");
    const started = Date.now();
    const res = await send(emu.url, "GET", WORKSPACES, { headers: withToken(token) });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it("control routes never get faults, so a test can read the emulator while faults are on", async () => {
    emu.setFaults("rate=1,kinds=500,reset,lost");
    for (let i = 0; i < 5; i++) expect(await emu.control("GET", "/__emulator/count")).toEqual({ count: expect.any(Number) });
  });

  it("the fault log names each fault (time, method, path, kind): in memory, over HTTP and in faults.jsonl", async () => {
    const seen = emu.faultLog.length;
    emu.setFaults("rate=1,seed=5,kinds=500,503");
    await send(emu.url, "GET", WORKSPACES);
    await send(emu.url, "DELETE", `${CONFIGMAPS}/some-id`);
    const added = emu.faultLog.slice(seen);
    expect(added).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), method: "GET", path: WORKSPACES, kind: expect.stringMatching(/^50[03]$/), source: "mode" },
      { time: expect.any(String), method: "DELETE", path: `${CONFIGMAPS}/some-id`, kind: expect.stringMatching(/^50[03]$/), source: "mode" },
    ]);
    expect(await emu.control("GET", "/__emulator/faults/log")).toEqual(emu.faultLog);
    const lines = readFileSync(join(emu.store.dir, "faults.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual(emu.faultLog);
  });

  it("the fault mode changes at run time through the control route", async () => {
    const set = await emu.control("PUT", "/__emulator/faults/mode", { spec: "rate=1,seed=2,kinds=503" });
    expect(set).toEqual({ mode: { rate: 1, seed: 2, kinds: ["503"], latencyMs: 0 }, spec: "rate=1,seed=2,kinds=503,latency=0ms" });
    expect(emu.faults).toEqual(set.mode);
    expect((await send(emu.url, "GET", WORKSPACES, { headers: withToken(token) })).status).toBe(503);
    await emu.control("PUT", "/__emulator/faults/mode", { rate: 0, latencyMs: 0 });
    expect((await send(emu.url, "GET", WORKSPACES, { headers: withToken(token) })).status).toBe(200);
    expect(await emu.control("DELETE", "/__emulator/faults/mode")).toEqual({ mode: null, spec: null });
    expect(emu.faults).toBeUndefined();
    await expect(emu.control("PUT", "/__emulator/faults/mode", { spec: "rate=2" })).rejects.toThrow(/400.*rate must be a number in \[0, 1\]/);
    await expect(emu.control("POST", "/__emulator/faults", { pathPattern: "x", count: 1, kind: "vanish" })).rejects.toThrow(/400.*kind must be/);
  });
});

describe("fault specs", () => {
  it("parse every documented key; kinds continue after commas", () => {
    expect(parseFaultSpec("rate=0.1,seed=42,kinds=429,500,503,reset,lost,latency=20ms")).toEqual({ rate: 0.1, seed: 42, kinds: ["429", "500", "503", "reset", "lost"], latencyMs: 20 });
    expect(parseFaultSpec("kinds=lost|reset,latency=1.5s")).toEqual({ rate: 0.1, seed: 1, kinds: ["lost", "reset"], latencyMs: 1500 });
    expect(parseFaultSpec("rate=0,latency=5")).toMatchObject({ rate: 0, latencyMs: 5 });
  });

  it("refuse unknown keys, kinds and out-of-range values", () => {
    expect(() => parseFaultSpec("rate=1.5")).toThrow(/rate/);
    expect(() => parseFaultSpec("kinds=404")).toThrow(/unknown kind "404"/);
    expect(() => parseFaultSpec("speed=1")).toThrow(/unknown key "speed"/);
    expect(() => parseFaultSpec("latency=fast")).toThrow(/latency/);
    expect(() => parseFaultSpec("seed=-1")).toThrow(/seed/);
  });

  it("the CLI parses --faults, --host and --control-token", () => {
    const parsed = parseCli(["--faults", "rate=0.1,seed=42,kinds=429,500,503,reset,lost,latency=20ms", "--host", "0.0.0.0", "--control-token", "tok", "--port", "0"]);
    expect(parsed).toMatchObject({ help: false, options: { faults: { rate: 0.1, seed: 42, kinds: ["429", "500", "503", "reset", "lost"], latencyMs: 20 }, host: "0.0.0.0", controlToken: "tok", port: 0 } });
    expect(parseCli([])).toMatchObject({ options: { host: "127.0.0.1", port: 8787 } });
    expect((parseCli([]) as { options: object }).options).not.toHaveProperty("faults");
    expect(() => parseCli(["--faults", "rate=oops"])).toThrow(/rate/);
  });

  it("the CLI serves with the fault mode and prints the control token it generated", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "edgeai-faults-cli-"));
    dirs.push(dataDir);
    const root = resolve(__dirname, "../..");
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", "--port", "0", "--data", dataDir, "--faults", "rate=1,seed=1,kinds=503"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    try {
      let out = "";
      await new Promise<void>((ok, fail) => {
        child.stdout.on("data", (c) => {
          out += c;
          if (/control token: \S+/.test(out) && /faults: /.test(out)) ok();
        });
        child.on("exit", (code) => fail(new Error(`the CLI exited (${code}): ${out}`)));
      });
      const url = /listening on (http\S+)/.exec(out)![1];
      const token = /control token: (\S+)/.exec(out)![1];
      expect(out).toContain("faults: rate=1,seed=1,kinds=503,latency=0ms");
      expect((await send(url, "GET", WORKSPACES)).status).toBe(503);
      expect((await send(url, "GET", "/__emulator/faults/log")).status).toBe(401);
      const log = await send(url, "GET", "/__emulator/faults/log", { headers: { "X-Emulator-Token": token } });
      expect(log.json).toEqual([expect.objectContaining({ method: "GET", path: WORKSPACES, kind: "503" })]);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
