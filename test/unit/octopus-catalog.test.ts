/**
 * The Octopus catalog (data tags, operators, image repositories and versions, a package's tags) as
 * a user meets it through the provider: what an import or a refresh reads back, what an update
 * sends, which requests a look-up makes, and what refusals and waits say. Answers the emulator
 * never gives (a field left out, a failing list) come from a scripted server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULTS, ManualClock } from "../../emulator";
import { octopusClient } from "../../provider/client/octopus";
import { resolveConfig } from "../../provider/config";
import { contextFor } from "../../provider/framework/context";
import { NotReadyError, Props } from "../../provider/framework/definition";
import { handlers } from "../../provider/framework/runtime";
import { octopus } from "../../provider";
import { emulatorSettings, runtimeAgainstEmulator } from "./runtime-emulator";
import { startScriptedServer, ScriptedServer } from "./scripted-server";
import { until } from "./wait";

const TAG = "edgeai:octopus:DataTag";
const OPERATOR = "edgeai:octopus:Operator";
const REPO = "edgeai:octopus:ImageRepo";
const VERSION = "edgeai:octopus:ImageRepoVersion";
const PACKAGE_TAGS = "edgeai:octopus:DataPackageTags";
const JOB = "edgeai:octopus:Job";
const REPOS_PATH = "/v1.0/{project_id}/common/image-registry/image-repos";
/** The generic "in use" refusal of §7.2 table 7-3, as the service words it (it names nothing). */
const IN_USE = "octopus.000143: The resource you requested is already in use, or the resource is bound to another resource";

/** The emulator's time: pushes settle when a test advances it. */
const clock = new ManualClock();
const env = runtimeAgainstEmulator("octopus-catalog", { clock });
let scripted: ScriptedServer;
let logged: string[] = [];

/** The Octopus client with the emulator's settings, for changes made outside Pulumi. */
const raw = () => octopusClient(resolveConfig((k) => emulatorSettings(env.emu)[k], {}));
/** A provider context whose Octopus endpoint is the scripted server. */
const scriptedCtx = () => {
  const settings: Record<string, string> = { ...emulatorSettings(env.emu), octopusEndpoint: scripted.url };
  return contextFor(resolveConfig((k) => settings[k], {}));
};
/** What `pulumi import` reads: every live input and output of the object. */
const imported = async (type: string, id: string) => (await handlers.read(type, id, {})).props;
/** The requests the emulator answered since index `start`, as `METHOD path?query`. */
const requestsSince = (start: number, pattern: RegExp) => env.emu.requests.since(start).map((r) => `${r.method} ${r.path}${r.query}`).filter((line) => pattern.test(line));
/** A version number pushed by a PUSH account (§4.2.6); it lands once the clock passes the push time. */
const pushAccount = (repoId: string, version: string) => raw().call(`POST ${REPOS_PATH}/{id}/versions/{v}/accounts`, { id: repoId, v: version }, { query: { action: "PUSH" } });
const timestamps = { createAt: expect.any(Number), updateAt: expect.any(Number) };

beforeAll(async () => {
  scripted = await startScriptedServer();
  vi.spyOn(console, "log").mockImplementation((message: string) => void logged.push(message));
});
afterEach(async () => {
  logged = [];
  await env.emu.control("PUT", "/__emulator/octopus/timing", { duration_ms: 2000, push_outcome: "PUSHED" });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await scripted.close();
});

