import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS } from "../../emulator";
import { tensorbayPrincipal } from "../../emulator/tensorbay/common";
import { TensorbayClient } from "../../provider/client/tensorbay";
import { resolveConfig } from "../../provider/config";
import { handlers } from "../../provider/framework/runtime";
import { UNKNOWN } from "../../provider/framework/validate";
import { getCloudFiles, getData, getRevisionDiff, getUser, getUserOutput } from "../../provider/tensorbay";
import { commitDraft } from "../../provider/tensorbay/common";
import { runtimeAgainstEmulator } from "./runtime-emulator";

const DATASET = "edgeai:tensorbay:Dataset";
const COMMIT = "edgeai:tensorbay:Commit";
const CATALOG = "edgeai:tensorbay:LabelCatalog";
const SEGMENT = "edgeai:tensorbay:Segment";
const SENSOR = "edgeai:tensorbay:Sensor";

const env = runtimeAgainstEmulator("tensorbay-structure");
let api: TensorbayClient;

beforeAll(() => {
  const values: Record<string, string> = { tensorbayEndpoint: `${env.emu.url}/gatewayv2/tensorbay-open-api`, tensorbayAccessKey: DEFAULTS.tensorbayAccessKey };
  api = new TensorbayClient(resolveConfig((k) => values[k], {}));
  // The functions run in the program's process: outside a deployment they read the environment.
  process.env.TENSORBAY_ENDPOINT = values.tensorbayEndpoint;
  process.env.TENSORBAY_ACCESS_KEY = DEFAULTS.tensorbayAccessKey;
});

const BOX2D = {
  isTracking: true,
  categoryDelimiter: ".",
  categories: [{ name: "vehicle.car" }, { name: "vehicle.bus" }, { name: "person" }],
  attributes: [
    { name: "occluded", type: "boolean" },
    { name: "doors", type: "integer", minimum: 0, maximum: 6, parentCategories: ["vehicle.car", "vehicle.bus"] },
    { name: "weather", enum: ["sunny", "rain"] },
  ],
};
const LIDAR = { name: "lidar", type: "LIDAR", extrinsics: { translation: { x: 0, y: 0, z: 1.8 }, rotation: { w: 1, x: 0, y: 0, z: 0 } } };
const CAMERA = { name: "front", type: "CAMERA", intrinsics: { cameraMatrix: { fx: 1000, fy: 1000, cx: 960, cy: 540 }, distortionCoefficients: { k1: -0.1, p1: 0.001 } } };

const failuresOf = async (type: string, news: Record<string, unknown>) => ((await handlers.check(type, {}, news)).failures ?? []).map((f) => f.reason);

