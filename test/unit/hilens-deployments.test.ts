/**
 * The Deployment definition's mapping (§5.3): what create and update send, what read maps back,
 * the waits and their messages, against the in-process emulator (server state read by raw HTTP on
 * the documented paths) and, for answers the emulator never gives (a field left out, a failure
 * without a reason), against a scripted server.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULTS, ManualClock } from "../../emulator";
import { handlers } from "../../provider/framework/runtime";
import { UNKNOWN } from "../../provider/framework/validate";
import { contextFor } from "../../provider/framework/context";
import { resolveConfig } from "../../provider/config";
import { configHash, deploymentDefinition } from "../../provider/hilens/deployment";
import { iamToken, send, withToken } from "./raw-http";
import { emulatorSettings, runtimeAgainstEmulator } from "./runtime-emulator";
import { startScriptedServer, ScriptedServer } from "./scripted-server";

const DEVICE = "edgeai:hilens:Device";
const DEPLOYMENT = "edgeai:hilens:Deployment";
const PROVIDER = { __provider: "serialized provider" };
const P = DEFAULTS.projectId;
/** The emulator's time: deployments settle when a test advances it, never while it sleeps. */
const clock = new ManualClock();
const env = runtimeAgainstEmulator("hilens-deployments", { clock });
/** Devices connect at once and deployments settle on their first read, unless a test says otherwise. */
const TIMING = { deviceConnectMs: 0, deploymentReadyMs: 0 };
let token: string;

const app = (extra: Record<string, unknown> = {}) => ({ name: "detector", appUrl: "swr.example.com/vision/detector:1.0", resources: { limits: { cpu: 0.5, memory: 256 } }, ...extra });
const deploymentArgs = (extra: Record<string, unknown>) => ({ name: "counter", template: { configs: { restartPolicy: "Always" }, apps: [app()] }, ...extra, ...PROVIDER });

beforeAll(async () => {
  token = await iamToken(env.emu);
  await env.emu.control("PUT", "/__emulator/hilens/timing", TIMING);
});

// Timing is emulator-wide: every test starts from the same.
afterEach(() => env.emu.control("PUT", "/__emulator/hilens/timing", TIMING));