describe("data tags", () => {
  it("import reads every field back: a category, a tag in it with simulation tags, a built-in category", async () => {
    const { id: category } = await handlers.create(TAG, { name: "roads", description: "Road kinds", isTag: false });
    const { id: tag } = await handlers.create(TAG, { name: "roundabout", parentId: category, simulationTags: [4, 5] });
    expect(await imported(TAG, category)).toEqual({ name: "roads", description: "Road kinds", parentId: 15000000, isTag: false, simulationTags: [], tagLevel: 1, childrenCount: 1, isBuiltIn: false, ...timestamps });
    // Created without a description: the service keeps "", which is no description.
    expect(await imported(TAG, tag!)).toEqual({ name: "roundabout", parentId: Number(category), isTag: true, simulationTags: [4, 5], tagLevel: 2, childrenCount: 0, isBuiltIn: false, ...timestamps });
    expect(await imported(TAG, "1")).toEqual({ name: "weather", description: "Built-in category", parentId: 0, isTag: false, simulationTags: [], tagLevel: 1, childrenCount: 2, isBuiltIn: true, ...timestamps });
  });

  it("a refresh asks for the one tag by id (§4.17 has no detail call)", async () => {
    const { id } = await handlers.create(TAG, { name: "asked-by-id" });
    const start = env.emu.requests.length;
    await handlers.read(TAG, id!, { name: "asked-by-id", isTag: true, simulationTags: [] });
    expect(requestsSince(start, /^GET /)).toEqual([`GET /v1.0/${DEFAULTS.projectId}/data/tags?ids=${id}`]);
  });

  it("an update without a description clears it, and sends the simulation tags", async () => {
    const olds = { name: "tunnel", description: "Tunnels", simulationTags: [1] };
    const { id, outs } = await handlers.create(TAG, olds);
    const news = { name: "tunnels", simulationTags: [] };
    const { outs: updated } = await handlers.update(TAG, id!, outs, news);
    expect(updated).toMatchObject({ name: "tunnels", simulationTags: [] });
    expect(updated).not.toHaveProperty("description");
    expect(await imported(TAG, id!)).toEqual({ name: "tunnels", parentId: 15000000, isTag: true, simulationTags: [], tagLevel: 1, childrenCount: 0, isBuiltIn: false, ...timestamps });
  });

  it("a create refused for a taken name names the tag that holds it, found by its exact name", async () => {
    const { id } = await handlers.create(TAG, { name: "bridge" });
    await handlers.create(TAG, { name: "bridge-ramp" });
    const start = env.emu.requests.length;
    const err = await handlers.create(TAG, { name: "bridge" }).catch((e) => e);
    expect(err.message).toContain(`edgeai:octopus:DataTag: an object named "bridge" already exists (id ${id}): set \`importId: "${id}"\``);
    expect(requestsSince(start, /^GET /)).toEqual([`GET /v1.0/${DEFAULTS.projectId}/data/tags?exact_name=bridge&limit=100&offset=0`]);
  });

  describe("answers the emulator never gives", () => {
    const inputs = { name: "n", isTag: true, simulationTags: [] } as any;
    const read = (id: string) => octopus.dataTagDefinition.api.read(scriptedCtx(), id, inputs);
    const envelope = (list: unknown[]) => ({ body: { payload: { list, page_info: { total: list.length, offset: 0, limit: 300 } } } });

    it("the example's is_built_in spelling; no simulation tags, children count or flag at all", async () => {
      scripted.answer(envelope([{ id: 8, name: "spelled", parent_id: 0, is_tag: true, tag_level: 1, is_built_in: true, create_at: 1, update_at: 2 }]));
      expect(await read("8")).toEqual({ inputs: { name: "spelled", parentId: 0, isTag: true, simulationTags: [], description: undefined }, state: { tagLevel: 1, childrenCount: 0, isBuiltIn: true, createAt: 1, updateAt: 2 } });
      scripted.answer(envelope([{ id: 9, name: "bare", parent_id: 0, is_tag: true, tag_level: 1, create_at: 1, update_at: 2 }]));
      expect((await read("9"))?.state).toEqual({ tagLevel: 1, childrenCount: 0, isBuiltIn: false, createAt: 1, updateAt: 2 });
    });

    it("a list holding only other tags, or no list at all, means the tag is gone", async () => {
      scripted.answer(envelope([{ id: 7, name: "other", parent_id: 0, is_tag: true, tag_level: 1 }]));
      expect(await read("8")).toBeUndefined();
      scripted.answer({ body: "" });
      expect(await read("8")).toBeUndefined();
    });
  });
});

