/**
 * HiLens workspaces (§5.8) through the runtime handlers (what the engine calls) against the
 * in-process emulator: the documented request bodies (read back by raw HTTP on the documented
 * paths, never through the provider's own client), every output, the update that clears the
 * description, the look-up after a lost create answer, and delete. Then the other HiLens code
 * outside devices, deployments, config maps and secrets: skill orders (§5.9.3-5.9.5), the tag API
 * (§5.7) device and deployment updates reconcile with, and `projectOnto`. Answers the emulator
 * never gives (the §5.8.3 example's numeric `owner`, a tag without value, a 5xx) come from a
 * scripted server.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULTS } from "../../emulator";
import { handlers } from "../../provider/framework/runtime";
import { workspaceDefinition } from "../../provider/hilens/workspace";
import { skillOrderDefinition } from "../../provider/hilens/skillOrder";
import { readTags, reconcileTags } from "../../provider/hilens/tags";
import { projectOnto } from "../../provider/hilens/common";
import { iamToken, send, withToken } from "./raw-http";
import { huaweiContextAt, runtimeAgainstEmulator } from "./runtime-emulator";
import { startScriptedServer, ScriptedServer } from "./scripted-server";

const WORKSPACE = "edgeai:hilens:Workspace";
const PROVIDER = { __provider: "serialized provider" };
const P = DEFAULTS.projectId;
const env = runtimeAgainstEmulator("hilens-workspace");
let token: string;
let scripted: ScriptedServer;

beforeAll(async () => {
  token = await iamToken(env.emu);
});
// A fresh one per test: answers a failed test left unread never reach the next one.
beforeEach(async () => {
  scripted = await startScriptedServer();
});
afterEach(() => scripted.close());

/** Raw HTTP on a documented HiLens path, with an IAM token: the status and the JSON body. */
async function raw(method: string, path: string, body?: unknown): Promise<{ status?: number; json?: any }> {
  const res = await send(env.emu.url, method, `/v3/${P}/ai-mgr${path}`, { headers: withToken(token), body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: res.json };
}

/** The workspace as the server holds it (§5.8.3). */
async function shown(id: string): Promise<any> {
  const res = await raw("GET", `/workspaces/${id}`);
  expect(res.status).toBe(200);
  return res.json;
}

async function create(args: Record<string, unknown>) {
  const checked = await handlers.check(WORKSPACE, {}, { ...args, ...PROVIDER });
  expect(checked.failures ?? []).toEqual([]);
  return handlers.create(WORKSPACE, checked.inputs!);
}

describe("a workspace's create (§5.8.2)", () => {
  it("sends the documented body, enterprise_project_id as the documented string, and outputs every field the detail answers", async () => {
    const created = await create({ name: "vision-team", description: "cameras of the vision team", enterpriseProjectId: 0 });
    const held = await shown(created.id);
    expect(held).toMatchObject({ workspace_id: created.id, name: "vision-team", description: "cameras of the vision team", enterprise_project_id: "0", enterprise_project_name: "default" });
    expect(created.outs).toEqual({
      workspaceId: created.id,
      projectId: P,
      name: "vision-team",
      description: "cameras of the vision team",
      enterpriseProjectId: "0",
      enterpriseProjectName: "default",
      createTime: held.create_time,
      updateTime: held.update_time,
      owner: "emulator",
      userId: "emulator-user",
    });
  });

  it("of a declared enterprise project sends it", async () => {
    const created = await create({ name: "ep-team", enterpriseProjectId: "4d7a1c", enterpriseProjectName: "retail" });
    expect(await shown(created.id)).toMatchObject({ name: "ep-team", description: null, enterprise_project_id: "4d7a1c", enterprise_project_name: "retail" });
    expect(created.outs).toMatchObject({ enterpriseProjectId: "4d7a1c", enterpriseProjectName: "retail" });
    expect(created.outs).not.toHaveProperty("description");
  });

  it("whose answer is lost finds the workspace by its exact name in the whole list (it has no name filter) and adopts it", async () => {
    // Names that contain the new one: a substring match would pick one of them.
    const others = [await create({ name: "lost-answer-team-b" }), await create({ name: "a-lost-answer-team" })];
    const from = env.emu.requests.length;
    env.emu.inject({ pathPattern: "/ai-mgr/workspaces$", method: "POST", kind: "lost", count: 1 });
    const created = await create({ name: "lost-answer-team" });
    const sent = env.emu.requests.slice(from).filter((r) => r.path.endsWith("/ai-mgr/workspaces"));
    expect(sent.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 200", "GET 200"]);
    // §5.8.1 documents offset, limit and iam_user_id only.
    expect(new URLSearchParams(sent[1].query).has("name")).toBe(false);
    expect(created.id).not.toBe("");
    expect(others.map((o) => o.id)).not.toContain(created.id);
    const listed = (await raw("GET", "/workspaces")).json.workspaces.filter((w: { name: string }) => w.name === "lost-answer-team");
    expect(listed.map((w: { workspace_id: string }) => w.workspace_id)).toEqual([created.id]);
    expect(created.outs).toMatchObject({ workspaceId: created.id, name: "lost-answer-team" });
  });

  it("of a taken name names the workspace that importId adopts", async () => {
    const first = await create({ name: "taken-team" });
    const err = await create({ name: "taken-team" }).catch((e) => e);
    expect(err.message).toContain(`already exists (id ${first.id}): set \`importId: "${first.id}"\``);
  });
});

describe("a workspace's update (§5.8.4: the description only)", () => {
  it("sends the new description, and an empty one when the program drops it", async () => {
    const created = await create({ name: "described-team", description: "first" });
    const described = (await handlers.check(WORKSPACE, created.outs!, { name: "described-team", description: "second", ...PROVIDER })).inputs!;
    expect(await handlers.diff(WORKSPACE, created.id, created.outs!, described)).toMatchObject({ changes: true, replaces: [] });
    const updated = await handlers.update(WORKSPACE, created.id, created.outs!, described);
    expect((await shown(created.id)).description).toBe("second");
    expect(updated.outs).toMatchObject({ workspaceId: created.id, description: "second" });

    const undescribed = (await handlers.check(WORKSPACE, updated.outs!, { name: "described-team", ...PROVIDER })).inputs!;
    const cleared = await handlers.update(WORKSPACE, created.id, updated.outs!, undescribed);
    expect((await shown(created.id)).description).toBe("");
    expect(cleared.outs).toMatchObject({ workspaceId: created.id, name: "described-team" });
  });

  it("a changed name or enterprise project replaces the workspace; one keeping its unique name is deleted first", async () => {
    const olds = { name: "t", enterpriseProjectId: "0", enterpriseProjectName: "default", workspaceId: "w" };
    expect(await handlers.diff(WORKSPACE, "w", olds, { ...olds, name: "u" })).toMatchObject({ replaces: ["name"], deleteBeforeReplace: false });
    expect(await handlers.diff(WORKSPACE, "w", olds, { ...olds, enterpriseProjectId: "1", enterpriseProjectName: "other" })).toMatchObject({ replaces: ["enterpriseProjectId", "enterpriseProjectName"], deleteBeforeReplace: true });
  });
});

describe("a workspace's read (§5.8.3)", () => {
  it("imports every input the detail answers; a workspace without a description has none", async () => {
    const described = await create({ name: "imported-team", description: "from the console", enterpriseProjectId: "7", enterpriseProjectName: "lab" });
    const read = await handlers.read(WORKSPACE, described.id, {});
    expect(read.inputs).toEqual({ name: "imported-team", description: "from the console", enterpriseProjectId: "7", enterpriseProjectName: "lab" });
    expect(read.props).toMatchObject({ workspaceId: described.id, projectId: P, owner: "emulator", userId: "emulator-user" });

    const bare = await create({ name: "bare-team" });
    expect((await handlers.read(WORKSPACE, bare.id, {})).inputs).toEqual({ name: "bare-team", enterpriseProjectId: "0", enterpriseProjectName: "default" });
  });

  it("shows a description edited in the console as drift, and a deleted workspace as gone", async () => {
    const created = await create({ name: "drifting-team", description: "ours" });
    expect((await raw("PUT", `/workspaces/${created.id}`, { description: "theirs" })).status).toBe(200);
    expect((await handlers.read(WORKSPACE, created.id, created.outs!)).props).toMatchObject({ description: "theirs" });
    await handlers.delete(WORKSPACE, created.id, created.outs!);
    expect((await raw("GET", `/workspaces/${created.id}`)).status).toBe(404);
    expect(await handlers.read(WORKSPACE, created.id, created.outs!)).toEqual({});
  });

  it("reads the §5.8.3 example's numeric owner as text, the ModelArts workspace ID, and no owner when it is null or absent", async () => {
    const ctx = huaweiContextAt(scripted.url);
    const detail = { workspace_id: "ws1", ma_workspace_id: "ma1", project_id: P, name: "n", description: null, enterprise_project_id: "0", enterprise_project_name: "default", create_time: 1598094655508, update_time: 1598094655509, owner: 123, user_id: "u1", used_flag: null };
    const { owner: _absent, ...ownerless } = detail;
    scripted.answer({ body: detail }, { body: { ...detail, owner: null, ma_workspace_id: null } }, { body: { ...ownerless, ma_workspace_id: null } });
    const first = await workspaceDefinition.api.read!(ctx, "ws1", {} as never);
    expect(scripted.seen[0].url).toBe(`/v3/${P}/ai-mgr/workspaces/ws1`);
    expect(first).toEqual({
      inputs: { name: "n", description: undefined, enterpriseProjectId: "0", enterpriseProjectName: "default" },
      state: { workspaceId: "ws1", maWorkspaceId: "ma1", projectId: P, createTime: 1598094655508, updateTime: 1598094655509, owner: "123", userId: "u1" },
    });
    const unowned = { workspaceId: "ws1", projectId: P, createTime: 1598094655508, updateTime: 1598094655509, userId: "u1" };
    expect((await workspaceDefinition.api.read!(ctx, "ws1", {} as never))?.state).toEqual(unowned);
    expect((await workspaceDefinition.api.read!(ctx, "ws1", {} as never))?.state).toEqual(unowned);
  });
});

describe("a workspace's delete (§5.8.5)", () => {
  it("refuses while a config map lives in it, naming why; succeeds once it is empty", async () => {
    const created = await create({ name: "holding-team" });
    const held = await raw("POST", "/configmaps", { configmap: { name: "held-settings", configs: [{ key: "K", value: "v" }] }, workspace_id: created.id });
    expect(held.status).toBe(200);
    await expect(handlers.delete(WORKSPACE, created.id, created.outs!)).rejects.toThrow(/HIL\.0409.*still holds 1 resource/);
    expect((await raw("DELETE", `/configmaps/${held.json.configmap.id}`)).status).toBe(200);
    await handlers.delete(WORKSPACE, created.id, created.outs!);
    expect((await raw("GET", `/workspaces/${created.id}`)).status).toBe(404);
  });
});

/**
 * Skill orders (§5.9.3-5.9.5), the other project-level HiLens object outside any workspace: placed
 * once, read back whole, found again after a lost answer, and only dropped from the stack on delete.
 */
describe("a skill order", () => {
  const SKILL_ORDER = "edgeai:hilens:SkillOrder";
  const ORDERS = `/v1/${P}/skill-market/skill-order`;
  const skillId = async (name: string): Promise<string> => {
    const res = await send(env.emu.url, "GET", `/v1/skill-market/skills?skill_name=${name}`, { headers: withToken(token) });
    return res.json.data.find((s: { name: string }) => s.name === name).skill_id;
  };
  const order = async (args: Record<string, unknown>) => {
    const checked = await handlers.check(SKILL_ORDER, {}, { ...args, ...PROVIDER });
    expect(checked.failures ?? []).toEqual([]);
    return handlers.create(SKILL_ORDER, checked.inputs!);
  };
  const held = async (id: string) => (await send(env.emu.url, "GET", `${ORDERS}/${id}`, { headers: withToken(token) })).json;

  it("sends the documented body and outputs every field of the order's detail; an import reads its inputs back", async () => {
    const skill = await skillId("people-counting");
    const created = await order({ skillId: skill, amount: 2, commissionFlag: 1 });
    const detail = await held(created.id);
    expect(detail).toMatchObject({ order_id: created.id, skill_id: skill, amount: 2, commission_flag: 1 });
    const state = { skillName: "people-counting", usedAmount: 0, status: 0, versions: ["1.0.0", "1.1.0"], chargeModel: 0, format: "image", measureUnit: "road", updateTime: detail.update_time };
    expect(created.outs).toEqual({ skillId: skill, amount: 2, commissionFlag: 1, ...state });
    const imported = await handlers.read(SKILL_ORDER, created.id, {});
    expect(imported.inputs).toEqual({ skillId: skill, amount: 2, commissionFlag: 1 });
    expect(imported.props).toEqual({ skillId: skill, amount: 2, commissionFlag: 1, ...state });
  });

  it("shows the service freezing it and deployments using it on refresh", async () => {
    const created = await order({ skillId: await skillId("helmet-detection"), amount: 3 });
    await env.emu.control("PUT", `/__emulator/hilens/${P}/skill-orders/${created.id}`, { status: 1, used_amount: 2 });
    expect((await handlers.read(SKILL_ORDER, created.id, created.outs!)).props).toMatchObject({ status: 1, usedAmount: 2, amount: 3, commissionFlag: 0 });
  });

  it("whose answer is lost adopts the one order of its skill that is new: one POST", async () => {
    const skill = await skillId("mask-detection-lite");
    const earlier = await order({ skillId: skill, amount: 1 });
    const other = await order({ skillId: await skillId("helmet-detection"), amount: 1 });
    const from = env.emu.requests.length;
    env.emu.inject({ pathPattern: "/skill-market/skill-order$", method: "POST", kind: "lost", count: 1 });
    const created = await order({ skillId: skill, amount: 1 });
    const sent = env.emu.requests.slice(from).filter((r) => r.path.endsWith("/skill-market/skill-order"));
    // The orders are listed before ordering, and again after the lost answer.
    expect(sent.map((r) => `${r.method} ${r.status} ${r.query}`)).toEqual(["GET 200 ?limit=100&offset=0", "POST 200 ", "GET 200 ?limit=100&offset=0"]);
    expect([earlier.id, other.id]).not.toContain(created.id);
    expect(await held(created.id)).toMatchObject({ skill_id: skill, amount: 1 });
    expect(created.outs).toMatchObject({ skillName: "mask-detection-lite" });
  });

  it("is only dropped from the stack on delete, which says so", async () => {
    const created = await order({ skillId: await skillId("helmet-detection"), amount: 1 });
    const logged: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((message: string) => void logged.push(message));
    try {
      await handlers.delete(SKILL_ORDER, created.id, { ...created.outs!, __edgeaiName: "helmet-order" });
    } finally {
      spy.mockRestore();
    }
    expect(logged).toEqual([`edgeai:hilens:SkillOrder "helmet-order": order ${created.id} stays in the project: the skill market has no call to cancel an order (§5.9); it is only removed from the stack`]);
    expect(await held(created.id)).toMatchObject({ order_id: created.id, status: 0 });
  });

  it("reads an order's expiry (which the emulator's free orders lack), an order without versions as having none, and every page of orders up to the documented total", async () => {
    const ctx = huaweiContextAt(scripted.url);
    scripted.answer({ body: { order_id: "o1", skill_id: "s1", amount: 1, commission_flag: 0, skill_name: "gone-skill", used_amount: 0, status: 2, expire_time: 1767225600000 } });
    expect(await skillOrderDefinition.api.read!(ctx, "o1", {} as never)).toEqual({ inputs: { skillId: "s1", amount: 1, commissionFlag: 0 }, state: { skillName: "gone-skill", usedAmount: 0, status: 2, versions: [], expireTime: 1767225600000 } });
    const orders = (from: number, n: number, skill: string) => Array.from({ length: n }, (_, i) => ({ order_id: `o${from + i}`, skill_id: skill }));
    scripted.answer({ body: { total: 101, data: orders(0, 100, "s1") } }, { body: { total: 101, data: orders(100, 1, "s2") } }, { body: { total: 100, data: orders(0, 100, "s2") } });
    expect(await skillOrderDefinition.identity.candidates!(ctx, { skillId: "s2" } as never)).toEqual(["o100"]);
    expect(await skillOrderDefinition.identity.candidates!(ctx, { skillId: "s2" } as never)).toHaveLength(100);
    expect(scripted.seen.map((r) => r.url)).toEqual([`${ORDERS}/o1`, `${ORDERS}?limit=100&offset=0`, `${ORDERS}?limit=100&offset=100`, `${ORDERS}?limit=100&offset=0`]);
  });
});

/**
 * The helpers every HiLens definition shares (tags.ts, common.ts): the resource tag API (§5.7)
 * that device and deployment tags are reconciled with, and the declared-shape view of a live value.
 */
describe("resource tags (§5.7), which device and deployment updates reconcile after their PUT", () => {
  it("deletes the extra tags and the changed ones, adds the missing ones in one request, and leaves equal ones alone", async () => {
    const ctx = huaweiContextAt(scripted.url);
    const live = [{ key: "keep", value: "same" }, { key: "drop", value: "x" }, { key: "change", value: "old" }];
    scripted.answer({ body: { count: 3, tags: live } }, { status: 204 }, { status: 204 }, { body: {} }, { body: { count: 1, tags: [{ key: "keep", value: "same" }] } });
    // "add" holds the value "drop" had: a tag is its key and value together.
    await reconcileTags(ctx.hilens, "node", "n1", [{ key: "keep", value: "same" }, { key: "change", value: "new" }, { key: "add", value: "x" }]);
    await reconcileTags(ctx.hilens, "node", "n1", [{ key: "keep", value: "same" }]);
    const sent = scripted.seen;
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /v3/${P}/node/n1/tags`,
      `DELETE /v3/${P}/node/n1/tags/drop`,
      `DELETE /v3/${P}/node/n1/tags/change`,
      `POST /v3/${P}/node/n1/tags`,
      // Nothing to change: only the read.
      `GET /v3/${P}/node/n1/tags`,
    ]);
    expect(JSON.parse(sent[3].body)).toEqual({ tags: [{ key: "change", value: "new" }, { key: "add", value: "x" }] });
  });

  it("reads a tag answered without a value as an empty one, and an answer without tags, or empty, as none", async () => {
    const ctx = huaweiContextAt(scripted.url);
    scripted.answer({ body: { count: 2, tags: [{ key: "bare" }, { key: "nulled", value: null }] } }, { body: {} }, { status: 200 });
    expect(await readTags(ctx.hilens, "deployment", "d1")).toEqual([{ key: "bare", value: "" }, { key: "nulled", value: "" }]);
    expect(await readTags(ctx.hilens, "node", "n1")).toEqual([]);
    expect(await readTags(ctx.hilens, "node", "n2")).toEqual([]);
    expect(scripted.seen.map((r) => r.url)).toEqual([`/v3/${P}/deployment/d1/tags`, `/v3/${P}/node/n1/tags`, `/v3/${P}/node/n2/tags`]);
  });

  it("sends the missing tags again when the add is answered 5xx: adding a tag twice sets it once (§5.7.4)", async () => {
    const ctx = huaweiContextAt(scripted.url, { maxRetries: 1 });
    scripted.answer({ body: { tags: [] } }, { status: 503, body: { error_code: "HIL.5003", error_msg: "busy" } }, { body: {} });
    await reconcileTags(ctx.hilens, "deployment", "d1", [{ key: "team", value: "vision" }]);
    const sent = scripted.seen;
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([`GET /v3/${P}/deployment/d1/tags`, `POST /v3/${P}/deployment/d1/tags`, `POST /v3/${P}/deployment/d1/tags`]);
    expect(sent.slice(1).map((r) => JSON.parse(r.body))).toEqual([{ tags: [{ key: "team", value: "vision" }] }, { tags: [{ key: "team", value: "vision" }] }]);
  });
});

describe("a live value seen through the declared shape (projectOnto)", () => {
  it("drops what the program left unset, item by item; items past the declared ones stay whole", () => {
    const declared = { apps: [{ name: "a", ports: [80] }], restartPolicy: "Always" };
    const live = { apps: [{ name: "a", ports: [80, 81], privileged: false }, { name: "b", privileged: true }], restartPolicy: "OnFailure", hostNetwork: false };
    expect(projectOnto(declared, live)).toEqual({ apps: [{ name: "a", ports: [80, 81] }, { name: "b", privileged: true }], restartPolicy: "OnFailure" });
  });

  it("shows a live value of another shape than the declared one whole, as drift", () => {
    expect(projectOnto([{ port: 80 }], "80")).toBe("80");
    expect(projectOnto([{ port: 80 }], { port: 80, extra: 1 })).toStrictEqual({ port: 80, extra: 1 });
    expect(projectOnto({ port: 80 }, [{ port: 80, extra: 1 }])).toStrictEqual([{ port: 80, extra: 1 }]);
  });
});
