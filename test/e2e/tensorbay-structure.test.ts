import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, Emulator } from "../../emulator";
import { TensorbayClient } from "../../provider/client/tensorbay";
import { resolveConfig } from "../../provider/config";
import { cleanup, createStack, expectImportedElsewhere, forEachDelivery, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { tensorbayGet } from "./server-state";

const ACCESS_KEY_CONFIG = { "edgeai:tensorbayAccessKey": { value: DEFAULTS.tensorbayAccessKey, secret: true } };

/** What a colleague would do in the TensorBay console: direct API calls. */
function consoleApi(emulator: Emulator): TensorbayClient {
  const values: Record<string, string> = { tensorbayEndpoint: `${emulator.url}/gatewayv2/tensorbay-open-api`, tensorbayAccessKey: DEFAULTS.tensorbayAccessKey };
  return new TensorbayClient(resolveConfig((k) => values[k], {}));
}

interface Version {
  segment: string;
  lidarHeight: number;
  maxDoors: number;
}

const LIDAR = (v: Version) => ({ name: "lidar", type: "LIDAR", extrinsics: { translation: { x: 0, y: 0, z: v.lidarHeight }, rotation: { w: 1, x: 0, y: 0, z: 0 } } });
const CAMERA = { name: "front", type: "CAMERA", description: "windscreen", intrinsics: { cameraMatrix: { fx: 1000, fy: 1000, cx: 960, cy: 540 }, distortionCoefficients: { k1: -0.1, k2: 0.01 } } };
const BOX2D = (v: Version) => ({
  isTracking: true,
  categoryDelimiter: ".",
  categories: [{ name: "vehicle.car" }, { name: "vehicle.bus" }, { name: "person", description: "pedestrian" }],
  attributes: [
    { name: "occluded", type: "boolean" },
    { name: "doors", type: "integer", minimum: 0, maximum: v.maxDoors, parentCategories: ["vehicle.car", "vehicle.bus"] },
  ],
});

/** A fusion dataset's structure: one segment with a lidar and a camera, and a BOX2D catalog. */
function resources(v: Version, importIds: Record<string, string> = {}): ResourceSpec[] {
  const dataset = { $ref: "ds.id" };
  const specs: ResourceSpec[] = [
    { name: "ds", type: "tensorbay.Dataset", args: { name: "drive_log", type: 1 } },
    { name: "seg", type: "tensorbay.Segment", args: { datasetId: dataset, name: v.segment } },
    { name: "lidar", type: "tensorbay.Sensor", args: { datasetId: dataset, segmentName: { $ref: "seg.name" }, ...LIDAR(v) } },
    { name: "front", type: "tensorbay.Sensor", args: { datasetId: dataset, segmentName: { $ref: "seg.name" }, ...CAMERA } },
    { name: "catalog", type: "tensorbay.LabelCatalog", args: { datasetId: dataset, box2d: BOX2D(v) } },
  ];
  for (const spec of specs) if (importIds[spec.name]) spec.args.importId = importIds[spec.name];
  return specs;
}
const EXPORTS = { ds: ["id"], seg: ["id", "commitId"], lidar: ["id", "commitId"], front: ["id"], catalog: ["id", "commitId"] };
const V1: Version = { segment: "drive", lidarHeight: 1.8, maxDoors: 6 };

const noChanges = (summary: Record<string, number>) => Object.keys(summary).filter((k) => k !== "same" && summary[k] > 0);
const values = (outputs: Record<string, { value: any }>) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));