/** A repository with `versions` versions, made outside Pulumi; answers its id. */
async function repoWithVersions(name: string, versions: number): Promise<string> {
  const repoId = String((await raw().call(`POST ${REPOS_PATH}`, {}, { body: { name, scope: "DATA_CONVERSION" } })).item);
  for (let i = 0; i < versions; i++) await raw().call(`POST ${REPOS_PATH}/{id}/versions`, { id: repoId }, { body: {} });
  return repoId;
}

const operatorInputs = (name: string, imageRepoId: string, imageVersion: number, extra: Props = {}) => ({ name, outputType: "DATA_SET", visibility: "PRIVATE", imageRepoId, imageVersion, config: { command: `python /app/${name}.py` }, ...extra });

describe("operators", () => {
  it("import reads every field back; an update without a description clears it", async () => {
    const repoId = await repoWithVersions("op-images", 2);
    const { id, outs } = await handlers.create(OPERATOR, operatorInputs("lidar-clean", repoId, 1, { description: "Cleans lidar" }));
    const live = { name: "lidar-clean", description: "Cleans lidar", outputType: "DATA_SET", visibility: "PRIVATE", imageRepoId: Number(repoId), imageVersion: 1, config: { command: "python /app/lidar-clean.py" }, projectId: DEFAULTS.projectId, userId: expect.any(String), ...timestamps };
    expect(await imported(OPERATOR, id!)).toEqual(live);
    await handlers.update(OPERATOR, id!, outs, operatorInputs("lidar-clean", repoId, 2, { visibility: "PUBLIC" }));
    const { description, ...withoutDescription } = live;
    expect(await imported(OPERATOR, id!)).toEqual({ ...withoutDescription, visibility: "PUBLIC", imageVersion: 2 });
  });

  it("a create refused for a taken name names the operator that holds it, not a newer one whose name contains it", async () => {
    const repoId = await repoWithVersions("dup-op-images", 1);
    const { id } = await handlers.create(OPERATOR, operatorInputs("dedup", repoId, 1));
    await handlers.create(OPERATOR, operatorInputs("dedup-v2", repoId, 1));
    const start = env.emu.requests.length;
    const err = await handlers.create(OPERATOR, operatorInputs("dedup", repoId, 1)).catch((e) => e);
    expect(err.message).toContain(`edgeai:octopus:Operator: an object named "dedup" already exists (id ${id}): set \`importId: "${id}"\``);
    expect(err.message).toContain("octopus.109002");
    expect(requestsSince(start, /^GET /)).toEqual([`GET /v1.0/${DEFAULTS.projectId}/data/processors?name=dedup&limit=100&offset=0`]);
  });

  it("a create whose request never reached the service is sent again", async () => {
    const repoId = await repoWithVersions("reset-op-images", 1);
    env.emu.inject({ pathPattern: "/data/processors$", method: "POST", kind: "reset", count: 1 });
    const { id } = await handlers.create(OPERATOR, operatorInputs("resent", repoId, 1));
    expect(logged.some((line) => line.includes('object "resent": no answer to POST') && line.endsWith("it was not created"))).toBe(true);
    expect(await imported(OPERATOR, id!)).toMatchObject({ name: "resent" });
  });

  it("an operator answered without its config reads as one with no command", async () => {
    scripted.answer({ body: { payload: { item: { id: 5, name: "bare", output_type: "DATA_SET", visibility: "PRIVATE", image_repo_id: 1, image_version: 1, project_id: "p", user_id: "u", create_at: 1, update_at: 2 } } } });
    const live = await octopus.operatorDefinition.api.read(scriptedCtx(), "5", {} as any);
    expect(live?.inputs.config).toEqual({ command: undefined });
  });

  it("jobs of replay-simulation and desensitization operators wait in their own queues, the rest in PROCESSOR", async () => {
    const repoId = await repoWithVersions("queue-images", 1);
    const queues: Record<string, unknown> = {};
    for (const outputType of ["REPLAY_SIM", "DATA_DESENSITIZATION", "PLOT_DATA"]) {
      const { id: processorId } = await handlers.create(OPERATOR, operatorInputs(`queue-${outputType.toLowerCase()}`, repoId, 1, { outputType }));
      const { outs } = await handlers.create(JOB, { dataId: "wh-queue", dataSource: "DATA_WAREHOUSE", processorId, resourceSpec: "4Core_16GiB", warehouseId: "wh-queue" });
      queues[outputType] = outs.queueType;
    }
    expect(queues).toEqual({ REPLAY_SIM: "RESIM", DATA_DESENSITIZATION: "DESENSITIZATION", PLOT_DATA: "PROCESSOR" });
  });
});

