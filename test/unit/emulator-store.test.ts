/**
 * The emulator's persistence (state.db in the data directory) and its bounded request log, as a
 * user of the emulator sees them: a restart keeps objects, their order, IAM tokens and Octopus
 * numbering; reserved ids stay plain data; a data directory of an earlier version (state.json)
 * is taken over; the in-memory request log keeps the latest entries with stable indexes while
 * requests.jsonl gets every request.
 */
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULTS, Emulator, EmulatorOptions, RequestLog, Store, readState, startEmulator } from "../../emulator";
import { iamToken, send, withToken } from "./raw-http";

const P = DEFAULTS.projectId;
const CONFIGMAPS = `/v3/${P}/ai-mgr/configmaps`;
const TAGS = `/v1.0/${P}/data/tags`;
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "edgeai-store-"));
  dirs.push(dir);
  return dir;
}

const start = (dataDir: string, extra: Partial<EmulatorOptions> = {}) => startEmulator({ dataDir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: P }], ...extra });
const configMap = (name: string, value = "v1") => JSON.stringify({ configmap: { name, configs: [{ key: "K", value }], tags: [] } });

describe("a restarted emulator on the same data directory", () => {
  it("keeps every object with its latest content and order, the IAM tokens it issued, and Octopus numbering", async () => {
    const dir = tempDir();
    let emu: Emulator = await start(dir);
    const token = await iamToken(emu);
    const ids: string[] = [];
    for (const name of ["cm-alpha", "cm-bravo", "cm-charlie", "cm-delta"]) {
      const res = await send(emu.url, "POST", CONFIGMAPS, { headers: withToken(token), body: configMap(name) });
      expect(res.status).toBe(200);
      ids.push(res.json.configmap.id);
    }
    expect((await send(emu.url, "PUT", `${CONFIGMAPS}/${ids[1]}`, { headers: withToken(token), body: configMap("cm-bravo", "v2") })).status).toBe(200);
    expect((await send(emu.url, "DELETE", `${CONFIGMAPS}/${ids[2]}`, { headers: withToken(token) })).status).toBeLessThan(300);
    const tag = await send(emu.url, "POST", TAGS, { headers: withToken(token), body: JSON.stringify({ name: "before-restart", is_tag: true }) });
    expect(tag.status).toBe(201);
    const listBefore = (await send(emu.url, "GET", `${CONFIGMAPS}?sort=name`, { headers: withToken(token) })).json;
    const inMemoryOrder = emu.store.list(P, "configmap").map((r) => r.name);
    await emu.close();

    emu = await start(dir);
    try {
      // The token issued before the restart is still accepted.
      const listAfter = await send(emu.url, "GET", `${CONFIGMAPS}?sort=name`, { headers: withToken(token) });
      expect(listAfter.status).toBe(200);
      expect(listAfter.json).toEqual(listBefore);
      expect(listAfter.json.configmaps.map((c: any) => c.name)).toEqual(["cm-alpha", "cm-bravo", "cm-delta"]);
      const bravo = await send(emu.url, "GET", `${CONFIGMAPS}/${ids[1]}`, { headers: withToken(token) });
      expect(bravo.json.configmap.configs).toEqual([{ key: "K", value: "v2" }]);
      expect((await send(emu.url, "GET", `${CONFIGMAPS}/${ids[2]}`, { headers: withToken(token) })).status).toBe(404);
      // Insertion order is kept (an update keeps its object's place).
      expect(emu.store.list(P, "configmap").map((r) => r.name)).toEqual(inMemoryOrder);
      const next = await send(emu.url, "POST", TAGS, { headers: withToken(token), body: JSON.stringify({ name: "after-restart", is_tag: true }) });
      expect(next.json.payload.item).toBeGreaterThan(tag.json.payload.item);
      // A name taken before the restart is still taken.
      expect((await send(emu.url, "POST", CONFIGMAPS, { headers: withToken(token), body: configMap("cm-alpha") })).status).toBe(409);
    } finally {
      await emu.close();
    }
  });

  it("knows which names are taken as objects are created, renamed and deleted, before and after a restart", async () => {
    const dir = tempDir();
    let emu = await start(dir);
    const token = await iamToken(emu);
    const create = (name: string) => send(emu.url, "POST", CONFIGMAPS, { headers: withToken(token), body: configMap(name) });
    try {
      expect((await create("name-one")).status).toBe(200);
      expect((await create("name-one")).status).toBe(409);
      const two = (await create("name-two")).json.configmap.id;
      const one = emu.store.findBy(P, "configmap", "name", "name-one")[0].id;
      expect((await send(emu.url, "DELETE", `${CONFIGMAPS}/${one}`, { headers: withToken(token) })).status).toBeLessThan(300);
      expect((await send(emu.url, "PUT", `${CONFIGMAPS}/${two}`, { headers: withToken(token), body: configMap("name-three") })).status).toBe(200);
      expect((await create("name-three")).status).toBe(409);
    } finally {
      await emu.close();
    }
    emu = await start(dir);
    try {
      expect((await create("name-three")).status).toBe(409);
      expect((await create("name-one")).status).toBe(200);
      expect((await create("name-two")).status).toBe(200);
      expect(emu.store.list(P, "configmap").map((r) => r.name).sort()).toEqual(["name-one", "name-three", "name-two"]);
    } finally {
      await emu.close();
    }
  });

  it("keeps reserved names (__proto__, constructor, toString) as plain projects, kinds and ids, and pollutes nothing", () => {
    const dir = tempDir();
    let store = new Store(dir);
    for (const reserved of ["__proto__", "constructor", "toString"]) {
      store.put(reserved, reserved, reserved, { id: reserved, project_id: reserved });
      store.put(P, "configmap", reserved, { id: reserved, name: reserved });
    }
    store.put("other", "configmap", "__proto__", { id: "__proto__", name: "gone" });
    expect(store.delete("other", "configmap", "__proto__")).toBe(true);
    expect(store.delete("other", "configmap", "__proto__")).toBe(false);
    store.close();

    store = new Store(dir);
    try {
      expect(store.get("__proto__", "__proto__", "__proto__")).toEqual({ id: "__proto__", project_id: "__proto__" });
      expect(store.list(P, "configmap").map((r) => r.id)).toEqual(["__proto__", "constructor", "toString"]);
      expect(store.get(P, "configmap", "hasOwnProperty")).toBeUndefined();
      expect(store.count("other")).toBe(0);
      expect(store.count()).toBe(6);
      expect(Object.keys(Object.prototype)).toEqual([]);
      const state = readState(dir);
      expect(Object.keys(state.projects).sort()).toEqual([P, "__proto__", "constructor", "toString"].sort());
      expect(Object.getPrototypeOf(state.projects)).toBe(Object.prototype);
      const own = (obj: unknown, key: string) => Object.getOwnPropertyDescriptor(obj, key)?.value;
      expect(own(own(own(state.projects, "__proto__"), "__proto__"), "__proto__")).toEqual({ id: "__proto__", project_id: "__proto__" });
    } finally {
      store.close();
    }
  });

  it("takes over a data directory of an earlier version (state.json) once, then serves it from state.db", async () => {
    const dir = tempDir();
    const legacy = {
      projects: { [P]: { configmap: { "11111111-2222-3333-4444-555555555555": { id: "11111111-2222-3333-4444-555555555555", name: "from-state-json", configs: [{ key: "K", value: "old" }], description: null, tags: [], workspace_id: "0", project_id: P, created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z" } } } },
      tokens: { "legacy-token": { projectId: P, expiresAt: Date.now() + 3600_000 } },
      sequence: 41,
    };
    writeFileSync(join(dir, "state.json"), JSON.stringify(legacy));
    for (let round = 0; round < 2; round++) {
      const emu = await start(dir);
      try {
        const got = await send(emu.url, "GET", `${CONFIGMAPS}/11111111-2222-3333-4444-555555555555`, { headers: withToken("legacy-token") });
        expect(got.status).toBe(200);
        expect(got.json.configmap.name).toBe("from-state-json");
        expect(emu.store.count(P)).toBe(1 + round);
        if (round === 0) {
          const tag = await send(emu.url, "POST", TAGS, { headers: withToken("legacy-token"), body: JSON.stringify({ name: "numbered-after-41", is_tag: true }) });
          // Numbered after the imported sequence (ids are 10,000 + the sequence).
          expect(tag.json.payload.item).toBe(10_042);
        }
      } finally {
        await emu.close();
      }
      expect(existsSync(join(dir, "state.json"))).toBe(false);
      expect(existsSync(join(dir, "state.json.imported"))).toBe(true);
    }
  });
});

describe("the request log", () => {
  it("holds the latest requestLogLimit requests in memory with stable indexes; requests.jsonl gets every one", async () => {
    const dir = tempDir();
    const emu = await start(dir, { requestLogLimit: 5 });
    const path = (i: number) => `/v3/${P}/ai-mgr/configmaps/not-there-${i}`;
    try {
      const token = await iamToken(emu);
      for (let i = 0; i < 11; i++) expect((await send(emu.url, "GET", path(i), { headers: withToken(token) })).status).toBe(404);
      // 12 requests: the token request and 11 GETs.
      expect(emu.requests.length).toBe(12);
      expect(emu.requests.slice().map((r) => r.path)).toEqual([6, 7, 8, 9, 10].map(path));
      expect(emu.requests.at(-1)?.path).toBe(path(10));
      expect(emu.requests.at(0)).toBeUndefined();
      expect(emu.requests.filter((r) => r.status === 404)).toHaveLength(5);

      // A mark: what came after it, by absolute index.
      const mark = emu.requests.length;
      await send(emu.url, "GET", path(100), { headers: withToken(token) });
      await send(emu.url, "GET", path(101), { headers: withToken(token) });
      expect(emu.requests.slice(mark).map((r) => r.path)).toEqual([path(100), path(101)]);
      expect(emu.requests.since(mark + 1).map((r) => r.path)).toEqual([path(101)]);

      // Over HTTP: the held requests, or those since an index; the header says where the log is.
      const all = await send(emu.url, "GET", "/__emulator/requests", { headers: { "X-Emulator-Token": emu.controlToken } });
      expect(all.json).toHaveLength(5);
      expect(all.headers!["x-emulator-request-count"]).toBe("14");
      const since = await send(emu.url, "GET", `/__emulator/requests?since=${mark}`, { headers: { "X-Emulator-Token": emu.controlToken } });
      expect(since.json.map((r: any) => r.path)).toEqual([path(100), path(101)]);
      const bad = await send(emu.url, "GET", "/__emulator/requests?since=-1", { headers: { "X-Emulator-Token": emu.controlToken } });
      expect(bad.status).toBe(400);
    } finally {
      await emu.close();
    }
    // close() waits for the file: every request is there, in order, with its status.
    const lines = readFileSync(join(dir, "requests.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(14);
    expect(lines[0]).toMatchObject({ method: "POST", path: "/v3/auth/tokens", status: 201 });
    expect(lines.slice(1, 12).map((l) => l.path)).toEqual([...Array(11).keys()].map(path));
  });

  it("reads like an array of what it holds, as a ring that never grows past its capacity", () => {
    const log = new RequestLog<number>(3);
    expect(log.slice()).toEqual([]);
    expect(log.at(-1)).toBeUndefined();
    for (let i = 0; i < 10; i++) log.push(i);
    expect(log.length).toBe(10);
    expect(log.first).toBe(7);
    expect([...log]).toEqual([7, 8, 9]);
    expect(log.slice(0, 9)).toEqual([7, 8]);
    expect(log.slice(-2)).toEqual([8, 9]);
    expect(log.slice(8, -1)).toEqual([8]);
    expect(log.at(7)).toBe(7);
    expect(log.at(-3)).toBe(7);
    expect(log.at(-4)).toBeUndefined();
    expect(log.map((n) => n * 2)).toEqual([14, 16, 18]);
    expect(JSON.parse(JSON.stringify(log))).toEqual([7, 8, 9]);
    expect(log.since(20)).toEqual([]);
  });
});