describe("check: the structure resources reject bad input before any request", () => {
  it("a label catalog needs a subcatalog and follows the catalog format's rules between fields", async () => {
    expect(await failuresOf(CATALOG, { datasetId: "d" })).toEqual([
      'edgeai:tensorbay:LabelCatalog: field "(inputs)": must declare at least one subcatalog (classification, box2d, box3d, polygon, multiPolygon, rle, polyline2d, multiPolyline2d, keypoints2d); to remove the catalog, remove the resource',
    ]);
    const reasons = await failuresOf(CATALOG, {
      datasetId: "d",
      box2d: {
        categories: [{ name: "car" }, { name: "car" }],
        attributes: [{ name: "color" }, { name: "size", type: "string", minimum: 1 }, { name: "tags", type: "string", items: { type: "string" } }, { name: "axles", type: "integer", parentCategories: ["truck"] }],
      },
      keypoints2d: { keypoints: [{ number: 2, names: ["head"], skeleton: [[0, 2]] }] },
    });
    expect(reasons).toEqual([
      'edgeai:tensorbay:LabelCatalog: field "box2d.categories[1].name": "car" is listed twice',
      'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[0].type": is required when `enum` is not given',
      'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[1].minimum": applies only to type "number" or "integer"',
      'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[2].items": applies only to type "array"',
      'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[3].parentCategories[0]": "truck" is not one of this subcatalog\'s categories',
      'edgeai:tensorbay:LabelCatalog: field "keypoints2d.keypoints[0].names": must have 2 names (one per keypoint), not 1',
      'edgeai:tensorbay:LabelCatalog: field "keypoints2d.keypoints[0].skeleton[0]": indexes must be below number (2)',
    ]);
    // Tracking does not apply to classification: the field is not there to set.
    expect((await handlers.check(CATALOG, {}, { datasetId: "d", classification: { categories: [{ name: "day" }], isTracking: true } })).inputs.classification).toEqual({ description: "", categories: [{ name: "day", description: "" }] });
  });

  it("a label catalog's attributes have unique names, bounds only for numbers and in order, and items checked like the attribute", async () => {
    const attributes = [
      { name: "size", type: "number", minimum: 5, maximum: 1 },
      { name: "size", type: "integer", minimum: 3, maximum: 3 },
      { name: "scores", type: "array", items: { type: "string", maximum: 9 } },
      { name: "counts", type: ["array", "null"], items: { type: ["integer", "null"], minimum: 0, maximum: 10 } },
      { name: "level", type: ["string", "number"], maximum: 4 },
      { name: "flag", type: "boolean", minimum: 0 },
      { name: "flags", type: "boolean", items: { type: "boolean" } },
      { name: "mode", enum: ["a", "b"] },
    ];
    expect(await failuresOf(CATALOG, { datasetId: "d", box2d: { attributes } })).toEqual([
      'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[0].minimum": must not exceed `maximum`',
      'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[1].name": "size" is listed twice',
      'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[2].items.maximum": applies only to type "number" or "integer"',
      'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[5].minimum": applies only to type "number" or "integer"',
      'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[6].items": applies only to type "array"',
    ]);
  });

  it("a label catalog's keypoint sets: names and skeleton are optional, and when given fit the number; parents are the subcatalog's categories", async () => {
    const keypoints = [
      { number: 3, names: ["head", "hand", "foot"], skeleton: [[0, 2], [1, 2]], parentCategories: ["person"] },
      { number: 1 },
      { number: 2, parentCategories: ["animal"] },
    ];
    expect(await failuresOf(CATALOG, { datasetId: "d", keypoints2d: { categories: [{ name: "person" }], keypoints } })).toEqual([
      'edgeai:tensorbay:LabelCatalog: field "keypoints2d.keypoints[2].parentCategories[0]": "animal" is not one of this subcatalog\'s categories',
    ]);
  });

  it("a sensor has a documented type, and intrinsics only for cameras; a segment name is a path segment", async () => {
    expect(await failuresOf(SENSOR, { datasetId: "d", segmentName: "s", ...LIDAR, type: "SONAR" })).toEqual([expect.stringContaining('field "type": Invalid option: expected one of "LIDAR"|"RADAR"|"CAMERA"|"FISHEYE_CAMERA"')]);
    expect(await failuresOf(SENSOR, { datasetId: "d", segmentName: "s", ...LIDAR, intrinsics: CAMERA.intrinsics })).toEqual(['edgeai:tensorbay:Sensor: field "intrinsics": applies only to CAMERA and FISHEYE_CAMERA sensors, not LIDAR']);
    expect(await failuresOf(SEGMENT, { datasetId: "d", name: "a/b" })).toEqual([expect.stringContaining('field "name": must not contain \'/\'')]);
    expect(await failuresOf(SENSOR, { datasetId: UNKNOWN, segmentName: UNKNOWN, ...CAMERA })).toEqual([]);
  });

  it("a sensor's fields change in place, its place replaces it; a catalog change is a new commit in place", async () => {
    const sensor = { datasetId: "d", branchName: "main", segmentName: "s", ...LIDAR };
    expect(await handlers.diff(SENSOR, "lidar", sensor, { ...sensor, extrinsics: { ...LIDAR.extrinsics, translation: { x: 0, y: 0, z: 2 } } })).toMatchObject({ changes: true, replaces: [] });
    expect(await handlers.diff(SENSOR, "lidar", sensor, { ...sensor, segmentName: "t" })).toMatchObject({ replaces: ["segmentName"], deleteBeforeReplace: true });
    const catalog = { datasetId: "d", branchName: "main", box2d: BOX2D, commitTitle: "t" };
    expect(await handlers.diff(CATALOG, "d", catalog, { ...catalog, box2d: { ...BOX2D, isTracking: false } })).toMatchObject({ changes: true, replaces: [] });
    expect(await handlers.diff(SEGMENT, "s", { datasetId: "d", branchName: "main", name: "s" }, { datasetId: "d", branchName: "main", name: "t" })).toMatchObject({ replaces: ["name"] });
  });
});

