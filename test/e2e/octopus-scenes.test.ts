/**
 * Octopus scene segments, package tags, scene maps and simulation scenes through the real pulumi
 * CLI: one stack, every lifecycle step, plus data look-ups called from the program; told once per
 * delivery (dynamic resources, the `edgeai` plugin), each with its own emulator and stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, Emulator } from "../../emulator";
import { cleanup, consoleClient, createStack, expectImportedElsewhere, forEachDelivery, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { changes, stateOf, upWithChanges } from "./octopus-steps";
import { huaweiRead } from "./server-state";

const SEGMENTS = "/v1.0/{project_id}/data/scenario/segments";
const PACKAGES = "/v1.0/{project_id}/data/packages";
const SCENARIOS = "/v2/{project_id}/sim/sm/scenarios";
const MAPS = "/v2/{project_id}/sim/sm/maps";
const T0 = 1_700_000_000_000;
const sha = (c: string) => c.repeat(64);

interface Shape {
  tag: string;
  segmentEnd: number;
  packageTags: unknown[];
  mapVersion: string;
  mapReady: boolean;
  sceneName: string;
  sceneFile: string;
  sceneReady: boolean;
}

const EXPORTS = { tag: ["id"], seg: ["id", "vehicleName", "tagNames"], labels: ["id", "packageName"], map: ["id", "url", "fileReady", "putUrl"], sim: ["id", "status", "fileReady"] };
const ADOPTED_EXPORTS = { ...EXPORTS, seg2: ["id"], map2: ["id"], sim2: ["id", "status"], labels2: ["id", "packageName"] };
const FIRST: Shape = { tag: "take-over", segmentEnd: T0 + 15_000, packageTags: [{ $ref: "tag.id" }], mapVersion: "v1.6.0", mapReady: false, sceneName: "cut-in", sceneFile: "2", sceneReady: false };
const UPDATED: Shape = { ...FIRST, packageTags: [{ $ref: "tag.id" }, 2], mapReady: true, sceneFile: "3", sceneReady: true };
const REPLACED: Shape = { ...UPDATED, segmentEnd: T0 + 25_000, mapVersion: "v1.7.0", sceneName: "cut-in-2" };

forEachDelivery((delivery) => {
  let emulator: Emulator;
  let t: TestStack;
  /** Two recorded packages, as an import would have made them. */
  let packages: string[];

  function resources(s: Shape): ResourceSpec[] {
    return [
      { name: "tag", type: "octopus.DataTag", args: { name: s.tag } },
      { name: "seg", type: "octopus.DataScene", args: { dpkId: packages[0], start: T0 + 5_000, end: s.segmentEnd, tagIds: [{ $ref: "tag.id" }] } },
      { name: "labels", type: "octopus.DataPackageTags", args: { dpkId: packages[1], tagIds: s.packageTags } },
      { name: "map", type: "octopus.SceneMap", args: { version: s.mapVersion, file: { sha256: sha("1"), filename: "highway.xodr" }, agreementConfirm: true, fileReady: s.mapReady } },
      {
        name: "sim",
        type: "octopus.SimulationScene",
        args: { name: s.sceneName, simulator: "VTD", version: "v1.1.1", description: "cut-in at 80 km/h", map: { $ref: "map.url" }, mapFilename: "highway.xodr", file: { sha256: sha(s.sceneFile), filename: `${s.sceneName}.xosc` }, fileReady: s.sceneReady },
      },
    ];
  }

  const api = () => consoleClient(emulator, "octopus");
  const segments = async () => (await huaweiRead(emulator, SEGMENTS, { dpk_id: packages[0], limit: "200" })).payload.item.segments;
  const packageTags = async (id: string) => (await huaweiRead(emulator, `${PACKAGES}/${id}`)).payload.item.tag_ids;
  const scene = async (name: string) => (await huaweiRead(emulator, SCENARIOS, { name })).results;

  beforeAll(async () => {
    emulator = await startEmulatorForTests(`octopus-scenes-${delivery}`);
    t = await createStack(emulator, `octopus-scenes-${delivery}`, {}, { delivery });
    ({ packages } = await emulator.control("POST", `/__emulator/octopus/${DEFAULTS.projectId}/data`, {
      packages: [
        { name: "highway-run", vehicle_name: "car-7", start_time: T0, end_time: T0 + 60_000, storage_size: 2048 },
        { name: "city-run", vehicle_name: "car-8", start_time: T0 + 100_000, end_time: T0 + 160_000, storage_size: 1024 },
      ],
    }));
  });
  afterAll(async () => {
    await emulator?.close();
    if (t) cleanup(t.dir);
  });

  describe("Octopus scene segments, package tags, scene maps and simulation scenes through the real pulumi CLI", () => {
    let ids: Record<string, any>;
    /** Objects made by hand and adopted with `importId`: in the program from then on. */
    let adopted: ResourceSpec[];

    it("up creates them in dependency order and calls the data look-ups; a second preview shows no changes", async () => {
      t.declare(resources(FIRST), EXPORTS, [
        { name: "cityPackages", fn: "octopus.getDataPackagesOutput", args: { vehicleName: "car-8" } },
        { name: "episodes", fn: "octopus.getReplayEpisodesOutput", args: { startTime: T0, endTime: T0 + 200_000, dpkId: { $ref: "seg.dpkId" } } },
      ]);
      ids = (await upWithChanges(t)).outputs;
      expect(ids).toMatchObject({ "seg.vehicleName": "car-7", "seg.tagNames": ["take-over"], "labels.id": packages[1], "labels.packageName": "city-run", "map.fileReady": false, "sim.status": 10, "sim.fileReady": false });
      expect(ids["map.putUrl"]).toEqual(expect.any(String));
      expect(ids.cityPackages).toEqual([expect.objectContaining({ id: packages[1], name: "city-run", vehicleName: "car-8", storageSize: 1024 })]);
      expect(ids.episodes).toEqual([expect.objectContaining({ episodeId: packages[0], vehicleName: "car-7", startTime: T0, endTime: T0 + 60_000 })]);
      expect(await segments()).toEqual([expect.objectContaining({ id: ids["seg.id"], start: T0 + 5_000, end: T0 + 15_000, tag_ids: [Number(ids["tag.id"])], source: "MANUAL" })]);
      expect(await packageTags(packages[1])).toEqual([Number(ids["tag.id"])]);
      expect(await scene("cut-in")).toEqual([expect.objectContaining({ id: Number(ids["sim.id"]), map: ids["map.url"], map_filename: "highway.xodr", filename: "cut-in.xosc", simulator: "VTD", status: 10 })]);
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("in-place updates: another package tag, the map file uploaded, a new scene file uploaded", async () => {
      t.declare(resources(UPDATED), EXPORTS);
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ update: 3 });
      expect(outputs).toMatchObject({ "seg.id": ids["seg.id"], "map.id": ids["map.id"], "map.fileReady": true, "sim.id": ids["sim.id"], "sim.status": 1, "sim.fileReady": true });
      expect(await packageTags(packages[1])).toEqual([Number(ids["tag.id"]), 2]);
      expect(await scene("cut-in")).toEqual([expect.objectContaining({ id: Number(ids["sim.id"]), status: 1 })]);
    });

    it("replacements: a segment's new end, a map's new version, a scene's new name; undeletable maps and scenes stay in Octopus", async () => {
      t.declare(resources(REPLACED), EXPORTS);
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ replace: 3 });
      expect(outputs["seg.id"]).not.toBe(ids["seg.id"]);
      expect(outputs["map.id"]).not.toBe(ids["map.id"]);
      expect(outputs["sim.id"]).not.toBe(ids["sim.id"]);
      expect(await segments()).toEqual([expect.objectContaining({ id: outputs["seg.id"], end: T0 + 25_000 })]);
      // §4.18/§4.19 document no delete: the old scene is only forgotten by the stack.
      expect(await scene("cut-in")).toHaveLength(1);
      expect(await scene("cut-in-2")).toEqual([expect.objectContaining({ map: outputs["map.url"] })]);
      expect(emulator.store.list(DEFAULTS.projectId, "octopus.sceneMap")).toHaveLength(2);
      ids = outputs;
    });

    it("refresh shows changes made outside the stack; up puts the program's values back", async () => {
      await api().call(`DELETE ${SEGMENTS}/{id}`, { id: ids["seg.id"] });
      await api().call(`PUT ${PACKAGES}/{id}/tags`, { id: packages[1] }, { body: { tag_ids: [3] } });
      await api().call(`PATCH ${MAPS}/{id}/files/{sha}`, { id: ids["map.id"], sha: sha("1") }, { body: { ready: false } });
      await t.refresh();
      expect(await stateOf(t, "seg")).toBeUndefined();
      expect((await stateOf(t, "labels"))?.outputs).toMatchObject({ tagIds: [3] });
      expect((await stateOf(t, "map"))?.outputs).toMatchObject({ fileReady: false });
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ create: 1, update: 2 });
      expect(await segments()).toEqual([expect.objectContaining({ id: outputs["seg.id"], end: T0 + 25_000 })]);
      expect(await packageTags(packages[1])).toEqual([Number(ids["tag.id"]), 2]);
      expect(outputs["map.fileReady"]).toBe(true);
      ids = outputs;
    });

    it("importId adopts a segment, a map, a scene and a package's tags made by hand, without creating or changing any", async () => {
      await api().call(`PUT ${PACKAGES}/{id}/tags`, { id: packages[0] }, { body: { tag_ids: [3] } });
      const segId = (await api().call(`POST ${SEGMENTS}`, {}, { body: { dpk_id: packages[1], start: T0 + 110_000, end: T0 + 120_000, tag_ids: [2] } })).item;
      const map = await api().call(`POST ${MAPS}`, {}, { body: { version: "v1.5.0", file: { sha256: sha("4"), filename: "ring.xodr" }, agreement_confirm: true } });
      const sim = await api().call(`POST ${SCENARIOS}`, {}, { body: { name: "hand-made", simulator: "SimPro", version: "vtd", description: { content: "" } } });
      adopted = [
        { name: "seg2", type: "octopus.DataScene", args: { importId: segId, dpkId: packages[1], start: T0 + 110_000, end: T0 + 120_000, tagIds: [2] } },
        { name: "map2", type: "octopus.SceneMap", args: { importId: String(map.id), version: "v1.5.0", file: { sha256: sha("4"), filename: "ring.xodr" }, agreementConfirm: true } },
        { name: "sim2", type: "octopus.SimulationScene", args: { importId: String(sim.id), name: "hand-made", simulator: "SimPro", version: "vtd" } },
        { name: "labels2", type: "octopus.DataPackageTags", args: { importId: packages[0], dpkId: packages[0], tagIds: [3] } },
      ];
      t.declare([...resources(REPLACED), ...adopted], ADOPTED_EXPORTS);
      const requests = t.mark();
      const { outputs } = await upWithChanges(t);
      expect(outputs).toMatchObject({ "seg2.id": segId, "map2.id": String(map.id), "sim2.id": String(sim.id), "sim2.status": 10, "labels2.id": packages[0], "labels2.packageName": "highway-run" });
      expect(requests().filter((r) => r.method === "POST" || r.method === "PUT")).toEqual([]);
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("invalid input fails in preview, naming resource, field and rule, and sends no request", async () => {
      // The engine stops at the first resource whose check fails: one bad resource per preview.
      const badScene = resources({ ...REPLACED, segmentEnd: T0 });
      const badSim = resources(REPLACED);
      badSim[4].args.simulator = "Carla";
      badSim[4].args.file = { sha256: "not-a-sha", filename: "cut-in.xosc" };
      for (const [bad, messages] of [
        [badScene, ['edgeai:octopus:DataScene: field "end": must not be before start (Octopus §4.16.2; the service answers octopus.108002)']],
        [badSim, ['edgeai:octopus:SimulationScene: field "simulator": must be one of VTD, SimPro (Octopus §4.18.2 simulator)', 'edgeai:octopus:SimulationScene: field "file.sha256": must be the file\'s sha256: 64 hexadecimal characters (Octopus §4.18.3)']],
      ] as const) {
        t.declare(bad, EXPORTS);
        const requests = t.mark();
        const text = String((await t.previewChanges().catch((e) => e))?.message);
        for (const message of messages) expect(text).toContain(message);
        expect(requests()).toEqual([]);
      }
    });

    // Dynamic resources cannot be imported by `pulumi import` or the `import` option (pulumi/pulumi#16175): only the plugin is asked to.
    if (delivery === "native") {
      it("the import option (`<file.sha256>/<id>`) adopts a map made by hand with the program's version, which §4.19 never answers; the next up records it, so a new version then replaces the map", async () => {
        const map = await api().call(`POST ${MAPS}`, {}, { body: { version: "v1.6.1", file: { sha256: sha("5"), filename: "roundabout.xodr" }, agreement_confirm: true } });
        const byHand: ResourceSpec = { name: "map3", type: "octopus.SceneMap", args: { version: "v1.6.1", file: { sha256: sha("5"), filename: "roundabout.xodr" }, agreementConfirm: true }, opts: { import: `${sha("5")}/${map.id}` } };
        const program = () => t.declare([...resources(REPLACED), ...adopted, byHand], { ...ADOPTED_EXPORTS, map3: ["id", "url"] });
        program();
        const requests = t.mark();
        const { outputs, changed } = await upWithChanges(t);
        expect(changed).toEqual({ import: 1 });
        expect(outputs).toMatchObject({ "map3.id": String(map.id), "map3.url": map.url });
        expect(requests().filter((r) => r.method === "POST" || r.method === "PUT")).toEqual([]);
        // The engine records what the import read; the next up, with nothing to change, records the program's inputs.
        expect((await stateOf(t, "map3"))?.inputs).not.toHaveProperty("version");
        byHand.opts = {};
        program();
        expect((await upWithChanges(t)).changed).toEqual({});
        expect((await stateOf(t, "map3"))?.inputs).toMatchObject({ version: "v1.6.1", agreementConfirm: true });
        byHand.args.version = "v1.7.0";
        program();
        expect(changes(await t.previewChanges())).toEqual({ replace: 1 });
      });

      it("pulumi import brings every object into another stack by its ID (a map by its file's sha256 and its ID)", async () => {
        await expectImportedElsewhere(t, "octopus-scenes-import");
      });
    }

    it("destroy deletes the segments and clears the package tags; maps and scenes, which have no delete, stay", async () => {
      t.declare(resources(REPLACED), EXPORTS);
      await t.destroy();
      expect(await segments()).toEqual([]);
      expect((await huaweiRead(emulator, SEGMENTS, { dpk_id: packages[1] })).payload.item.segments).toEqual([]);
      expect(await packageTags(packages[1])).toEqual([]);
      expect(await packageTags(packages[0])).toEqual([]);
      expect(emulator.store.list(DEFAULTS.projectId, "octopus.dataTag")).toEqual([]);
      // Each delivery has its own emulator: the two maps of the ladder, the one adopted by importId, and through the plugin the one adopted by the import option.
      expect(emulator.store.list(DEFAULTS.projectId, "octopus.sceneMap")).toHaveLength(delivery === "native" ? 4 : 3);
      expect(await scene("cut-in-2")).toHaveLength(1);
    });
  });
});
