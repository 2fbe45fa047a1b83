import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { startEmulator, DEFAULTS, Emulator, ManualClock } from "../../emulator";
import { until } from "./wait";
import { configure, handlers } from "../../provider/framework/runtime";
import { UNKNOWN } from "../../provider/framework/validate";
import { durationMs } from "../../provider/framework/await";
import { HuaweiServiceClient, huaweiAuth } from "../../provider/client/huawei";
import { resolveConfig } from "../../provider/config";
import { ApiError } from "../../provider/client/errors";
import { getDeploymentInstances, getDevices, getFirmwares } from "../../provider/hilens";
import { deploymentJobDefinition } from "../../provider/hilens/deploymentJob";
import { contextFor } from "../../provider/framework/context";
import { ScriptedServer, startScriptedServer } from "./scripted-server";

const DEVICE = "edgeai:hilens:Device";
const DEPLOYMENT = "edgeai:hilens:Deployment";
const JOB = "edgeai:hilens:DeploymentJob";
const CONFIG_MAP = "edgeai:hilens:ConfigMap";
const PROVIDER = { __provider: "serialized provider" };

let emu: Emulator;
let dataDir: string;
/** The emulator's time: deployments, upgrades and timestamps move when a test advances it, never while it sleeps. */
const clock = new ManualClock();
/** Devices connect when told to; deployments settle (and go) on their first read unless a test sets a readiness time. */
const TIMING = { deviceConnectMs: null, deploymentReadyMs: 0, firmwareUpgradeMs: 600 };
let api: HuaweiServiceClient;

const app = (extra: Record<string, unknown> = {}) => ({ name: "detector", appUrl: "swr.example.com/vision/detector:1.0", resources: { limits: { cpu: 0.5, memory: 256 } }, ...extra });
const deploymentArgs = (extra: Record<string, unknown>) => ({ name: "detector", template: { configs: { restartPolicy: "Always" }, apps: [app()] }, ...extra, ...PROVIDER });

async function checked(type: string, args: Record<string, unknown>) {
  const result = await handlers.check(type, {}, { ...args, ...PROVIDER });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs;
}

async function setOnline(nodeId: string, online: boolean) {
  await emu.control("PUT", `/__emulator/hilens/${DEFAULTS.projectId}/nodes/${nodeId}/connection`, { online });
}

async function setTiming(timing: Record<string, number | null>) {
  await emu.control("PUT", "/__emulator/hilens/timing", timing);
}

/** How many requests since index `start` match. */
const seen = (start: number, method: string, pattern: RegExp) => emu.requests.since(start).filter((r) => r.method === method && pattern.test(r.path)).length;

/** A registered device whose agent has connected. */
async function onlineDevice(name: string, extra: Record<string, unknown> = {}) {
  const created = await handlers.create(DEVICE, await checked(DEVICE, { name, ...extra }));
  await setOnline(created.id, true);
  return created;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-hilens-fleet-"));
  emu = await startEmulator({ dataDir, clock, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }] });
  const values: Record<string, string> = { hilensEndpoint: emu.url, projectId: DEFAULTS.projectId, accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries: "0" };
  await configure({ config: { get: (key: string) => values[key.replace(/^edgeai:/, "")] } } as never);
  // The functions read the stack config the way a program does.
  process.env.PULUMI_CONFIG = JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [`edgeai:${k}`, v])));
  const cfg = resolveConfig((key) => values[key], {});
  api = new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg));
  await setTiming(TIMING);
});

// Timing is emulator-wide: every test starts from the same.
afterEach(() => setTiming(TIMING));

afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("check: fleet inputs are validated before any request", () => {
  it("names resource, field and documented rule", async () => {
    const device = await handlers.check(DEVICE, {}, { name: "bad name!", firmwareVersion: "01.2.3", logConfigs: [{ component: "app", type: "LTS", size: 5 }] });
    expect(device.failures?.map((f) => f.property)).toEqual(["name", "logConfigs[0].size", "firmwareVersion"]);
    expect(device.failures?.[0].reason).toMatch(/^edgeai:hilens:Device: field "name": .*HiLens §5\.1\.2.*HIL\.0055/);

    const both = await handlers.check(DEPLOYMENT, {}, deploymentArgs({ nodeIds: ["n1"], nodeTags: [{ key: "site", value: "a" }] }));
    expect(both.failures?.[0].reason).toMatch(/field "nodeIds": set exactly one of nodeIds and nodeTags \(HiLens §5\.3\.2\)/);

    const env = await handlers.check(DEPLOYMENT, {}, deploymentArgs({ nodeIds: ["n1"], template: { configs: { restartPolicy: "Always" }, apps: [app({ envs: [{ name: "A", value: "x", fieldPath: "status.hostIP" }] })] } }));
    expect(env.failures?.[0]).toMatchObject({ property: "template.apps[0].envs[0]", reason: expect.stringContaining("set exactly one of value, valueFrom and fieldPath") });

    const volume = await handlers.check(DEPLOYMENT, {}, deploymentArgs({ nodeIds: ["n1"], template: { configs: { restartPolicy: "Always" }, apps: [app({ volumes: [{ name: "cfg", type: "configMap", source: "app-config", destination: "/etc/app", readOnly: false }] })] } }));
    expect(volume.failures?.[0].reason).toMatch(/field "template\.apps\[0\]\.volumes\[0\]\.readOnly": configMap volumes are read-only/);

    const timeouts = await handlers.check(DEPLOYMENT, {}, deploymentArgs({ nodeIds: ["n1"], awaitTimeouts: { create: "ten minutes" } }));
    expect(timeouts.failures?.[0].reason).toMatch(/field "awaitTimeouts\.create": must be a duration/);
  });

  it("does not fail on values still unknown in preview", async () => {
    const result = await handlers.check(DEPLOYMENT, {}, deploymentArgs({ nodeIds: UNKNOWN, configHash: UNKNOWN }));
    expect(result.failures ?? []).toEqual([]);
  });

  it("reads customTimeouts durations the way Pulumi writes them", () => {
    expect(durationMs("90s")).toBe(90_000);
    expect(durationMs("1h30m")).toBe(5_400_000);
    expect(durationMs("1.5m")).toBe(90_000);
  });
});

