import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Emulator, DEFAULTS } from "../../emulator";
import { cleanup, consoleClient, createStack, expectImportedElsewhere, forEachDelivery, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { huaweiGet, huaweiRead } from "./server-state";
import { until } from "../unit/wait";

/**
 * The fleet through the real pulumi CLI: devices, a deployment that reads a config map and a
 * secret, a deployment task. Scenarios share one stack so the suite stays within a few minutes.
 */

interface Fleet {
  deviceDescription: string;
  firmwareVersion?: string;
  threshold: string;
  configHash: string;
  deploymentName: string;
  nodes: string[];
  standaloneName: string;
  jobDescription: string;
}

const app = (extra: Record<string, unknown> = {}) => ({
  name: "detector",
  appUrl: "swr.cn-north-4.myhuaweicloud.com/vision/detector:1.0",
  resources: { limits: { cpu: 0.5, memory: 256 } },
  ...extra,
});

function fleet(f: Fleet): ResourceSpec[] {
  return [
    { name: "cm", type: "hilens.ConfigMap", args: { name: "detector-config", configs: [{ key: "threshold", value: f.threshold }] } },
    { name: "sec", type: "hilens.Secret", args: { name: "upload-token", secrets: [{ key: "token", value: { $secret: "upload-SENTINEL-token" } }] } },
    {
      name: "dev1",
      type: "hilens.Device",
      args: { name: "gate-camera", description: f.deviceDescription, tags: [{ key: "site", value: "north" }], logConfigs: [{ component: "app", type: "local" }], ...(f.firmwareVersion ? { firmwareVersion: f.firmwareVersion } : {}) },
    },
    { name: "dev2", type: "hilens.Device", args: { name: "dock-camera", tags: [{ key: "site", value: "south" }] } },
    { name: "dev3", type: "hilens.Device", args: { name: f.standaloneName } },
    {
      name: "dep",
      type: "hilens.Deployment",
      args: {
        name: f.deploymentName,
        description: "people counting",
        nodeIds: f.nodes.map((n) => ({ $ref: `${n}.id` })),
        configHash: f.configHash,
        tags: [{ key: "model", value: "v1.2" }],
        template: {
          configs: { restartPolicy: "Always" },
          apps: [
            app({
              envs: [
                { name: "THRESHOLD", valueFrom: { configmap: { name: { $ref: "cm.name" }, key: "threshold" } } },
                { name: "UPLOAD_TOKEN", valueFrom: { secret: { name: { $ref: "sec.name" }, key: "token" } } },
              ],
            }),
          ],
        },
      },
    },
    {
      name: "job",
      type: "hilens.DeploymentJob",
      args: {
        deploymentId: { $ref: "dep.id" },
        name: "gate-stream",
        description: f.jobDescription,
        streams: [{ input: { type: "camera", data: { rtspUrl: "rtsp://10.0.0.5/live" } }, outputs: [{ type: "dis", data: { streamName: "people" } }] }],
        taskId: "gate-7",
        startTimeInfo: { startTime: "08:00", frequency: "daily", dayTimeFrame: [{ start: "08:00", stop: "18:00" }] },
      },
    },
  ];
}

const BASE: Fleet = { deviceDescription: "north gate", threshold: "high", configHash: "h1", deploymentName: "people-counter", nodes: ["dev1"], standaloneName: "spare-camera", jobDescription: "first" };
/** After the update and replace steps: what later scenarios build on. */
const UPDATED: Fleet = { ...BASE, deviceDescription: "north gate, pole 2", firmwareVersion: "2.0.0", threshold: "low", configHash: "h2", nodes: ["dev1", "dev2"], jobDescription: "second" };
const SETTLED: Fleet = { ...UPDATED, standaloneName: "spare-camera-2", deploymentName: "people-counter-2" };
const EXPORTS = { dev1: ["id", "package", "runningFirmwareVersion", "state"], dev2: ["id"], dev3: ["id"], dep: ["id", "state", "readyReplicas", "deployedNodeIds"], job: ["id", "sumPodNumber"] };

const changes = (summary: Record<string, number>) => Object.fromEntries(Object.entries(summary).filter(([k, v]) => k !== "same" && v > 0));
const values = (outputs: Record<string, { value: unknown }>) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])) as Record<string, any>;

