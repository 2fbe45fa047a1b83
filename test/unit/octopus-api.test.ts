/**
 * Octopus resources against the emulator, below the engine: the client's envelope and id
 * handling, the documented error codes, IAM denial, waiting for pushes, and delete ordering.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator, ManualClock } from "../../emulator";
import { until } from "./wait";
import { ApiError, InputError } from "../../provider/client/errors";
import { octopusClient } from "../../provider/client/octopus";
import { resolveConfig, ConfigKey } from "../../provider/config";
import { NotReadyError, Props, ResourceDefinition } from "../../provider/framework/definition";
import { configure, handlers } from "../../provider/framework/runtime";
import { contextFor } from "../../provider/framework/context";
import { octopus } from "../../provider";

const LIMITED = { accessKey: "LIMITEDACCESSKEY0001", secretKey: "limited-secret", projectId: DEFAULTS.projectId, deniedActions: ["octopus:imageRepo:create"] };
let emu: Emulator;
let dataDir: string;
/** The emulator's time: pushes settle when a test advances it, not while it sleeps. */
const clock = new ManualClock();

function config(keys: { accessKey: string; secretKey: string } = DEFAULTS) {
  const values: Partial<Record<ConfigKey, string>> = { octopusEndpoint: emu.url, projectId: DEFAULTS.projectId, accessKey: keys.accessKey, secretKey: keys.secretKey, maxRetries: "0" };
  return resolveConfig((k) => values[k], {});
}
const ctx = () => contextFor(config());
const raw = () => octopusClient(config());

/** What `check` makes of a program's inputs (defaults applied, ids as numbers). */
function parsed(def: ResourceDefinition, inputs: Props): any {
  const result = def.inputs.safeParse(inputs);
  if (!result.success) throw new Error(result.error.message);
  return result.data;
}

async function setTiming(body: { duration_ms?: number; push_outcome?: string }) {
  await emu.control("PUT", "/__emulator/octopus/timing", body);
}

async function createRepo(name: string, scope = "DATA_CONVERSION") {
  const def = octopus.imageRepoDefinition;
  return def.api.create(ctx(), parsed(def, { name, scope }));
}

async function createVersion(repoId: string, extra: Props = {}) {
  const def = octopus.imageRepoVersionDefinition;
  return def.api.create(ctx(), parsed(def, { repoId, ...extra }));
}

/** How many times the provider has read a repository's version since request index `start`. */
const polledVersion = (start: number, repoId: string, version: number) =>
  emu.requests.since(start).filter((r) => r.method === "GET" && r.path.includes(`/image-repos/${repoId}/versions`) && (r.path.endsWith(`/versions/${version}`) || r.path.endsWith("/versions"))).length;

const pushAccount = (repoId: string, version: string) => raw().call("POST /v1.0/{project_id}/common/image-registry/image-repos/{id}/versions/{v}/accounts", { id: repoId, v: version }, { query: { action: "PUSH" } });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-octopus-"));
  emu = await startEmulator({ dataDir, clock, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }, LIMITED] });
  Object.assign(process.env, { HW_OCTOPUS_ENDPOINT: emu.url, HW_PROJECT_ID: DEFAULTS.projectId, HW_ACCESS_KEY: DEFAULTS.accessKey, HW_SECRET_KEY: DEFAULTS.secretKey });
});
// Timing is emulator-wide: every test starts from the defaults (2 s pushes that succeed).
afterEach(() => setTiming({ duration_ms: 2000, push_outcome: "PUSHED" }));
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("Octopus client", () => {
  it("unwraps the envelope and turns numeric ids into string ids", async () => {
    const { id, state } = await createRepo("unwrap-repo");
    expect(id).toMatch(/^\d+$/);
    expect(state).toMatchObject({ versionNum: 0, projectId: DEFAULTS.projectId, createAt: expect.any(Number) });
    const body = await raw().call(`GET /v1.0/{project_id}/common/image-registry/image-repos`, {}, { query: { name: "unwrap-repo" } });
    expect(body.list[0]).toMatchObject({ id: Number(id), name: "unwrap-repo", visibility: "TEAM" });
    expect(body.page_info).toEqual({ total: 1, offset: 0, limit: 10 });
  });

  it("finds a repository beyond the first page of the list (repositories have no detail call)", async () => {
    const client = raw();
    for (let i = 0; i < 101; i++) await client.call("POST /v1.0/{project_id}/common/image-registry/image-repos", {}, { body: { name: `bulk-${i}`, scope: "TRAINING_TRAIN" } });
    const first = (await client.call("GET /v1.0/{project_id}/common/image-registry/image-repos", {}, { query: { name: "bulk-0", limit: 1 } })).list[0];
    const live = await octopus.imageRepoDefinition.api.read(ctx(), String(first.id), parsed(octopus.imageRepoDefinition, { name: "bulk-0", scope: "TRAINING_TRAIN" }));
    expect(live?.inputs).toMatchObject({ name: "bulk-0", scope: "TRAINING_TRAIN" });
  });

  it("answers the documented 403 to a principal whose policy lacks octopus:imageRepo:create", async () => {
    const limited = octopusClient(config(LIMITED));
    const err = await limited.call("POST /v1.0/{project_id}/common/image-registry/image-repos", {}, { body: { name: "denied", scope: "TRAINING_TRAIN" } }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, errorCode: "octopus.000111" });
    // Listing is granted: only the create action is denied.
    await expect(limited.call("GET /v1.0/{project_id}/common/image-registry/image-repos")).resolves.toHaveProperty("list");
  });

  it("rejects a bad page size with an Octopus code", async () => {
    const err = await raw().call("GET /v1.0/{project_id}/data/tags", {}, { query: { limit: 301 } }).catch((e) => e);
    expect(err).toMatchObject({ status: 400, errorCode: "octopus.000001" });
  });
});

