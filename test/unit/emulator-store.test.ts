/**
 * The emulator's persistence (state.db in the data directory) and its bounded request log, as a
 * user of the emulator sees them: a restart keeps objects, their order, IAM tokens and Octopus
 * numbering; reserved ids stay plain data; a data directory of an earlier version (state.json)
 * is taken over (a malformed one imports nothing until fixed); the store itself answers and saves
 * plain objects, finds objects by name as they are renamed and deleted, expires tokens, refuses
 * writes once closed or while another connection holds the lock, and leaves its files as documented;
 * readState reads empty, crashed and copied directories without writing; the in-memory request log
 * keeps the latest entries with stable indexes while requests.jsonl gets every request.
 */
import { afterAll, describe, expect, it } from "vitest";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { DEFAULTS, Emulator, EmulatorOptions, RequestLog, STATE_DB, Store, readState, startEmulator } from "../../emulator";
import { iamToken, send, withToken } from "./raw-http";

const P = DEFAULTS.projectId;
const CONFIGMAPS = `/v3/${P}/ai-mgr/configmaps`;
const TAGS = `/v1.0/${P}/data/tags`;
const dirs: string[] = [];
/** A fixed "now" for token expiries. */
const T = 1_700_000_000_000;

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

describe("the store", () => {
  const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
  const walFiles = (dir: string) => ["state.db-wal", "state.db-shm"].filter((f) => existsSync(join(dir, f)));

  it("answers and saves plain objects of every project and kind, with no trace of what was only looked up", () => {
    const dir = tempDir();
    let store = new Store(dir);
    try {
      store.put(P, "configmap", "cm-1", { id: "cm-1", name: "one" });
      store.put(P, "configmap", "cm-2", { id: "cm-2", name: "two" });
      store.put(P, "secret", "s-1", { id: "s-1", name: "secret-one" });
      store.put("other-project", "configmap", "cm-3", { id: "cm-3", name: "three" });
      store.saveToken("token-a", P, T);
      store.saveToken("token-b", "other-project", T + 1);
      expect([store.nextNumber(), store.nextNumber()]).toEqual([1, 2]);
      // Looking up what is not there (an unknown project, or an unknown kind of a known one) creates nothing.
      expect(store.list("no-such-project", "configmap")).toEqual([]);
      expect(store.get("no-such-project", "configmap", "cm-1")).toBeUndefined();
      expect(store.findBy("no-such-project", "configmap", "name", "one")).toEqual([]);
      expect(store.delete("no-such-project", "configmap", "cm-1")).toBe(false);
      expect(store.list(P, "no-such-kind")).toEqual([]);
      expect(store.delete(P, "no-such-kind", "cm-1")).toBe(false);
      const expected = {
        projects: {
          [P]: { configmap: { "cm-1": { id: "cm-1", name: "one" }, "cm-2": { id: "cm-2", name: "two" } }, secret: { "s-1": { id: "s-1", name: "secret-one" } } },
          "other-project": { configmap: { "cm-3": { id: "cm-3", name: "three" } } },
        },
        tokens: { "token-a": { projectId: P, expiresAt: T }, "token-b": { projectId: "other-project", expiresAt: T + 1 } },
        sequence: 2,
      };
      expect(store.snapshot()).toEqual(expected);
      // readState sees every acknowledged write while the store is open, and the same after a restart.
      expect(readState(dir)).toEqual(expected);
      store.close();
      expect(readState(dir)).toEqual(expected);
      store = new Store(dir);
      expect(store.snapshot()).toEqual(expected);
    } finally {
      store.close();
    }
  });

  it("reads an empty state from a directory without state.db, and creates nothing there", () => {
    const dir = tempDir();
    expect(readState(dir)).toEqual({ projects: {}, tokens: {}, sequence: 0 });
    expect(existsSync(join(dir, STATE_DB))).toBe(false);
  });

  it("finds objects by name as two share a name, one is renamed, the last of a name is deleted and the name is used again", () => {
    const store = new Store(tempDir());
    const byName = (name: string) => ids(store.findBy(P, "configmap", "name", name));
    try {
      store.put(P, "configmap", "a", { id: "a", name: "shared" });
      store.put(P, "configmap", "b", { id: "b", name: "shared" });
      // The first look-up indexes the objects there; later puts keep the index up to date.
      expect(byName("shared")).toEqual(["a", "b"]);
      store.put(P, "configmap", "c", { id: "c", name: "shared" });
      expect(byName("shared")).toEqual(["a", "b", "c"]);
      store.put(P, "configmap", "a", { id: "a", name: "renamed" });
      expect(byName("shared")).toEqual(["b", "c"]);
      expect(byName("renamed")).toEqual(["a"]);
      expect(store.delete(P, "configmap", "b")).toBe(true);
      expect(store.delete(P, "configmap", "c")).toBe(true);
      expect(byName("shared")).toEqual([]);
      // An id deleted with its name, then created again with that name, is found under it.
      store.put(P, "configmap", "b", { id: "b", name: "shared" });
      expect(byName("shared")).toEqual(["b"]);
      // A row changed in place (not yet put) is judged by what it holds now.
      store.get(P, "configmap", "b")!.name = "changed-in-place";
      expect(byName("shared")).toEqual([]);
    } finally {
      store.close();
    }
  });

  it("answers the objects of a name in the order they took it: an update keeping the name keeps the place, one that leaves and comes back comes last", () => {
    const store = new Store(tempDir());
    const byName = (name: string) => ids(store.findBy(P, "configmap", "name", name));
    try {
      for (const id of ["a", "b", "c"]) store.put(P, "configmap", id, { id, name: "n" });
      expect(byName("n")).toEqual(["a", "b", "c"]);
      store.put(P, "configmap", "a", { id: "a", name: "n", description: "updated" });
      expect(byName("n")).toEqual(["a", "b", "c"]);
      store.put(P, "configmap", "b", { id: "b", name: "elsewhere" });
      store.put(P, "configmap", "b", { id: "b", name: "n" });
      expect(byName("n")).toEqual(["a", "c", "b"]);
      store.delete(P, "configmap", "a");
      store.put(P, "configmap", "a", { id: "a", name: "n" });
      expect(byName("n")).toEqual(["c", "b", "a"]);
      expect(byName("elsewhere")).toEqual([]);
    } finally {
      store.close();
    }
  });

  it("expires every token at now - 1, leaves tokens that expired earlier as they were, and keeps that over a restart", () => {
    const dir = tempDir();
    let store = new Store(dir);
    const expiries = { "expired-long-ago": T - 100, "expiring-now": T, "expiring-next-ms": T + 1, "valid-for-an-hour": T + 3600_000 };
    const expected = { "expired-long-ago": T - 100, "expiring-now": T - 1, "expiring-next-ms": T - 1, "valid-for-an-hour": T - 1 };
    const held = () => Object.fromEntries(Object.keys(expiries).map((token) => [token, store.token(token)?.expiresAt]));
    try {
      for (const [token, expiresAt] of Object.entries(expiries)) store.saveToken(token, P, expiresAt);
      store.expireTokens(T);
      expect(held()).toEqual(expected);
      store.close();
      store = new Store(dir);
      expect(held()).toEqual(expected);
    } finally {
      store.close();
    }
  });

  it("refuses every write once closed, naming its file, changes nothing, still answers reads, and closes twice without error", () => {
    const dir = tempDir();
    let store = new Store(dir);
    store.put(P, "configmap", "kept", { id: "kept", name: "kept" });
    store.saveToken("token", P, T);
    store.close();
    store.close();
    const closed = `the emulator's store (${join(dir, STATE_DB)}) is closed`;
    expect(() => store.put(P, "configmap", "new", { id: "new", name: "new" })).toThrow(closed);
    expect(() => store.delete(P, "configmap", "kept")).toThrow(closed);
    expect(() => store.nextNumber()).toThrow(closed);
    expect(() => store.saveToken("token", P, T + 1)).toThrow(closed);
    expect(() => store.expireTokens(T)).toThrow(closed);
    expect(() => store.save()).toThrow(closed);
    expect(store.get(P, "configmap", "kept")).toEqual({ id: "kept", name: "kept" });
    expect(store.list(P, "configmap")).toHaveLength(1);
    expect(store.token("token")).toEqual({ projectId: P, expiresAt: T });
    store = new Store(dir);
    try {
      expect(store.snapshot()).toEqual({ projects: { [P]: { configmap: { kept: { id: "kept", name: "kept" } } } }, tokens: { token: { projectId: P, expiresAt: T } }, sequence: 0 });
    } finally {
      store.close();
    }
  });

  it("writes ahead to state.db-wal while open; save() copies it into state.db, and close() leaves state.db alone", () => {
    const dir = tempDir();
    const store = new Store(dir);
    try {
      store.put(P, "configmap", "cm-1", { id: "cm-1", name: "one" });
      expect(walFiles(dir)).toEqual(["state.db-wal", "state.db-shm"]);
      // Copied alone, state.db holds every write once saved.
      store.save();
      const copy = tempDir();
      copyFileSync(join(dir, STATE_DB), join(copy, STATE_DB));
      expect(readState(copy).projects).toEqual({ [P]: { configmap: { "cm-1": { id: "cm-1", name: "one" } } } });
      // readState closes what it opened: the store's close() is the last and folds the log into state.db.
      expect(readState(dir).projects[P].configmap["cm-1"]).toEqual({ id: "cm-1", name: "one" });
    } finally {
      store.close();
    }
    expect(walFiles(dir)).toEqual([]);
  });

  it("reads a directory left by a crashed emulator (its writes only in state.db-wal) without changing state.db", () => {
    const dir = tempDir();
    const crashed = tempDir();
    const store = new Store(dir);
    try {
      store.put(P, "configmap", "cm-1", { id: "cm-1", name: "one" });
      for (const file of [STATE_DB, "state.db-wal", "state.db-shm"]) copyFileSync(join(dir, file), join(crashed, file));
    } finally {
      store.close();
    }
    const before = readFileSync(join(crashed, STATE_DB));
    expect(readState(crashed).projects).toEqual({ [P]: { configmap: { "cm-1": { id: "cm-1", name: "one" } } } });
    expect(readFileSync(join(crashed, STATE_DB)).equals(before)).toBe(true);
  });

  it("reads a copy of state.db made with VACUUM INTO while the store runs (a database in rollback-journal mode, not WAL)", () => {
    const dir = tempDir();
    const backup = tempDir();
    const store = new Store(dir);
    const other = new DatabaseSync(join(dir, STATE_DB));
    try {
      store.put(P, "configmap", "cm-1", { id: "cm-1", name: "one" });
      other.prepare("VACUUM INTO ?").run(join(backup, STATE_DB));
      expect(readState(backup).projects).toEqual({ [P]: { configmap: { "cm-1": { id: "cm-1", name: "one" } } } });
    } finally {
      other.close();
      store.close();
    }
  });

  it("waits for a lock another connection holds, then fails the write, changing nothing", () => {
    const dir = tempDir();
    const store = new Store(dir);
    const other = new DatabaseSync(join(dir, STATE_DB));
    try {
      other.exec("BEGIN IMMEDIATE");
      const started = performance.now();
      expect(() => store.put(P, "configmap", "cm-1", { id: "cm-1", name: "one" })).toThrow(/database is locked/);
      // The store's busy timeout (250 ms) bounds the wait from below.
      expect(performance.now() - started).toBeGreaterThanOrEqual(200);
      expect(store.get(P, "configmap", "cm-1")).toBeUndefined();
      other.exec("ROLLBACK");
      store.put(P, "configmap", "cm-1", { id: "cm-1", name: "one" });
      expect(readState(dir).projects[P].configmap["cm-1"]).toEqual({ id: "cm-1", name: "one" });
    } finally {
      other.close();
      store.close();
    }
  });
});

