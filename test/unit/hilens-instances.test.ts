/**
 * Deployment instances (§5.3.6-5.3.9), device activation with run-service-fee orders (§5.1.7,
 * §5.1.8, §5.1.11, §5.1.12) and the skill market (§5.9), through the runtime handlers (what the
 * engine calls) and the functions, against the in-process emulator. Server state is read by raw
 * HTTP on the documented paths, never through the provider's own client.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, ManualClock } from "../../emulator";
import { handlers } from "../../provider/framework/runtime";
import { UNKNOWN } from "../../provider/framework/validate";
import { getActivationRecords, getRunServiceOrders, getSkill, getSkillOrders, getSkills } from "../../provider/hilens";
import { iamToken, send, withToken } from "./raw-http";
import { runtimeAgainstEmulator } from "./runtime-emulator";

const DEVICE = "edgeai:hilens:Device";
const DEPLOYMENT = "edgeai:hilens:Deployment";
const SKILL_ORDER = "edgeai:hilens:SkillOrder";
const PROVIDER = { __provider: "serialized provider" };
const P = DEFAULTS.projectId;
/** The emulator's time: deployments settle when a test advances it, never while it sleeps. */
const clock = new ManualClock();
const env = runtimeAgainstEmulator("hilens-instances", { clock });
let token: string;

const app = { name: "detector", appUrl: "swr.example.com/vision/detector:1.0", resources: { limits: { cpu: 0.5, memory: 256 } } };
const deploymentArgs = (extra: Record<string, unknown>) => ({ name: "counter", template: { configs: { restartPolicy: "Always" }, apps: [app] }, ...extra, ...PROVIDER });

beforeAll(async () => {
  token = await iamToken(env.emu);
  await env.emu.control("PUT", "/__emulator/hilens/timing", { deviceConnectMs: 0, deploymentReadyMs: 0 });
  // The functions read the stack config the way a program does.
  const config = { hilensEndpoint: env.emu.url, projectId: P, accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries: "0" };
  process.env.PULUMI_CONFIG = JSON.stringify(Object.fromEntries(Object.entries(config).map(([k, v]) => [`edgeai:${k}`, v])));
});

afterEach(() => env.emu.setFaults(undefined));

/** Raw HTTP on a documented HiLens path (`{p}` is the project) with an IAM token: status and JSON. */
async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await send(env.emu.url, method, path.replace("{p}", P), { headers: withToken(token), body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === undefined) throw new Error(`${method} ${path}: ${res.error}`);
  return { status: res.status, json: res.json };
}

