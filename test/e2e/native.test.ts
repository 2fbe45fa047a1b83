/**
 * The native provider plugin (`pulumi-resource-edgeai`, found on PATH) through the real pulumi
 * CLI: programs on `pulumi-edgeai/native` and a plain Pulumi YAML program (examples/yaml-fleet).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, Emulator } from "../../emulator";
import { TensorbayClient } from "../../provider/client/tensorbay";
import { resolveConfig } from "../../provider/config";
import { cleanup, consoleClient, createStack, exampleStack, expectImportedElsewhere, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { huaweiRead, tensorbayGet } from "./server-state";

const REPOS = "/v1.0/{project_id}/common/image-registry/image-repos";
const TENSORBAY = { "edgeai:tensorbayAccessKey": { value: DEFAULTS.tensorbayAccessKey, secret: true } };
let emulator: Emulator;
const dirs: string[] = [];

const noChanges = (summary: Record<string, number>) => Object.keys(summary).filter((k) => k !== "same" && summary[k] > 0);
const values = (outputs: Record<string, { value: any }>) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])) as Record<string, any>;
const tensorbay = () => new TensorbayClient(resolveConfig((k) => ({ tensorbayEndpoint: `${emulator.url}/gatewayv2/tensorbay-open-api`, tensorbayAccessKey: DEFAULTS.tensorbayAccessKey })[k as string], {}));

/** A stack of the generic program on `pulumi-edgeai/native`. */
async function nativeStack(name: string): Promise<TestStack> {
  const t = await createStack(emulator, name, TENSORBAY, { delivery: "native" });
  dirs.push(t.dir);
  return t;
}

interface PreviewStep {
  op: string;
  replaceReasons?: string[];
  detailedDiff?: Record<string, { kind: string }>;
  /** The provider's messages logged against this resource. */
  messages: string[];
}

/** `preview --json` as the CLI prints it, by resource name: each step's operation, the fields that force its replacement, its messages. */
async function previewSteps(t: TestStack): Promise<Record<string, PreviewStep>> {
  const preview = JSON.parse(await t.cli("preview", "--json"));
  const messages = (urn: string) => (preview.diagnostics ?? []).filter((d: { urn?: string }) => d.urn === urn).map((d: { message: string }) => d.message.trim());
  return Object.fromEntries(preview.steps.map((s: any) => [s.urn.split("::").pop(), { ...s, messages: messages(s.urn) }]));
}

beforeAll(async () => {
  emulator = await startEmulatorForTests("native");
  await emulator.control("PUT", "/__emulator/hilens/timing", { deviceConnectMs: 300, deploymentReadyMs: 1000 });
});
afterAll(async () => {
  await emulator?.close();
  for (const dir of dirs) cleanup(dir);
});

interface Ladder {
  suffix: string;
  description: string;
  repoVisibility?: string;
  dataset: string;
}

/** One resource of each service's ladder: a HiLens workspace and config map, an Octopus image repository, a TensorBay dataset. */
function ladder(v: Ladder): ResourceSpec[] {
  return [
    { name: "ws", type: "hilens.Workspace", args: { name: "fleet", description: v.description } },
    { name: "cm", type: "hilens.ConfigMap", args: { name: `app-config-${v.suffix}`, configs: [{ key: "MODEL", value: "yolo-v8" }], description: v.description, workspaceId: { $ref: "ws.workspaceId" } } },
    { name: "repo", type: "octopus.ImageRepo", args: { name: "pipeline-images", scope: "DATA_CONVERSION", description: v.description, ...(v.repoVisibility ? { visibility: v.repoVisibility } : {}) } },
    { name: "tds", type: "tensorbay.Dataset", args: { name: v.dataset, alias: v.description } },
  ];
}
const LADDER_EXPORTS = { ws: ["id", "workspaceId"], cm: ["id"], repo: ["id", "visibility"], tds: ["id", "alias"] };
const FIRST: Ladder = { suffix: "a", description: "first", dataset: "traffic" };
const UPDATED: Ladder = { ...FIRST, description: "second" };
const REPLACED: Ladder = { ...UPDATED, suffix: "b", repoVisibility: "PUBLIC", dataset: "traffic_2" };