describe("taking over a state.json", () => {
  it("imports the well-formed objects of a state.json without tokens or sequence, and skips values that are not objects", () => {
    const dir = tempDir();
    const row = { id: "cm-1", name: "from-state-json" };
    writeFileSync(join(dir, "state.json"), JSON.stringify({ projects: { [P]: { configmap: { "cm-1": row }, secret: "not-an-object" }, "array-project": [{ id: "x" }] } }));
    new Store(dir).close();
    expect(readState(dir)).toEqual({ projects: { [P]: { configmap: { "cm-1": row } } }, tokens: {}, sequence: 0 });
  });

  it("imports nothing from a state.json it cannot read through, keeps it, and takes it over once it is fixed", () => {
    const dir = tempDir();
    const row = { id: "cm-1", name: "from-state-json" };
    const legacy = (tokens: unknown) => writeFileSync(join(dir, "state.json"), JSON.stringify({ projects: { [P]: { configmap: { "cm-1": row } } }, tokens, sequence: 7 }));
    legacy({ broken: null });
    expect(() => new Store(dir)).toThrow(/projectId/);
    expect(readState(dir)).toEqual({ projects: {}, tokens: {}, sequence: 0 });
    expect(existsSync(join(dir, "state.json"))).toBe(true);
    legacy({ fixed: { projectId: P, expiresAt: T } });
    const store = new Store(dir);
    store.close();
    expect(readState(dir)).toEqual({ projects: { [P]: { configmap: { "cm-1": row } } }, tokens: { fixed: { projectId: P, expiresAt: T } }, sequence: 7 });
    expect(existsSync(join(dir, "state.json.imported"))).toBe(true);
  });
});

describe("on a Node without node:sqlite", () => {
  it("the store fails with a message naming this Node's version and the one to use", () => {
    // As `node --no-experimental-sqlite` (or Node 22.5-22.12 without the flag) would answer.
    const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = loader._load;
    loader._load = function (this: unknown, request, ...rest) {
      if (request === "node:sqlite") throw new Error("No such built-in module: node:sqlite");
      return load.call(this, request, ...rest);
    };
    try {
      expect(() => new Store(tempDir())).toThrow(`the emulator keeps its state in node:sqlite, which this Node (${process.version}) does not provide without a flag; use Node >= 22.13 (No such built-in module: node:sqlite)`);
    } finally {
      loader._load = load;
    }
  });
});
