/**
 * Octopus datasets and their versions (§4.3, §4.4), and scene maps (§4.19), below the engine: what
 * `check` refuses, what a refresh reads back (every answered field, and the defaults of the ones an
 * answer leaves out), how a version whose create answer was lost is found, how versions are deleted
 * newest first, and a map created with its file already uploaded.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator, ManualClock } from "../../emulator";
import { ConfigKey, resolveConfig } from "../../provider/config";
import { contextFor } from "../../provider/framework/context";
import type { NewObjectIdentity } from "../../provider/framework/definition";
import { configure, handlers } from "../../provider/framework/runtime";
import { octopus } from "../../provider";
import { configureRequest, emulatorSettings } from "./runtime-emulator";
import { iamToken, send, withToken } from "./raw-http";
import { startScriptedServer, ScriptedServer } from "./scripted-server";
import { until } from "./wait";

const DATASET = "edgeai:octopus:Dataset";
const VERSION = "edgeai:octopus:DatasetVersion";
const MAP = "edgeai:octopus:SceneMap";
const P = DEFAULTS.projectId;
/** Keys whose policy lacks the dataset delete action (§6). */
const LIMITED = { accessKey: "LIMITEDDATASETSKEY01", secretKey: "limited-secret", projectId: P, deniedActions: ["octopus:dataset:delete"] };

let emu: Emulator;
let srv: ScriptedServer;
let dataDir: string;
let token: string;
let logged: string[] = [];
/** The emulator's time, standing still: a version stays INITIALIZING whatever a test takes. */
const clock = new ManualClock();

/** A provider context against `endpoint` with these keys and no retries, as a refresh or destroy gets it. */
function contextAt(endpoint: string, keys: { accessKey: string; secretKey: string } = DEFAULTS) {
  const values: Partial<Record<ConfigKey, string>> = { octopusEndpoint: endpoint, projectId: P, accessKey: keys.accessKey, secretKey: keys.secretKey, maxRetries: "0" };
  return contextFor(resolveConfig((k) => values[k], {}));
}
/** An Octopus answer as §3 wraps it. */
const envelope = (payload: unknown) => ({ body: { payload, meta_info: { current_time: "2026-11-30T00:00:00Z" } } });

/** A dataset's versions as the service lists them (§4.4.1), over raw HTTP. */
async function versionsOf(datasetId: string): Promise<any[]> {
  const res = await send(emu.url, "GET", `/v1.0/${P}/common/datasets/${datasetId}/versions?limit=100`, { headers: withToken(token) });
  expect(res.status).toBe(200);
  return res.json.payload.list;
}
const deletesSince = (from: number, versionId: string) => emu.requests.since(from).filter((r) => r.method === "DELETE" && r.path.endsWith(`/versions/${versionId}`));

/** An OBS dataset of the emulator (its versions need an OBS folder), each test its own. */
async function obsDataset(name: string): Promise<string> {
  return (await handlers.create(DATASET, { name, datasetForm: "DATASET", dataSource: "OBS", dataType: "IMAGE", labelFormat: "OCTOPUS" })).id;
}
const versionInputs = (datasetId: string, extra: Record<string, unknown> = {}) => ({ datasetId, agreementConfirm: true, bucketName: "bucket", bucketPath: "raw/", ...extra });

/**
 * `action`'s outcome (its result or its error), with the provider's clock (Date.now) jumping past a
 * version delete's 2-minute wait for newer versions once `cue` holds: what a destroy that waited
 * that long sees, without waiting (3 minutes: within the 15 a request signature may be off).
 */