describe("diff: steering inputs and target devices", () => {
  const olds = { ...deploymentArgs({ nodeIds: ["n1", "n2"] }), tags: [], state: "RUNNING" };

  it("changing awaitTimeouts or skipAwait is not a change", async () => {
    const result = await handlers.diff(DEPLOYMENT, "d", olds, { ...olds, awaitTimeouts: { create: "1m" }, skipAwait: true });
    expect(result.changes).toBe(false);
  });

  it("adding or removing a device, or pausing one, updates in place", async () => {
    expect(await handlers.diff(DEPLOYMENT, "d", olds, { ...olds, nodeIds: ["n1", "n2", "n3"] })).toMatchObject({ changes: true, replaces: [] });
    expect(await handlers.diff(DEPLOYMENT, "d", olds, { ...olds, nodeIds: ["n1"] })).toMatchObject({ changes: true, replaces: [] });
    expect(await handlers.diff(DEPLOYMENT, "d", olds, { ...olds, nodeIds: UNKNOWN })).toMatchObject({ changes: true, replaces: [] });
    expect(await handlers.diff(DEPLOYMENT, "d", olds, { ...olds, pausedNodeIds: ["n2"] })).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("Device against the emulator", () => {
  it("the registration package is a secret output holding the device's key, kept across read and update", async () => {
    const inputs = await checked(DEVICE, { name: "cam-01", tags: [{ key: "site", value: "north" }] });
    const created = await handlers.create(DEVICE, inputs);
    const files = gunzipSync(Buffer.from(String(created.outs!.package), "base64")).toString("latin1");
    expect(files).toContain("node.conf");
    expect(files).toContain("BEGIN PRIVATE KEY");
    const read = await handlers.read(DEVICE, created.id, created.outs!);
    expect(read.props!.package).toBe(created.outs!.package);
    const updated = await handlers.update(DEVICE, created.id, read.props!, { ...inputs, description: "north gate" });
    expect(updated.outs!.package).toBe(created.outs!.package);
    await handlers.delete(DEVICE, created.id, updated.outs!);
  });

  it("tags are reconciled with the tag API, and a console edit shows as drift", async () => {
    const inputs = await checked(DEVICE, { name: "cam-02", tags: [{ key: "site", value: "north" }, { key: "role", value: "gate" }] });
    const created = await handlers.create(DEVICE, inputs);
    await api.call("DELETE /v3/{project_id}/{resource_type}/{resource_id}/tags/{key}", { resource_type: "node", resource_id: created.id, key: "role" });
    await api.call("POST /v3/{project_id}/{resource_type}/{resource_id}/tags", { resource_type: "node", resource_id: created.id }, { body: { tags: [{ key: "owner", value: "ops" }] } });
    const read = await handlers.read(DEVICE, created.id, created.outs!);
    expect(read.inputs!.tags).toEqual([{ key: "site", value: "north" }, { key: "owner", value: "ops" }]);
    expect((await handlers.diff(DEVICE, created.id, read.props!, inputs)).changes).toBe(true);
    await handlers.update(DEVICE, created.id, read.props!, inputs);
    const live = await api.call("GET /v3/{project_id}/{resource_type}/{resource_id}/tags", { resource_type: "node", resource_id: created.id });
    expect(live.tags).toEqual(expect.arrayContaining([{ key: "site", value: "north" }, { key: "role", value: "gate" }]));
    expect(live.count).toBe(2);
    await handlers.delete(DEVICE, created.id, created.outs!);
  });

  it("enabled: false stops the device and true starts it again", async () => {
    const device = await onlineDevice("cam-03");
    const inputs = await checked(DEVICE, { name: "cam-03", enabled: false });
    const stopped = await handlers.update(DEVICE, device.id, device.outs!, inputs);
    expect(stopped.outs!.state).toBe("STOPPED");
    const started = await handlers.update(DEVICE, device.id, stopped.outs!, { ...inputs, enabled: true });
    expect(started.outs!.state).toBe("RUNNING");
    await handlers.delete(DEVICE, device.id, started.outs!);
  });

  it("a device managed by ief is stopped and started on ief (§5.1.6 `provider`), not looked up on hilens", async () => {
    const created = await handlers.create(DEVICE, await checked(DEVICE, { name: "cam-ief", provider: "ief", enabled: false }));
    await setOnline(created.id, true);
    expect(created.outs!.state).toBe("STOPPED");
    const inputs = await checked(DEVICE, { name: "cam-ief", provider: "ief", enabled: true });
    const started = await handlers.update(DEVICE, created.id, created.outs!, inputs);
    expect(started.outs!.state).toBe("RUNNING");
    // The document's default platform is hilens: there the device does not exist.
    await expect(api.call("POST /v3/{project_id}/ai-mgr/nodes/{id}/action/{action}", { id: created.id, action: "stop" })).rejects.toMatchObject({ status: 404 });
    await handlers.delete(DEVICE, created.id, started.outs!);
  });

  it("a firmware change upgrades, waits for completion, and reports the new version", async () => {
    const device = await onlineDevice("cam-04");
    const inputs = await checked(DEVICE, { name: "cam-04", firmwareVersion: "2.0.0" });
    const start = emu.requests.length;
    let settled = false;
    const updating = handlers.update(DEVICE, device.id, device.outs!, inputs).finally(() => (settled = true));
    // It follows the progress (§5.1.10) until the upgrade's 600 ms have passed on the emulator's clock.
    await until("two progress reads", () => seen(start, "GET", /\/firmware\/upgrade-progress$/) >= 2);
    expect(settled).toBe(false);
    clock.advance(600);
    const updated = await updating;
    expect(updated.outs).toMatchObject({ runningFirmwareVersion: "2.0.0", firmwareStatus: "3", state: "RUNNING" });
    const unknownVersion = await handlers.update(DEVICE, device.id, updated.outs!, { ...inputs, firmwareVersion: "3.0.0" }).catch((e) => e);
    expect(unknownVersion.message).toMatch(/no firmware 3\.0\.0 for a General ARM Device .*available: 1\.0\.0, 1\.1\.0, 2\.0\.0/);
    await handlers.delete(DEVICE, device.id, updated.outs!);
  });

  it("an upgrade that fails is reported with its cause, keeping the package", async () => {
    const device = await onlineDevice("cam-05");
    const start = emu.requests.length;
    const upgrade = handlers.update(DEVICE, device.id, device.outs!, await checked(DEVICE, { name: "cam-05", firmwareVersion: "1.1.0" })).catch((e) => e);
    await until("the upgrade being followed", () => seen(start, "GET", /\/firmware\/upgrade-progress$/) >= 1);
    await setOnline(device.id, false);
    const err = await upgrade;
    expect(err.message).toMatch(/firmware upgrade to 1\.1\.0 did not complete: The device went offline during the upgrade/);
    expect(err.id).toBe(device.id);
    expect(err.properties.package).toBe(device.outs!.package);
    expect(err.properties.__provider).toBe(PROVIDER.__provider);
    await handlers.delete(DEVICE, device.id, device.outs!);
  });
});

describe("Deployment against the emulator", () => {
  it("create waits until RUNNING with every replica ready", async () => {
    await setTiming({ deploymentReadyMs: 1500 });
    const device = await onlineDevice("edge-01");
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "waits", nodeIds: [device.id] }));
    const start = emu.requests.length;
    let settled = false;
    const creating = handlers.create(DEPLOYMENT, inputs).finally(() => (settled = true));
    await until("two reads of the new deployment", () => seen(start, "GET", /\/ai-mgr\/deployments\/[^/]+$/) >= 2);
    expect(settled).toBe(false);
    clock.advance(1500);
    const created = await creating;
    await setTiming({ deploymentReadyMs: 0 });
    expect(created.outs).toMatchObject({ state: "RUNNING", readyReplicas: 1, deployedNodeIds: [device.id] });
    const read = await handlers.read(DEPLOYMENT, created.id, created.outs!);
    expect((await handlers.diff(DEPLOYMENT, created.id, read.props!, inputs)).changes).toBe(false);
    await handlers.delete(DEPLOYMENT, created.id, created.outs!);
    expect(await api.call("GET /v3/{project_id}/ai-mgr/deployments/{id}", { id: created.id }).catch((e) => e.status)).toBe(404);
    await handlers.delete(DEVICE, device.id, device.outs!);
  });

  it("an offline device fails create with the reason, keeping the deployment; an update after fixing converges", async () => {
    const device = await handlers.create(DEVICE, await checked(DEVICE, { name: "edge-02" }));
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "offline", nodeIds: [device.id] }));
    const err = await handlers.create(DEPLOYMENT, inputs).catch((e) => e);
    expect(err.message).toMatch(/Deployment "offline" \(hilens-\w+\) did not become ready: CREATE_FAILED: The device hilens-\w+ is offline/);
    expect(err.properties).toMatchObject({ state: "CREATE_FAILED", __provider: PROVIDER.__provider, name: "offline" });
    await setOnline(device.id, true);
    const fixed = await handlers.update(DEPLOYMENT, err.id, err.properties, inputs);
    expect(fixed.outs).toMatchObject({ state: "RUNNING", readyReplicas: 1 });
    await handlers.delete(DEPLOYMENT, err.id, fixed.outs!);
    await handlers.delete(DEVICE, device.id, device.outs!);
  });

  it("gives up after the create timeout, and skipAwait does not wait", async () => {
    const device = await onlineDevice("edge-03");
    await setTiming({ deploymentReadyMs: 60_000 });
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "slow", nodeIds: [device.id], awaitTimeouts: { create: "1s" } }));
    const err = await handlers.create(DEPLOYMENT, inputs).catch((e) => e);
    expect(err.message).toMatch(/did not become ready: timed out after 1s waiting \(last seen: CREATING, 0\/1 ready\)/);
    const quick = await handlers.create(DEPLOYMENT, await checked(DEPLOYMENT, deploymentArgs({ name: "quick", nodeIds: [device.id], skipAwait: true })));
    expect(quick.outs!.state).toBe("CREATING");
    await setTiming({ deploymentReadyMs: 0 });
    await handlers.delete(DEPLOYMENT, err.id, err.properties);
    await handlers.delete(DEPLOYMENT, quick.id, quick.outs!);
    await handlers.delete(DEVICE, device.id, device.outs!);
  });

  it("a config hash change restarts the instances; adding a device deploys to it in place", async () => {
    const first = await onlineDevice("edge-04");
    const second = await onlineDevice("edge-05");
    const cm = await handlers.create(CONFIG_MAP, await checked(CONFIG_MAP, { name: "detector-config", configs: [{ key: "threshold", value: "high" }] }));
    const envs = [{ name: "THRESHOLD", valueFrom: { configmap: { name: "detector-config", key: "threshold" } } }];
    const inputs = await checked(DEPLOYMENT, deploymentArgs({ name: "rolls", nodeIds: [first.id], configHash: "h1", template: { configs: { restartPolicy: "Always" }, apps: [app({ envs })] } }));
    const created = await handlers.create(DEPLOYMENT, inputs);
    const podBefore = (await getDeploymentInstances({ deploymentId: created.id })).instances[0];
    expect(podBefore).toMatchObject({ status: "Running", nodeId: first.id });
    // Instance times have whole seconds: a restart a second later shows a new one.
    clock.advance(1000);
    const rolled = await handlers.update(DEPLOYMENT, created.id, created.outs!, { ...inputs, configHash: "h2" });
    const podAfter = (await getDeploymentInstances({ deploymentId: created.id })).instances[0];
    expect(podAfter.createdAt).not.toBe(podBefore.createdAt);
    const live = await api.call("GET /v3/{project_id}/ai-mgr/deployments/{id}", { id: created.id });
    expect(live.template.apps[0].envs).toContainEqual({ name: "EDGEAI_CONFIG_HASH", value: "h2" });
    const read = await handlers.read(DEPLOYMENT, created.id, rolled.outs!);
    expect(read.inputs!.configHash).toBe("h2");

    const grown = await handlers.update(DEPLOYMENT, created.id, read.props!, { ...inputs, configHash: "h2", nodeIds: [first.id, second.id] });
    expect(grown.outs).toMatchObject({ state: "RUNNING", deployedNodeIds: [first.id, second.id] });
    expect((await getDeploymentInstances({ deploymentId: created.id })).instances).toHaveLength(2);
    await handlers.delete(DEPLOYMENT, created.id, grown.outs!);
    await handlers.delete(CONFIG_MAP, cm.id, cm.outs!);
    for (const d of [first, second]) await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("targets devices by tag", async () => {
    const devices = [await onlineDevice("tagged-1", { tags: [{ key: "zone", value: "a" }] }), await onlineDevice("tagged-2", { tags: [{ key: "zone", value: "b" }] })];
    const created = await handlers.create(DEPLOYMENT, await checked(DEPLOYMENT, deploymentArgs({ name: "by-tag", nodeTags: [{ key: "zone", value: "b" }], nodeNum: 1 })));
    expect(created.outs!.deployedNodeIds).toEqual([devices[1].id]);
    await handlers.delete(DEPLOYMENT, created.id, created.outs!);
    for (const d of devices) await handlers.delete(DEVICE, d.id, d.outs!);
  });
});