forEachDelivery((delivery) => {
  let emulator: Emulator;
  let t: TestStack;

  /** What the branch head holds, read by plain HTTP on the documented paths. */
  async function atHead(datasetId: string, path: string, query: Record<string, string> = {}): Promise<any> {
    const answer = await tensorbayGet(emulator, `/v1/datasets/${datasetId}/${path}`, { commit: "main", ...query });
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.json)}`);
    return answer.json;
  }
  const segmentNames = async (datasetId: string) => (await atHead(datasetId, "segments")).segments.map((s: { name: string }) => s.name);
  const sensorsOf = async (datasetId: string, segment: string) => (await atHead(datasetId, "sensors", { segmentName: segment })).sensors;
  const commitTitles = async (datasetId: string) => (await atHead(datasetId, "commits")).commits.map((c: { title: string }) => c.title);

  /** A console edit: a draft on main, the calls, a commit. */
  async function consoleCommit(datasetId: string, title: string, calls: [string, Record<string, unknown>][]): Promise<string> {
    const api = consoleApi(emulator);
    const { draftNumber } = await api.call("POST /v1/datasets/{datasetId}/drafts", { datasetId }, { body: { branchName: "main", title } });
    for (const [route, body] of calls) await api.call(route, { datasetId }, { body: { ...body, draftNumber } });
    return (await api.call("POST /v1/datasets/{datasetId}/commits", { datasetId }, { body: { title, draftNumber } })).commitId;
  }

  beforeAll(async () => {
    emulator = await startEmulatorForTests(`tensorbay-structure-${delivery}`);
    t = await createStack(emulator, `tensorbay-structure-${delivery}`, ACCESS_KEY_CONFIG, { delivery });
  });
  afterAll(async () => {
    await emulator?.close();
    if (t) cleanup(t.dir);
  });

  describe("TensorBay segment, sensors and label catalog through the real pulumi CLI", () => {
    let out: Record<string, any>;

    it("up creates them, each change a commit on main; a second preview shows no changes", async () => {
      t.declare(resources(V1), EXPORTS);
      out = values(await t.up());
      const ds = out["ds.id"];
      expect(await segmentNames(ds)).toEqual(["drive"]);
      expect(await sensorsOf(ds, "drive")).toEqual([
        { name: "front", type: "CAMERA", description: "windscreen", intrinsics: { cameraMatrix: { fx: 1000, fy: 1000, cx: 960, cy: 540, skew: 0 }, distortionCoefficients: { k1: -0.1, k2: 0.01 } } },
        { name: "lidar", ...LIDAR(V1) },
      ]);
      const catalog = (await atHead(ds, "labels/catalogs")).catalog;
      expect(Object.keys(catalog)).toEqual(["BOX2D"]);
      expect(catalog.BOX2D).toMatchObject({ isTracking: true, categoryDelimiter: ".", attributes: [{ name: "occluded", type: "boolean" }, { name: "doors", maximum: 6, parentCategories: ["vehicle.car", "vehicle.bus"] }] });
      // Four commits, one per object, newest first. The catalog depends on nothing but the dataset, so
      // it lands at any point; the sensors come after their segment.
      const titles = await commitTitles(ds);
      expect([...titles].sort()).toEqual(["Add segment drive", "Add sensor front", "Add sensor lidar", "Update label catalog"]);
      expect(titles.indexOf("Add segment drive")).toBeGreaterThan(Math.max(titles.indexOf("Add sensor front"), titles.indexOf("Add sensor lidar")));
      expect(noChanges(await t.previewChanges())).toEqual([]);
    });

    it("a sensor's mounting and the catalog change in place, each by a new commit; the segment stays", async () => {
      const v2 = { ...V1, lidarHeight: 2.1, maxDoors: 8 };
      t.declare(resources(v2), EXPORTS);
      // Unchanged: the stack, the dataset, the segment and the camera.
      expect(await t.previewChanges()).toMatchObject({ update: 2, same: 4 });
      const next = values(await t.up());
      expect(next["lidar.id"]).toBe("lidar");
      expect(next["seg.commitId"]).toBe(out["seg.commitId"]);
      expect(next["lidar.commitId"]).not.toBe(out["lidar.commitId"]);
      expect(next["catalog.commitId"]).not.toBe(out["catalog.commitId"]);
      expect((await sensorsOf(out["ds.id"], "drive")).find((s: { name: string }) => s.name === "lidar").extrinsics.translation.z).toBe(2.1);
      expect((await atHead(out["ds.id"], "labels/catalogs")).catalog.BOX2D.attributes[1].maximum).toBe(8);
      expect((await commitTitles(out["ds.id"])).slice(0, 2).sort()).toEqual(["Update label catalog", "Update sensor lidar"]);
      out = next;
    });

    it("a new segment name replaces the segment and moves its sensors; the old segment is removed from the head", async () => {
      t.declare(resources({ ...V1, segment: "drive_2" }), EXPORTS);
      expect(await t.previewChanges()).toMatchObject({ replace: 3 });
      out = values(await t.up());
      expect(out["seg.id"]).toBe("drive_2");
      expect(await segmentNames(out["ds.id"])).toEqual(["drive_2"]);
      expect((await sensorsOf(out["ds.id"], "drive_2")).map((s: { name: string }) => s.name)).toEqual(["front", "lidar"]);
      expect(noChanges(await t.previewChanges())).toEqual([]);
    });

    it("refresh notices a sensor removed and the catalog changed in the console; up puts them back", async () => {
      const ds = out["ds.id"];
      await consoleCommit(ds, "console cleanup", [
        ["DELETE /v1/datasets/{datasetId}/sensors", { segmentName: "drive_2", sensorName: "front" }],
        ["PUT /v1/datasets/{datasetId}/labels/catalogs", { catalog: { BOX2D: { categories: [{ name: "person" }] } } }],
      ]);
      await t.refresh();
      const state: { type: string; outputs: Record<string, unknown> }[] = JSON.parse(await t.exportState()).deployment.resources;
      const ofType = (name: string) => state.filter((r) => r.type.endsWith(`edgeai:tensorbay:${name}`));
      expect(ofType("Sensor").map((r) => r.outputs.name)).toEqual(["lidar"]);
      expect(ofType("LabelCatalog")[0].outputs.box2d).toMatchObject({ categories: [{ name: "person" }] });
      expect(await t.previewChanges()).toMatchObject({ create: 1, update: 1 });
      out = values(await t.up());
      expect((await sensorsOf(ds, "drive_2")).map((s: { name: string }) => s.name)).toEqual(["front", "lidar"]);
      expect((await atHead(ds, "labels/catalogs")).catalog.BOX2D.categories.map((c: { name: string }) => c.name)).toEqual(["vehicle.car", "vehicle.bus", "person"]);
    });

    it("refresh drops a segment removed in the console, with its sensors; up makes them again", async () => {
      const ds = out["ds.id"];
      await consoleCommit(ds, "console removes drive_2", [["DELETE /v1/datasets/{datasetId}/segments", { segmentName: "drive_2" }]]);
      await t.refresh();
      const state: { type: string }[] = JSON.parse(await t.exportState()).deployment.resources;
      expect(state.map((r) => r.type.split(":").pop()).filter((type) => type === "Segment" || type === "Sensor")).toEqual([]);
      expect(await t.previewChanges()).toMatchObject({ create: 3 });
      out = values(await t.up());
      expect(await segmentNames(ds)).toEqual(["drive_2"]);
      expect((await sensorsOf(ds, "drive_2")).map((s: { name: string }) => s.name)).toEqual(["front", "lidar"]);
    });

    it("the functions read the user, a segment's frames and what the last commit changed", async () => {
      const ds = out["ds.id"];
      const label = { BOX2D: [{ box2d: { xmin: 10, ymin: 20, xmax: 110, ymax: 220 }, category: "person" }] };
      await consoleCommit(ds, "frame 1", [
        [
          "PUT /v1/datasets/{datasetId}/multi/callback",
          {
            segmentName: "drive_2",
            objects: [
              { remotePath: "000001.pcd", checksum: "a1", fileSize: 2048, frameId: "01F0000000000000000000000A", sensorName: "lidar" },
              { remotePath: "000001.jpg", checksum: "b1", fileSize: 512, frameId: "01F0000000000000000000000A", sensorName: "front", label },
            ],
          },
        ],
      ]);
      const dataset = { $ref: "ds.id" };
      t.declare(resources({ ...V1, segment: "drive_2" }), EXPORTS, [
        { name: "user", fn: "tensorbay.getUserOutput", args: {} },
        { name: "frames", fn: "tensorbay.getDataOutput", args: { datasetId: dataset, segmentName: { $ref: "seg.name" } } },
        { name: "lastChange", fn: "tensorbay.getRevisionDiffOutput", args: { datasetId: dataset } },
      ]);
      const result = values(await t.up());
      expect(result.user).toMatchObject({ nickname: "emulator", id: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(result.frames.data).toEqual([
        { remotePath: "000001.jpg", url: expect.any(String), label, frameId: "01F0000000000000000000000A", sensorName: "front" },
        { remotePath: "000001.pcd", url: expect.any(String), label: {}, frameId: "01F0000000000000000000000A", sensorName: "lidar" },
      ]);
      expect(result.lastChange).toEqual({
        notes: "",
        catalog: "",
        segments: [{ name: "drive_2", action: "modify", data: [{ remotePath: "000001.jpg", action: "add", fileAction: "add", labelAction: "add" }, { remotePath: "000001.pcd", action: "add", fileAction: "add", labelAction: "" }] }],
      });
      t.declare(resources({ ...V1, segment: "drive_2" }), EXPORTS);
    });

    it("invalid input fails in preview, naming resource, field and rule, and sends no request", async () => {
      const badSensor = resources({ ...V1, segment: "drive_2" });
      badSensor[2].args.intrinsics = CAMERA.intrinsics;
      const badCatalog = resources({ ...V1, segment: "drive_2" });
      (badCatalog[4].args.box2d as { attributes: Record<string, unknown>[] }).attributes.push({ name: "colour" });
      const cases: [ResourceSpec[], string][] = [
        [badSensor, 'edgeai:tensorbay:Sensor: field "intrinsics": applies only to CAMERA and FISHEYE_CAMERA sensors, not LIDAR'],
        [badCatalog, 'edgeai:tensorbay:LabelCatalog: field "box2d.attributes[2].type": is required when `enum` is not given'],
      ];
      for (const [bad, message] of cases) {
        t.declare(bad, EXPORTS);
        const requests = t.mark();
        const text = String(await t.previewChanges().catch((e) => e?.message ?? e));
        expect(text).toContain(message);
        expect(requests()).toEqual([]);
      }
    });

    // Dynamic resources cannot be `pulumi import`ed (pulumi/pulumi#16175): they adopt with importId, below.
    if (delivery === "native")
      it("pulumi import brings the dataset, segment, sensors and catalog into another stack by the IDs a user types", async () => {
        await expectImportedElsewhere(t, "tensorbay-structure-import");
      });

    it("destroy removes the sensors, the catalog and the segment by commits, then the dataset: the server is empty", async () => {
      t.declare(resources({ ...V1, segment: "drive_2" }), EXPORTS);
      await t.destroy();
      expect(emulator.store.count()).toBe(0);
    });

    it("importId adopts a structure made in the console; nothing is committed and nothing new is created", async () => {
      const api = consoleApi(emulator);
      const { id } = await api.call("POST /v1/datasets", {}, { body: { name: "drive_log", type: 1 } });
      const { intrinsics } = CAMERA;
      await consoleCommit(id, "console structure", [
        ["POST /v1/datasets/{datasetId}/segments", { name: "drive" }],
        ["POST /v1/datasets/{datasetId}/sensors", { segmentName: "drive", ...LIDAR(V1) }],
        ["POST /v1/datasets/{datasetId}/sensors", { segmentName: "drive", ...CAMERA, intrinsics: { ...intrinsics, cameraMatrix: { ...intrinsics.cameraMatrix, skew: 0 } } }],
        ["PUT /v1/datasets/{datasetId}/labels/catalogs", { catalog: { BOX2D: BOX2D(V1) } }],
      ]);
      t.declare(resources(V1, { ds: id, seg: "drive", lidar: "lidar", front: "front", catalog: id }), EXPORTS);
      const adopted = values(await t.up());
      expect(adopted).toMatchObject({ "ds.id": id, "seg.id": "drive", "lidar.id": "lidar", "front.id": "front", "catalog.id": id });
      expect(await commitTitles(id)).toEqual(["console structure"]);
      expect(emulator.store.count()).toBe(1);
      expect(noChanges(await t.previewChanges())).toEqual([]);
      await t.destroy();
      expect(emulator.store.count()).toBe(0);
    });
  });
});