describe("pulumi-edgeai/native: the ladder for HiLens, Octopus and TensorBay resources through the plugin", () => {
  let t: TestStack;
  let out: Record<string, any>;

  it("up creates edgeai:* resources of the plugin; the state holds no code; a second preview shows no changes", async () => {
    t = await nativeStack("native-ladder");
    t.declare(ladder(FIRST), LADDER_EXPORTS);
    out = values(await t.up());
    expect((await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/configmaps/${out["cm.id"]}`)).configmap).toMatchObject({ name: "app-config-a", description: "first" });
    const state = await t.exportState();
    const types = JSON.parse(state).deployment.resources.map((r: { type: string }) => r.type);
    expect(types).toEqual(expect.arrayContaining(["pulumi:providers:edgeai", "edgeai:hilens:Workspace", "edgeai:hilens:ConfigMap", "edgeai:octopus:ImageRepo", "edgeai:tensorbay:Dataset"]));
    expect(state).not.toMatch(/__provider|__edgeaiName|pulumi-nodejs:dynamic/);
    expect(noChanges(await t.previewChanges())).toEqual([]);
  });

  it("descriptions and the alias change in place; preview --diff names each changed field", async () => {
    t.declare(ladder(UPDATED), LADDER_EXPORTS);
    const steps = await previewSteps(t);
    expect(Object.fromEntries(["ws", "cm", "repo", "tds"].map((n) => [n, [steps[n].op, Object.keys(steps[n].detailedDiff ?? {})]]))).toEqual({
      ws: ["update", ["description"]],
      cm: ["update", ["description"]],
      repo: ["update", ["description"]],
      tds: ["update", ["alias"]],
    });
    expect(await t.cli("preview", "--diff")).toMatch(/~ description: "first" => "second"/);
    const next = values(await t.up());
    for (const key of ["ws.workspaceId", "cm.id", "repo.id", "tds.id"]) expect(next[key]).toBe(out[key]);
    expect((await tensorbayGet(emulator, `/v1/datasets/${out["tds.id"]}`)).json).toMatchObject({ alias: "second" });
  });

  it("an immutable change replaces, and the diff names the field that forces it", async () => {
    t.declare(ladder(REPLACED), LADDER_EXPORTS);
    const steps = await previewSteps(t);
    expect(Object.fromEntries(["cm", "repo", "tds"].map((n) => [n, [steps[n].op, steps[n].replaceReasons]]))).toEqual({ cm: ["replace", ["name"]], repo: ["replace", ["visibility"]], tds: ["replace", ["name"]] });
    expect(steps.cm.detailedDiff).toEqual({ name: expect.objectContaining({ kind: "update-replace" }) });
    // The plugin logs why against the resource itself, not the stack.
    expect(steps.cm.messages).toEqual([expect.stringMatching(/^will be replaced: "name" \(changes; cannot change in place\)/)]);
    const next = values(await t.up());
    expect(next["cm.id"]).not.toBe(out["cm.id"]);
    expect(next["repo.visibility"]).toBe("PUBLIC");
    expect((await tensorbayGet(emulator, `/v1/datasets/${out["tds.id"]}`)).status).toBe(404);
    out = next;
  });

  it("refresh picks up changes made out of band; the next up puts the program's values back", async () => {
    await consoleClient(emulator).call("PUT /v3/{project_id}/ai-mgr/workspaces/{id}", { id: out["ws.workspaceId"] }, { body: { description: "edited in console" } });
    await consoleClient(emulator, "octopus").call(`PUT ${REPOS}/{id}`, { id: out["repo.id"] }, { body: { description: "edited in console" } });
    await tensorbay().call("PATCH /v1/datasets/{datasetId}", { datasetId: out["tds.id"] }, { body: { alias: "edited in console" } });
    await t.refresh();
    expect(await t.previewChanges()).toMatchObject({ update: 3 });
    await t.up();
    expect((await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/workspaces/${out["ws.workspaceId"]}`)).description).toBe("second");
    expect((await tensorbayGet(emulator, `/v1/datasets/${out["tds.id"]}`)).json).toMatchObject({ alias: "second" });
    expect(noChanges(await t.previewChanges())).toEqual([]);
  });

  it("invalid input fails in preview, naming resource, field and rule, and sends no request", async () => {
    const bad = ladder(REPLACED);
    bad[1].args.configs = [{ key: "K".repeat(64), value: "v" }];
    t.declare(bad, LADDER_EXPORTS);
    const requests = t.mark();
    const err = await t.previewChanges().catch((e) => e);
    expect(String(err?.message ?? err)).toMatch(/edgeai:hilens:ConfigMap resource 'cm'.*field "configs\[0\]\.key": must match .*1-63 letters, digits, '-' and '_'/);
    expect(requests()).toEqual([]);
  });

  it("the import option adopts an object made in the console; pulumi import brings one in by its ID", async () => {
    const made = await consoleClient(emulator).call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: { configmap: { name: "made-by-hand", configs: [{ key: "MODEL", value: "old" }], tags: [] }, workspace_id: out["ws.workspaceId"] } });
    const adopted: ResourceSpec = { name: "adopted", type: "hilens.ConfigMap", args: { name: "made-by-hand", configs: [{ key: "MODEL", value: "old" }], workspaceId: { $ref: "ws.workspaceId" } }, opts: { import: made.configmap.id } };
    t.declare([...ladder(REPLACED), adopted], { ...LADDER_EXPORTS, adopted: ["id"] });
    const outputs = values(await t.up());
    expect(outputs["adopted.id"]).toBe(made.configmap.id);
    expect(noChanges(await t.previewChanges())).toEqual([]);

    const other = await consoleClient(emulator).call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: { configmap: { name: "settings-by-hand", configs: [{ key: "A", value: "b" }], tags: [] } } });
    // The Node.js language host built here (v3.68) cannot generate code; the YAML one can (see the README).
    const imported = await t.cli("import", "edgeai:hilens:ConfigMap", "settings", other.configmap.id, "--yes", "--protect=false", "--generate-code=false");
    expect(imported).toMatch(/1 imported/);
    const state = JSON.parse(await t.exportState()).deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::settings"));
    expect(state).toMatchObject({ type: "edgeai:hilens:ConfigMap", id: other.configmap.id, inputs: { name: "settings-by-hand" } });
  });

  it("destroy leaves the emulator empty", async () => {
    t.declare([]);
    await t.destroy();
    expect(emulator.store.count()).toBe(0);
  });
});