describe("the structure resources against the emulator", () => {
  // Each test makes its own dataset (names unique per test), so any test runs alone or in any order.
  async function datasetWithCommit(name: string, type: 0 | 1 = 0): Promise<string> {
    const datasetId = (await handlers.create(DATASET, { name, type })).id;
    await handlers.create(COMMIT, { datasetId, title: "Initial commit" });
    return datasetId;
  }
  const head = (datasetId: string, path: string, query: Record<string, string> = {}) => api.call(`GET /v1/datasets/{datasetId}/${path}`, { datasetId }, { query: { commit: "main", ...query } });
  const titles = async (datasetId: string) => (await api.listAll<{ title: string }>("GET /v1/datasets/{datasetId}/commits", "commits", { params: { datasetId }, query: { commit: "main" } })).map((c) => c.title);

  it("a label catalog goes on the wire under the label-type keys, reads back without drift, and its removal is committed", async () => {
    const datasetId = await datasetWithCommit("unit_catalog");
    const created = await handlers.create(CATALOG, { datasetId, branchName: "main", box2d: BOX2D, commitTitle: "Catalog v1" });
    expect(created.id).toBe(datasetId);
    const wire = (await head(datasetId, "labels/catalogs")).catalog;
    expect(Object.keys(wire)).toEqual(["BOX2D"]);
    expect(wire.BOX2D.attributes[1]).toMatchObject({ name: "doors", type: "integer", minimum: 0, maximum: 6 });
    const read = await handlers.read(CATALOG, datasetId, created.outs!);
    expect(read.inputs).toEqual(created.outs && { ...read.inputs, box2d: created.outs.box2d });
    expect(await handlers.diff(CATALOG, datasetId, created.outs!, read.inputs!)).toMatchObject({ changes: false });
    // A subcatalog removed out of band is drift.
    const { draftNumber } = await api.call("POST /v1/datasets/{datasetId}/drafts", { datasetId }, { body: { branchName: "main", title: "console" } });
    await api.call("PUT /v1/datasets/{datasetId}/labels/catalogs", { datasetId }, { body: { catalog: {}, draftNumber } });
    await api.call("POST /v1/datasets/{datasetId}/commits", { datasetId }, { body: { title: "console", draftNumber } });
    expect((await handlers.read(CATALOG, datasetId, created.outs!)).props).not.toHaveProperty("box2d");
    await handlers.delete(CATALOG, datasetId, created.outs!);
    expect((await head(datasetId, "labels/catalogs")).catalog).toEqual({});
    expect(await titles(datasetId)).toEqual(["Remove label catalog", "console", "Catalog v1", "Initial commit"]);
  });

  it("a segment is added and removed by commits; the earlier commit still has it", async () => {
    const datasetId = await datasetWithCommit("unit_segment");
    const created = await handlers.create(SEGMENT, { datasetId, name: "day_1" });
    expect(created).toMatchObject({ id: "day_1", outs: { description: "", commitId: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    expect((await handlers.read(SEGMENT, "day_1", created.outs!)).props).toMatchObject({ name: "day_1" });
    await handlers.delete(SEGMENT, "day_1", created.outs!);
    expect(await handlers.read(SEGMENT, "day_1", created.outs!)).toEqual({});
    expect((await api.call("GET /v1/datasets/{datasetId}/segments", { datasetId }, { query: { commit: created.outs!.commitId as string } })).segments).toEqual([{ name: "day_1", description: "" }]);
    // Deleting what is already gone succeeds.
    await handlers.delete(SEGMENT, "day_1", created.outs!);
    expect(await titles(datasetId)).toEqual(["Remove segment day_1", "Add segment day_1", "Initial commit"]);
  });

  it("sensors belong to fusion segments; an update uploads again and keeps the sensor's files", async () => {
    const normal = await datasetWithCommit("unit_sensor_normal");
    await handlers.create(SEGMENT, { datasetId: normal, name: "s" });
    await expect(handlers.create(SENSOR, { datasetId: normal, segmentName: "s", ...LIDAR })).rejects.toMatchObject({ errorCode: "InvalidParamsValue", message: expect.stringContaining("only fusion datasets have sensors") });

    const datasetId = await datasetWithCommit("unit_sensor", 1);
    await handlers.create(SEGMENT, { datasetId, name: "drive" });
    const lidar = await handlers.create(SENSOR, { datasetId, segmentName: "drive", ...LIDAR });
    const { draftNumber } = await api.call("POST /v1/datasets/{datasetId}/drafts", { datasetId }, { body: { branchName: "main", title: "upload" } });
    await api.call("PUT /v1/datasets/{datasetId}/multi/callback", { datasetId }, { body: { segmentName: "drive", draftNumber, objects: [{ remotePath: "0001.pcd", checksum: "c1", fileSize: 10, frameId: "f1", sensorName: "lidar" }] } });
    await api.call("POST /v1/datasets/{datasetId}/commits", { datasetId }, { body: { title: "upload", draftNumber } });
    const moved = { ...lidar.outs!, description: "roof", extrinsics: { ...LIDAR.extrinsics, translation: { x: 0.1, y: 0, z: 2 } } };
    const updated = await handlers.update(SENSOR, "lidar", lidar.outs!, moved);
    expect(updated.outs!.commitId).not.toBe(lidar.outs!.commitId);
    expect((await head(datasetId, "sensors", { segmentName: "drive" })).sensors).toEqual([{ name: "lidar", type: "LIDAR", description: "roof", extrinsics: moved.extrinsics }]);
    expect((await head(datasetId, "data", { segmentName: "drive" })).data).toEqual([{ remotePath: "0001.pcd" }]);
    expect(await handlers.diff(SENSOR, "lidar", updated.outs!, (await handlers.read(SENSOR, "lidar", updated.outs!)).inputs!)).toMatchObject({ changes: false });
    // A create never takes over a sensor of the same name: it says how to adopt it.
    await expect(handlers.create(SENSOR, { datasetId, segmentName: "drive", ...LIDAR })).rejects.toThrow('segment "drive" already has a sensor "lidar" at the head of branch main: set `importId: "lidar"` to adopt it');
    // Removing a sensor removes its files.
    await handlers.delete(SENSOR, "lidar", updated.outs!);
    expect((await head(datasetId, "data", { segmentName: "drive" })).data).toEqual([]);
  });

  it("changes on one branch made at the same time all land: their draft-to-commit sequences take turns", async () => {
    const datasetId = await datasetWithCommit("unit_parallel", 1);
    await handlers.create(SEGMENT, { datasetId, name: "drive" });
    await Promise.all([
      handlers.create(SENSOR, { datasetId, segmentName: "drive", ...LIDAR }),
      handlers.create(SENSOR, { datasetId, segmentName: "drive", ...CAMERA }),
      handlers.create(CATALOG, { datasetId, box2d: BOX2D }),
      handlers.create(SEGMENT, { datasetId, name: "parking" }),
    ]);
    expect((await head(datasetId, "sensors", { segmentName: "drive" })).sensors.map((s: { name: string }) => s.name)).toEqual(["front", "lidar"]);
    expect((await head(datasetId, "segments")).segments.map((s: { name: string }) => s.name)).toEqual(["drive", "parking"]);
    expect(Object.keys((await head(datasetId, "labels/catalogs")).catalog)).toEqual(["BOX2D"]);
  });

  it("a create whose commit answer is lost adopts what it made: one segment, one sensor, one catalog commit", async () => {
    const datasetId = await datasetWithCommit("unit_lost", 1);
    const sent = (from: number, pattern: RegExp) => env.emu.requests.slice(from).filter((r) => pattern.test(`${r.method} ${r.path}`));
    const from = env.emu.requests.length;
    const loseNextCommit = () => env.emu.inject({ pathPattern: "/commits$", method: "POST", kind: "lost", count: 1 });
    loseNextCommit();
    expect(await handlers.create(SEGMENT, { datasetId, name: "drive" })).toMatchObject({ id: "drive" });
    loseNextCommit();
    expect(await handlers.create(SENSOR, { datasetId, segmentName: "drive", ...LIDAR })).toMatchObject({ id: "lidar" });
    loseNextCommit();
    expect(await handlers.create(CATALOG, { datasetId, box2d: BOX2D })).toMatchObject({ id: datasetId });
    expect(sent(from, /^POST .*\/(segments|sensors)$/)).toHaveLength(2);
    expect(sent(from, /^PUT .*\/labels\/catalogs$/)).toHaveLength(1);
    expect(sent(from, /^POST .*\/commits$/)).toHaveLength(3);
    expect(await titles(datasetId)).toEqual(["Update label catalog", "Add sensor lidar", "Add segment drive", "Initial commit"]);
  });

  it("a catalog whose commit failed unseen (5xx) finds the branch's catalog unchanged and commits it once; it is not mistaken for someone else's", async () => {
    const datasetId = await datasetWithCommit("unit_catalog_5xx");
    env.emu.inject({ pathPattern: "/commits$", method: "POST", status: 503, count: 1 });
    expect(await handlers.create(CATALOG, { datasetId, box2d: BOX2D, commitTitle: "Catalog" })).toMatchObject({ id: datasetId, outs: { commitId: expect.any(String) } });
    expect(await titles(datasetId)).toEqual(["Catalog", "Initial commit"]);
    expect(Object.keys((await head(datasetId, "labels/catalogs")).catalog)).toEqual(["BOX2D"]);
  });

  it("getRevisionDiff and getData report what a commit changed and what a segment holds", async () => {
    const datasetId = await datasetWithCommit("unit_diff", 1);
    const base = (await api.call("GET /v1/datasets/{datasetId}", { datasetId })).commitId;
    await handlers.create(SEGMENT, { datasetId, name: "drive" });
    await handlers.create(SENSOR, { datasetId, segmentName: "drive", ...LIDAR });
    await handlers.create(SENSOR, { datasetId, segmentName: "drive", ...CAMERA });
    const { draftNumber } = await api.call("POST /v1/datasets/{datasetId}/drafts", { datasetId }, { body: { branchName: "main", title: "frames" } });
    const label = { BOX2D: [{ box2d: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 }, category: "vehicle.car" }] };
    const objects = [
      { remotePath: "f1/lidar.pcd", checksum: "a", fileSize: 100, frameId: "f1", sensorName: "lidar" },
      { remotePath: "f1/front.jpg", checksum: "b", fileSize: 20, frameId: "f1", sensorName: "front", label },
    ];
    await api.call("PUT /v1/datasets/{datasetId}/multi/callback", { datasetId }, { body: { segmentName: "drive", draftNumber, objects } });
    await api.call("POST /v1/datasets/{datasetId}/commits", { datasetId }, { body: { title: "frames", draftNumber } });

    const lastCommit = await getRevisionDiff({ datasetId });
    expect(lastCommit).toEqual({ notes: "", catalog: "", segments: [{ name: "drive", action: "modify", data: [{ remotePath: "f1/front.jpg", action: "add", fileAction: "add", labelAction: "add" }, { remotePath: "f1/lidar.pcd", action: "add", fileAction: "add", labelAction: "" }] }] });
    expect((await getRevisionDiff({ datasetId, base })).segments).toEqual([expect.objectContaining({ name: "drive", action: "add" })]);
    expect(await getData({ datasetId, segmentName: "drive" })).toEqual({
      data: [
        { remotePath: "f1/front.jpg", url: expect.any(String), label, frameId: "f1", sensorName: "front" },
        { remotePath: "f1/lidar.pcd", url: expect.any(String), label: {}, frameId: "f1", sensorName: "lidar" },
      ],
    });
    expect((await api.call("GET /v1/datasets/{datasetId}/total-size", { datasetId }, { query: { commit: "main" } })).totalSize).toBe(120);
    expect((await api.call("GET /v1/datasets/{datasetId}/labels/statistics", { datasetId }, { query: { commit: "main" } })).labelStatistics).toEqual({ BOX2D: { quantity: 1, categories: [{ name: "vehicle.car", quantity: 1 }] } });
  });

  it("getCloudFiles walks the marker pages of a storage config's bucket; the list goes with the config", async () => {
    await api.call("POST /v1/storage-configs/local", {}, { body: { name: "nas_files", filePath: "p", endpoint: "http://10.0.0.1:9000" } });
    const frames = Array.from({ length: 130 }, (_, i) => `frames/${String(i).padStart(4, "0")}.jpg`);
    await env.emu.control("PUT", "/__emulator/tensorbay/cloud-files", { accessKey: DEFAULTS.tensorbayAccessKey, configName: "nas_files", files: ["labels/all.json", ...frames] });
    expect((await getCloudFiles({ configName: "nas_files", prefix: "frames/" })).files).toEqual(frames);
    expect((await getCloudFiles({ configName: "nas_files" })).files).toHaveLength(131);
    expect((await api.call("GET /v1/cloud/{configName}/files/urls", { configName: "nas_files" }, { query: { filePath: "labels/all.json" } })).url).toContain("labels%2Fall.json");
    await api.call("DELETE /v1/storage-configs/{name}", { name: "nas_files" });
    await expect(getCloudFiles({ configName: "nas_files" })).rejects.toMatchObject({ errorCode: "ResourceNotExist" });
    expect(env.emu.store.list(tensorbayPrincipal(DEFAULTS.tensorbayAccessKey), "tensorbay.cloudFiles")).toEqual([]);
  });

  it("getUser answers the access key's user, in plain and Output form", async () => {
    const user = await getUser();
    expect(user).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{32}$/), nickname: "emulator" });
    expect(JSON.stringify(user)).not.toContain(DEFAULTS.tensorbayAccessKey);
    expect(await new Promise((resolve) => getUserOutput().apply(resolve))).toEqual(user);
  });
});