describe("DeploymentJob against the emulator", () => {
  it("creates, edits and deletes a task; free-form stream data keeps its keys", async () => {
    const device = await onlineDevice("job-host");
    const deployment = await handlers.create(DEPLOYMENT, await checked(DEPLOYMENT, deploymentArgs({ name: "jobs", nodeIds: [device.id] })));
    const streams = [{ input: { type: "camera", data: { rtspUrl: "rtsp://10.0.0.5/live" } }, outputs: [{ type: "dis", data: { streamName: "detections" } }] }];
    const inputs = await checked(JOB, { deploymentId: deployment.id, name: "gate-camera", streams });
    const job = await handlers.create(JOB, inputs);
    expect(job.outs).toMatchObject({ sumPodNumber: 1, okPodNumber: 1 });
    const raw = await api.call("GET /v3/{project_id}/ai-mgr/deployments/{deployment_id}/tasks/{id}", { deployment_id: deployment.id, id: job.id });
    expect(raw.streams[0].input.data).toEqual({ rtspUrl: "rtsp://10.0.0.5/live" });
    const read = await handlers.read(JOB, job.id, job.outs!);
    expect((await handlers.diff(JOB, job.id, read.props!, inputs)).changes).toBe(false);
    const edited = await handlers.update(JOB, job.id, job.outs!, { ...inputs, description: "north gate" });
    expect((await handlers.read(JOB, job.id, edited.outs!)).inputs).toMatchObject({ description: "north gate" });
    await handlers.delete(JOB, job.id, job.outs!);
    await handlers.delete(DEPLOYMENT, deployment.id, deployment.outs!);
    await handlers.delete(DEVICE, device.id, device.outs!);
  });

  it("an import (no previous inputs, `<deploymentId>/<id>`) reads the task's schedule whole and its own task ID, as the program declared them", async () => {
    const device = await onlineDevice("scheduled-host");
    const deployment = await handlers.create(DEPLOYMENT, await checked(DEPLOYMENT, deploymentArgs({ name: "scheduled", nodeIds: [device.id] })));
    const streams = [{ input: { type: "camera", data: { rtspUrl: "rtsp://10.0.0.5/live" } }, outputs: [{ type: "dis", data: { streamName: "detections" } }] }];
    const startTimeInfo = { startTime: "08:00", frequency: "daily", dayTimeFrame: [{ start: "08:00", stop: "18:00" }] };
    const inputs = await checked(JOB, { deploymentId: deployment.id, name: "day-shift", streams, taskId: "gate-7", startTimeInfo });
    const job = await handlers.create(JOB, inputs);
    const imported = await handlers.read(JOB, `${deployment.id}/${job.id}`, {});
    expect(imported.inputs).toMatchObject({ deploymentId: deployment.id, name: "day-shift", taskId: "gate-7", startTimeInfo });
    await handlers.delete(JOB, job.id, job.outs!);
    await handlers.delete(DEPLOYMENT, deployment.id, deployment.outs!);
    await handlers.delete(DEVICE, device.id, device.outs!);
  });
});