describe("moving a stack from dynamic to native resources: out of the state, then imported by ID", () => {
  it("the objects stay as they are: no create, update or delete is sent, and the native stack then shows no changes", async () => {
    const t = await nativeStack("native-migration");
    t.setDelivery("dynamic");
    const program = (imports: Record<string, string> = {}): ResourceSpec[] =>
      ladder(FIRST)
        .slice(0, 2)
        .map((r) => (imports[r.name] ? { ...r, opts: { import: imports[r.name] } } : r));
    t.declare(program(), LADDER_EXPORTS);
    await t.up();
    const dynamicResources: { urn: string; id: string; type: string }[] = JSON.parse(await t.exportState()).deployment.resources.filter((r: { type: string }) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(dynamicResources).toHaveLength(2);
    // Dependents first: the config map, then its workspace.
    for (const r of [...dynamicResources].reverse()) await t.cli("state", "delete", r.urn, "--yes");
    const ids = Object.fromEntries(dynamicResources.map((r) => [r.urn.split("::").pop()!, r.id]));

    t.setDelivery("native");
    t.declare(program(ids), LADDER_EXPORTS);
    const requests = t.mark();
    await t.up();
    expect(requests().filter((r) => r.method !== "GET")).toEqual([]);
    const types = JSON.parse(await t.exportState()).deployment.resources.map((r: { type: string; id?: string }) => [r.type, r.id]);
    expect(types).toEqual(expect.arrayContaining([["edgeai:hilens:Workspace", ids.ws], ["edgeai:hilens:ConfigMap", ids.cm]]));
    t.declare(program(), LADDER_EXPORTS);
    expect(noChanges(await t.previewChanges())).toEqual([]);
    await t.destroy();
    expect(emulator.store.count()).toBe(0);
  });
});

const app = {
  name: "detector",
  appUrl: "swr.cn-north-4.myhuaweicloud.com/vision/detector:1.0",
  resources: { limits: { cpu: 0.5, memory: 256 } },
};

/**
 * One resource of each type but those that need objects only the emulator's seed routes make
 * (data packages, the skill market: DataScene, DataPackageTags, SkillOrder) and those that destroy
 * leaves in Octopus, which has no delete for them (SceneMap §4.19, SimulationScene §4.18). The
 * category and the tag are both DataTags.
 */
const CATALOGUE: ResourceSpec[] = [
  { name: "ws", type: "hilens.Workspace", args: { name: "catalogue" } },
  { name: "cm", type: "hilens.ConfigMap", args: { name: "cat-config", configs: [{ key: "MODEL", value: "yolo" }], workspaceId: { $ref: "ws.workspaceId" } } },
  { name: "sec", type: "hilens.Secret", args: { name: "cat-secret", secrets: [{ key: "TOKEN", value: "cat-SENTINEL-token" }], workspaceId: { $ref: "ws.workspaceId" } } },
  { name: "dev", type: "hilens.Device", args: { name: "cat-camera", workspaceId: { $ref: "ws.workspaceId" } } },
  { name: "dep", type: "hilens.Deployment", args: { name: "cat-app", nodeIds: [{ $ref: "dev.id" }], template: { configs: { restartPolicy: "Always" }, apps: [app] } } },
  {
    name: "job",
    type: "hilens.DeploymentJob",
    args: { deploymentId: { $ref: "dep.id" }, name: "cat-stream", streams: [{ input: { type: "camera", data: { rtspUrl: "rtsp://10.0.0.5/live" } }, outputs: [{ type: "dis", data: { streamName: "people" } }] }] },
  },
  { name: "category", type: "octopus.DataTag", args: { name: "scenes", isTag: false } },
  { name: "tag", type: "octopus.DataTag", args: { name: "rainy-night", parentId: { $ref: "category.id" } } },
  { name: "ods", type: "octopus.Dataset", args: { name: "lidar-frames", datasetForm: "DATASET", dataSource: "OBS", dataType: "POINT_CLOUD", labelFormat: "OCTOPUS" } },
  { name: "odv", type: "octopus.DatasetVersion", args: { datasetId: { $ref: "ods.id" }, agreementConfirm: true, bucketName: "octopus-raw", bucketPath: "lidar/2024/", description: "nightly" } },
  { name: "repo", type: "octopus.ImageRepo", args: { name: "cat-images", scope: "DATA_CONVERSION" } },
  { name: "ver", type: "octopus.ImageRepoVersion", args: { repoId: { $ref: "repo.id" }, description: "cleaner image" } },
  {
    name: "op",
    type: "octopus.Operator",
    args: { name: "lidar-cleaner", outputType: "DATA_SET", visibility: "PRIVATE", imageRepoId: { $ref: "repo.id" }, imageVersion: { $ref: "ver.version" }, config: { command: "python clean.py" } },
  },
  {
    name: "store",
    type: "tensorbay.StorageConfig",
    args: { name: "oss_raw", type: "oss", filePath: "datasets/traffic", endpoint: "oss-cn-qingdao.aliyuncs.com", accesskeyId: "LTAI-test-id", accesskeySecret: "oss-SENTINEL-secret", bucketName: "frames" },
  },
  { name: "tds", type: "tensorbay.Dataset", args: { name: "cat_traffic", configName: { $ref: "store.name" } } },
  { name: "commit", type: "tensorbay.Commit", args: { datasetId: { $ref: "tds.id" }, title: "Initial commit" } },
  { name: "branch", type: "tensorbay.Branch", args: { datasetId: { $ref: "tds.id" }, name: "hot_fix", commit: { $ref: "commit.commitId" } } },
  { name: "tbtag", type: "tensorbay.Tag", args: { datasetId: { $ref: "tds.id" }, name: "v1", commit: { $ref: "commit.commitId" } } },
  { name: "note", type: "tensorbay.DatasetNote", args: { datasetId: { $ref: "tds.id" }, branchName: { $ref: "branch.name" }, isContinuous: true } },
];

describe("pulumi-edgeai/native: every resource type through the plugin", () => {
  let t: TestStack;

  it("up creates one of each type; a second preview shows no changes", async () => {
    t = await nativeStack("native-catalogue");
    t.declare(CATALOGUE);
    await t.up();
    const types = JSON.parse(await t.exportState()).deployment.resources.map((r: { type: string }) => r.type).filter((type: string) => type.startsWith("edgeai:"));
    expect(new Set(types).size).toBe(new Set(CATALOGUE.map((r) => r.type)).size);
    expect(noChanges(await t.previewChanges())).toEqual([]);
  });

  it("pulumi import brings every object into another stack by its ID (with its scope for nested objects)", async () => {
    await expectImportedElsewhere(t, "native-importer");
  });

  it("destroy leaves the emulator empty", async () => {
    await t.destroy();
    expect(emulator.store.count()).toBe(0);
  });
});

describe("examples/yaml-fleet: a plain Pulumi YAML program on the plugin, installed with `pulumi plugin install … --file`", () => {
  it("pulumi up deploys the fleet, a second preview shows no changes, destroy removes it", async () => {
    const before = emulator.store.count();
    const { stack, dir } = await exampleStack(emulator, "yaml-fleet", "file", { delivery: "native", plugin: "installed" });
    dirs.push(dir);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 8 });
    expect(up.outputs.deploymentState.value).toBe("RUNNING");
    // A device's one-time registration package is a server-side secret: encrypted in state, though YAML sets no option for it.
    const devices = (await stack.exportStack()).deployment.resources.filter((r: { type: string }) => r.type === "edgeai:hilens:Device");
    expect(devices.map((d: { outputs: Record<string, Record<string, unknown>> }) => d.outputs.package?.["4dabf18193072939515e22adb298388d"])).toEqual(["1b47061264138c4ac30d75fd1eb44270", "1b47061264138c4ac30d75fd1eb44270"]);
    // fn::invoke of a look-up, served by the plugin: one running instance per camera.
    const instances: { nodeId: string; status: string }[] = up.outputs.instances.value;
    expect(instances.map((i) => i.nodeId).sort()).toEqual(devices.map((d: { id: string }) => d.id).sort());
    expect(instances.map((i) => i.status)).toEqual(["Running", "Running"]);
    const preview = await stack.preview();
    expect(noChanges(preview.changeSummary as Record<string, number>)).toEqual([]);
    // pulumi import in a YAML project also prints the program to paste.
    const byHand = await consoleClient(emulator).call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: { configmap: { name: "made-by-hand", configs: [{ key: "MODE", value: "night" }], tags: [] } } });
    const imported = await stack.import({ resources: [{ type: "edgeai:hilens:ConfigMap", name: "byHand", id: byHand.configmap.id }], protect: false });
    expect(imported.summary.resourceChanges).toMatchObject({ import: 1 });
    expect(imported.generatedCode).toMatch(/byHand:\s+type: edgeai:hilens:ConfigMap\s+properties:[\s\S]*name: made-by-hand/);
    await stack.destroy();
    expect(emulator.store.count()).toBe(before);
  });
});

