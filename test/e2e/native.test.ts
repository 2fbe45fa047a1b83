/**
 * The native provider plugin (`pulumi-resource-edgeai`, found on PATH) through the real pulumi
 * CLI: programs on `pulumi-edgeai/native` and a plain Pulumi YAML program (examples/yaml-fleet).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, Emulator } from "../../emulator";
import { TensorbayClient } from "../../provider/client/tensorbay";
import { resolveConfig } from "../../provider/config";
import { cleanup, consoleClient, createStack, exampleStack, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
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

// Every resource's own ladder runs through the plugin too, in its service's file (`forEachDelivery`),
// ending with a `pulumi import` of every object it made. This file holds what only the plugin does.
describe("pulumi-edgeai/native: what the plugin shows that dynamic resources cannot (a detailed diff, replace reasons on the resource, the import option)", () => {
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