describe("DeploymentJob: what it sends and how it reads a task", () => {
  // A server per test: answers a failing test left unread never reach the next one.
  let scripted: ScriptedServer;
  beforeEach(async () => {
    scripted = await startScriptedServer();
  });
  afterEach(() => scripted.close());

  /** The provider's context against the scripted server, with the settings of the emulator's. */
  const scriptedContext = (maxRetries = "0") => {
    const values: Record<string, string> = { hilensEndpoint: scripted.url, projectId: DEFAULTS.projectId, accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries };
    return contextFor(resolveConfig((key) => values[key], {}));
  };
  const declared = (args: Record<string, unknown>) => deploymentJobDefinition.inputs.parse(args) as any;
  /** What the scripted server got, as `METHOD path?query` with the parsed JSON body; the record is emptied. */
  const received = () => scripted.seen.splice(0).map((r) => ({ request: `${r.method} ${r.url.replace(`/v3/${DEFAULTS.projectId}/`, "/v3/{p}/")}`, body: r.body ? JSON.parse(r.body) : undefined }));

  const streams = [{ input: { type: "camera", data: { rtspUrl: "rtsp://10.0.0.5/live" } }, outputs: [{ type: "dis", data: { streamName: "detections" } }], common: { frameRate: 5 } }];
  const startTimeInfo = { startTime: "08:00", frequency: "daily", mode: "window", dayTimeFrame: [{ start: "08:00", stop: "18:00" }], singleTimeFrame: [{ start: "2024-01-01 00:00", stop: "2024-01-02 00:00" }] };
  const everyField = { deploymentId: "d-1", name: "gate", description: "north gate", business: "create", instanceId: "i-1", timestamp: "1700000000", streams, taskId: "gate-7", startTimeInfo, sourceUsageEstimate: { cpu: 0.5, memory: 256 } };
  /** §5.5.2 in the document's names: free-form stream data and common parameters keep their keys. */
  const documentedBody = {
    name: "gate",
    description: "north gate",
    business: "create",
    instance_id: "i-1",
    timestamp: "1700000000",
    data: {
      streams: [{ common: { frameRate: 5 }, input: { type: "camera", data: { rtspUrl: "rtsp://10.0.0.5/live" } }, outputs: [{ type: "dis", data: { streamName: "detections" } }] }],
      task_id: "gate-7",
      start_time_info: { start_time: "08:00", frequency: "daily", mode: "window", day_time_frame: [{ start: "08:00", stop: "18:00" }], single_time_frame: [{ start: "2024-01-01 00:00", stop: "2024-01-02 00:00" }] },
      source_usage_estimate: { cpu: 0.5, memory: 256 },
    },
  };
  /** §5.5.3 TaskInfo of a task running on two instances, one of them failed. */
  const taskInfo = {
    task_id: "t-1",
    name: "gate",
    user_task_id: "gate-7",
    ok_pod_number: 1,
    cur_pod_number: 1,
    sum_pod_number: 2,
    fail_pod_number: 1,
    pending_pod_number: 0,
    task_status: [
      { pod_id: "p-1", pod_name: "gate-a", task_status: "running", cause: null },
      { pod_id: "p-2", pod_name: "gate-b", task_status: "failed", cause: "no camera" },
    ],
  };
  const taskState = {
    userTaskId: "gate-7",
    okPodNumber: 1,
    curPodNumber: 1,
    sumPodNumber: 2,
    failPodNumber: 1,
    pendingPodNumber: 0,
    taskStatus: [
      { podId: "p-1", podName: "gate-a", taskStatus: "running" },
      { podId: "p-2", podName: "gate-b", taskStatus: "failed", cause: "no camera" },
    ],
  };

  it("create sends every field of the §5.5.2 body and edit (§5.5.5) the same on the singular task path; both read the counters back", async () => {
    scripted.answer({ body: { task_id: "t-1" } }, { body: taskInfo }, { body: { task_id: "t-1" } }, { body: taskInfo });
    const inputs = declared(everyField);
    const created = await deploymentJobDefinition.api.create(scriptedContext(), inputs);
    const updated = await deploymentJobDefinition.api.update!(scriptedContext(), "t-1", inputs, inputs, created.state);
    expect(received()).toEqual([
      { request: "POST /v3/{p}/ai-mgr/deployments/d-1/tasks", body: documentedBody },
      { request: "GET /v3/{p}/ai-mgr/deployments/d-1/tasks/t-1", body: undefined },
      { request: "POST /v3/{p}/ai-mgr/deployments/d-1/task/t-1", body: documentedBody },
      { request: "GET /v3/{p}/ai-mgr/deployments/d-1/tasks/t-1", body: undefined },
    ]);
    expect(created).toEqual({ id: "t-1", state: taskState });
    expect(updated).toEqual(taskState);
  });

  it("an edit answered 503 is sent again: editing a task twice is harmless", async () => {
    scripted.answer({ status: 503, headers: { "Retry-After": "0" }, body: { error_code: "HIL.5000", error_msg: "busy" } }, { body: { task_id: "t-1" } }, { body: taskInfo });
    const inputs = declared(everyField);
    expect(await deploymentJobDefinition.api.update!(scriptedContext("1"), "t-1", inputs, inputs, {})).toEqual(taskState);
    expect(received().map((r) => r.request)).toEqual(["POST /v3/{p}/ai-mgr/deployments/d-1/task/t-1", "POST /v3/{p}/ai-mgr/deployments/d-1/task/t-1", "GET /v3/{p}/ai-mgr/deployments/d-1/tasks/t-1"]);
  });

  it("delete removes the task from its deployment (§5.5.4)", async () => {
    await deploymentJobDefinition.api.delete(scriptedContext(), "t-1", declared(everyField), {});
    expect(received()).toEqual([{ request: "DELETE /v3/{p}/ai-mgr/deployments/d-1/tasks/t-1", body: undefined }]);
  });

  it("a task with only the required fields sends only those", async () => {
    scripted.answer({ body: { task_id: "t-2" } }, { body: { task_id: "t-2", name: "bare" } });
    const bare = { input: { type: "camera", data: {} }, outputs: [] };
    const created = await deploymentJobDefinition.api.create(scriptedContext(), declared({ deploymentId: "d-1", name: "bare", streams: [bare] }));
    expect(received()[0].body).toEqual({ name: "bare", data: { streams: [bare] } });
    expect(created).toEqual({ id: "t-2", state: {} });
  });

  it("read gives back every input as declared, seen through the program's shape, and the timestamp only when the program sets one", async () => {
    const live = { ...taskInfo, description: "north gate", timestamp: "1700000000", streams: [{ ...documentedBody.data.streams[0], common: null }], start_time_info: { ...documentedBody.data.start_time_info, mode: null }, source_usage_estimate: { cpu: 0.5, memory: 256 } };
    scripted.answer({ body: live }, { body: live });
    const { common: _common, ...withoutCommon } = streams[0];
    const { mode: _mode, ...schedule } = startTimeInfo;
    const read = await deploymentJobDefinition.api.read(scriptedContext(), "t-1", declared({ ...everyField, streams: [withoutCommon], startTimeInfo: { startTime: "08:00" } }));
    expect(read).toEqual({
      inputs: { deploymentId: "d-1", name: "gate", description: "north gate", streams: [withoutCommon], startTimeInfo: { startTime: "08:00" }, taskId: "gate-7", sourceUsageEstimate: { cpu: 0.5, memory: 256 }, timestamp: "1700000000" },
      state: taskState,
    });
    // An import declares only the task's deployment: the schedule reads whole, the timestamp not at all.
    const imported = await deploymentJobDefinition.api.read(scriptedContext(), "t-1", { deploymentId: "d-1" } as never);
    expect(imported!.inputs).toMatchObject({ startTimeInfo: schedule, streams: live.streams });
    expect(imported!.inputs).not.toHaveProperty("timestamp");
    expect(received().map((r) => r.request)).toEqual(["GET /v3/{p}/ai-mgr/deployments/d-1/tasks/t-1", "GET /v3/{p}/ai-mgr/deployments/d-1/tasks/t-1"]);
  });

  it("a task answer without its optional fields reads as no streams, schedule, IDs or counters", async () => {
    scripted.answer({ body: { task_id: "t-3", name: "sparse", description: null } });
    const read = await deploymentJobDefinition.api.read(scriptedContext(), "t-3", declared({ deploymentId: "d-1", name: "sparse", streams: [{ input: { type: "camera", data: {} }, outputs: [] }] }));
    received();
    expect(read).toEqual({ inputs: { deploymentId: "d-1", name: "sparse", streams: [] }, state: {} });
  });

  it("after a lost create answer, the candidates for the task made are the deployment's tasks with exactly its name", async () => {
    scripted.answer({ body: { count: 3, tasks: [{ task_id: "t-1", name: "gate" }, { task_id: "t-2", name: "gate-2" }, { task_id: "t-3", name: "gate" }] } });
    const identity = deploymentJobDefinition.identity as { candidates: (ctx: unknown, inputs: unknown) => Promise<string[]> };
    expect(await identity.candidates(scriptedContext(), declared(everyField))).toEqual(["t-1", "t-3"]);
    // §5.5.1 has no name filter: the whole list is read.
    expect(received().map((r) => r.request)).toEqual(["GET /v3/{p}/ai-mgr/deployments/d-1/tasks?limit=100&offset=0"]);
  });
});