async function withWaitOverAfter(cue: () => boolean, action: () => Promise<unknown>): Promise<unknown> {
  const realNow = Date.now.bind(Date);
  let ahead = 0;
  const providerClock = vi.spyOn(Date, "now").mockImplementation(() => realNow() + ahead);
  try {
    const outcome = action().catch((err) => err);
    await until("the cue to end the wait", cue);
    ahead = 3 * 60_000;
    return await outcome;
  } finally {
    providerClock.mockRestore();
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-octopus-datasets-"));
  emu = await startEmulator({ dataDir, clock, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: P }, LIMITED] });
  await configure(configureRequest(emulatorSettings(emu)));
  token = await iamToken(emu);
  srv = await startScriptedServer();
  vi.spyOn(console, "log").mockImplementation((message: string) => void logged.push(message));
});
afterEach(() => {
  logged = [];
});
afterAll(async () => {
  vi.restoreAllMocks();
  await srv.close();
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const failures = async (type: string, inputs: Record<string, unknown>) => (await handlers.check(type, {}, inputs)).failures ?? [];

describe("check: what a dataset's form and source require (§4.3.2)", () => {
  it("a DATASET needs its data type and label format, each named with the rule", async () => {
    expect(await failures(DATASET, { name: "plain", datasetForm: "DATASET", dataSource: "LOCAL" })).toEqual([
      { property: "dataType", reason: 'edgeai:octopus:Dataset: field "dataType": is required when datasetForm is DATASET (Octopus §4.3.2)' },
      { property: "labelFormat", reason: 'edgeai:octopus:Dataset: field "labelFormat": is required when datasetForm is DATASET (Octopus §4.3.2)' },
    ]);
  });

  it("a LABEL source needs the annotation package's id and name, and nothing else does", async () => {
    const labelled = { name: "labelled", datasetForm: "DATASET", dataSource: "LABEL", dataType: "IMAGE", labelFormat: "OCTOPUS" };
    const both = [
      { property: "dataSourceInfo.labelProjectPackageId", reason: 'edgeai:octopus:Dataset: field "dataSourceInfo.labelProjectPackageId": is required when dataSource is LABEL (Octopus §4.3.2)' },
      { property: "dataSourceInfo.labelProjectPackageName", reason: 'edgeai:octopus:Dataset: field "dataSourceInfo.labelProjectPackageName": is required when dataSource is LABEL (Octopus §4.3.2)' },
    ];
    expect(await failures(DATASET, labelled)).toEqual(both);
    expect(await failures(DATASET, { ...labelled, dataSourceInfo: {} })).toEqual(both);
    expect(await failures(DATASET, { ...labelled, dataSourceInfo: { labelProjectPackageId: "pkg-1" } })).toEqual([both[1]]);
    expect(await failures(DATASET, { ...labelled, dataSourceInfo: { labelProjectPackageId: "pkg-1", labelProjectPackageName: "lanes" } })).toEqual([]);
    expect(await failures(DATASET, { ...labelled, dataSource: "LOCAL" })).toEqual([]);
  });
});

describe("check: a dataset version's OBS folder and warehouse time range (§4.4.2)", () => {
  const version = { datasetId: "d", agreementConfirm: true };

  it("a time range may be open at either end, or one instant; an end before the start is refused", async () => {
    for (const range of [{ startTime: 10 }, { endTime: 10 }, { startTime: 10, endTime: 10 }, { startTime: 10, endTime: 11 }]) {
      expect(await failures(VERSION, { ...version, warehouseParams: range }), JSON.stringify(range)).toEqual([]);
    }
    expect(await failures(VERSION, { ...version, warehouseParams: { startTime: 10, endTime: 9 } })).toEqual([
      { property: "warehouseParams.endTime", reason: 'edgeai:octopus:DatasetVersion: field "warehouseParams.endTime": must not be before startTime (Octopus §4.4.2; the service answers octopus.108002)' },
    ]);
  });

  it("bucketName and bucketPath go together", async () => {
    const apart = [{ property: "bucketPath", reason: 'edgeai:octopus:DatasetVersion: field "bucketPath": bucketName and bucketPath go together (Octopus §4.4.2)' }];
    expect(await failures(VERSION, { ...version, bucketName: "bucket" })).toEqual(apart);
    expect(await failures(VERSION, { ...version, bucketPath: "raw/" })).toEqual(apart);
    expect(await failures(VERSION, { ...version, bucketName: "bucket", bucketPath: "raw/" })).toEqual([]);
  });
});

describe("refresh reads a dataset back (§4.3.3)", () => {
  const read = async (answer: Record<string, unknown>) => {
    srv.answer(envelope({ item: answer }));
    return octopus.datasetDefinition.api.read(contextAt(srv.url), "ds-1", {} as never);
  };
  const answered = { id: "ds-1", name: "lanes", description: "lane markings", data_type: "IMAGE", dataset_form: "DATASET", data_source: "LABEL", label_format: "OCTOPUS", project_id: P, create_at: 1701403312027, update_at: 1701403319999 };

  it("every field of the detail answer; of the source info only what the request carries", async () => {
    const live = await read({
      ...answered,
      latest_version: 3,
      owner: "CUSTOMER",
      frame_num: 1200,
      frame_size: 52428800,
      label_count: 4,
      label_names: ["car", "lane"],
      label_taged: true,
      label_associated: true,
      data_source_info: { label_project_package_id: "pkg-1", label_project_package_name: "lanes-pkg", batch_task_ids: ["b1"], raw_data_ids: ["r1"] },
      tags: ["night"],
      custom_attributes: ["road:highway"],
      version_count: 3,
      has_finished: false,
      version_success_count: 2,
    });
    expect(srv.seen.at(-1)).toMatchObject({ method: "GET", url: `/v1.0/${P}/common/datasets/ds-1` });
    expect(live).toEqual({
      inputs: { name: "lanes", dataType: "IMAGE", datasetForm: "DATASET", dataSource: "LABEL", description: "lane markings", labelFormat: "OCTOPUS", dataSourceInfo: { labelProjectPackageId: "pkg-1", labelProjectPackageName: "lanes-pkg" }, labelTaged: true },
      state: {
        latestVersion: 3,
        versionCount: 3,
        versionSuccessCount: 2,
        hasFinished: false,
        owner: "CUSTOMER",
        frameNum: 1200,
        frameSize: 52428800,
        labelCount: 4,
        labelNames: ["car", "lane"],
        labelAssociated: true,
        projectId: P,
        createAt: 1701403312027,
        updateAt: 1701403319999,
      },
    });
  });

  it("a subset's source and a warehouse source; source info with only answered extras is none", async () => {
    const subset = await read({ ...answered, dataset_form: "SUBSET", source_dataset_id: "ds-0", source_dataset_name: "all-lanes", data_source: "HOUSE", data_source_info: { data_warehouse_id: "wh-1", raw_data_ids: ["r1"] } });
    expect(subset!.inputs).toMatchObject({ datasetForm: "SUBSET", sourceDatasetId: "ds-0", dataSource: "HOUSE", dataSourceInfo: { dataWarehouseId: "wh-1" } });
    expect(subset!.inputs.dataSourceInfo).toEqual({ dataWarehouseId: "wh-1" });
    expect(subset!.state.sourceDatasetName).toBe("all-lanes");
    const local = await read({ ...answered, data_source: "LOCAL", data_source_info: { batch_task_ids: ["b1"] } });
    expect(local!.inputs).not.toHaveProperty("dataSourceInfo");
  });

  it("fields the answer leaves out (as §4.3.3's example does) read as none yet: no versions, nothing built, no labels", async () => {
    const live = await read(answered);
    expect(live).toEqual({
      inputs: { name: "lanes", dataType: "IMAGE", datasetForm: "DATASET", dataSource: "LABEL", description: "lane markings", labelFormat: "OCTOPUS" },
      state: { latestVersion: 0, versionCount: 0, versionSuccessCount: 0, hasFinished: true, frameNum: 0, frameSize: 0, labelCount: 0, labelNames: [], labelAssociated: false, projectId: P, createAt: 1701403312027, updateAt: 1701403319999 },
    });
  });
});

describe("refresh reads a dataset version back (§4.4.3)", () => {
  const read = async (answer: Record<string, unknown>) => {
    srv.answer(envelope({ item: answer }));
    return octopus.datasetVersionDefinition.api.read(contextAt(srv.url), "v-2", { datasetId: "ds-1" } as never);
  };
  const answered = { id: "v-2", label_dataset_id: "ds-1", name: "V2", status: "INITIALIZING", project_id: P, create_at: 1701403312027, update_at: 1701403319999 };

  it("every field of the detail answer; the request fields it echoes are the inputs", async () => {
    const live = await read({
      ...answered,
      description: "night drives",
      batch_task_id: "batch-7",
      label_meta_names: ["car"],
      custom_image: "10293:1",
      command: "python convert.py",
      agreement_confirm: true,
      search_status: "labeled",
      status: "SUCCESS",
      has_finished: true,
      label_format: "OCTOPUS",
      frame_num: 30,
      frame_size: 4096,
      label_count: 7,
      label_names: ["car", "person"],
      source_version_id: "v-1",
      label_infos: [],
      tag_infos: [],
    });
    expect(srv.seen.at(-1)).toMatchObject({ method: "GET", url: `/v1.0/${P}/common/datasets/ds-1/versions/v-2` });
    expect(live).toEqual({
      inputs: { datasetId: "ds-1", description: "night drives", batchTaskId: "batch-7", labelMetaNames: ["car"], customImage: "10293:1", command: "python convert.py", agreementConfirm: true },
      state: {
        name: "V2",
        status: "SUCCESS",
        hasFinished: true,
        labelFormat: "OCTOPUS",
        frameNum: 30,
        frameSize: 4096,
        labelCount: 7,
        labelNames: ["car", "person"],
        sourceVersionId: "v-1",
        projectId: P,
        createAt: 1701403312027,
        updateAt: 1701403319999,
      },
    });
  });

  it("fields the answer leaves out read as a build not over, with nothing in it yet", async () => {
    expect(await read(answered)).toEqual({
      inputs: { datasetId: "ds-1" },
      state: { name: "V2", status: "INITIALIZING", hasFinished: false, frameNum: 0, frameSize: 0, labelCount: 0, labelNames: [], projectId: P, createAt: 1701403312027, updateAt: 1701403319999 },
    });
  });
});

describe("a version whose create answer was lost is the new one with its description (§4.4.1)", () => {
  it("the candidates are the dataset's versions with the same description, an empty one being none", async () => {
    const datasetId = await obsDataset("described-versions");
    const make = async (extra: Record<string, unknown>) => (await handlers.create(VERSION, versionInputs(datasetId, extra))).id;
    const [a, b, none, empty] = [await make({ description: "a" }), await make({ description: "b" }), await make({}), await make({ description: "" })];
    const identity = octopus.datasetVersionDefinition.identity as NewObjectIdentity<any>;
    const candidates = async (description?: string) => (await identity.candidates(contextAt(emu.url), { datasetId, description })).sort();
    expect(await candidates("a")).toEqual([a]);
    expect(await candidates("b")).toEqual([b]);
    expect(await candidates("c")).toEqual([]);
    expect(await candidates(undefined)).toEqual([none, empty].sort());
    expect(await candidates("")).toEqual([none, empty].sort());
  });

  it("a lost answer is adopted, not sent again: one POST, one version, with an empty description too", async () => {
    const datasetId = await obsDataset("lost-version-answer");
    await handlers.create(VERSION, versionInputs(datasetId, { description: "other" }));
    for (const description of ["night drives", ""]) {
      const from = emu.requests.length;
      emu.inject({ pathPattern: `/common/datasets/${datasetId}/versions$`, method: "POST", kind: "lost", count: 1 });
      const created = await handlers.create(VERSION, versionInputs(datasetId, { description }));
      expect(emu.requests.since(from).filter((r) => r.method === "POST")).toHaveLength(1);
      expect((await versionsOf(datasetId)).filter((v) => v.description === description).map((v) => v.id)).toEqual([created.id]);
      expect(logged.join("\n"), description).toMatch(`found it (id ${created.id}), adopting`);
    }
  });
});

describe("versions are deleted newest first (§4.4.4, 400 octopus.202207)", () => {
  it("the newest version goes with one DELETE and no wait", async () => {
    const datasetId = await obsDataset("delete-newest");
    const v1 = await handlers.create(VERSION, versionInputs(datasetId));
    const from = emu.requests.length;
    await handlers.delete(VERSION, v1.id, { ...v1.outs, __edgeaiName: "newest" });
    expect(deletesSince(from, v1.id).map((r) => r.status)).toEqual([200]);
    expect(await versionsOf(datasetId)).toEqual([]);
    expect(logged).toEqual([]);
  });

  it("an older version waits for the newer ones to go, saying so on the resource's line", async () => {
    const datasetId = await obsDataset("delete-older-first");
    const v1 = await handlers.create(VERSION, versionInputs(datasetId));
    const v2 = await handlers.create(VERSION, versionInputs(datasetId));
    const from = emu.requests.length;
    const deleteV1 = handlers.delete(VERSION, v1.id, { ...v1.outs, __edgeaiName: "older" });
    // Refused twice: once before the wait, once inside it (which then says it waits).
    await until("v1's delete refused while v2 exists", () => deletesSince(from, v1.id).filter((r) => r.status === 400 && r.code === "octopus.202207").length >= 2);
    await handlers.delete(VERSION, v2.id, { ...v2.outs, __edgeaiName: "newer" });
    await deleteV1;
    expect(await versionsOf(datasetId)).toEqual([]);
    expect(logged).toEqual([
      expect.stringMatching(/^edgeai:octopus:DatasetVersion "older": dataset version V1: waiting for newer versions to be deleted first \(\d+s\)$/),
      expect.stringMatching(/^edgeai:octopus:DatasetVersion "older": dataset version V1: deleted \(\d+s\)$/),
    ]);
  });

  it("a newer version that stays: after the wait, the delete fails with the service's refusal and the version stays", async () => {
    const datasetId = await obsDataset("delete-blocked");
    const v1 = await handlers.create(VERSION, versionInputs(datasetId));
    await handlers.create(VERSION, versionInputs(datasetId));
    const from = emu.requests.length;
    const err: any = await withWaitOverAfter(
      // Refused twice: once before the wait, once inside it.
      () => deletesSince(from, v1.id).length >= 2,
      () => handlers.delete(VERSION, v1.id, { ...v1.outs, __edgeaiName: "blocked" }),
    );
    expect(err).toMatchObject({ status: 400, errorCode: "octopus.202207" });
    expect(err.message).toContain("This version is not the latest version (V1; delete V2 first)");
    expect((await versionsOf(datasetId)).map((v) => v.name)).toEqual(["V2", "V1"]);
    expect(logged[0]).toMatch(/^edgeai:octopus:DatasetVersion "blocked": dataset version V1: waiting for newer versions to be deleted first \(\d+s\)$/);
  });

  it("any other refusal fails the delete at once (a policy without the delete action: 403 octopus.000111)", async () => {
    const datasetId = await obsDataset("delete-denied");
    const v1 = await handlers.create(VERSION, versionInputs(datasetId));
    const from = emu.requests.length;
    const dv = octopus.datasetVersionDefinition;
    // Were it taken for "not the latest", the delete would wait and try again: it is not.
    const err = await withWaitOverAfter(
      () => deletesSince(from, v1.id).length > 0,
      () => dv.api.delete(contextAt(emu.url, LIMITED), v1.id, dv.inputs.parse(versionInputs(datasetId)) as never, v1.outs!),
    );
    expect(err).toMatchObject({ status: 403, errorCode: "octopus.000111" });
    expect(deletesSince(from, v1.id)).toHaveLength(1);
    expect(logged).toEqual([]);
    expect((await versionsOf(datasetId)).map((v) => v.id)).toEqual([v1.id]);
  });
});

describe("a scene map created with fileReady: true (§4.19.1, §4.19.2)", () => {
  const patches = (from: number) => emu.requests.since(from).filter((r) => r.method === "PATCH" && r.path.includes("/sim/sm/maps/"));

  it("a file the service did not have is marked ready by the create: the outputs show it ready, with its links", async () => {
    const sha256 = "1".repeat(64);
    const from = emu.requests.length;
    const created = await handlers.create(MAP, { version: "v1.6.0", file: { sha256, filename: "straight.xodr" }, agreementConfirm: true, fileReady: true });
    expect(patches(from).map((r) => r.path)).toEqual([`/v2/${P}/sim/sm/maps/${created.id}/files/${sha256}`]);
    expect(created.outs).toMatchObject({
      url: `/v2/${P}/sim/sm/maps/${created.id}/`,
      createdAt: expect.any(Number),
      fileUrl: expect.stringContaining(sha256),
      fileReady: true,
      getUrl: expect.any(String),
      // The upload link is only in the create answer: kept.
      putUrl: expect.any(String),
    });
    // The service holds the file as ready: a PATCH with no fields reads it (§4.19 has no GET).
    const file = await send(emu.url, "PATCH", `/v2/${P}/sim/sm/maps/${created.id}/files/${sha256}`, { headers: withToken(token), body: "{}" });
    expect(file.json).toMatchObject({ ready: true });
  });

  it("a create answer without its file (§4.19.1 always sends one) is no error: the file is marked ready all the same", async () => {
    const sha256 = "3".repeat(64);
    srv.answer(
      { status: 201, body: { url: `/v2/${P}/sim/sm/maps/7/`, id: 7, created_at: 1699954027.366, updated_at: 1699954027.366, version: "v1.6.0", agreement_confirm: true } },
      { body: { url: `/v2/${P}/sim/sm/files/${sha256}/`, sha256, ready: true, get_url: "https://get_url", expire: 600, filename: "straight.xodr" } },
    );
    const from = srv.seen.length;
    const inputs = octopus.sceneMapDefinition.inputs.parse({ version: "v1.6.0", file: { sha256, filename: "straight.xodr" }, agreementConfirm: true, fileReady: true });
    expect(await octopus.sceneMapDefinition.api.create(contextAt(srv.url), inputs as never)).toEqual({
      id: "7",
      state: { url: `/v2/${P}/sim/sm/maps/7/`, createdAt: 1699954027.366, fileUrl: `/v2/${P}/sim/sm/files/${sha256}/`, fileReady: true, getUrl: "https://get_url", expire: 600 },
    });
    expect(srv.seen.slice(from).map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      `POST /v2/${P}/sim/sm/maps ${JSON.stringify({ version: "v1.6.0", file: { sha256, filename: "straight.xodr" }, agreement_confirm: true })}`,
      `PATCH /v2/${P}/sim/sm/maps/7/files/${sha256} {"ready":true}`,
    ]);
  });

  it("a file the service already has ready needs no PATCH", async () => {
    const sha256 = "2".repeat(64);
    const first = await handlers.create(MAP, { version: "v1.6.0", file: { sha256, filename: "ring.xodr" }, agreementConfirm: true, fileReady: true });
    expect(first.outs).toMatchObject({ fileReady: true });
    const from = emu.requests.length;
    const second = await handlers.create(MAP, { version: "v1.7.0", file: { sha256, filename: "ring.xodr" }, agreementConfirm: true, fileReady: true });
    expect(patches(from)).toEqual([]);
    expect(second.outs).toMatchObject({ fileReady: true, getUrl: expect.any(String) });
  });
});