describe("pulumi-edgeai/native: the types built on objects only the emulator's seed routes make (a recorded data package, the skill market)", () => {
  const T0 = 1_700_000_000_000;
  let t: TestStack;
  let seeded: number;

  it("up creates a data scene, package tags and a skill order; a second preview shows no changes; pulumi import brings each into another stack", async () => {
    const { packages } = await emulator.control("POST", `/__emulator/octopus/${DEFAULTS.projectId}/data`, { packages: [{ name: "highway-run", vehicle_name: "car-7", start_time: T0, end_time: T0 + 60_000, storage_size: 2048 }] });
    const [skill] = (await huaweiRead(emulator, "/v1/skill-market/skills", { charge_models: "0" })).data;
    seeded = emulator.store.count();
    t = await nativeStack("native-seeded");
    t.declare([
      { name: "tag", type: "octopus.DataTag", args: { name: "take-over" } },
      { name: "seg", type: "octopus.DataScene", args: { dpkId: packages[0], start: T0 + 5_000, end: T0 + 15_000, tagIds: [{ $ref: "tag.id" }] } },
      { name: "labels", type: "octopus.DataPackageTags", args: { dpkId: packages[0], tagIds: [{ $ref: "tag.id" }] } },
      { name: "order", type: "hilens.SkillOrder", args: { skillId: skill.skill_id, amount: 1 } },
    ]);
    await t.up();
    expect(noChanges(await t.previewChanges())).toEqual([]);
    await expectImportedElsewhere(t, "native-seeded-importer");
  });

  it("destroy removes what the stack made but the order, which the skill market cannot cancel (§5.9)", async () => {
    await t.destroy();
    expect(emulator.store.count()).toBe(seeded + 1);
  });
});