/** Raw HTTP on a documented HiLens path (`{p}` is the project) with an IAM token: the JSON of a 2xx answer. */
async function ok(method: string, path: string, body?: unknown): Promise<any> {
  const res = await send(env.emu.url, method, path.replace("{p}", P), { headers: withToken(token), body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === undefined || res.status >= 300) throw new Error(`${method} ${path}: ${res.status ?? res.error} ${JSON.stringify(res.json)}`);
  return res.json;
}

async function checked(type: string, args: Record<string, unknown>) {
  const result = await handlers.check(type, {}, { ...args, ...PROVIDER });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs;
}

const device = async (name: string, extra: Record<string, unknown> = {}) => handlers.create(DEVICE, await checked(DEVICE, { name, ...extra }));
const live = (id: string) => ok("GET", `/v3/{p}/ai-mgr/deployments/${id}`);
const pods = async (id: string) => (await ok("GET", `/v3/{p}/ai-mgr/pods?deployment_id=${id}`)).pods as any[];
/** The requests since `start`, as "METHOD path" with the project ID shown as {p}. */
const callsSince = (start: number) => env.emu.requests.since(start).map((r) => `${r.method} ${r.path.replace(P, "{p}")}`);
/** The definition's own API, against the emulator: its read mapping exactly, before the runtime overlays it on the declared inputs. */
const emulatorContext = () => contextFor(resolveConfig((key) => emulatorSettings(env.emu)[key], {}));

/** The check failures of a deployment on device n1 whose one app has `extra`, as "property: message" (without the resource prefix). */
async function appFailures(extra: Record<string, unknown>, args: Record<string, unknown> = {}): Promise<string[]> {
  const result = await handlers.check(DEPLOYMENT, {}, deploymentArgs({ nodeIds: ["n1"], template: { configs: { restartPolicy: "Always" }, apps: [app(extra)] }, ...args }));
  return (result.failures ?? []).map((f) => `${f.property}: ${f.reason.replace(`edgeai:hilens:Deployment: field "${f.property}": `, "")}`);
}
const volume = (extra: Record<string, unknown>) => ({ volumes: [{ name: "v", destination: "/mnt", readOnly: true, ...extra }] });

describe("check: the documented rules of §5.3.2, before any request", () => {
  it("resource amounts are within their documented ranges, bounds included", async () => {
    const limits = (l: Record<string, unknown>) => ({ resources: { limits: { cpu: 0.5, memory: 256, ...l } } });
    expect(await appFailures(limits({ cpu: 0.01, memory: 4, gpu: 0, npu: 1000 }))).toEqual([]);
    expect(await appFailures(limits({ cpu: "1000", memory: "1024000" }))).toEqual([]);
    expect(await appFailures(limits({ cpu: 0.009 }))).toEqual(["template.apps[0].resources.limits.cpu: must be 0.01-1000 (HiLens §5.3.2 Res)"]);
    expect(await appFailures(limits({ cpu: 1000.5 }))).toEqual(["template.apps[0].resources.limits.cpu: must be 0.01-1000 (HiLens §5.3.2 Res)"]);
    expect(await appFailures(limits({ memory: 3.99 }))).toEqual(["template.apps[0].resources.limits.memory: must be 4-1024000 (HiLens §5.3.2 Res)"]);
    expect(await appFailures({ resources: { requests: { memory: 0.01 } } })).toEqual([]);
  });

  it("variables: unique names, not the config hash's, each set one way, reading exactly one of a config map and a secret", async () => {
    const ref = { name: "app-config", key: "k" };
    expect(await appFailures({ envs: [{ name: "A", value: "1" }, { name: "B", valueFrom: { configmap: ref } }, { name: "C", valueFrom: { secret: ref } }] })).toEqual([]);
    expect(await appFailures({ envs: [{ name: "A", value: "1" }, { name: "A", value: "2" }] })).toEqual(["template.apps[0].envs: env names must be unique"]);
    expect(await appFailures({ envs: [{ name: "EDGEAI_CONFIG_HASH", value: "1" }] })).toEqual(["template.apps[0].envs[0].name: is reserved for configHash"]);
    expect(await appFailures({ envs: [{ name: "A", valueFrom: { configmap: ref, secret: ref } }] })).toEqual(["template.apps[0].envs[0].valueFrom: set exactly one of configmap and secret (HiLens §5.3.2 ValueFrom)"]);
    expect(await appFailures({ envs: [{ name: "A", valueFrom: {} }] })).toEqual(["template.apps[0].envs[0].valueFrom: set exactly one of configmap and secret (HiLens §5.3.2 ValueFrom)"]);
  });

  it("arguments total at most 65536 characters; a probe is exactly one of exec and httpGet", async () => {
    expect(await appFailures({ args: ["a".repeat(65536)] })).toEqual([]);
    // The total is of the arguments themselves, with nothing between them.
    expect(await appFailures({ args: ["a".repeat(65000), "b".repeat(536)] })).toEqual([]);
    expect(await appFailures({ args: ["a".repeat(65000), "b".repeat(537)] })).toEqual(["template.apps[0].args: must total at most 65536 characters (HiLens §5.3.2)"]);
    expect(await appFailures({ livenessProbe: { exec: { command: "true" } }, readinessProbe: { httpGet: { path: "/ready", port: 8080 } } })).toEqual([]);
    expect(await appFailures({ livenessProbe: { exec: { command: "true" }, httpGet: { path: "/ready", port: 8080 } } })).toEqual(["template.apps[0].livenessProbe: set exactly one of exec and httpGet (HiLens §5.3.2 Probe)"]);
    expect(await appFailures({ readinessProbe: { initialDelaySeconds: 5 } })).toEqual(["template.apps[0].readinessProbe: set exactly one of exec and httpGet (HiLens §5.3.2 Probe)"]);
  });

  it("volume sources and read-only mounts follow each volume type's rule", async () => {
    for (const ok of [volume({ type: "emptyDir", source: "disk", readOnly: false }), volume({ type: "emptyDir", source: "memory" }), volume({ type: "hostPath", source: "/var/lib/a\\b_c.d-e", readOnly: false }), volume({ type: "configMap", source: "app-config" }), volume({ type: "secret", source: "app-secret" })])
      expect(await appFailures(ok), JSON.stringify(ok)).toEqual([]);
    const at = "template.apps[0].volumes[0]";
    expect(await appFailures(volume({ type: "emptyDir", source: "ssd" }))).toEqual([`${at}.source: must be disk or memory for emptyDir (HiLens §5.3.2 Volume)`]);
    const hostPathRule = "must be a path starting with '/' of letters, digits, '-', '\\', '_', '.' (HiLens §5.3.2 Volume)";
    for (const source of ["var/lib", "/var/lib data", "/var/lib:ro"]) expect(await appFailures(volume({ type: "hostPath", source })), source).toEqual([`${at}.source: ${hostPathRule}`]);
    expect(await appFailures(volume({ type: "configMap", source: "App_Config" }))).toEqual([`${at}.source: must be a configMap name (HiLens §5.3.2 Volume)`]);
    expect(await appFailures(volume({ type: "secret", source: "App_Secret" }))).toEqual([`${at}.source: must be a secret name (HiLens §5.3.2 Volume)`]);
    expect(await appFailures(volume({ type: "secret", source: "app-secret", readOnly: false }))).toEqual([`${at}.readOnly: secret volumes are read-only (HiLens §5.3.2 Volume)`]);
  });

  it("a port maps to a host port or to a range whose top is above its bottom, not both", async () => {
    expect(await appFailures({ ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPortRange: { minPort: 9000, maxPort: 9001 } }] })).toEqual([]);
    expect(await appFailures({ ports: [{ containerPort: 80, hostPortRange: { minPort: 9000, maxPort: 9000 } }] })).toEqual(["template.apps[0].ports[0].hostPortRange: maxPort must be greater than minPort"]);
    expect(await appFailures({ ports: [{ containerPort: 80, hostPort: 8080, hostPortRange: { minPort: 9000, maxPort: 9001 } }] })).toEqual(["template.apps[0].ports[0]: set hostPort or hostPortRange, not both (HiLens §5.3.2)"]);
  });

  it("devices are nodeIds or nodeTags, nodeNum goes with nodeTags, and paused devices are known targets", async () => {
    expect(await appFailures({}, { nodeIds: undefined })).toEqual(["nodeIds: set exactly one of nodeIds and nodeTags (HiLens §5.3.2)"]);
    expect(await appFailures({}, { nodeNum: 2 })).toEqual(["nodeNum: only applies with nodeTags (HiLens §5.3.2)"]);
    expect(await appFailures({}, { nodeIds: undefined, nodeTags: [{ key: "line", value: "one" }], nodeNum: 2 })).toEqual([]);
    expect(await appFailures({}, { nodeIds: ["n1", "n2"], pausedNodeIds: ["n2", "n3"] })).toEqual(["pausedNodeIds[1]: must be one of nodeIds: n3 is not a target device (HiLens §5.3.8 pauses an instance of the deployment)"]);
    // Not known yet (a device created in the same run): checked when known.
    expect(await appFailures({}, { nodeIds: ["n1", UNKNOWN], pausedNodeIds: ["n2"] })).toEqual([]);
    expect(await appFailures({}, { nodeIds: UNKNOWN, pausedNodeIds: ["n2"] })).toEqual([]);
    // A device ID that is not a string is refused as such, and the pause rule waits for valid IDs.
    expect(await appFailures({}, { nodeIds: ["n1", 7], pausedNodeIds: ["n2"] })).toEqual([expect.stringMatching(/^nodeIds\[1\]: /)]);
  });
});

