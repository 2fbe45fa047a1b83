/**
 * Octopus data tags, datasets and dataset versions through the real pulumi CLI: one stack per
 * delivery (dynamic resources, the edgeai plugin), every lifecycle step; through the plugin, every
 * object is also `pulumi import`ed by ID into another stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Emulator } from "../../emulator";
import { cleanup, consoleClient, createStack, expectImportedElsewhere, forEachDelivery, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { changes, stateOf, upWithChanges } from "./octopus-steps";

const TAGS = "/v1.0/{project_id}/data/tags";
const DATASETS = "/v1.0/{project_id}/common/datasets";

interface Shape {
  category: string;
  tag: string;
  description: string;
  simulationTags: number[];
  /** The tag sits under the category unless false. */
  nested?: boolean;
}

function resources(s: Shape, suffix = ""): ResourceSpec[] {
  return [
    { name: `cat${suffix}`, type: "octopus.DataTag", args: { name: s.category, isTag: false, description: s.description } },
    { name: `tag${suffix}`, type: "octopus.DataTag", args: { name: s.tag, description: s.description, simulationTags: s.simulationTags, ...(s.nested === false ? {} : { parentId: { $ref: `cat${suffix}.id` } }) } },
    {
      name: `ds${suffix}`,
      type: "octopus.Dataset",
      args: { name: `lidar-frames${suffix}`, datasetForm: "DATASET", dataSource: "OBS", dataType: "POINT_CLOUD", labelFormat: "OCTOPUS", description: s.description },
    },
    { name: `dv${suffix}`, type: "octopus.DatasetVersion", args: { datasetId: { $ref: `ds${suffix}.id` }, agreementConfirm: true, bucketName: "octopus-raw", bucketPath: "lidar/2024/", description: "nightly" } },
  ];
}
const EXPORTS = { cat: ["id"], tag: ["id", "tagLevel"], ds: ["id", "latestVersion"], dv: ["id", "name"] };
const FIRST: Shape = { category: "scenes", tag: "rainy-night", description: "first", simulationTags: [10] };
const UPDATED: Shape = { ...FIRST, tag: "rainy-night-2", simulationTags: [10, 11] };
const REPLACED: Shape = { ...UPDATED, description: "second", nested: false };