describe("draft-to-commit sequences on one branch", () => {
  it("a change that starts after an earlier one on its branch ended still waits for the one in progress", async () => {
    // A client that answers at once and writes down each draft and commit opened, in order.
    const sent: string[] = [];
    let drafts = 0;
    const answering = {
      listAll: async () => [],
      call: async (route: string, _params: unknown, { body }: { body: { title: string } }) => {
        sent.push(`${route.split(" ")[0]} ${route.split("/").pop()} ${body.title}`);
        return route.endsWith("/drafts") ? { draftNumber: ++drafts } : { commitId: `c${drafts}` };
      },
    } as unknown as TensorbayClient;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = commitDraft(answering, "d", { branchName: "main", title: "first" });
    const second = commitDraft(answering, "d", { branchName: "main", title: "second" }, () => held);
    await first;
    const third = commitDraft(answering, "d", { branchName: "main", title: "third" });
    // Every step that does not wait for the held change runs now (no time passes).
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual(["POST drafts first", "POST commits first", "POST drafts second"]);
    release();
    expect(await Promise.all([second, third])).toEqual([
      { commitId: "c2", draftNumber: 2 },
      { commitId: "c3", draftNumber: 3 },
    ]);
    expect(sent.slice(3)).toEqual(["POST commits second", "POST drafts third", "POST commits third"]);
  });
});