describe("create and read map every documented field", () => {
  it("create sends description, source, replicas, template, devices, tags, license and order; read maps them all back", async () => {
    const devices = [await device("map-1"), await device("map-2")];
    const template = {
      configs: { restartPolicy: "OnFailure", hostNetwork: false },
      apps: [app({ envs: [{ name: "MODE", value: "fast" }], volumes: [{ name: "data", type: "hostPath", source: "/var/data", destination: "/data", readOnly: true }] })],
    };
    const tags = [{ key: "site", value: "north.1" }];
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "mapped", description: "people counter", source: "aig", replicas: 2, template, nodeIds: devices.map((d) => d.id), tags, licenseQuota: 3, svcOrderId: "order-7", configHash: "h1" }));
    const start = env.emu.requests.length;
    const created = await handlers.create(DEPLOYMENT, inputs);
    expect(created.outs).toMatchObject({ state: "RUNNING", readyReplicas: 2, deployedNodeIds: devices.map((d) => d.id), result: devices.map((d) => ({ nodeId: d.id })), projectId: P });
    // One request carries it all (tags included); with no device to pause, the instances are not looked at.
    expect(callsSince(start)).toEqual(["POST /v3/{p}/ai-mgr/deployments", `GET /v3/{p}/ai-mgr/deployments/${created.id}`]);

    const raw = await live(created.id);
    expect(raw).toMatchObject({ name: "mapped", description: "people counter", source: "aig", replicas: 2, node_ids: devices.map((d) => d.id), license_quota: 3, svc_order_id: "order-7" });
    expect(raw.template.configs).toMatchObject({ restart_policy: "OnFailure", host_network: false });
    // The config hash travels as one more variable of every app.
    expect(raw.template.apps[0].envs).toEqual([{ name: "MODE", value: "fast" }, { name: "EDGEAI_CONFIG_HASH", value: "h1" }]);
    expect(raw.template.apps[0].volumes).toEqual([expect.objectContaining({ name: "data", type: "hostPath", source: "/var/data", destination: "/data", read_only: true })]);
    expect((await ok("GET", `/v3/{p}/deployment/${created.id}/tags`)).tags).toEqual(tags);

    const read = await deploymentDefinition.api.read(emulatorContext(), created.id, inputs as never);
    // Amounts come back as the strings the API carries (§5.3.2 Res), as check sends them.
    const liveTemplate = { ...template, apps: [{ ...template.apps[0], resources: { limits: { cpu: "0.5", memory: "256" } } }] };
    expect(read!.inputs).toEqual({ name: "mapped", description: "people counter", source: "aig", replicas: 2, template: liveTemplate, nodeIds: devices.map((d) => d.id), pausedNodeIds: [], tags, configHash: "h1" });
    expect(read!.state).toEqual({ state: "RUNNING", readyReplicas: 2, deployedNodeIds: devices.map((d) => d.id), result: devices.map((d) => ({ nodeId: d.id })), projectId: P, createdAt: raw.created_at, updatedAt: raw.updated_at });
    const refreshed = await handlers.read(DEPLOYMENT, created.id, created.outs!);
    expect((await handlers.diff(DEPLOYMENT, created.id, refreshed.props!, inputs)).changes).toBe(false);
    await handlers.delete(DEPLOYMENT, created.id, refreshed.props!);
    for (const d of devices) await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("refresh shows description, replicas, template and tags changed in the console as drift", async () => {
    const d = await device("drift-1");
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "drifting", description: "before", nodeIds: [d.id], tags: [{ key: "team", value: "a" }] }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const consoleTemplate = { configs: { host_network: false, restart_policy: "Never" }, apps: [{ name: "detector", app_url: "swr.example.com/vision/detector:2.0", resources: { limits: { cpu: "0.5", memory: "256" } } }] };
    await ok("PUT", `/v3/{p}/ai-mgr/deployments/${created.id}`, { description: "after", deployment: { replicas: 1, template: consoleTemplate } });
    await ok("DELETE", `/v3/{p}/deployment/${created.id}/tags/team`);
    await ok("POST", `/v3/{p}/deployment/${created.id}/tags`, { tags: [{ key: "team", value: "b" }] });
    const read = await handlers.read(DEPLOYMENT, created.id, created.outs!);
    expect(read.inputs).toMatchObject({ description: "after", tags: [{ key: "team", value: "b" }], template: { configs: { restartPolicy: "Never" }, apps: [{ appUrl: "swr.example.com/vision/detector:2.0" }] } });
    expect((await handlers.diff(DEPLOYMENT, created.id, read.props!, inputs)).changed).toEqual(["description", "template", "tags"]);
    await handlers.delete(DEPLOYMENT, created.id, read.props!);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("an imported deployment reads its whole live template, the service's defaults included, and no description when it has none", async () => {
    const d = await device("import-1");
    const created = await handlers.create(DEPLOYMENT, await checked(DEPLOYMENT, deploymentArgs({ name: "imported", nodeIds: [d.id] })));
    const imported = await handlers.read(DEPLOYMENT, created.id, {});
    expect(imported.inputs).not.toHaveProperty("description");
    expect(imported.inputs).toMatchObject({ name: "imported", source: "userdefined", replicas: 1, nodeIds: [d.id], pausedNodeIds: [], tags: [] });
    // Without a declared shape to project onto, the defaults the service echoes are kept.
    expect((imported.inputs!.template as any).apps[0]).toMatchObject({ name: "detector", privileged: false });
    await handlers.delete(DEPLOYMENT, created.id, created.outs!);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("devices chosen by tags are read as deployedNodeIds, not as nodeIds; pausing one of them pauses its instance", async () => {
    const devices = [await device("by-tag-1", { tags: [{ key: "line", value: "two" }] }), await device("by-tag-2", { tags: [{ key: "line", value: "two" }] })];
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "tagged", replicas: 2, nodeTags: [{ key: "line", value: "two" }], nodeNum: 2, pausedNodeIds: [devices[1].id] }));
    let start = env.emu.requests.length;
    const created = await handlers.create(DEPLOYMENT, inputs);
    expect(created.outs).toMatchObject({ state: "RUNNING", readyReplicas: 1, deployedNodeIds: devices.map((d) => d.id) });
    const instances = await pods(created.id);
    expect(instances.map((p) => [p.node_id, p.status])).toEqual([[devices[0].id, "Running"], [devices[1].id, "Succeeded"]]);
    const actions = () => callsSince(start).filter((c) => c.includes("/action/"));
    // Only the instance whose state differs is acted on.
    expect(actions()).toEqual([`POST /v3/{p}/ai-mgr/deployments/${created.id}/${instances[1].id}/action/pause`]);
    const read = await deploymentDefinition.api.read(emulatorContext(), created.id, inputs as never);
    expect(read!.inputs).not.toHaveProperty("nodeIds");
    expect(read!.inputs.pausedNodeIds).toEqual([devices[1].id]);

    // Updates of a tag-chosen deployment delete no instance (there is no device list to compare with).
    start = env.emu.requests.length;
    const resumed = await handlers.update(DEPLOYMENT, created.id, created.outs!, { ...inputs, pausedNodeIds: [] });
    expect(actions()).toEqual([`POST /v3/{p}/ai-mgr/deployments/${created.id}/${instances[1].id}/action/resume`]);
    expect(resumed.outs).toMatchObject({ readyReplicas: 2, deployedNodeIds: devices.map((d) => d.id) });
    expect((await pods(created.id)).map((p) => p.status)).toEqual(["Running", "Running"]);
    await handlers.delete(DEPLOYMENT, created.id, resumed.outs!);
    for (const d of devices) await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("pausing devices a tag-chosen deployment does not run on fails with the devices it lacks; the deployment is kept", async () => {
    const [picked, other, third] = [await device("tag-pick", { tags: [{ key: "line", value: "three" }] }), await device("tag-other"), await device("tag-third")];
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "tag-pause", nodeTags: [{ key: "line", value: "three" }], nodeNum: 1, pausedNodeIds: [other.id, picked.id, third.id] }));
    const err: any = await handlers.create(DEPLOYMENT, inputs).catch((e) => e);
    expect(err.message).toBe(`edgeai:hilens:Deployment "tag-pause" (${err.id}): field "pausedNodeIds": the deployment has no instance on ${other.id}, ${third.id} (the object was created as ${err.id}; the next \`pulumi up\` completes it)`);
    expect((await pods(err.id)).map((p) => [p.node_id, p.status])).toEqual([[picked.id, "Succeeded"]]);
    await handlers.delete(DEPLOYMENT, err.id, { ...inputs, ...err.properties });
    for (const d of [picked, other, third]) await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("a tag-chosen deployment's description update neither lists nor adds devices", async () => {
    const d = await device("tag-describe", { tags: [{ key: "line", value: "four" }] });
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "tag-described", nodeTags: [{ key: "line", value: "four" }], nodeNum: 1 }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const start = env.emu.requests.length;
    const updated = await handlers.update(DEPLOYMENT, created.id, created.outs!, { ...inputs, description: "fourth line" });
    expect(updated.outs).toMatchObject({ state: "RUNNING", readyReplicas: 1, deployedNodeIds: [d.id], description: "fourth line" });
    expect(callsSince(start)).toEqual([`GET /v3/{p}/ai-mgr/deployments/${created.id}`, `PUT /v3/{p}/ai-mgr/deployments/${created.id}`, `GET /v3/{p}/deployment/${created.id}/tags`, `GET /v3/{p}/ai-mgr/deployments/${created.id}`]);
    await handlers.delete(DEPLOYMENT, created.id, updated.outs!);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("a read counts only this deployment's paused instances, and none while it is being deleted", async () => {
    await env.emu.control("PUT", "/__emulator/hilens/timing", { deploymentReadyMs: 0 });
    const [a, b] = [await device("own-1"), await device("own-2")];
    const paused = await handlers.create(DEPLOYMENT, await checked(DEPLOYMENT, deploymentArgs({ name: "paused-one", replicas: 2, nodeIds: [a.id, b.id], pausedNodeIds: [a.id] })));
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "running-one", replicas: 2, nodeIds: [a.id, b.id] }));
    const running = await handlers.create(DEPLOYMENT, inputs);
    expect((await handlers.read(DEPLOYMENT, running.id, running.outs!)).inputs).toMatchObject({ pausedNodeIds: [] });
    expect((await handlers.read(DEPLOYMENT, paused.id, paused.outs!)).inputs).toMatchObject({ pausedNodeIds: [a.id] });

    // Being deleted, every instance reports Succeeded: that is not a pause.
    await env.emu.control("PUT", "/__emulator/hilens/timing", { deploymentReadyMs: 60_000 });
    await handlers.delete(DEPLOYMENT, running.id, { ...running.outs!, skipAwait: true });
    expect((await pods(running.id)).map((p) => p.status)).toEqual(["Succeeded", "Succeeded"]);
    const deleting = await handlers.read(DEPLOYMENT, running.id, running.outs!);
    expect(deleting.props).toMatchObject({ state: "DELETING", pausedNodeIds: [] });
    clock.advance(30_000);
    expect(await handlers.read(DEPLOYMENT, running.id, running.outs!)).toEqual({});
    await handlers.delete(DEPLOYMENT, paused.id, { ...paused.outs!, skipAwait: true });
    for (const d of [a, b]) await handlers.delete(DEVICE, d.id, d.outs!);
  });
});