describe("an image that operators run", () => {
  it("a version's delete is refused naming only the operators of that version, a repository's naming those of any version", async () => {
    const repoId = await repoWithVersions("shared-images", 2);
    const otherRepo = await repoWithVersions("other-images", 1);
    const { id: first } = await handlers.create(OPERATOR, operatorInputs("on-v1", repoId, 1));
    const { id: second } = await handlers.create(OPERATOR, operatorInputs("on-v2", repoId, 2));
    await handlers.create(OPERATOR, operatorInputs("elsewhere", otherRepo, 1));
    const version = await handlers.delete(VERSION, "1", { repoId: Number(repoId) }).catch((e) => e);
    expect(version.message).toBe(
      `edgeai:octopus:ImageRepoVersion: version 1 of repository ${repoId} cannot be deleted while operators run it: used by operator(s) "on-v1" (${first}) (${IN_USE}). Point those operators at another version or delete them first.`,
    );
    const repo = await handlers.delete(REPO, repoId, { name: "shared-images", scope: "DATA_CONVERSION" }).catch((e) => e);
    expect(repo.message).toBe(
      `edgeai:octopus:ImageRepo: repository ${repoId} cannot be deleted while operators run it: used by operator(s) "on-v2" (${second}), "on-v1" (${first}) (${IN_USE}). Point those operators at another image or delete them first; to replace the repository (a new scope or visibility), also give it a new name, so the new one exists before the old one is deleted.`,
    );
  });

  it("a version nobody runs is deleted; a repository already gone is deleted too", async () => {
    const repoId = await repoWithVersions("unused-images", 2);
    await handlers.delete(VERSION, "2", { repoId: Number(repoId) });
    expect((await raw().call(`GET ${REPOS_PATH}/{id}/versions`, { id: repoId })).list.map((v: any) => v.version)).toEqual([1]);
    await expect(handlers.delete(REPO, "999999", { name: "gone", scope: "DATA_CONVERSION" })).resolves.toBeUndefined();
  });

  it("when the operators cannot be listed, the refusal still says why", async () => {
    scripted.answer({ status: 409, body: { error_code: "octopus.000143", error_msg: "The resource you requested is already in use, or the resource is bound to another resource" } }, { status: 500, body: { error_code: "octopus.000500", error_msg: "busy" } });
    const err = await octopus.imageRepoDefinition.api.delete(scriptedCtx(), "5", {} as any, {}).catch((e) => e);
    expect(err.message).toBe(
      `edgeai:octopus:ImageRepo: repository 5 cannot be deleted while operators run it (${IN_USE}). Point those operators at another image or delete them first; to replace the repository (a new scope or visibility), also give it a new name, so the new one exists before the old one is deleted.`,
    );
  });
});