describe("functions", () => {
  it("getFirmwares lists the versions for a device type; the required deviceType is checked first", async () => {
    const { firmwares } = await getFirmwares({ deviceType: "General ARM Device" });
    expect(firmwares.map((f) => f.version)).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
    expect(firmwares[0]).toMatchObject({ name: "HiLens_Device_Agent", arch: "aarch64", deviceType: "General ARM Device" });
    await expect(getFirmwares({} as never)).rejects.toThrow(/edgeai:hilens:getFirmwares: argument "deviceType"/);
  });

  it("getDevices filters by tag and returns tags as a list", async () => {
    const a = await handlers.create(DEVICE, await checked(DEVICE, { name: "listed-a", tags: [{ key: "fleet", value: "east" }] }));
    const b = await handlers.create(DEVICE, await checked(DEVICE, { name: "listed-b", tags: [{ key: "fleet", value: "west" }] }));
    const { devices } = await getDevices({ tags: [{ key: "fleet", value: "east" }] });
    expect(devices).toEqual([expect.objectContaining({ id: a.id, name: "listed-a", state: "UNCONNECTED", tags: [{ key: "fleet", value: "east" }] })]);
    for (const d of [a, b]) await handlers.delete(DEVICE, d.id, d.outs!);
  });
});

describe("emulator: documented answers", () => {
  it("HIL.0055 for an invalid device name; deployment errors carry error_message and request_id", async () => {
    const bad = await api.call("POST /v3/{project_id}/ai-mgr/nodes", {}, { body: { node: { name: "no spaces" } } }).catch((e) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad).toMatchObject({ status: 400, errorCode: "HIL.0055", errorMsg: "Invalid device name." });
    const res = await fetch(`${emu.url}/v3/${DEFAULTS.projectId}/ai-mgr/deployments/hilens-missing`, { headers: { "X-Auth-Token": "unknown" } });
    expect(res.status).toBe(403);
    const missing = await api.call("GET /v3/{project_id}/ai-mgr/deployments/{id}", { id: "hilens-missing" }).catch((e) => e);
    expect(missing).toMatchObject({ status: 404, errorCode: "HIL.0404", errorMsg: expect.stringContaining("hilens-missing") });
  });

  it("the deployment list defaults to 10 per page (§5.3.1)", async () => {
    const device = await onlineDevice("pager");
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) {
      const body = { name: `page-${i}`, source: "userdefined", node_ids: [device.id], deployment: { replicas: 1, template: { configs: { host_network: false, restart_policy: "Always" }, apps: [{ name: "a", app_url: "x", resources: {} }] } } };
      ids.push((await api.call("POST /v3/{project_id}/ai-mgr/deployments", {}, { body })).id);
    }
    const first = await api.call("GET /v3/{project_id}/ai-mgr/deployments");
    expect(first.count).toBe(11);
    expect(first.deployments).toHaveLength(10);
    for (const id of ids) await api.call("DELETE /v3/{project_id}/ai-mgr/deployments/{id}", { id }, { query: { force_delete: true } });
    await handlers.delete(DEVICE, device.id, device.outs!);
  });
});