describe("update sends only what changed", () => {
  it("a description or tag change alone is one PUT without the template, restarting nothing; a removed description is sent empty", async () => {
    const d = await device("describe-1");
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "described", description: "first", nodeIds: [d.id], tags: [{ key: "stage", value: "a" }], configHash: "h1" }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const before = await pods(created.id);
    clock.advance(1000);
    const start = env.emu.requests.length;
    const updated = await handlers.update(DEPLOYMENT, created.id, created.outs!, { ...inputs, description: "second", tags: [{ key: "stage", value: "b" }] });
    // The PUT carries the tags: the tag API then finds nothing to add or remove.
    expect(callsSince(start)).toEqual([`GET /v3/{p}/ai-mgr/deployments/${created.id}`, `PUT /v3/{p}/ai-mgr/deployments/${created.id}`, `GET /v3/{p}/deployment/${created.id}/tags`, `GET /v3/{p}/ai-mgr/deployments/${created.id}`]);
    expect(updated.outs).toMatchObject({ state: "RUNNING", description: "second" });
    expect(await live(created.id)).toMatchObject({ description: "second", template: { apps: [{ envs: [{ name: "EDGEAI_CONFIG_HASH", value: "h1" }] }] } });
    expect((await ok("GET", `/v3/{p}/deployment/${created.id}/tags`)).tags).toEqual([{ key: "stage", value: "b" }]);
    expect((await pods(created.id)).map((p) => p.created_at)).toEqual(before.map((p) => p.created_at));

    const { description: _dropped, ...undescribed } = inputs as Record<string, unknown>;
    await handlers.update(DEPLOYMENT, created.id, updated.outs!, { ...undescribed, tags: [{ key: "stage", value: "b" }] });
    expect((await live(created.id)).description).toBe("");
    await handlers.delete(DEPLOYMENT, created.id, updated.outs!);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("a state written before pausedNodeIds existed updates without looking at the instances", async () => {
    const d = await device("old-state-1");
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "old-state", nodeIds: [d.id] }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const { pausedNodeIds: _absent, ...oldState } = created.outs!;
    const start = env.emu.requests.length;
    const updated = await handlers.update(DEPLOYMENT, created.id, oldState, { ...inputs, description: "migrated" });
    expect(updated.outs).toMatchObject({ state: "RUNNING", description: "migrated", pausedNodeIds: [] });
    expect(callsSince(start).filter((c) => c.includes("/pods"))).toEqual([]);
    await handlers.delete(DEPLOYMENT, created.id, updated.outs!);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("an update that restarts the instances waits for them within the update timeout", async () => {
    await env.emu.control("PUT", "/__emulator/hilens/timing", { deploymentReadyMs: 60_000 });
    const d = await device("restart-wait-1");
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "restart-waits", nodeIds: [d.id], skipAwait: true }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    clock.advance(60_000);
    const news = { ...inputs, template: { configs: { restartPolicy: "Never" }, apps: [app()] }, skipAwait: false, awaitTimeouts: { update: "1ms" } };
    const err: any = await handlers.update(DEPLOYMENT, created.id, created.outs!, news).catch((e) => e);
    expect(err.message).toBe(`edgeai:hilens:Deployment "restart-waits" (${created.id}) did not become ready: timed out after 0s waiting (last seen: STARTING, 0/1 ready)`);
    await handlers.delete(DEPLOYMENT, created.id, { ...err.properties, ...news, skipAwait: true });
    clock.advance(60_000);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("an update that restarts nothing does not wait for a deployment still starting", async () => {
    await env.emu.control("PUT", "/__emulator/hilens/timing", { deploymentReadyMs: 60_000 });
    const d = await device("starting-1");
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "still-starting", nodeIds: [d.id], skipAwait: true }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const updated = await handlers.update(DEPLOYMENT, created.id, created.outs!, { ...inputs, description: "noted", skipAwait: false, awaitTimeouts: { update: "1ms" } });
    expect(updated.outs).toMatchObject({ state: "CREATING", readyReplicas: 0 });
    await handlers.delete(DEPLOYMENT, created.id, { ...updated.outs!, skipAwait: true });
    clock.advance(60_000);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("replicas alone, or replicas or the template with the config hash, are one PUT of the whole template, not a PATCH of the hash", async () => {
    const devices = [await device("both-1"), await device("both-2")];
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "both-changed", nodeIds: devices.map((d) => d.id), configHash: "h1" }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    let before = await pods(created.id);
    clock.advance(1000);
    // Replicas alone: the whole template goes again, and the instances restart.
    const doubled = await handlers.update(DEPLOYMENT, created.id, created.outs!, { ...inputs, replicas: 2 });
    expect(doubled.outs).toMatchObject({ state: "RUNNING", readyReplicas: 2 });
    expect((await live(created.id)).replicas).toBe(2);
    expect((await pods(created.id)).map((p) => p.created_at)).not.toEqual(before.map((p) => p.created_at));

    before = await pods(created.id);
    clock.advance(1000);
    let start = env.emu.requests.length;
    const scaled = await handlers.update(DEPLOYMENT, created.id, doubled.outs!, { ...inputs, replicas: 1, configHash: "h2" });
    expect(scaled.outs).toMatchObject({ state: "RUNNING", readyReplicas: 1 });
    expect(await live(created.id)).toMatchObject({ replicas: 1, template: { apps: [{ envs: [{ name: "EDGEAI_CONFIG_HASH", value: "h2" }] }] } });
    expect(callsSince(start).filter((c) => c.startsWith("PATCH"))).toEqual([]);
    // A restart: the instances start again.
    expect((await pods(created.id)).map((p) => p.created_at)).not.toEqual(before.map((p) => p.created_at));

    start = env.emu.requests.length;
    const retemplated = { configs: { restartPolicy: "Always" }, apps: [app({ appUrl: "swr.example.com/vision/detector:2.0" })] };
    await handlers.update(DEPLOYMENT, created.id, scaled.outs!, { ...inputs, template: retemplated, configHash: "h3" });
    expect(await live(created.id)).toMatchObject({ template: { apps: [{ app_url: "swr.example.com/vision/detector:2.0", envs: [{ name: "EDGEAI_CONFIG_HASH", value: "h3" }] }] } });
    expect(callsSince(start).filter((c) => c.startsWith("PATCH"))).toEqual([]);
    await handlers.delete(DEPLOYMENT, created.id, scaled.outs!);
    for (const d of devices) await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("removing the config hash sends the whole template without its variable", async () => {
    const d = await device("unhash-1");
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "unhashed", nodeIds: [d.id], configHash: "h1" }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const { configHash: _dropped, ...unhashed } = inputs as Record<string, unknown>;
    const start = env.emu.requests.length;
    const updated = await handlers.update(DEPLOYMENT, created.id, created.outs!, unhashed);
    expect(updated.outs).toMatchObject({ state: "RUNNING" });
    expect((await live(created.id)).template.apps[0].envs).toEqual([]);
    expect(callsSince(start).filter((c) => c.startsWith("PATCH") || c.startsWith("PUT"))).toEqual([`PUT /v3/{p}/ai-mgr/deployments/${created.id}`]);
    const read = await handlers.read(DEPLOYMENT, created.id, updated.outs!);
    expect(read.inputs).not.toHaveProperty("configHash");
    await handlers.delete(DEPLOYMENT, created.id, updated.outs!);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("a restart that fails reports START_FAILED with the reason; the next update redeploys the failed deployment whole", async () => {
    const d = await device("restart-1");
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "restart-fails", nodeIds: [d.id], configHash: "h1" }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    await env.emu.control("PUT", `/__emulator/hilens/${P}/nodes/${d.id}/connection`, { online: false });
    // A wait limit the failure comes well within: a missed failure would time out instead.
    const news = { ...inputs, template: { configs: { restartPolicy: "Never" }, apps: [app()] }, awaitTimeouts: { update: "5s" } };
    const err: any = await handlers.update(DEPLOYMENT, created.id, created.outs!, news).catch((e) => e);
    expect(err.message).toBe(`edgeai:hilens:Deployment "restart-fails" (${created.id}) did not become ready: START_FAILED: The device ${d.id} is offline.`);
    expect(err.properties).toMatchObject({ state: "START_FAILED", reason: `The device ${d.id} is offline.`, readyReplicas: 0, result: [{ nodeId: d.id, errorCode: "HIL.0503", errorMessage: `The device ${d.id} is offline.` }] });

    // Unchanged, it is deployed again: a second `up` retries it (and fails again while the device is offline).
    const again: any = await handlers.update(DEPLOYMENT, created.id, { ...news, ...err.properties }, news).catch((e) => e);
    expect(again.message).toBe(err.message);

    await env.emu.control("PUT", `/__emulator/hilens/${P}/nodes/${d.id}/connection`, { online: true });
    const start = env.emu.requests.length;
    // A new config hash alone is no PATCH for a failed deployment: the whole template goes again.
    const retried = await handlers.update(DEPLOYMENT, created.id, { ...news, ...again.properties }, { ...news, configHash: "h2" });
    expect(retried.outs).toMatchObject({ state: "RUNNING", readyReplicas: 1 });
    expect(callsSince(start).filter((c) => c.startsWith("PUT") || c.startsWith("PATCH"))).toEqual([`PUT /v3/{p}/ai-mgr/deployments/${created.id}`]);
    expect(await live(created.id)).toMatchObject({ template: { configs: { restart_policy: "Never" }, apps: [{ envs: [{ name: "EDGEAI_CONFIG_HASH", value: "h2" }] }] } });
    await handlers.delete(DEPLOYMENT, created.id, retried.outs!);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });
});

describe("create after a lost answer", () => {
  it("adopts the deployment of exactly its name and then pauses the instances the create would have", async () => {
    const [a, b] = [await device("lost-1"), await device("lost-2")];
    const similar = await handlers.create(DEPLOYMENT, await checked(DEPLOYMENT, deploymentArgs({ name: "lost-answer-2", nodeIds: [a.id] })));
    env.emu.inject({ pathPattern: "/ai-mgr/deployments$", method: "POST", kind: "lost", count: 1 });
    const created = await handlers.create(DEPLOYMENT, await checked(DEPLOYMENT, deploymentArgs({ name: "lost-answer", replicas: 2, nodeIds: [a.id, b.id], pausedNodeIds: [b.id] })));
    const named = (await ok("GET", "/v3/{p}/ai-mgr/deployments?name=lost-answer")).deployments;
    expect(named.map((d: any) => d.name).sort()).toEqual(["lost-answer", "lost-answer-2"]);
    expect(created.id).toBe(named.find((d: any) => d.name === "lost-answer").id);
    expect(created.outs).toMatchObject({ state: "RUNNING", readyReplicas: 1, pausedNodeIds: [b.id] });
    expect((await pods(created.id)).map((p) => [p.node_id, p.status])).toEqual([[a.id, "Running"], [b.id, "Succeeded"]]);
    await handlers.delete(DEPLOYMENT, created.id, created.outs!);
    await handlers.delete(DEPLOYMENT, similar.id, similar.outs!);
    for (const d of [a, b]) await handlers.delete(DEVICE, d.id, d.outs!);
  });
});

describe("delete", () => {
  it("waits until the deployment is gone, gives up after the delete timeout, and skipAwait does not wait", async () => {
    await env.emu.control("PUT", "/__emulator/hilens/timing", { deploymentReadyMs: 60_000 });
    const d = await device("delete-1");
    // The limit only shows when skipAwait is not honoured.
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "slow-delete", nodeIds: [d.id], skipAwait: true, awaitTimeouts: { delete: "1s" } }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const err: any = await handlers.delete(DEPLOYMENT, created.id, { ...created.outs!, skipAwait: false, awaitTimeouts: { delete: "1ms" } }).catch((e) => e);
    expect(err.message).toBe(`edgeai:hilens:Deployment "slow-delete" (${created.id}) was not deleted: timed out after 0s waiting (last seen: DELETING)`);
    const start = env.emu.requests.length;
    await handlers.delete(DEPLOYMENT, created.id, created.outs!);
    expect(callsSince(start)).toEqual([`DELETE /v3/{p}/ai-mgr/deployments/${created.id}`]);
    expect((await live(created.id)).state).toBe("DELETING");
    clock.advance(30_000);
    await handlers.delete(DEVICE, d.id, d.outs!);
  });
});

describe("answers the emulator never gives", () => {
  let srv: ScriptedServer;
  // One server per test: answers a failed test left queued never reach the next one.
  beforeEach(async () => {
    srv = await startScriptedServer();
    return () => srv.close();
  });
  const scriptedContext = () => contextFor(resolveConfig(() => undefined, { HW_HILENS_ENDPOINT: srv.url, HW_PROJECT_ID: "p1", HW_ACCESS_KEY: "ak", HW_SECRET_KEY: "sk", HW_MAX_RETRIES: "0" }));
  const parsed = (extra: Record<string, unknown> = {}) => deploymentDefinition.inputs.parse({ name: "sparse", nodeIds: ["n1"], template: { configs: { restartPolicy: "Always" }, apps: [app()] }, ...extra });
  /** What the scripted server saw from `start` on, as "METHOD url". */
  const seenSince = (start: number) => srv.seen.slice(start).map((r) => `${r.method} ${r.url}`);

  it("a deployment answered without template, devices, counts or description reads as empty; result entries lose their nulls", async () => {
    const start = srv.seen.length;
    srv.answer(
      { body: { id: "d1", name: "sparse", state: "RUNNING", replicas: 1, description: "", result: [{ node_id: "n1", error_code: null, error_message: null }] } },
      { body: { count: 0, pods: [] } },
      { body: { tags: [] } },
    );
    const read = await deploymentDefinition.api.read(scriptedContext(), "d1", parsed());
    expect(read).toEqual({ inputs: { name: "sparse", replicas: 1, template: {}, pausedNodeIds: [], tags: [] }, state: { state: "RUNNING", readyReplicas: 0, deployedNodeIds: [], result: [{ nodeId: "n1" }] } });
    // §5.3.9: the instances of this deployment only.
    expect(seenSince(start)).toEqual(["GET /v3/p1/ai-mgr/deployments/d1", "GET /v3/p1/ai-mgr/pods?deployment_id=d1&limit=100&offset=0", "GET /v3/p1/deployment/d1/tags"]);
  });

  it("a template without apps, or apps without variables, reads without a config hash", async () => {
    srv.answer({ body: { id: "d1", name: "sparse", state: "RUNNING", replicas: 1, template: { configs: { restart_policy: "Always" } } } }, { body: { pods: [] } }, { body: { tags: [] } });
    expect((await deploymentDefinition.api.read(scriptedContext(), "d1", parsed()))!.inputs).toEqual({ name: "sparse", replicas: 1, template: { configs: { restartPolicy: "Always" } }, pausedNodeIds: [], tags: [] });
    const apps = [{ name: "a", app_url: "u" }, { name: "b", app_url: "u", envs: [{ name: "MODE", value: "x" }, { name: "EDGEAI_CONFIG_HASH", value: "h9" }] }];
    srv.answer({ body: { id: "d1", name: "sparse", state: "RUNNING", replicas: 1, template: { apps } } }, { body: { pods: [] } }, { body: { tags: [] } });
    const read = await deploymentDefinition.api.read(scriptedContext(), "d1", {} as never);
    expect(read!.inputs).toMatchObject({ configHash: "h9", template: { apps: [{ name: "a", appUrl: "u" }, { name: "b", appUrl: "u", envs: [{ name: "MODE", value: "x" }] }] } });
  });

  it("pausing an instance is safe to repeat: an answer lost to a server error is asked again", async () => {
    const retrying = () => contextFor(resolveConfig(() => undefined, { HW_HILENS_ENDPOINT: srv.url, HW_PROJECT_ID: "p1", HW_ACCESS_KEY: "ak", HW_SECRET_KEY: "sk", HW_MAX_RETRIES: "1" }));
    const instances = [{ id: "p1", node_id: "n1", status: "Pending" }, { id: "p2", node_id: "n2", status: "Pending" }];
    srv.answer(
      { body: { id: "d6" } },
      { body: { id: "d6", state: "CREATING", replicas: 2 } },
      { body: { count: 2, pods: instances } },
      { status: 502, body: { error_code: "HIL.0502", error_msg: "bad gateway" } },
      { body: { pod_id: "p2" } },
      { body: { id: "d6", state: "RUNNING", replicas: 2, ready_replicas: 1, node_ids: ["n1", "n2"] } },
    );
    const created = await deploymentDefinition.api.create(retrying(), parsed({ replicas: 2, nodeIds: ["n1", "n2"], pausedNodeIds: ["n2"], awaitTimeouts: { create: "5s" } }));
    expect(created).toEqual({ id: "d6", state: { state: "RUNNING", readyReplicas: 1, deployedNodeIds: ["n1", "n2"] } });
    expect(srv.seen.filter((r) => r.method === "POST").map((r) => r.url)).toEqual(["/v3/p1/ai-mgr/deployments", "/v3/p1/ai-mgr/deployments/d6/p2/action/pause", "/v3/p1/ai-mgr/deployments/d6/p2/action/pause"]);
  });

  it("a failure without a reason says so; the partial state keeps what the service answered", async () => {
    srv.answer({ body: { id: "d2" } }, { body: { id: "d2", state: "CREATE_FAILED", replicas: 1, node_ids: ["n1"] } });
    const err: any = await deploymentDefinition.api.create(scriptedContext(), parsed()).catch((e) => e);
    expect(err.message).toBe('edgeai:hilens:Deployment "sparse" (d2) did not become ready: CREATE_FAILED: no reason given');
    expect(err.state).toEqual({ state: "CREATE_FAILED", readyReplicas: 0, deployedNodeIds: ["n1"] });
  });

  it("ready means every replica that is not paused ready; the wait names the count it waits for", async () => {
    const running = { id: "d3", state: "RUNNING", replicas: 3, ready_replicas: 1 };
    const instances = ["n1", "n2", "n3"].map((node, i) => ({ id: `p${i}`, node_id: node, status: node === "n2" ? "Succeeded" : "Running" }));
    // The create's answer, the pause step's look (n2 is already paused: nothing to do), then the wait's reads.
    srv.answer({ body: { id: "d3" } }, { body: running }, { body: { count: 3, pods: instances } }, ...Array.from({ length: 5 }, () => ({ body: running })));
    const err: any = await deploymentDefinition.api.create(scriptedContext(), parsed({ replicas: 3, nodeIds: ["n1", "n2", "n3"], pausedNodeIds: ["n2"], awaitTimeouts: { create: "1ms" } })).catch((e) => e);
    expect(err.message).toBe('edgeai:hilens:Deployment "sparse" (d3) did not become ready: timed out after 0s waiting (last seen: RUNNING, 1/2 ready)');
    expect(srv.seen.filter((r) => r.method === "POST").map((r) => r.url)).toEqual(["/v3/p1/ai-mgr/deployments"]);
  });

  it("ready also means RUNNING: a deployment still creating is not ready even with its count ready", async () => {
    srv.answer({ body: { id: "d4" } }, { body: { id: "d4", state: "CREATING", replicas: 1 } }, { body: { id: "d4", state: "CREATING", replicas: 1, ready_replicas: 1 } }, { body: { id: "d4", state: "RUNNING", replicas: 1, ready_replicas: 1 } });
    const logged: string[] = [];
    // The same clients, with the progress lines kept.
    const ctx = Object.assign(Object.create(scriptedContext()), { log: (line: string) => void logged.push(line) });
    const created = await deploymentDefinition.api.create(ctx, parsed({ awaitTimeouts: { create: "5s" } }));
    expect(created).toEqual({ id: "d4", state: { state: "RUNNING", readyReplicas: 1, deployedNodeIds: [] } });
    expect(logged.map((l) => l.replace(/ \(\d+s\)$/, ""))).toEqual(["deployment sparse: CREATING, 0/1 ready", "deployment sparse: CREATING, 1/1 ready", "deployment sparse: RUNNING, 1/1 ready"]);
  });

  it("delete reports DELETE_FAILED with its reason or without one, and passes on errors other than not found", async () => {
    // A limit well beyond the answers: a missed failure times out instead.
    const inputs = parsed({ awaitTimeouts: { delete: "5s" } });
    srv.answer({ body: {} }, { body: { state: "DELETE_FAILED", reason: "instances are stuck" } });
    await expect(deploymentDefinition.api.delete(scriptedContext(), "d5", inputs, {})).rejects.toThrow('edgeai:hilens:Deployment "sparse" (d5) was not deleted: DELETE_FAILED: instances are stuck');
    srv.answer({ body: {} }, { body: { state: "DELETE_FAILED" } });
    await expect(deploymentDefinition.api.delete(scriptedContext(), "d5", inputs, {})).rejects.toThrow('edgeai:hilens:Deployment "sparse" (d5) was not deleted: DELETE_FAILED: no reason given');
    srv.answer({ body: {} }, { status: 403, body: { error_code: "HIL.0403", error_msg: "no permission" } });
    await expect(deploymentDefinition.api.delete(scriptedContext(), "d5", inputs, {})).rejects.toMatchObject({ status: 403 });
    const start = srv.seen.length;
    srv.answer({ body: {} }, { body: { state: "DELETING" } }, { status: 404, body: { error_code: "HIL.0404", error_msg: "not found" } });
    const logged: string[] = [];
    const ctx = Object.assign(Object.create(scriptedContext()), { log: (line: string) => void logged.push(line) });
    await deploymentDefinition.api.delete(ctx, "d5", inputs, {});
    expect(seenSince(start)).toEqual(["DELETE /v3/p1/ai-mgr/deployments/d5", "GET /v3/p1/ai-mgr/deployments/d5", "GET /v3/p1/ai-mgr/deployments/d5"]);
    expect(logged.map((l) => l.replace(/ \(\d+s\)$/, ""))).toEqual(["deployment sparse: DELETING", "deployment sparse: deleted"]);
  });
});

describe("advice and configHash", () => {
  const advise = (args: Record<string, unknown>) => deploymentDefinition.advice!(args as never);
  const ADVICE = "this deployment reads config maps or secrets but has no configHash: changing them will not restart its apps, which read them at start. Set configHash: hilens.configHash(configMap, secret, ...).";
  const withApp = (extra: Record<string, unknown>) => ({ template: { configs: { restartPolicy: "Always" }, apps: [app(), app(extra)] } });

  it("warns when an app reads a config map or secret (variable or volume) without a configHash", () => {
    expect(advise(withApp({ envs: [{ name: "A", value: "1" }, { name: "B", valueFrom: { secret: { name: "creds", key: "token" } } }] }))).toEqual([ADVICE]);
    const scratch = { name: "scratch", type: "emptyDir", source: "disk", destination: "/tmp", readOnly: false };
    for (const type of ["configMap", "secret"]) expect(advise(withApp({ volumes: [scratch, { name: "v", type, source: "app-config", destination: "/etc", readOnly: true }] }))).toEqual([ADVICE]);
    expect(advise(withApp({ volumes: [{ name: "v", type: "emptyDir", source: "disk", destination: "/tmp", readOnly: false }], envs: [{ name: "A", value: "1" }] }))).toEqual([]);
    expect(advise({ ...withApp({ envs: [{ name: "B", valueFrom: { configmap: { name: "app-config", key: "k" } } }] }), configHash: "h" })).toEqual([]);
    // A program still being written (no template yet) gets no advice, and no error.
    expect(advise({ name: "draft" })).toEqual([]);
  });

  it("configHash is 32 hex characters that change with any source's name, entries, ID or update time", async () => {
    const value = (...sources: Parameters<typeof configHash>) => new Promise<string>((resolve) => configHash(...sources).apply(resolve));
    const base = { name: "cfg", configs: [{ key: "k", value: "v" }], id: "s1", updatedAt: "t1" };
    const hash = await value(base);
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(await value({ ...base })).toBe(hash);
    for (const changed of [{ name: "cfg2" }, { configs: [{ key: "k", value: "w" }] }, { id: "s2" }, { updatedAt: "t2" }]) expect(await value({ ...base, ...changed }), JSON.stringify(changed)).not.toBe(hash);
    expect(await value(base, base)).not.toBe(hash);
  });
});