describe("image repositories", () => {
  const repo = (name: string, extra: Props = {}) => ({ name, scope: "TRAINING_TRAIN", ...extra });

  it("import reads every field back; a rename in place without a description clears it", async () => {
    const { id, outs } = await handlers.create(REPO, repo("models", { description: "Model images" }));
    const live = { name: "models", scope: "TRAINING_TRAIN", description: "Model images", visibility: "TEAM", versionNum: 0, projectId: DEFAULTS.projectId, userId: expect.any(String), ...timestamps };
    expect(await imported(REPO, id!)).toEqual(live);
    await handlers.update(REPO, id!, outs, repo("models-2"));
    const { description, ...withoutDescription } = live;
    expect(await imported(REPO, id!)).toEqual({ ...withoutDescription, name: "models-2" });
  });

  it("a refresh finds the repository with one request, by its name; an import without a name lists them all once", async () => {
    const { id } = await handlers.create(REPO, repo("by-name"));
    const start = env.emu.requests.length;
    expect((await handlers.read(REPO, id!, repo("by-name"))).props).toMatchObject({ name: "by-name" });
    expect(requestsSince(start, /^GET /)).toEqual([`GET /v1.0/${DEFAULTS.projectId}/common/image-registry/image-repos?name=by-name&limit=100&offset=0`]);
    const gone = env.emu.requests.length;
    expect(await handlers.read(REPO, "999999", {})).toEqual({});
    expect(requestsSince(gone, /^GET /)).toEqual([`GET /v1.0/${DEFAULTS.projectId}/common/image-registry/image-repos?limit=100&offset=0`]);
  });

  it("a refresh finds a repository renamed outside Pulumi, even when another one took its old name", async () => {
    const { id, outs } = await handlers.create(REPO, repo("vision"));
    await raw().call(`PUT ${REPOS_PATH}/{id}`, { id: id! }, { body: { name: "archived-cv" } });
    await handlers.create(REPO, repo("vision"));
    expect((await handlers.read(REPO, id!, outs)).props).toMatchObject({ name: "archived-cv" });
  });
});