async function ok(method: string, path: string, body?: unknown): Promise<any> {
  const res = await raw(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

async function checked(type: string, args: Record<string, unknown>) {
  const result = await handlers.check(type, {}, { ...args, ...PROVIDER });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs;
}

const pods = async (deploymentId: string) => (await ok("GET", `/v3/{p}/ai-mgr/pods?deployment_id=${deploymentId}`)).pods as any[];
const device = async (name: string, extra: Record<string, unknown> = {}) => handlers.create(DEVICE, await checked(DEVICE, { name, ...extra }));
const buyOrder = (body: Record<string, unknown>) => env.emu.control("POST", `/__emulator/hilens/${P}/platform-orders`, body);

describe("check: rejected before any request, naming resource, field and rule", () => {
  it("a paused device must be a target; an activation needs an order; a skill order needs a positive amount", async () => {
    const paused = await handlers.check(DEPLOYMENT, {}, deploymentArgs({ nodeIds: ["n1"], pausedNodeIds: ["n2"] }));
    expect(paused.failures?.[0]).toMatchObject({ property: "pausedNodeIds[0]", reason: expect.stringMatching(/^edgeai:hilens:Deployment: field "pausedNodeIds\[0\]": must be one of nodeIds: n2 .*§5\.3\.8/) });
    const activation = await handlers.check(DEVICE, {}, { name: "cam", activation: {}, ...PROVIDER });
    expect(activation.failures?.[0].reason).toMatch(/edgeai:hilens:Device: field "activation": set at least one of orderId, cpuOrderId and npuGpuOrderId \(HiLens §5\.1\.7\)/);
    const order = await handlers.check(SKILL_ORDER, {}, { skillId: "s", amount: 0, ...PROVIDER });
    expect(order.failures?.[0].reason).toMatch(/edgeai:hilens:SkillOrder: field "amount": must be at least 1 \(HiLens §5\.9\.3\)/);
  });

  it("a paused device not known yet is not invalid", async () => {
    const result = await handlers.check(DEPLOYMENT, {}, deploymentArgs({ nodeIds: ["n1", UNKNOWN], pausedNodeIds: [UNKNOWN] }));
    expect(result.failures ?? []).toEqual([]);
  });
});

describe("Deployment instances against the emulator", () => {
  it("dropping a device deletes only its instance; the others keep running untouched", async () => {
    const devices = [await device("row-1"), await device("row-2"), await device("row-3")];
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "drop-one", nodeIds: devices.map((d) => d.id) }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const before = await pods(created.id);
    clock.advance(1000);
    const start = env.emu.requests.length;
    const updated = await handlers.update(DEPLOYMENT, created.id, created.outs!, { ...inputs, nodeIds: [devices[0].id, devices[2].id] });
    expect(updated.outs).toMatchObject({ state: "RUNNING", deployedNodeIds: [devices[0].id, devices[2].id] });
    const after = await pods(created.id);
    expect(after.map((p) => p.id)).toEqual([before[0].id, before[2].id]);
    // Not restarted: same creation times.
    expect(after.map((p) => p.created_at)).toEqual([before[0].created_at, before[2].created_at]);
    const calls = env.emu.requests.since(start).map((r) => `${r.method} ${r.path}`);
    expect(calls).toContain(`DELETE /v3/${P}/ai-mgr/deployments/${created.id}/${before[1].id}`);
    expect(calls.some((c) => c.startsWith("POST") && c.endsWith("/deployments"))).toBe(false);
    await handlers.delete(DEPLOYMENT, created.id, updated.outs!);
    for (const d of devices) await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("pausedNodeIds stops one instance and resumes it; refresh reads a pause made in the console", async () => {
    const devices = [await device("pause-1"), await device("pause-2")];
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "pausing", replicas: 2, nodeIds: devices.map((d) => d.id), pausedNodeIds: [devices[1].id] }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    expect(created.outs).toMatchObject({ state: "RUNNING", readyReplicas: 1, pausedNodeIds: [devices[1].id] });
    expect((await pods(created.id)).map((p) => p.status)).toEqual(["Running", "Succeeded"]);

    const resumed = await handlers.update(DEPLOYMENT, created.id, created.outs!, { ...inputs, pausedNodeIds: [] });
    expect(resumed.outs).toMatchObject({ readyReplicas: 2 });
    expect((await pods(created.id)).map((p) => p.status)).toEqual(["Running", "Running"]);

    const first = (await pods(created.id))[0];
    expect(await ok("POST", `/v3/{p}/ai-mgr/deployments/${created.id}/${first.id}/action/pause`)).toEqual({ pod_id: first.id });
    const read = await handlers.read(DEPLOYMENT, created.id, resumed.outs!);
    expect(read.inputs).toMatchObject({ pausedNodeIds: [devices[0].id] });
    expect(await handlers.diff(DEPLOYMENT, created.id, read.props!, { ...inputs, pausedNodeIds: [] })).toMatchObject({ changes: true, replaces: [] });
    await handlers.delete(DEPLOYMENT, created.id, read.props!);
    for (const d of devices) await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("a config hash change alone is a §5.3.6 PATCH of that variable, restarting the instances", async () => {
    const d = await device("hash-1");
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "hashed", nodeIds: [d.id], configHash: "h1" }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const before = (await pods(created.id))[0];
    clock.advance(1000);
    const start = env.emu.requests.length;
    await handlers.update(DEPLOYMENT, created.id, created.outs!, { ...inputs, configHash: "h2" });
    expect(env.emu.requests.since(start).filter((r) => r.method === "PATCH").map((r) => r.path)).toEqual([`/v3/${P}/ai-mgr/deployments/${created.id}`]);
    const live = await ok("GET", `/v3/{p}/ai-mgr/deployments/${created.id}`);
    expect(live.template.apps[0].envs).toEqual([{ name: "EDGEAI_CONFIG_HASH", value: "h2" }]);
    expect((await pods(created.id))[0].created_at).not.toBe(before.created_at);
    await handlers.delete(DEPLOYMENT, created.id, created.outs!);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });
});

describe("emulator: §5.3.6-5.3.8 as documented", () => {
  it("PATCH sets the version and upserts envs; instance errors carry request_id, error_code and error_message", async () => {
    const d = await device("patch-1");
    const created = await handlers.create(DEPLOYMENT, await checked(DEPLOYMENT, deploymentArgs({ name: "patched", nodeIds: [d.id] })));
    const patched = await ok("PATCH", `/v3/{p}/ai-mgr/deployments/${created.id}`, { version: "0.0.2", patch: { envs: [{ name: "A", value: "1" }, { name: "HOST", field_path: "status.hostIP" }] } });
    expect(patched).toMatchObject({ state: "STARTING", template: { apps: [{ version: "0.0.2", envs: [{ name: "A", value: "1" }, { name: "HOST", field_path: "status.hostIP" }] }] } });
    const badEnv = await raw("PATCH", `/v3/{p}/ai-mgr/deployments/${created.id}`, { patch: { envs: [{ name: "1A", value: "x" }] } });
    expect(badEnv).toMatchObject({ status: 400, json: { error_code: "HIL.0400", error_message: expect.stringContaining("patch.envs[0].name"), request_id: expect.any(String) } });
    const pod = (await pods(created.id))[0];
    expect((await raw("POST", `/v3/{p}/ai-mgr/deployments/${created.id}/${pod.id}/action/stop`)).json).toMatchObject({ error_code: "HIL.0400", error_message: expect.stringContaining("pause, resume") });
    expect(await raw("DELETE", `/v3/{p}/ai-mgr/deployments/${created.id}/hilens-nope`)).toMatchObject({ status: 404, json: { error_code: "HIL.0404", request_id: expect.any(String) } });
    // §5.3.1: a deployment keeps at least one device; the last instance goes with the deployment.
    expect(await raw("DELETE", `/v3/{p}/ai-mgr/deployments/${created.id}/${pod.id}`)).toMatchObject({ status: 409, json: { error_code: "HIL.0409" } });
    await handlers.delete(DEPLOYMENT, created.id, created.outs!);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });
});

describe("device activation with run-service-fee orders", () => {
  it("activates, moves to another order and deactivates in place; the order's units and the records follow", async () => {
    const small = await buyOrder({ amount: 2, device_type: "small_device" });
    const other = await buyOrder({ amount: 1, device_type: "lite_device" });
    const inputs = await checked(DEVICE, { name: "paid-camera", activation: { orderId: small.id } });
    const created = await handlers.create(DEVICE, inputs);
    expect(created.outs).toMatchObject({ activeStatus: "ACTIVATED", activeContent: [small.id] });
    expect((await getRunServiceOrders({ id: small.id })).orders).toEqual([expect.objectContaining({ id: small.id, usedAmount: 1, amount: 2, deviceType: "small_device" })]);

    const moved = await handlers.update(DEVICE, created.id, created.outs!, { ...inputs, activation: { orderId: other.id } });
    expect(moved.outs).toMatchObject({ activeContent: [other.id] });
    expect((await ok("GET", `/v1/{p}/platform-manager/orders?id=${small.id}`)).data[0].used_amount).toBe(0);
    const read = await handlers.read(DEVICE, created.id, moved.outs!);
    expect(read.inputs).toMatchObject({ activation: { orderId: other.id } });

    const { activation: _dropped, ...without } = inputs as Record<string, unknown>;
    const off = await handlers.update(DEVICE, created.id, moved.outs!, without);
    expect(off.outs).toMatchObject({ activeStatus: "INACTIVE", activeContent: [] });
    const { records } = await getActivationRecords({ nodeId: created.id });
    expect(records.map((r) => r.activeStatus)).toEqual(["INACTIVE", "ACTIVATED", "INACTIVE", "ACTIVATED", "INACTIVE"]);
    await handlers.delete(DEVICE, created.id, off.outs!);
  });

  it("an activation refused at registration keeps the device (partial create); the next update activates it", async () => {
    const order = await buyOrder({ amount: 1, device_type: "small_device" });
    const holder = await device("holder", { activation: { orderId: order.id } });
    const inputs = await checked(DEVICE, { name: "late-camera", activation: { orderId: order.id } });
    const err: any = await handlers.create(DEVICE, inputs).catch((e) => e);
    expect(err.message).toMatch(/edgeai:hilens:Device "late-camera" \(hilens-\w+\) was registered but not configured: .*no unit left/);
    const partial = { ...err.properties };
    expect(partial.package).toEqual(expect.any(String));
    // The unit comes free; the engine's next up updates the partially created device with unchanged inputs.
    await handlers.delete(DEVICE, holder.id, holder.outs!);
    const finished = await handlers.update(DEVICE, err.id, partial, inputs);
    expect(finished.outs).toMatchObject({ activeStatus: "ACTIVATED", activeContent: [order.id] });
    await handlers.delete(DEVICE, err.id, finished.outs!);
  });

  it("the emulator refuses a used-up order, the wrong kind of order and a second activation", async () => {
    const one = await buyOrder({ amount: 1, device_type: "lite_device" });
    const large = await buyOrder({ amount: 5, device_type: "large_device_cpu" });
    const [a, b] = [await device("act-a"), await device("act-b")];
    expect(await ok("POST", `/v3/{p}/ai-mgr/nodes/${a.id}/activate`, { order_id: one.id })).toEqual({ node_id: a.id });
    expect(await raw("POST", `/v3/{p}/ai-mgr/nodes/${a.id}/activate`, { cpu_order_id: large.id })).toMatchObject({ status: 409, json: { error_code: "HIL.0409" } });
    expect(await raw("POST", `/v3/{p}/ai-mgr/nodes/${b.id}/activate`, { order_id: one.id })).toMatchObject({ status: 400, json: { error_msg: expect.stringContaining("no unit left") } });
    expect(await raw("POST", `/v3/{p}/ai-mgr/nodes/${b.id}/activate`, { order_id: large.id })).toMatchObject({ status: 400, json: { error_msg: expect.stringContaining("large_device_cpu order") } });
    expect(await raw("POST", `/v3/{p}/ai-mgr/nodes/${b.id}/activate`, { order_id: "missing" })).toMatchObject({ status: 404, json: { error_code: "HIL.0404" } });
    expect(await raw("POST", `/v3/{p}/ai-mgr/nodes/${b.id}/deactivate`)).toMatchObject({ status: 409 });
    // Deleting an activated device gives its unit back.
    await ok("DELETE", `/v3/{p}/ai-mgr/nodes/${a.id}`);
    expect((await ok("GET", `/v1/{p}/platform-manager/orders?device_type=lite_device`)).data.find((o: any) => o.id === one.id).used_amount).toBe(0);
    expect(await raw("GET", `/v1/{p}/platform-manager/orders?device_type=huge`)).toMatchObject({ status: 400 });
    await handlers.delete(DEVICE, b.id, b.outs!);
  });
});

describe("skill market", () => {
  it("getSkills filters the catalog; getSkill lists the versions and refuses an unknown one", async () => {
    const free = (await getSkills({ chargeModels: [0] })).skills;
    expect(free.map((s) => s.name).sort()).toEqual(["helmet-detection", "mask-detection-lite", "people-counting"]);
    expect((await getSkills({ skillName: "people", skillForm: "support_template" })).skills.map((s) => s.name)).toEqual(["people-counting"]);
    expect((await getSkills({ deviceTypes: ["HiLens_Lite", "Atlas_500"], chargeModels: [0, 1] })).skills.map((s) => s.name)).toEqual(["people-counting", "mask-detection-lite", "pedestrian-tracking"]);
    await expect(getSkills({ scenes: ["a\\b"] })).rejects.toThrow(/argument "scenes\.0": must not contain spaces or .* \\ \(HiLens §5\.9\.1\)/);
    const counting = free.find((s) => s.name === "people-counting")!;
    expect(await getSkill({ skillId: counting.skillId })).toMatchObject({ versions: ["1.0.0", "1.1.0"], version: "1.1.0" });
    await expect(getSkill({ skillId: counting.skillId, version: "9.9.9" })).rejects.toThrow(/HIL\.0404/);
    await expect(getSkills({ skillName: "no spaces" })).rejects.toThrow(/edgeai:hilens:getSkills: argument "skillName": must be 1-60/);
    // §5.9.1: 10 per page by default, at most 100.
    expect((await ok("GET", "/v1/skill-market/skills?limit=2")).data).toHaveLength(2);
    expect(await raw("GET", "/v1/skill-market/skills?limit=101")).toMatchObject({ status: 400 });
  });

  it("a SkillOrder is placed once, read back and kept in the project on delete; charged skills are refused", async () => {
    const [skill] = (await getSkills({ skillName: "helmet-detection" })).skills;
    const inputs = await checked(SKILL_ORDER, { skillId: skill.skillId, amount: 3 });
    const created = await handlers.create(SKILL_ORDER, inputs);
    expect(created.outs).toMatchObject({ skillName: "helmet-detection", usedAmount: 0, status: 0, versions: ["2.0.1"] });
    expect(await ok("GET", `/v1/{p}/skill-market/skill-order/${created.id}`)).toMatchObject({ skill_id: skill.skillId, amount: 3, commission_flag: 0, order_id: created.id });
    expect((await getSkillOrders({ skillName: "helmet" })).orders.map((o) => o.orderId)).toContain(created.id);
    expect(await handlers.diff(SKILL_ORDER, created.id, created.outs!, { ...inputs, amount: 4 })).toMatchObject({ replaces: ["amount"] });
    await handlers.delete(SKILL_ORDER, created.id, created.outs!);
    expect((await raw("GET", `/v1/{p}/skill-market/skill-order/${created.id}`)).status).toBe(200);

    const [charged] = (await getSkills({ chargeModels: [1] })).skills;
    const refused = await raw("POST", "/v1/{p}/skill-market/skill-order", { skill_id: charged.skillId, amount: 1, commission_flag: 0 });
    expect(refused).toMatchObject({ status: 400, json: { error_code: "HIL.0400", error_msg: expect.stringContaining("not free") } });
    expect(await raw("POST", "/v1/{p}/skill-market/skill-order", { skill_id: "missing", amount: 1, commission_flag: 0 })).toMatchObject({ status: 404 });
  });

  it("an order whose answer was lost is found among the new orders of its skill and adopted, not placed twice", async () => {
    const [skill] = (await getSkills({ skillName: "mask-detection-lite" })).skills;
    env.emu.inject({ pathPattern: "/skill-market/skill-order$", method: "POST", kind: "lost", count: 1 });
    const created = await handlers.create(SKILL_ORDER, await checked(SKILL_ORDER, { skillId: skill.skillId, amount: 1 }));
    const orders = (await getSkillOrders({ skillName: "mask-detection-lite" })).orders;
    expect(orders.map((o) => o.orderId)).toEqual([created.id]);
  });
});