forEachDelivery((delivery) => {
  let emulator: Emulator;
  let t: TestStack;

  const api = () => consoleClient(emulator, "octopus");
  const tag = async (id: string) => (await api().call(`GET ${TAGS}`, {}, { query: { ids: id } })).list[0];

  beforeAll(async () => {
    emulator = await startEmulatorForTests("octopus-data");
    t = await createStack(emulator, "octopus-data", {}, { delivery });
  });
  afterAll(async () => {
    await emulator?.close();
    if (t) cleanup(t.dir);
  });

  describe("Octopus data tags, dataset and dataset version through the real pulumi CLI", () => {
    let ids: Record<string, any>;

    it("up creates them; a second preview shows no changes", async () => {
      t.declare(resources(FIRST), EXPORTS);
      ids = (await upWithChanges(t)).outputs;
      expect(ids).toMatchObject({ "tag.tagLevel": 2, "ds.latestVersion": 0, "dv.name": "V1" });
      expect(await tag(ids["tag.id"])).toMatchObject({ name: "rainy-night", parent_id: Number(ids["cat.id"]), is_tag: true, simulation_tags: [10] });
      const version = await api().call(`GET ${DATASETS}/{d}/versions/{v}`, { d: ids["ds.id"], v: ids["dv.id"] });
      expect(version.item).toMatchObject({ name: "V1", bucket_name: "octopus-raw", agreement_confirm: true, description: "nightly" });
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("in-place update: the tag is renamed and its simulation tags reconciled (datasets cannot be edited, so they stay)", async () => {
      t.declare(resources(UPDATED), EXPORTS);
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ update: 1 });
      expect(outputs["tag.id"]).toBe(ids["tag.id"]);
      expect(await tag(ids["tag.id"])).toMatchObject({ name: "rainy-night-2", simulation_tags: [10, 11] });
    });

    it("replacements: moving the tag to the top level, and any dataset change (its version goes with it)", async () => {
      t.declare(resources(REPLACED), EXPORTS);
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ update: 1, replace: 3 });
      expect(outputs["tag.id"]).not.toBe(ids["tag.id"]);
      expect(outputs["ds.id"]).not.toBe(ids["ds.id"]);
      expect(outputs).toMatchObject({ "tag.tagLevel": 1, "dv.name": "V1" });
      const datasets = await api().call(`GET ${DATASETS}`);
      expect(datasets.list.map((d: any) => [d.name, d.description])).toEqual([["lidar-frames", "second"]]);
      ids = outputs;
    });

    it("refresh shows a rename in the console and a version deleted out of band; up restores both", async () => {
      await api().call(`PUT ${TAGS}/{id}`, { id: ids["cat.id"] }, { body: { name: "renamed-in-console" } });
      await api().call(`DELETE ${DATASETS}/{d}/versions/{v}`, { d: ids["ds.id"], v: ids["dv.id"] });
      await t.refresh();
      expect((await stateOf(t, "cat"))?.outputs).toMatchObject({ name: "renamed-in-console" });
      expect(await stateOf(t, "dv")).toBeUndefined();
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ update: 1, create: 1 });
      expect(outputs["dv.name"]).toBe("V2");
      expect((await tag(ids["cat.id"])).name).toBe("scenes");
    });

    it("invalid input fails in preview, naming resource, field and rule, and sends no request", async () => {
      const bad = resources(REPLACED);
      bad[2].args = { ...bad[2].args, datasetForm: "SUBSET", name: "n".repeat(65) };
      t.declare(bad, EXPORTS);
      const requests = t.mark();
      const text = String((await t.previewChanges().catch((e) => e))?.message);
      expect(text).toMatch(/edgeai:octopus:Dataset: field "name": must be 1-64 characters \(Octopus §4\.3\.2\)/);
      expect(text).toMatch(/edgeai:octopus:Dataset: field "sourceDatasetId": is required when datasetForm is SUBSET \(Octopus §4\.3\.2\)/);
      expect(requests()).toEqual([]);
    });

    it("a tag name taken in the console is reported with the importId to use; importId then adopts what was made by hand", async () => {
      const catId = (await api().call(`POST ${TAGS}`, {}, { body: { name: "weather-2", is_tag: false, parent_id: 0 } })).item;
      const tagId = (await api().call(`POST ${TAGS}`, {}, { body: { name: "fog", parent_id: catId, simulation_tags: [] } })).item;
      const ds = (await api().call(`POST ${DATASETS}`, {}, { body: { name: "lidar-frames2", data_source: "OBS", dataset_form: "DATASET", data_type: "POINT_CLOUD", label_format: "OCTOPUS", description: "first" } })).item;
      const dv = (await api().call(`POST ${DATASETS}/{d}/versions`, { d: ds.id }, { body: { agreement_confirm: true, bucket_name: "octopus-raw", bucket_path: "lidar/2024/", description: "nightly" } })).item;
      const handMade = resources({ ...FIRST, category: "weather-2", tag: "fog", simulationTags: [7] }, "2");
      t.declare([...resources(REPLACED), ...handMade], EXPORTS);
      // The category and the dataset are created in parallel: either conflict may be reported first.
      const err = String((await t.up().catch((e) => e))?.message);
      const hints = [`edgeai:octopus:DataTag: an object named "weather-2" already exists (id ${catId}): set \`importId: "${catId}"\``, `edgeai:octopus:Dataset: an object named "lidar-frames2" already exists (id ${ds.id}): set \`importId: "${ds.id}"\``];
      expect(hints.some((hint) => err.includes(hint)), err).toBe(true);

      [catId, tagId, ds.id, dv.id].forEach((id, i) => (handMade[i].args.importId = String(id)));
      t.declare([...resources(REPLACED), ...handMade], { ...EXPORTS, cat2: ["id"], tag2: ["id"], ds2: ["id"], dv2: ["id"] });
      const { outputs } = await upWithChanges(t);
      expect(outputs).toMatchObject({ "cat2.id": String(catId), "tag2.id": String(tagId), "ds2.id": ds.id, "dv2.id": dv.id });
      expect((await tag(String(tagId))).simulation_tags).toEqual([7]);
      expect(changes(await t.previewChanges())).toEqual({});
    });

    if (delivery === "native") it("pulumi import adopts every tag, dataset and version by ID into another stack (versions as <datasetId>/<id>)", () => expectImportedElsewhere(t, "octopus-data-import"));

    it("destroy leaves the emulator empty (dataset versions go newest first, categories after their tags)", async () => {
      await t.destroy();
      expect(emulator.store.count()).toBe(0);
    });
  });
});