forEachDelivery((delivery) => {
  let emulator: Emulator;
  let t: TestStack;
  const timing = (body: Record<string, number | null>) => emulator.control("PUT", "/__emulator/hilens/timing", body);
  const connection = (nodeId: string, online: boolean) => emulator.control("PUT", `/__emulator/hilens/${DEFAULTS.projectId}/nodes/${nodeId}/connection`, { online });
  const pods = (deploymentId: string) => consoleClient(emulator).call("GET /v3/{project_id}/ai-mgr/pods", {}, { query: { deployment_id: deploymentId } });

  beforeAll(async () => {
    emulator = await startEmulatorForTests(`hilens-fleet-${delivery}`);
    await timing({ deviceConnectMs: 300, deploymentReadyMs: 1000, firmwareUpgradeMs: 2000 });
    t = await createStack(emulator, "hilens-fleet", {}, { delivery });
  });
  afterAll(async () => {
    await emulator?.close();
    if (t) cleanup(t.dir);
  });

  describe("HiLens fleet through the real pulumi CLI", () => {
    let first: Record<string, any>;

    it("up registers the devices and waits for the deployment to run; a second preview shows no changes", async () => {
      t.declare(fleet(BASE), EXPORTS);
      first = values(await t.up());
      expect(first).toMatchObject({ "dep.state": "RUNNING", "dep.readyReplicas": 1, "dep.deployedNodeIds": [first["dev1.id"]], "job.sumPodNumber": 1 });
      const live = await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/deployments/${first["dep.id"]}`);
      expect(live.template.apps[0].envs).toContainEqual({ name: "THRESHOLD", value_from: { configmap: { name: "detector-config", key: "threshold" } } });
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("in place: a config change rolls the deployment, a new device joins it, the firmware upgrade is awaited", async () => {
      const before = (await pods(first["dep.id"])).pods[0];
      t.declare(fleet(UPDATED), EXPORTS);
      expect(changes(await t.previewChanges())).toEqual({ update: 4 });
      const outputs = values(await t.up());
      expect(outputs).toMatchObject({ "dep.id": first["dep.id"], "dev1.id": first["dev1.id"], "dev1.runningFirmwareVersion": "2.0.0", "dep.state": "RUNNING", "dep.deployedNodeIds": [first["dev1.id"], first["dev2.id"]] });
      const device = await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/nodes/${first["dev1.id"]}`);
      expect(device).toMatchObject({ firmware_version: "2.0.0", firmware_status: "3", description: "north gate, pole 2" });
      const after = (await pods(first["dep.id"])).pods;
      expect(after).toHaveLength(2);
      // The instance on the first device was restarted, so it reads the new config map value.
      expect(after.find((p: any) => p.node_id === first["dev1.id"]).created_at).not.toBe(before.created_at);
      expect(t.output.join("")).toMatch(/firmware 1\.0\.0 → 2\.0\.0: upgrading/);
    });

    it("replace: renaming a device registers a new one; renaming the deployment replaces it and its task", async () => {
      t.declare(fleet(SETTLED), EXPORTS);
      expect(changes(await t.previewChanges())).toEqual({ replace: 3 });
      const outputs = values(await t.up());
      expect(outputs["dev3.id"]).not.toBe(first["dev3.id"]);
      expect(outputs["dep.id"]).not.toBe(first["dep.id"]);
      expect((await huaweiGet(emulator, `/v3/{project_id}/ai-mgr/deployments/${first["dep.id"]}`)).status).toBe(404);
      expect((await huaweiGet(emulator, `/v3/{project_id}/ai-mgr/nodes/${first["dev3.id"]}`)).status).toBe(404);
      first = outputs;
    });

    it("refresh shows tags and descriptions edited in the console (device, deployment, task) as drift; up puts them back", async () => {
      const api = consoleClient(emulator);
      await api.call("POST /v3/{project_id}/{resource_type}/{resource_id}/tags", { resource_type: "node", resource_id: first["dev1.id"] }, { body: { tags: [{ key: "owner", value: "someone" }] } });
      await api.call("DELETE /v3/{project_id}/{resource_type}/{resource_id}/tags/{key}", { resource_type: "deployment", resource_id: first["dep.id"], key: "model" });
      await api.call("PUT /v3/{project_id}/ai-mgr/deployments/{id}", { id: first["dep.id"] }, { body: { description: "edited in console" } });
      const jobBody = (description: string) => ({ name: "gate-stream", description, data: { streams: [{ input: { type: "camera", data: { rtspUrl: "rtsp://10.0.0.5/live" } }, outputs: [{ type: "dis", data: { streamName: "people" } }] }] } });
      await api.call("POST /v3/{project_id}/ai-mgr/deployments/{deployment_id}/task/{id}", { deployment_id: first["dep.id"], id: first["job.id"] }, { body: jobBody("edited in console") });
      await t.refresh();
      expect(changes(await t.previewChanges())).toEqual({ update: 3 });
      await t.up();
      const job = await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/deployments/${first["dep.id"]}/tasks/${first["job.id"]}`);
      expect(job.description).toBe(SETTLED.jobDescription);
      const tags = await huaweiRead(emulator, `/v3/{project_id}/node/${first["dev1.id"]}/tags`);
      expect(tags.tags).toEqual([{ key: "site", value: "north" }]);
      const dep = await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/deployments/${first["dep.id"]}`);
      expect(dep.description).toBe("people counting");
      expect((await huaweiRead(emulator, `/v3/{project_id}/deployment/${first["dep.id"]}/tags`)).tags).toEqual([{ key: "model", value: "v1.2" }]);
    });

    it("a deployment that never becomes ready fails up within its timeout with the reason; fixing it converges", async () => {
      await timing({ deviceConnectMs: null, deploymentReadyMs: 1000 });
      const current = fleet(SETTLED);
      const broken: ResourceSpec[] = [
        ...current,
        { name: "offline-dev", type: "hilens.Device", args: { name: "never-connected" } },
        { name: "stuck", type: "hilens.Deployment", args: { name: "waits-for-device", nodeIds: [{ $ref: "offline-dev.id" }], template: { configs: { restartPolicy: "Always" }, apps: [app()] } } },
        { name: "slow", type: "hilens.Deployment", args: { name: "slow-start", nodeIds: [{ $ref: "dev2.id" }], template: { configs: { restartPolicy: "Always" }, apps: [app()] } }, opts: { customTimeouts: { create: "2s" } } },
      ];
      t.declare(broken, { ...EXPORTS, "offline-dev": ["id"], stuck: ["id", "state"], slow: ["id", "state"] });
      // The slow one needs longer than its 2s create timeout.
      await timing({ deploymentReadyMs: 5000 });
      const err = await t.up().catch((e) => e);
      const text = String(err?.message ?? err);
      expect(text).toMatch(/Deployment "waits-for-device" \(hilens-\w+\) did not become ready: CREATE_FAILED: The device hilens-\w+ is offline/);
      expect(text).toMatch(/Deployment "slow-start" \(hilens-\w+\) did not become ready: timed out after 2s waiting \(last seen: CREATING, 0\/1 ready\)/);
      // Both were kept in state (no orphans): the next up updates them instead of creating twins.
      const state = JSON.parse(await t.exportState());
      const kept = state.deployment.resources.filter((r: any) => r.type.endsWith(":Deployment") && ["waits-for-device", "slow-start"].includes(r.outputs?.name));
      expect(kept).toHaveLength(2);

      const offline = kept.find((r: any) => r.outputs.name === "waits-for-device").outputs.deployedNodeIds[0];
      await connection(offline, true);
      await timing({ deviceConnectMs: 300, deploymentReadyMs: 1000 });
      const fixed = values(await t.up());
      expect(fixed).toMatchObject({ "stuck.state": "RUNNING", "slow.state": "RUNNING" });
      const list = await consoleClient(emulator).call("GET /v3/{project_id}/ai-mgr/deployments", {}, { query: { limit: 100 } });
      expect(list.deployments.map((d: any) => d.name).sort()).toEqual(["people-counter-2", "slow-start", "waits-for-device"]);
      t.declare(current, EXPORTS);
      await t.up();
    });

    it("importId adopts a device, a deployment and its task made in the console", async () => {
      const api = consoleClient(emulator);
      const device = await api.call("POST /v3/{project_id}/ai-mgr/nodes", {}, { body: { node: { name: "console-camera", tags: [{ key: "site", value: "east" }] } } });
      // Waits by condition for the device agent to connect (deviceConnectMs), as a console user would.
      await until("the console-made device to connect", async () => (await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/nodes/${device.id}`)).state === "RUNNING");
      const body = { name: "console-app", source: "userdefined", node_ids: [device.id], deployment: { replicas: 1, template: { configs: { host_network: false, restart_policy: "Always" }, apps: [{ name: "detector", app_url: "swr.cn-north-4.myhuaweicloud.com/vision/detector:0.9", resources: { limits: { cpu: "0.5", memory: "256" } } }] } } };
      const deployment = await api.call("POST /v3/{project_id}/ai-mgr/deployments", {}, { body });
      const task = await api.call("POST /v3/{project_id}/ai-mgr/deployments/{deployment_id}/tasks", { deployment_id: deployment.id }, { body: { name: "console-stream", data: { streams: [{ input: { type: "camera", data: { rtspUrl: "rtsp://10.0.0.8/live" } }, outputs: [{ type: "dis", data: { streamName: "console" } }] }] } } });
      const current = fleet(SETTLED);
      const adopted: ResourceSpec[] = [
        ...current,
        { name: "adoptedDev", type: "hilens.Device", args: { name: "console-camera", tags: [{ key: "site", value: "east" }], importId: device.id } },
        { name: "adoptedDep", type: "hilens.Deployment", args: { name: "console-app", nodeIds: [{ $ref: "adoptedDev.id" }], template: { configs: { restartPolicy: "Always" }, apps: [app()] }, importId: deployment.id } },
        { name: "adoptedJob", type: "hilens.DeploymentJob", args: { deploymentId: { $ref: "adoptedDep.id" }, name: "console-stream", streams: [{ input: { type: "camera", data: { rtspUrl: "rtsp://10.0.0.9/live" } }, outputs: [{ type: "dis", data: { streamName: "console" } }] }], importId: task.task_id } },
      ];
      t.declare(adopted, { ...EXPORTS, adoptedDev: ["id"], adoptedDep: ["id", "state"], adoptedJob: ["id"] });
      const before = emulator.store.count();
      const outputs = values(await t.up());
      expect(outputs).toMatchObject({ "adoptedDev.id": device.id, "adoptedDep.id": deployment.id, "adoptedDep.state": "RUNNING", "adoptedJob.id": task.task_id });
      // Adopting converged the task's stream to the program's.
      const adoptedTask = await api.call("GET /v3/{project_id}/ai-mgr/deployments/{deployment_id}/tasks/{id}", { deployment_id: deployment.id, id: task.task_id });
      expect(JSON.stringify(adoptedTask)).toContain("rtsp://10.0.0.9/live");
      expect(emulator.store.count()).toBe(before);
      // Adopting converged the image to the program's.
      expect((await api.call("GET /v3/{project_id}/ai-mgr/deployments/{id}", { id: deployment.id })).template.apps[0].app_url).toMatch(/detector:1\.0$/);
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("invalid input fails in preview, naming resource, field and rule, and sends no request", async () => {
      // The engine stops at the first failed check; the other rules are covered by the unit tests.
      const bad = fleet(SETTLED);
      bad[4].args.name = "no spaces allowed";
      t.declare(bad, EXPORTS);
      const requests = t.mark();
      const err = await t.previewChanges().catch((e) => e);
      expect(String(err?.message ?? err)).toMatch(/edgeai:hilens:Device: field "name": must be 1-64 Chinese characters.*HiLens §5\.1\.2.*HIL\.0055/);
      expect(requests()).toEqual([]);
    });

    it("the device package is a secret output: never in the exported state or any CLI output", async () => {
      const outputs = await t.stack.outputs();
      expect(outputs["dev1.package"].secret).toBe(true);
      const pkg = String(outputs["dev1.package"].value);
      expect(pkg.length).toBeGreaterThan(100);
      const state = await t.exportState();
      expect(state).not.toContain(pkg);
      expect(state).not.toContain(pkg.slice(20, 80));
      expect(state).not.toContain("upload-SENTINEL-token");
      const printed = t.output.join("");
      expect(printed).not.toContain(pkg.slice(20, 80));
      expect(printed).not.toContain("upload-SENTINEL-token");
    });

    if (delivery === "native")
      it("pulumi import brings the config map, secret, devices, deployments and tasks into another stack by their IDs, with the program's inputs", async () => {
        await expectImportedElsewhere(t, "hilens-fleet-import", { sameInputs: true });
      });

    it("destroy waits for the deployments to go and leaves the emulator empty", async () => {
      await t.destroy();
      expect(emulator.store.count(DEFAULTS.projectId)).toBe(0);
    });
  });
});
