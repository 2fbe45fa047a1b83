import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import { configure, handlers } from "../../provider/framework/runtime";
import { UNKNOWN } from "../../provider/framework/validate";
import { tensorbayPrincipal } from "../../emulator/tensorbay/common";
import { STORAGE_CONFIG_KIND } from "../../emulator/tensorbay/storageConfigs";
import { DATASET_KIND } from "../../emulator/tensorbay/datasets";
import { TensorbayClient } from "../../provider/client/tensorbay";
import { resolveConfig } from "../../provider/config";
import { getCommits, getCommitsOutput, getDatasets, getDatasetsOutput } from "../../provider/tensorbay";

const STORAGE = "edgeai:tensorbay:StorageConfig";
const DATASET = "edgeai:tensorbay:Dataset";
const COMMIT = "edgeai:tensorbay:Commit";
const BRANCH = "edgeai:tensorbay:Branch";
const NOTE = "edgeai:tensorbay:DatasetNote";

let emu: Emulator;
let dataDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-tensorbay-res-"));
  emu = await startEmulator({ dataDir, credentials: [] });
  const config: Record<string, string> = { "edgeai:tensorbayEndpoint": `${emu.url}/gatewayv2/tensorbay-open-api`, "edgeai:tensorbayAccessKey": DEFAULTS.tensorbayAccessKey, "edgeai:maxRetries": "0" };
  await configure({ config: { get: (key: string) => config[key] } } as never);
  // The functions run in the program's process: outside a deployment they read the environment.
  process.env.TENSORBAY_ENDPOINT = config["edgeai:tensorbayEndpoint"];
  process.env.TENSORBAY_ACCESS_KEY = DEFAULTS.tensorbayAccessKey;
});
afterAll(async () => {
  process.env = savedEnv;
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("check: TensorBay validation before any request", () => {
  it("a storage config must carry exactly the fields of its type", async () => {
    const oss = await handlers.check(STORAGE, {}, { name: "raw", type: "oss", filePath: "p", endpoint: "e", accesskeyId: "id", accesskeySecret: "SENTINEL-secret", containerName: "c" });
    expect(oss.failures).toEqual([
      { property: "bucketName", reason: 'edgeai:tensorbay:StorageConfig: field "bucketName": is required for type "oss" (CreateStorageConfig oss body)' },
      { property: "containerName", reason: expect.stringContaining('field "containerName": does not apply to type "oss" (it takes endpoint, accesskeyId, accesskeySecret, bucketName)') },
    ]);
    expect(JSON.stringify(oss.failures)).not.toContain("SENTINEL");
    const azure = await handlers.check(STORAGE, {}, { name: "blob", type: "azure", filePath: "p", accesskeyId: "acct", accesskeySecret: "k", containerName: "c", accountType: "Mars" });
    expect(azure.failures?.map((f) => f.property)).toEqual(["accountType"]);
    const local = await handlers.check(STORAGE, {}, { name: "a/b", type: "local", filePath: "p", endpoint: "http://10.0.0.1:9000" });
    expect(local.failures?.[0].reason).toContain("must not contain '/', '?' or '#'");
  });

  it("a dataset type is 0 or 1, and defaults are applied", async () => {
    expect((await handlers.check(DATASET, {}, { name: "d", type: 2 })).failures?.[0].reason).toBe('edgeai:tensorbay:Dataset: field "type": must be 0 (normal) or 1 (fusion)');
    expect((await handlers.check(DATASET, {}, { name: "d" })).inputs).toMatchObject({ name: "d", type: 0, alias: "", isPublic: false });
  });

  it("unknown values in preview are not failures", async () => {
    expect((await handlers.check(STORAGE, {}, { name: UNKNOWN, type: "s3", filePath: "p", endpoint: UNKNOWN, accesskeyId: UNKNOWN, accesskeySecret: UNKNOWN, bucketName: "b" })).failures ?? []).toEqual([]);
    expect((await handlers.check(BRANCH, {}, { datasetId: UNKNOWN, name: "release", commit: UNKNOWN })).failures ?? []).toEqual([]);
  });

  it("a branch replaces on any change and deletes first when it keeps its name", async () => {
    const olds = { datasetId: "d1", name: "release", commit: "c1", commitId: "c1" };
    expect(await handlers.diff(BRANCH, "release", olds, { datasetId: "d1", name: "release", commit: "c2" })).toMatchObject({ replaces: ["commit"], deleteBeforeReplace: true });
    expect(await handlers.diff(NOTE, "d1", { datasetId: "d1", branchName: "main", isContinuous: false, commitTitle: "t" }, { datasetId: "d1", branchName: "main", isContinuous: true, commitTitle: "t" })).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("TensorBay resources against the emulator", () => {
  // Each test makes its own dataset (names unique per test), so any test runs alone or in any order.
  async function datasetWithFirstCommit(name: string) {
    const datasetId = (await handlers.create(DATASET, { name })).id;
    const commit = await handlers.create(COMMIT, { datasetId, title: "Initial commit" });
    return { datasetId, commit, commitId: commit.id };
  }

  it("a commit on an empty dataset is a draft then a commit; the draft is COMMITTED afterwards", async () => {
    const { commit: created, commitId } = await datasetWithFirstCommit("unit_commit");
    expect(created.outs).toMatchObject({ commitId, parentCommitId: "0".repeat(32), draftNumber: 1, branchName: "main" });
    const read = await handlers.read(COMMIT, commitId, created.outs!);
    expect(read.id).toBe(commitId);
  });

  it("a branch is read by its exact name; an out-of-band delete makes read report it gone", async () => {
    const { datasetId, commitId } = await datasetWithFirstCommit("unit_branch");
    await handlers.create(BRANCH, { datasetId, name: "a_b", commit: commitId });
    await handlers.create(BRANCH, { datasetId, name: "aXb", commit: "main" });
    const props = { datasetId, name: "a_b", commit: commitId };
    expect((await handlers.read(BRANCH, "a_b", props)).props).toMatchObject({ name: "a_b", commitId });
    await handlers.delete(BRANCH, "a_b", props);
    expect(await handlers.read(BRANCH, "a_b", props)).toEqual({});
    // Deleting what is already gone succeeds.
    await handlers.delete(BRANCH, "a_b", props);
  });

  it("a branch answers the commit it points at; a refresh keeps the revision it was made at", async () => {
    const { datasetId, commitId } = await datasetWithFirstCommit("unit_branch_state");
    const created = await handlers.create(BRANCH, { datasetId, name: "dev", commit: "main" });
    const pointsAt = { commitId, parentCommitId: "0".repeat(32), title: "Initial commit", committer: { name: expect.any(String), date: expect.any(Number) } };
    expect(created).toEqual({ id: "dev", outs: { datasetId, name: "dev", commit: "main", ...pointsAt } });
    const read = await handlers.read(BRANCH, "dev", created.outs!);
    expect(read).toEqual({ id: "dev", inputs: { datasetId, name: "dev", commit: "main" }, props: created.outs });
    // An import of a branch that is not there finds nothing to adopt.
    expect(await handlers.read(BRANCH, `${datasetId}/no_such_branch`, {})).toEqual({});
  });

  it("dataset notes are recorded by a commit and read at the branch head", async () => {
    const { datasetId } = await datasetWithFirstCommit("unit_notes");
    const created = await handlers.create(NOTE, { datasetId, isContinuous: true, binPointCloudFields: ["X", "Y", "Z"] });
    expect(created.id).toBe(datasetId);
    const read = await handlers.read(NOTE, datasetId, created.outs!);
    expect(read.inputs).toMatchObject({ isContinuous: true, binPointCloudFields: ["X", "Y", "Z"] });
    const updated = await handlers.update(NOTE, datasetId, created.outs!, { ...created.outs!, binPointCloudFields: undefined });
    expect(updated.outs!.commitId).not.toBe(created.outs!.commitId);
    expect((await handlers.read(NOTE, datasetId, updated.outs!)).inputs).not.toHaveProperty("binPointCloudFields");
  });

  it("getDatasets finds a name exactly, in plain and Output form", async () => {
    await handlers.create(DATASET, { name: "find_ds" });
    await handlers.create(DATASET, { name: "findXds" });
    expect((await getDatasets({ name: "find_ds" })).datasets.map((d) => d.name)).toEqual(["find_ds"]);
    expect((await getDatasets()).datasets.map((d) => d.name)).toEqual(expect.arrayContaining(["findXds", "find_ds"]));
    const viaOutput = await new Promise((resolve) => getDatasetsOutput({ name: Promise.resolve("findXds") }).apply(resolve));
    expect((viaOutput as { datasets: { name: string }[] }).datasets.map((d) => d.name)).toEqual(["findXds"]);
    expect(await getDatasets({ name: "no_such_dataset" })).toEqual({ datasets: [] });
    await expect(getDatasets({ name: "" })).rejects.toThrow('edgeai:tensorbay:getDatasets: argument "name": must not be empty');
  });

  it("getCommits lists a revision's history newest first, in plain and Output form", async () => {
    const { datasetId, commitId } = await datasetWithFirstCommit("unit_history");
    const notes = await handlers.create(NOTE, { datasetId, isContinuous: true });
    await handlers.update(NOTE, datasetId, notes.outs!, { ...notes.outs!, isContinuous: false });
    const { commits } = await getCommits({ datasetId });
    expect(commits.map((c) => c.title)).toEqual(["Update dataset notes", "Update dataset notes", "Initial commit"]);
    const viaOutput = await new Promise((resolve) => getCommitsOutput({ datasetId, revision: commitId }).apply(resolve));
    expect(viaOutput).toEqual({ commits: [expect.objectContaining({ commitId, title: "Initial commit", description: "" })] });
  });
});

describe("StorageConfig against the emulator", () => {
  const storedConfig = (name: string) => emu.store.get(tensorbayPrincipal(DEFAULTS.tensorbayAccessKey), STORAGE_CONFIG_KIND, name);

  it("create sends the fields of its type to that type's call; read and delete go by name", async () => {
    const azure = { name: "unit_blob", type: "azure", filePath: "datasets/", accesskeyId: "acct", accesskeySecret: "key", containerName: "c1", accountType: "Global" };
    const created = await handlers.create(STORAGE, azure);
    expect(created.id).toBe("unit_blob");
    expect(created.outs).toMatchObject({ ...azure, isGravitiStorage: false });
    // The emulator stores exactly what CreateStorageConfigAzure received.
    expect(storedConfig("unit_blob")).toMatchObject({ name: "unit_blob", type: "azure", filePath: "datasets/", accesskeyId: "acct", accesskeySecret: "key", containerName: "c1", accountType: "Global" });
    const read = await handlers.read(STORAGE, "unit_blob", created.outs!);
    expect(read.id).toBe("unit_blob");
    expect(read.inputs).toMatchObject({ name: "unit_blob", type: "azure", filePath: "datasets/" });
    expect(read.props).toMatchObject({ isGravitiStorage: false });
    // A path changed out of band shows as drift on the next read.
    emu.store.put(tensorbayPrincipal(DEFAULTS.tensorbayAccessKey), STORAGE_CONFIG_KIND, "unit_blob", { ...storedConfig("unit_blob"), filePath: "moved/" });
    expect((await handlers.read(STORAGE, "unit_blob", created.outs!)).inputs).toMatchObject({ filePath: "moved/" });
    await handlers.delete(STORAGE, "unit_blob", created.outs!);
    expect(storedConfig("unit_blob")).toBeUndefined();
    expect(await handlers.read(STORAGE, "unit_blob", created.outs!)).toEqual({});
  });

  it("a config the list does not show right after its create is an error naming it", async () => {
    const list = emu.store.list.bind(emu.store);
    // A list lagging behind the create: the storage configs are missing from it.
    const lagging = vi.spyOn(emu.store, "list").mockImplementation((principal, kind) => (kind === STORAGE_CONFIG_KIND ? [] : list(principal, kind)));
    try {
      await expect(handlers.create(STORAGE, { name: "unit_lagging", type: "local", filePath: "p", endpoint: "http://10.0.0.1:9000" })).rejects.toThrow('tensorbay: storage config "unit_lagging" was not listed right after it was created');
    } finally {
      lagging.mockRestore();
    }
  });
});

describe("drafts and commits: what a failed or unanswered step leaves behind", () => {
  const api = () => new TensorbayClient(resolveConfig((k) => ({ tensorbayEndpoint: `${emu.url}/gatewayv2/tensorbay-open-api`, tensorbayAccessKey: DEFAULTS.tensorbayAccessKey })[k], {}));
  const drafts = async (datasetId: string, status: string) => (await api().listAll<{ number: number; title: string }>("GET /v1/datasets/{datasetId}/drafts", "drafts", { params: { datasetId }, query: { status } })).map((d) => `${d.number} ${d.title}`);
  const draftPosts = (from: number) => emu.requests.slice(from).filter((r) => r.method === "POST" && r.path.endsWith("/drafts")).length;

  it("a commit that fails closes its draft, and a description reaches the commit", async () => {
    const datasetId = (await handlers.create(DATASET, { name: "unit_closed_draft" })).id;
    emu.inject({ pathPattern: "/commits$", method: "POST", status: 400, count: 1 });
    await expect(handlers.create(COMMIT, { datasetId, branchName: "main", title: "doomed" })).rejects.toThrow();
    expect(await drafts(datasetId, "OPEN")).toEqual([]);
    expect(await drafts(datasetId, "CLOSED")).toEqual(["1 doomed"]);
    const made = await handlers.create(COMMIT, { datasetId, branchName: "main", title: "kept", description: "why it was made" });
    expect((await getCommits({ datasetId })).commits).toEqual([expect.objectContaining({ commitId: made.id, title: "kept", description: "why it was made" })]);
  });

  it("a draft whose request was reset is asked for once more; after a second reset the commit starts over", async () => {
    const datasetId = (await handlers.create(DATASET, { name: "unit_reset_draft" })).id;
    // An open draft with the same title from before is not the one this commit makes.
    const leftover = await api().call("POST /v1/datasets/{datasetId}/drafts", { datasetId }, { body: { branchName: "main", title: "first" } });
    let from = emu.requests.length;
    emu.inject({ pathPattern: "/drafts$", method: "POST", kind: "reset", count: 1 });
    const first = await handlers.create(COMMIT, { datasetId, branchName: "main", title: "first" });
    expect(draftPosts(from)).toBe(2);
    expect(first.outs).toMatchObject({ draftNumber: leftover.draftNumber + 1 });
    expect(await drafts(datasetId, "OPEN")).toEqual([`${leftover.draftNumber} first`]);
    from = emu.requests.length;
    emu.inject({ pathPattern: "/drafts$", method: "POST", kind: "reset", count: 2 });
    await handlers.create(COMMIT, { datasetId, branchName: "main", title: "second" });
    // The second reset ends the draft step; the resource then checks the branch head before it starts over.
    const steps = emu.requests.slice(from).map((r) => `${r.method} ${r.path.split("/").pop()}${r.fault ? ` (${r.fault})` : ""}`);
    expect(steps.slice(0, 6)).toEqual(["GET commits", "GET drafts", "POST drafts (reset)", "GET drafts", "POST drafts (reset)", "GET commits"]);
    expect(steps.filter((s) => s === "POST drafts")).toHaveLength(1);
  });

  it("commits on different datasets do not wait for each other's drafts", async () => {
    const first = (await handlers.create(DATASET, { name: "unit_parallel_a" })).id;
    const second = (await handlers.create(DATASET, { name: "unit_parallel_b" })).id;
    const from = emu.requests.length;
    await Promise.all([handlers.create(COMMIT, { datasetId: first, title: "a" }), handlers.create(COMMIT, { datasetId: second, title: "b" })]);
    const steps = emu.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^.*\/datasets\//, "")}`);
    // The second dataset's draft opens before the first dataset's commit: the two sequences overlap.
    expect(steps.indexOf(`POST ${second}/drafts`)).toBeLessThan(steps.indexOf(`POST ${first}/commits`));
  });

  it("a commit is read by its own ID: an older one is still there, a branch name is not a commit", async () => {
    const datasetId = (await handlers.create(DATASET, { name: "unit_read_commit" })).id;
    const older = await handlers.create(COMMIT, { datasetId, branchName: "main", title: "older" });
    await handlers.create(COMMIT, { datasetId, branchName: "main", title: "newer" });
    expect((await handlers.read(COMMIT, older.id, older.outs!)).inputs).toMatchObject({ title: "older" });
    expect(await handlers.read(COMMIT, "main", older.outs!)).toEqual({});
  });
});

describe("Dataset against the emulator", () => {
  const principal = () => tensorbayPrincipal(DEFAULTS.tensorbayAccessKey);
  const stored = (id: string) => emu.store.get(principal(), DATASET_KIND, id) as Record<string, unknown> | undefined;

  it("alias and isPublic change in place with one PATCH; read maps what GetDataset answers; delete removes it", async () => {
    const created = await handlers.create(DATASET, { name: "unit_ds_life", type: 0, alias: "first alias", isPublic: true });
    expect(created.outs).toMatchObject({ commitId: "0".repeat(32), defaultBranch: "main", owner: expect.any(String), updateTime: expect.any(Number) });
    expect((await handlers.read(DATASET, created.id, created.outs!)).inputs).toEqual({ name: "unit_ds_life", type: 0, alias: "first alias", isPublic: true });
    const from = emu.requests.length;
    const updated = await handlers.update(DATASET, created.id, created.outs!, { ...created.outs!, alias: "second alias", isPublic: false });
    expect(emu.requests.slice(from).map((r) => `${r.method} ${r.path.split("/").pop()}`)).toEqual([`PATCH ${created.id}`, `GET ${created.id}`]);
    expect(stored(created.id)).toMatchObject({ alias: "second alias", isPublic: false });
    expect(updated.outs).toMatchObject({ alias: "second alias", isPublic: false, defaultBranch: "main", commitId: "0".repeat(32) });
    // An answer without alias or isPublic reads as their defaults.
    const { alias: _alias, isPublic: _isPublic, ...bare } = stored(created.id)!;
    emu.store.put(principal(), DATASET_KIND, created.id, bare);
    expect((await handlers.read(DATASET, created.id, updated.outs!)).inputs).toMatchObject({ alias: "", isPublic: false });
    await handlers.delete(DATASET, created.id, updated.outs!);
    expect(stored(created.id)).toBeUndefined();
  });

  it("a dataset on a storage config reads its configName", async () => {
    await handlers.create(STORAGE, { name: "unit_ds_store", type: "local", filePath: "p", endpoint: "http://10.0.0.1:9000" });
    const created = await handlers.create(DATASET, { name: "unit_ds_on_store", configName: "unit_ds_store" });
    expect((await handlers.read(DATASET, created.id, created.outs!)).inputs).toMatchObject({ configName: "unit_ds_store" });
  });

  it("a dataset create whose answer is lost adopts the dataset by name; one reset before it ran is sent again", async () => {
    let from = emu.requests.length;
    emu.inject({ pathPattern: "/datasets$", method: "POST", kind: "lost", count: 1 });
    const lost = await handlers.create(DATASET, { name: "unit_ds_lost" });
    expect(stored(lost.id)).toMatchObject({ name: "unit_ds_lost" });
    expect(emu.requests.slice(from).filter((r) => r.method === "POST")).toHaveLength(1);
    from = emu.requests.length;
    emu.inject({ pathPattern: "/datasets$", method: "POST", kind: "reset", count: 1 });
    const reset = await handlers.create(DATASET, { name: "unit_ds_reset" });
    expect(stored(reset.id)).toMatchObject({ name: "unit_ds_reset" });
    expect(emu.requests.slice(from).filter((r) => r.method === "POST")).toHaveLength(2);
  });
});

describe("branches, tags and segments: import and a list that lags behind", () => {
  const TAG = "edgeai:tensorbay:Tag";
  const SEGMENT = "edgeai:tensorbay:Segment";
  async function datasetWithCommit(name: string) {
    const datasetId = (await handlers.create(DATASET, { name })).id;
    return { datasetId, commitId: (await handlers.create(COMMIT, { datasetId, title: "Initial commit" })).id };
  }

  it("an imported branch stands for the commit it points at", async () => {
    const { datasetId, commitId } = await datasetWithCommit("unit_import_branch");
    await handlers.create(BRANCH, { datasetId, name: "dev", commit: commitId });
    // `pulumi import` of `<datasetId>/<name>`: no state, no program inputs.
    const read = await handlers.read(BRANCH, `${datasetId}/dev`, {});
    expect(read.inputs).toMatchObject({ datasetId, name: "dev", commit: commitId });
    expect(read.props).toMatchObject({ commitId });
  });

  it("a tag or a segment the list does not show right after its create is an error naming it", async () => {
    const { datasetId, commitId } = await datasetWithCommit("unit_lagging_lists");
    const findByName = TensorbayClient.prototype.findByName;
    const listAll = TensorbayClient.prototype.listAll;
    // Lists lagging behind the create: tags and segments are missing from them.
    const tags = vi.spyOn(TensorbayClient.prototype, "findByName").mockImplementation(function (this: TensorbayClient, ...args: Parameters<typeof findByName>) {
      return args[1] === "tags" ? Promise.resolve(undefined) : findByName.apply(this, args);
    } as typeof findByName);
    const segments = vi.spyOn(TensorbayClient.prototype, "listAll").mockImplementation(function (this: TensorbayClient, ...args: Parameters<typeof listAll>) {
      return args[1] === "segments" ? Promise.resolve([]) : listAll.apply(this, args);
    } as typeof listAll);
    try {
      await expect(handlers.create(TAG, { datasetId, name: "v1", commit: commitId })).rejects.toThrow('tensorbay: tag "v1" was not listed right after it was created');
      // The segment's commit was made: the error keeps it, so the next `pulumi up` completes the segment.
      await expect(handlers.create(SEGMENT, { datasetId, branchName: "main", name: "drive" })).rejects.toMatchObject({
        message: expect.stringContaining('tensorbay: segment "drive" was not listed at the head of branch main right after its commit'),
        id: "drive",
        properties: { datasetId, branchName: "main", name: "drive", commitId: expect.stringMatching(/^[0-9a-f]{32}$/) },
      });
    } finally {
      tags.mockRestore();
      segments.mockRestore();
    }
  });
});