describe("image versions", () => {
  it("import reads the repository and the description back", async () => {
    const repoId = await repoWithVersions("described-images", 0);
    const { id } = await handlers.create(VERSION, { repoId, description: "first build" });
    expect(await imported(VERSION, `${repoId}/${id}`)).toMatchObject({ repoId: Number(repoId), description: "first build", version: 1, status: "INIT", repoName: "described-images" });
  });

  it("a wait names the version by its repository's name, says where to push, and times out as configured", async () => {
    const repoId = await repoWithVersions("slow-images", 0);
    const err = await handlers.create(VERSION, { repoId, waitForStatus: "PUSHED", awaitTimeouts: { create: "1s" } }).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toMatch(/^edgeai:octopus:ImageRepoVersion image version slow-images:v1 is not pushed: timed out after 1s/);
    expect(logged).toContain(
      `edgeai:octopus:ImageRepoVersion: image version slow-images:v1: waiting for PUSHED; push the image to swr.cn-north-1.myhuaweicloud.com/octopus-${DEFAULTS.projectId}/image-${repoId}:v1.0 with a PUSH account from octopus.getImageVersionAccount`,
    );
  });

  it("a version deleted while create waits for its push fails the wait with that reason", async () => {
    const repoId = await repoWithVersions("vanishing-images", 0);
    const start = env.emu.requests.length;
    const waiting = handlers.create(VERSION, { repoId, waitForStatus: "PUSHED" }).catch((e) => e);
    await until("the provider polling version 1", () => requestsSince(start, /^GET .*\/versions\/1$/).length >= 1);
    await raw().call(`DELETE ${REPOS_PATH}/{id}/versions/1`, { id: repoId });
    expect((await waiting).message).toBe("edgeai:octopus:ImageRepoVersion image version vanishing-images:v1 was deleted while waiting for it to be pushed");
  });

  it("an update waits for the push with the update timeout, and reads the version again", async () => {
    const repoId = await repoWithVersions("update-images", 0);
    const { id, outs } = await handlers.create(VERSION, { repoId });
    const waits = await handlers.update(VERSION, id!, outs, { repoId, waitForStatus: "PUSHED", awaitTimeouts: { update: "1s" } }).catch((e) => e);
    expect(waits.message).toMatch(/is not pushed: timed out after 1s/);
    await env.emu.control("PUT", "/__emulator/octopus/timing", { duration_ms: 0 });
    await pushAccount(repoId, id!);
    const { outs: pushed } = await handlers.update(VERSION, id!, outs, { repoId, waitForStatus: "PUSHED" });
    expect(pushed).toMatchObject({ status: "PUSHED", version: 1 });
  });

  it("an update of a version deleted outside Pulumi says to refresh; any other failure to read it is reported as it is", async () => {
    const repoId = await repoWithVersions("deleted-images", 2);
    const update = (version: string) => handlers.update(VERSION, version, { repoId: Number(repoId), status: "INIT" }, { repoId, waitForStatus: "PUSHED" }).catch((e) => e);
    await raw().call(`DELETE ${REPOS_PATH}/{id}/versions/1`, { id: repoId });
    expect((await update("1")).message).toBe(`edgeai:octopus:ImageRepoVersion: version 1 of repository ${repoId} no longer exists; run \`pulumi refresh\``);
    env.emu.inject({ pathPattern: `/image-repos/${repoId}/versions/2$`, method: "GET", status: 503, count: 1 });
    expect(await update("2")).toMatchObject({ status: 503 });
  });

  it("a create whose answer was lost adopts the version it made, not one another client made meanwhile", async () => {
    const repoId = await repoWithVersions("raced-images", 0);
    const faults = env.emu.faultLog.length;
    // The provider's create is held a while, then its answer is lost; meanwhile another client adds a version.
    env.emu.inject({ pathPattern: `/image-repos/${repoId}/versions$`, method: "POST", kind: "lost", count: 1, delayMs: 1500 });
    const creating = handlers.create(VERSION, { repoId, description: "ours" });
    await until("the provider's create held", () => env.emu.faultLog.length > faults);
    await raw().call(`POST ${REPOS_PATH}/{id}/versions`, { id: repoId }, { body: { description: "theirs" } });
    const { id, outs } = await creating;
    expect({ id, description: outs.description }).toEqual({ id: "2", description: "ours" });
    expect(logged.some((line) => line.includes("found it (id 2), adopting"))).toBe(true);
  });
});

describe("a data package's tags", () => {
  it("import reads the package's tags, name, vehicle and status", async () => {
    const seeded = await env.emu.control("POST", `/__emulator/octopus/${DEFAULTS.projectId}/data`, { packages: [{ name: "drive-tagged", vehicle_name: "car-7", start_time: 1_700_000_000_000, end_time: 1_700_000_060_000, tag_ids: [2, 3] }] });
    const dpkId = seeded.packages[0];
    expect(await imported(PACKAGE_TAGS, dpkId)).toEqual({ dpkId, tagIds: [2, 3], packageName: "drive-tagged", vehicleName: "car-7", status: "NORMAL" });
  });

  it("a package answered without tags or without a vehicle reads as one with no tags and no vehicle", async () => {
    const read = () => octopus.dataPackageTagsDefinition.api.read(scriptedCtx(), "DPK0000001", {} as any);
    const item = (fields: Props) => ({ body: { payload: { item: { id: "DPK0000001", name: "drive", status: "NORMAL", ...fields } } } });
    scripted.answer(item({}));
    expect(await read()).toEqual({ inputs: { dpkId: "DPK0000001", tagIds: [] }, state: { packageName: "drive", status: "NORMAL" } });
    for (const collection_info of [{}, { cardrive: {} }]) {
      scripted.answer(item({ collection_info, tag_ids: [1] }));
      expect((await read())?.state).toEqual({ packageName: "drive", status: "NORMAL" });
    }
  });
});
