/**
 * Config maps and secrets through the runtime handlers (what the engine calls) against the
 * in-process emulator. Server state is read by raw HTTP on the documented paths (§5.4, §5.6), never
 * through the provider's own client, so a provider bug cannot hide behind itself.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS } from "../../emulator";
import { handlers } from "../../provider/framework/runtime";
import { iamToken, send, withToken } from "./raw-http";
import { huaweiContextAt, runtimeAgainstEmulator } from "./runtime-emulator";
import { startScriptedServer } from "./scripted-server";
import { configMapDefinition } from "../../provider/hilens/configMap";
import { secretDefinition } from "../../provider/hilens/secret";

const CONFIG_MAP = "edgeai:hilens:ConfigMap";
const SECRET = "edgeai:hilens:Secret";
const PROVIDER = { __provider: "serialized provider" };
const P = DEFAULTS.projectId;
const env = runtimeAgainstEmulator("hilens-kv");
let token: string;

beforeAll(async () => {
  token = await iamToken(env.emu);
});

/** Raw HTTP on a documented HiLens path, with an IAM token; fails the test on a non-2xx answer. */
async function hilens(method: string, path: string, body?: unknown): Promise<any> {
  const res = await send(env.emu.url, method, `/v3/${P}/ai-mgr${path}`, { headers: withToken(token), body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.status || res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text ?? res.error}`);
  return res.json;
}

describe("a bad config map name is refused in preview, before any request", () => {
  it.each([
    ["Detector-settings", "starts with an uppercase letter"],
    ["1detector", "starts with a digit"],
    ["abc", "is shorter than 4 characters"],
    ["detector-settings-", "ends with '-'"],
    ["detector settings", "contains a space"],
    ["d".repeat(65), "is longer than 64 characters"],
  ])("%s (%s)", async (name) => {
    const before = env.emu.requests.length;
    const result = await handlers.check(CONFIG_MAP, {}, { name, configs: [{ key: "MODEL_NAME", value: "yolov8n" }], ...PROVIDER });
    expect(result.failures).toEqual([{ property: "name", reason: expect.stringMatching(/^edgeai:hilens:ConfigMap: field "name": must match .*4-64 characters.*HiLens §5\.3 table 5-71/) }]);
    expect(env.emu.requests.length).toBe(before);
  });

  it("names the rule allows pass (Chinese characters, '_' inside and at the end)", async () => {
    for (const name of ["detector-settings", "a_b_", "a配置项", "d".repeat(64)]) {
      const result = await handlers.check(CONFIG_MAP, {}, { name, configs: [{ key: "K", value: "v" }], ...PROVIDER });
      expect(result.failures ?? [], name).toEqual([]);
    }
  });

  it("create refuses it too, sending nothing (a check skipped by an old engine is no way around it)", async () => {
    const before = env.emu.requests.length;
    await expect(handlers.create(CONFIG_MAP, { name: "Bad-Name", configs: [{ key: "K", value: "v" }], ...PROVIDER })).rejects.toThrow(/field "name": must match/);
    expect(env.emu.requests.length).toBe(before);
  });
});

describe("tags are refused in preview, before any request, when the tag API would refuse them (§5.1.2, §5.7)", () => {
  const tag = (i: number) => ({ key: `k${i}`, value: `v${i}` });

  it("two with the same key, or more than 20", async () => {
    const before = env.emu.requests.length;
    const twice = await handlers.check(SECRET, {}, { name: "tagged-secret", secrets: [{ key: "K", value: "v" }], tags: [tag(1), { key: "k1", value: "other" }], ...PROVIDER });
    expect(twice.failures).toEqual([{ property: "tags", reason: expect.stringMatching(/^edgeai:hilens:Secret: field "tags": tag keys must be unique/) }]);
    const many = await handlers.check(CONFIG_MAP, {}, { name: "tagged-settings", configs: [{ key: "K", value: "v" }], tags: Array.from({ length: 21 }, (_, i) => tag(i)), ...PROVIDER });
    expect(many.failures).toEqual([{ property: "tags", reason: expect.stringMatching(/^edgeai:hilens:ConfigMap: field "tags": at most 20 tags \(HiLens §5\.1\.2\)/) }]);
    expect(env.emu.requests.length).toBe(before);
  });

  it("20 with distinct keys pass", async () => {
    const result = await handlers.check(CONFIG_MAP, {}, { name: "tagged-settings", configs: [{ key: "K", value: "v" }], tags: Array.from({ length: 20 }, (_, i) => tag(i)), ...PROVIDER });
    expect(result.failures ?? []).toEqual([]);
  });
});

describe("a changed secret value", () => {
  const olds = { name: "upload-credentials", secrets: [{ key: "OBS_SECRET", value: "first-value" }], tags: [], id: "1", ...PROVIDER };

  it("is a diff that updates in place; the same values are none", async () => {
    expect(await handlers.diff(SECRET, "1", olds, { ...olds, secrets: [{ key: "OBS_SECRET", value: "second-value" }] })).toMatchObject({ changes: true, replaces: [] });
    expect(await handlers.diff(SECRET, "1", olds, { ...olds, secrets: [{ key: "OBS_SECRET", value: "first-value" }, { key: "EXTRA", value: "x" }] })).toMatchObject({ changes: true, replaces: [] });
    expect(await handlers.diff(SECRET, "1", olds, { ...olds, secrets: [{ key: "OBS_SECRET", value: "first-value" }] })).toMatchObject({ changes: false, replaces: [] });
  });

  it("is applied by update: the server holds the new value, same id", async () => {
    const inputs = (value: string) => ({ name: "rotated-secret", secrets: [{ key: "OBS_SECRET", value }], ...PROVIDER });
    const checked = await handlers.check(SECRET, {}, inputs("first-value"));
    const created = await handlers.create(SECRET, checked.inputs!);
    expect((await hilens("GET", `/secrets/${created.id}`)).secret.secrets).toEqual([{ key: "OBS_SECRET", value: "first-value" }]);

    const news = (await handlers.check(SECRET, created.outs!, inputs("second-value"))).inputs!;
    const diff = await handlers.diff(SECRET, created.id, created.outs!, news);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const updated = await handlers.update(SECRET, created.id, created.outs!, news);
    expect(updated.outs).toMatchObject({ id: created.id, secrets: [{ key: "OBS_SECRET", value: "second-value" }] });
    const shown = (await hilens("GET", `/secrets/${created.id}`)).secret;
    expect(shown).toMatchObject({ id: created.id, name: "rotated-secret", secrets: [{ key: "OBS_SECRET", value: "second-value" }] });
    // A later preview sees nothing left to do.
    expect(await handlers.diff(SECRET, created.id, updated.outs!, news)).toMatchObject({ changes: false });
  });
});

describe("importId", () => {
  it("refuses an object whose immutable name differs, changing nothing on the server", async () => {
    const made = (await hilens("POST", "/configmaps", { configmap: { name: "console-made", configs: [{ key: "A", value: "b" }], tags: [] } })).configmap;
    const before = env.emu.requests.length;
    const err = await handlers.create(CONFIG_MAP, { name: "not-the-same-name", configs: [{ key: "A", value: "changed" }], importId: made.id, ...PROVIDER }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(
      `edgeai:hilens:ConfigMap: importId "${made.id}": immutable field(s) "name" differ between the program and the existing object; change the program to match (adopting would otherwise replace it)`,
    );
    // Only the read: no update, no create.
    expect(env.emu.requests.slice(before).map((r: { method: string }) => r.method)).toEqual(["GET"]);
    expect((await hilens("GET", `/configmaps/${made.id}`)).configmap).toMatchObject({ name: "console-made", configs: [{ key: "A", value: "b" }] });
  });

  it("refuses an object in another workspace than the program's", async () => {
    const ws = await hilens("POST", "/workspaces", { name: "import-ws", enterprise_project_id: "0", enterprise_project_name: "default" });
    const made = (await hilens("POST", "/secrets", { secret: { name: "console-secret", secrets: [{ key: "K", value: "v" }], tags: [] } })).secret;
    const err = await handlers.create(SECRET, { name: "console-secret", secrets: [{ key: "K", value: "v" }], workspaceId: ws.workspace_id ?? ws.id, importId: made.id, ...PROVIDER }).catch((e) => e);
    expect(err?.message).toMatch(/importId ".*": immutable field\(s\) "workspaceId" differ/);
  });

  it("adopts a matching object and converges its mutable fields", async () => {
    const made = (await hilens("POST", "/configmaps", { configmap: { name: "console-match", configs: [{ key: "A", value: "b" }], tags: [] } })).configmap;
    const created = await handlers.create(CONFIG_MAP, { name: "console-match", configs: [{ key: "A", value: "program" }], importId: made.id, ...PROVIDER });
    expect(created).toMatchObject({ id: made.id, outs: { importId: made.id } });
    expect((await hilens("GET", `/configmaps/${made.id}`)).configmap.configs).toEqual([{ key: "A", value: "program" }]);
    expect((await hilens("GET", "/configmaps")).configmaps.filter((c: { name: string }) => c.name === "console-match")).toHaveLength(1);
  });
});

describe("read (§5.4.3, §5.6.3)", () => {
  it("imports every input and output of a config map in a workspace (its workspace_id beside the config map)", async () => {
    const ws = await hilens("POST", "/workspaces", { name: "kv-read-ws", enterprise_project_id: "0", enterprise_project_name: "default" });
    const made = await hilens("POST", "/configmaps", { configmap: { name: "read-settings", configs: [{ key: "MODEL", value: "yolo" }, { key: "FPS", value: "15" }], description: "camera settings", tags: [{ key: "team", value: "vision" }, { key: "site", value: "s1" }] }, workspace_id: ws.workspace_id });
    const held = made.configmap;
    const read = await handlers.read(CONFIG_MAP, held.id, {});
    expect(read.id).toBe(held.id);
    expect(read.inputs).toEqual({ name: "read-settings", configs: [{ key: "MODEL", value: "yolo" }, { key: "FPS", value: "15" }], description: "camera settings", tags: [{ key: "team", value: "vision" }, { key: "site", value: "s1" }], workspaceId: ws.workspace_id });
    expect(read.props).toEqual({ ...read.inputs, id: held.id, projectId: P, type: "configmap", createdAt: held.created_at, updatedAt: held.updated_at });
  });

  it("imports a secret's workspace from inside the secret, where its show answer has it (table 5-399)", async () => {
    const ws = await hilens("POST", "/workspaces", { name: "kv-secret-ws", enterprise_project_id: "0", enterprise_project_name: "default" });
    const held = (await hilens("POST", "/secrets", { secret: { name: "read-secret", secrets: [{ key: "TOKEN", value: "t0k3n" }], description: "upload token", tags: [] }, workspace_id: ws.workspace_id })).secret;
    const read = await handlers.read(SECRET, held.id, {});
    expect(read.inputs).toEqual({ name: "read-secret", secrets: [{ key: "TOKEN", value: "t0k3n" }], description: "upload token", tags: [], workspaceId: ws.workspace_id });
    expect(read.props).toEqual({ ...read.inputs, id: held.id, projectId: P, createdAt: held.created_at, updatedAt: held.updated_at });
  });

  it("shows the program's tags in its order whatever order the server keeps; a tag added in the console comes last, as drift", async () => {
    const checked = await handlers.check(CONFIG_MAP, {}, { name: "ordered-tags", configs: [{ key: "K", value: "v" }], tags: [{ key: "zone", value: "b" }, { key: "app", value: "a" }], ...PROVIDER });
    const created = await handlers.create(CONFIG_MAP, checked.inputs!);
    const { configmap } = await hilens("GET", `/configmaps/${created.id}`);
    // The same tags in another order, then one more: edited in the console (the update body carries every field).
    await hilens("PUT", `/configmaps/${created.id}`, { configmap: { ...configmap, tags: [{ key: "app", value: "a" }, { key: "zone", value: "b" }] } });
    const same = await handlers.read(CONFIG_MAP, created.id, created.outs!);
    expect(same.props!.tags).toEqual([{ key: "zone", value: "b" }, { key: "app", value: "a" }]);
    expect(await handlers.diff(CONFIG_MAP, created.id, same.props!, checked.inputs!)).toMatchObject({ changes: false });
    await hilens("PUT", `/configmaps/${created.id}`, { configmap: { ...configmap, tags: [{ key: "owner", value: "ops" }, { key: "app", value: "a" }, { key: "zone", value: "b" }] } });
    const more = await handlers.read(CONFIG_MAP, created.id, created.outs!);
    expect(more.props!.tags).toEqual([{ key: "zone", value: "b" }, { key: "app", value: "a" }, { key: "owner", value: "ops" }]);
    expect(await handlers.diff(CONFIG_MAP, created.id, more.props!, checked.inputs!)).toMatchObject({ changes: true, changed: ["tags"] });
  });

  it("an answer without entries, tags, description or workspace reads as empty lists and nothing else", async () => {
    const scripted = await startScriptedServer();
    try {
      scripted.answer({ body: { configmap: { id: "c1", name: "sparse", description: null } } }, { body: { secret: { id: "s1", name: "sparse" } } });
      const ctx = huaweiContextAt(scripted.url);
      expect(await configMapDefinition.api.read!(ctx, "c1", {} as never)).toEqual({ inputs: { name: "sparse", configs: [], tags: [] }, state: { id: "c1" } });
      expect(await secretDefinition.api.read!(ctx, "s1", { tags: [{ key: "team", value: "a" }] } as never)).toEqual({ inputs: { name: "sparse", secrets: [], tags: [] }, state: { id: "s1" } });
      expect(scripted.seen.map((r) => `${r.method} ${r.url}`)).toEqual([`GET /v3/${P}/ai-mgr/configmaps/c1`, `GET /v3/${P}/ai-mgr/secrets/s1`]);
    } finally {
      await scripted.close();
    }
  });
});

describe("a create whose answer is lost (identity: the name, in its workspace)", () => {
  it("in a workspace is looked up in that workspace's list and adopted: one POST, one object", async () => {
    const ws = await hilens("POST", "/workspaces", { name: "kv-lost-ws", enterprise_project_id: "0", enterprise_project_name: "default" });
    const from = env.emu.requests.length;
    env.emu.inject({ pathPattern: "/ai-mgr/secrets$", method: "POST", kind: "lost", count: 1 });
    const checked = await handlers.check(SECRET, {}, { name: "lost-in-ws", secrets: [{ key: "K", value: "v" }], workspaceId: ws.workspace_id, ...PROVIDER });
    const created = await handlers.create(SECRET, checked.inputs!);
    const sent = env.emu.requests.slice(from).filter((r) => r.path.endsWith("/ai-mgr/secrets"));
    expect(sent.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 200", "GET 200"]);
    expect(Object.fromEntries(new URLSearchParams(sent[1].query))).toEqual({ name: "lost-in-ws", workspace_id: ws.workspace_id, limit: "100", offset: "0" });
    const listed = (await hilens("GET", `/secrets?workspace_id=${ws.workspace_id}`)).secrets.filter((s: { name: string }) => s.name === "lost-in-ws");
    expect(listed.map((s: { id: string }) => s.id)).toEqual([created.id]);
    expect(created.outs).toMatchObject({ id: created.id, workspaceId: ws.workspace_id });
  });

  it("takes only an exact name of the program's workspace from the list; an item without workspace_id is the workspace's own", async () => {
    const scripted = await startScriptedServer();
    try {
      const find = (workspaceId?: string) => configMapDefinition.identity.find!(huaweiContextAt(scripted.url), { name: "cfg-a", workspaceId } as never);
      const item = (id: string, name: string, workspace?: string) => ({ id, name, ...(workspace ? { workspace_id: workspace } : {}) });
      scripted.answer(
        { body: { count: 3, configmaps: [item("substring", "cfg-a-2", "ws1"), item("elsewhere", "cfg-a", "ws2"), item("ours", "cfg-a", "ws1")] } },
        { body: { count: 2, configmaps: [item("substring", "cfg-a-2"), item("unscoped", "cfg-a")] } },
        { body: { count: 1, configmaps: [item("default-ws", "cfg-a", "0")] } },
      );
      expect(await find("ws1")).toBe("ours");
      expect(await find("ws1")).toBe("unscoped");
      expect(await find()).toBe("default-ws");
      expect(scripted.seen.map((r) => r.url)).toEqual([
        `/v3/${P}/ai-mgr/configmaps?name=cfg-a&workspace_id=ws1&limit=100&offset=0`,
        `/v3/${P}/ai-mgr/configmaps?name=cfg-a&workspace_id=ws1&limit=100&offset=0`,
        `/v3/${P}/ai-mgr/configmaps?name=cfg-a&limit=100&offset=0`,
      ]);
    } finally {
      await scripted.close();
    }
  });
});

describe("create and update (§5.4.2, §5.4.4): one request each, the documented body", () => {
  it("sends every field, in the program's workspace, and an update without the description clears it", async () => {
    const ws = await hilens("POST", "/workspaces", { name: "kv-write-ws", enterprise_project_id: "0", enterprise_project_name: "default" });
    const args = { name: "written-settings", configs: [{ key: "MODEL", value: "yolo" }], description: "first", tags: [{ key: "team", value: "vision" }], workspaceId: ws.workspace_id };
    const from = env.emu.requests.length;
    const created = await handlers.create(CONFIG_MAP, (await handlers.check(CONFIG_MAP, {}, { ...args, ...PROVIDER })).inputs!);
    expect(env.emu.requests.slice(from).map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v3/${P}/ai-mgr/configmaps`]);
    const first = await hilens("GET", `/configmaps/${created.id}`);
    expect(first).toMatchObject({ workspace_id: ws.workspace_id, configmap: { name: "written-settings", configs: [{ key: "MODEL", value: "yolo" }], description: "first", tags: [{ key: "team", value: "vision" }] } });
    expect(created.outs).toEqual({ ...args, id: created.id, projectId: P, type: "configmap", createdAt: first.configmap.created_at, updatedAt: first.configmap.updated_at });

    const { description: _dropped, ...rest } = args;
    const news = (await handlers.check(CONFIG_MAP, created.outs!, { ...rest, configs: [{ key: "MODEL", value: "detr" }], tags: [], ...PROVIDER })).inputs!;
    const at = env.emu.requests.length;
    const updated = await handlers.update(CONFIG_MAP, created.id, created.outs!, news);
    expect(env.emu.requests.slice(at).map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /v3/${P}/ai-mgr/configmaps/${created.id}`]);
    const second = (await hilens("GET", `/configmaps/${created.id}`)).configmap;
    expect(second).toMatchObject({ configs: [{ key: "MODEL", value: "detr" }], description: null, tags: [] });
    expect(updated.outs).toEqual({ ...rest, configs: [{ key: "MODEL", value: "detr" }], tags: [], id: created.id, projectId: P, type: "configmap", createdAt: second.created_at, updatedAt: second.updated_at });
  });
});