describe("creating an object whose name is taken", () => {
  /** The provider as the engine configures it, pointed at this emulator. */
  async function configured() {
    const values: Record<string, string> = { "edgeai:octopusEndpoint": emu.url, "edgeai:projectId": DEFAULTS.projectId, "edgeai:accessKey": DEFAULTS.accessKey, "edgeai:secretKey": DEFAULTS.secretKey, "edgeai:maxRetries": "0" };
    await configure({ config: { get: (key: string) => values[key] } } as never);
  }

  it("says which object holds the name and how to adopt it, and never adopts it", async () => {
    await configured();
    const { id } = await createRepo("taken-name");
    const err = await handlers.create("edgeai:octopus:ImageRepo", { name: "taken-name", scope: "DATA_CONVERSION" }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(`edgeai:octopus:ImageRepo: an object named "taken-name" already exists (id ${id}): set \`importId: "${id}"\``);
    expect(err.message).toContain("octopus.000142");
  });

  it("works the same for datasets, which answer 400 octopus.202201", async () => {
    await configured();
    const inputs = { name: "dup-dataset", datasetForm: "DATASET", dataSource: "LOCAL", dataType: "IMAGE", labelFormat: "OCTOPUS" };
    const { id } = await handlers.create("edgeai:octopus:Dataset", inputs);
    const err = await handlers.create("edgeai:octopus:Dataset", inputs).catch((e) => e);
    expect(err.message).toContain(`(id ${id}): set \`importId: "${id}"\``);
    expect(err.message).toContain("octopus.202201");
  });
});

describe("image versions", () => {
  it("start INIT and become PUSHED once a PUSH account is issued; create waits when asked", async () => {
    const { id: repoId } = await createRepo("wait-repo");
    const plain = await createVersion(repoId);
    expect(plain).toMatchObject({ id: "1", state: { status: "INIT", version: 1, url: expect.stringContaining(`image-${repoId}:v1.0`) } });
    // A push running elsewhere (CI) while `up` waits: issued once the provider is polling, done when 2 s have passed.
    const start = emu.requests.length;
    let settled = false;
    const waiting = createVersion(repoId, { waitForStatus: "PUSHED" }).finally(() => (settled = true));
    await until("the provider polling version 2", () => polledVersion(start, repoId, 2) >= 1);
    await pushAccount(repoId, "2");
    const polls = polledVersion(start, repoId, 2);
    await until("another poll after the push", () => polledVersion(start, repoId, 2) > polls);
    expect(settled).toBe(false);
    clock.advance(2000);
    const { id, state } = await waiting;
    expect(id).toBe("2");
    expect(state.status).toBe("PUSHED");
    expect((await raw().call("GET /v1.0/{project_id}/common/image-registry/image-repos", {}, { query: { name: "wait-repo" } })).list[0]).toMatchObject({ version_num: 2 });
  });

  it("fail with the reason on PUSH_FAILED and keep the version (id and state) for the engine", async () => {
    await setTiming({ push_outcome: "PUSH_FAILED" });
    const { id: repoId } = await createRepo("failing-repo");
    const start = emu.requests.length;
    const waiting = createVersion(repoId, { waitForStatus: "PUSHED" }).catch((e) => e);
    await until("the provider polling version 1", () => polledVersion(start, repoId, 1) >= 1);
    await pushAccount(repoId, "1");
    clock.advance(2000);
    const err = await waiting;
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toMatch(/is not pushed: the push failed \(PUSH_FAILED\)/);
    expect(err).toMatchObject({ id: "1", state: { status: "PUSH_FAILED", version: 1 } });
  });

  it("stop waiting at the timeout given by customTimeouts", async () => {
    const { id: repoId } = await createRepo("timeout-repo");
    const err = await createVersion(repoId, { waitForStatus: "PUSHED", awaitTimeouts: { create: "1s" } }).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toMatch(/timed out after 1s .*INIT/);
  });

  it("can be pulled only once pushed (409 octopus.007004)", async () => {
    const { id: repoId } = await createRepo("pull-repo");
    await createVersion(repoId);
    const err = await raw().call("POST /v1.0/{project_id}/common/image-registry/image-repos/{id}/versions/1/accounts", { id: repoId }, { query: { action: "PULL" } }).catch((e) => e);
    expect(err).toMatchObject({ status: 409, errorCode: "octopus.007004" });
  });
});

describe("operators and their image", () => {
  it("a repository that operators use cannot be deleted; the error names them", async () => {
    const { id: repoId } = await createRepo("used-repo");
    await createVersion(repoId);
    const op = octopus.operatorDefinition;
    await op.api.create(ctx(), parsed(op, { name: "cleaner", outputType: "DATA_SET", visibility: "PRIVATE", imageRepoId: repoId, imageVersion: 1, config: { command: "python clean.py" } }));
    const err = await octopus.imageRepoDefinition.api.delete(ctx(), repoId, {} as any, {}).catch((e) => e);
    expect(err.message).toContain(`repository ${repoId} cannot be deleted while operators run it`);
    expect(err.message).toContain('operator(s) "cleaner"');
    expect(err.message).toContain("octopus.000143");
  });

  it("an operator needs an existing image (404 octopus.007001)", async () => {
    const op = octopus.operatorDefinition;
    const err = await op.api.create(ctx(), parsed(op, { name: "no-image", outputType: "DATA_SET", visibility: "PRIVATE", imageRepoId: 999999, imageVersion: 1, config: { command: "x" } })).catch((e) => e);
    expect(err).toMatchObject({ status: 404, errorCode: "octopus.007001" });
  });
});

describe("data tags", () => {
  it("a category that holds tags cannot be deleted; levels are limited", async () => {
    const def = octopus.dataTagDefinition;
    const { id: category } = await def.api.create(ctx(), parsed(def, { name: "scenes", isTag: false }));
    const { id: sub } = await def.api.create(ctx(), parsed(def, { name: "urban", isTag: false, parentId: category }));
    await def.api.create(ctx(), parsed(def, { name: "crossing", parentId: sub }));
    const inUse = await def.api.delete(ctx(), category, {} as any, {}).catch((e) => e);
    expect(inUse).toMatchObject({ status: 409, errorCode: "octopus.101002" });
    const { id: leafCategory } = await def.api.create(ctx(), parsed(def, { name: "deep", isTag: false, parentId: sub }));
    const tooDeep = await def.api.create(ctx(), parsed(def, { name: "too-deep", parentId: leafCategory })).catch((e) => e);
    expect(tooDeep).toMatchObject({ status: 409, errorCode: "octopus.101003" });
  });

  it("built-in tags cannot be edited (400 octopus.101001)", async () => {
    const err = await raw().call("PUT /v1.0/{project_id}/data/tags/2", {}, { body: { name: "drizzle" } }).catch((e) => e);
    expect(err).toMatchObject({ status: 400, errorCode: "octopus.101001" });
  });
});

describe("datasets", () => {
  it("a dataset answered as 400 octopus.202202 is gone, not an error", async () => {
    const live = await handlers.read("edgeai:octopus:Dataset", "00000000-0000-0000-0000-000000000000", { name: "gone", datasetForm: "DATASET", dataSource: "LOCAL" });
    expect(live).toEqual({});
  });

  it("versions deleted together go newest first, whatever order the engine picks", async () => {
    const ds = octopus.datasetDefinition;
    const { id: datasetId } = await ds.api.create(ctx(), parsed(ds, { name: "obs-data", datasetForm: "DATASET", dataSource: "OBS", dataType: "IMAGE", labelFormat: "OCTOPUS" }));
    const dv = octopus.datasetVersionDefinition;
    const inputs = parsed(dv, { datasetId, agreementConfirm: true, bucketName: "bucket", bucketPath: "raw/" });
    const v1 = await dv.api.create(ctx(), inputs);
    const v2 = await dv.api.create(ctx(), inputs);
    expect([v1.state.name, v2.state.name]).toEqual(["V1", "V2"]);
    const direct = await raw().call("DELETE /v1.0/{project_id}/common/datasets/{d}/versions/{v}", { d: datasetId, v: v1.id }).catch((e) => e);
    expect(direct).toMatchObject({ status: 400, errorCode: "octopus.202207" });
    const start = emu.requests.length;
    const deleteV1 = dv.api.delete(ctx(), v1.id, inputs, v1.state);
    // The engine deletes them in parallel: v2's delete comes while v1's waits, refused.
    await until("v1's delete refused while v2 exists", () => emu.requests.since(start).some((r) => r.method === "DELETE" && r.path.endsWith(`/versions/${v1.id}`) && r.status === 400));
    await dv.api.delete(ctx(), v2.id, inputs, v2.state);
    await deleteV1;
    expect((await raw().call("GET /v1.0/{project_id}/common/datasets/{d}/versions", { d: datasetId })).list).toEqual([]);
  });

  it("a version needs what the dataset's source needs (OBS: bucket)", async () => {
    const ds = octopus.datasetDefinition;
    const { id: datasetId } = await ds.api.create(ctx(), parsed(ds, { name: "obs-data-2", datasetForm: "DATASET", dataSource: "OBS", dataType: "TEXT", labelFormat: "OCTOPUS" }));
    const dv = octopus.datasetVersionDefinition;
    const err = await dv.api.create(ctx(), parsed(dv, { datasetId, agreementConfirm: true })).catch((e) => e);
    expect(err).toMatchObject({ status: 400, errorCode: "octopus.000003" });
    expect(err.message).toContain("bucket_name");
  });
});

describe("functions", () => {
  /** A repository with version 1 INIT and version 2 PUSHED. */
  async function repoWithPushedVersion(name: string) {
    await setTiming({ duration_ms: 0 });
    const { id: repoId } = await createRepo(name);
    await createVersion(repoId);
    await createVersion(repoId);
    await pushAccount(repoId, "2");
    return repoId;
  }

  it("list repositories, tags and resource specs across pages, with camelCase fields and string ids", async () => {
    await repoWithPushedVersion("listed-repo");
    const repos = await octopus.getImageRepos({ name: "listed-repo" });
    expect(repos).toEqual([expect.objectContaining({ id: expect.stringMatching(/^\d+$/), name: "listed-repo", versionNum: 2 })]);
    expect(await octopus.getImageRepos({ name: "listed-repo", status: "PUSHED" })).toEqual([expect.objectContaining({ versionNum: 1 })]);
    const def = octopus.dataTagDefinition;
    const { id: lanes } = await def.api.create(ctx(), parsed(def, { name: "lanes", isTag: false }));
    await def.api.create(ctx(), parsed(def, { name: "merge", parentId: lanes }));
    const tags = await octopus.getDataTags({ isTag: false });
    expect(tags.map((t) => t.name)).toEqual(expect.arrayContaining(["weather", "lanes"]));
    expect(tags.find((t) => t.name === "weather")).toMatchObject({ isBuiltIn: true, childrenCount: 2 });
    expect(tags.find((t) => t.name === "lanes")).toMatchObject({ isBuiltIn: false, childrenCount: 1 });
    const specs = await octopus.getResourceSpecs({ usage: "TRAINING_TRAIN" });
    expect(specs).toEqual(expect.arrayContaining([expect.objectContaining({ usage: "TRAINING_TRAIN", gpuType: "Pnt1", gpu: 1 }), expect.not.objectContaining({ gpuType: expect.anything() })]));
  });

  it("check their arguments before any request", async () => {
    const before = emu.requests.length;
    await expect(octopus.getResourceSpecs({ usage: "MINING" as any })).rejects.toThrow(/getResourceSpecs: argument "usage": must be one of SIM_COMPILE.*\(Octopus §4\.7\.1 usage\)/);
    await expect(octopus.getImageVersionAccount({ repoId: "abc", version: 1, action: "PUSH" })).rejects.toThrow(/argument "repoId": must be a numeric id/);
    expect(emu.requests.length).toBe(before);
  });

  it("issue a docker account whose Output form is secret", async () => {
    const repoId = await repoWithPushedVersion("account-repo");
    // Version 2 is pushed; version 1 is still INIT.
    const account = await octopus.getImageVersionAccount({ repoId, version: 2, action: "PULL" });
    expect(account).toMatchObject({ action: "pull", registry: "swr.cn-north-1.myhuaweicloud.com", path: expect.stringContaining(`image-${repoId}:v2.0`), password: expect.any(String) });
    expect(account.expireAt).toBeGreaterThan(clock.now());
    const output = octopus.getImageVersionAccountOutput({ repoId, version: 2, action: "PULL" });
    expect(await (output as any).isSecret).toBe(true);
  });
});

describe("failures the emulator detects before the handlers answer in the family's own codes", () => {
  it("a path naming another project gets Octopus's 403 octopus.000112, not a HiLens code", async () => {
    const other = octopusClient(resolveConfig((k) => ({ octopusEndpoint: emu.url, projectId: "ffffffffffffffffffffffffffffffff", accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries: "0" })[k as string], {}));
    const err = await other.call("GET /v1.0/{project_id}/data/tags").catch((e) => e);
    expect(err).toMatchObject({ status: 403, errorCode: "octopus.000112" });
  });
});
