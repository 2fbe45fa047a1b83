import { describe, expect, it } from "vitest";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { diffResponse, edgeaiProvider, parseUrn } from "../../provider/native/plugin";
import { runtimeAgainstEmulator } from "./runtime-emulator";
import { handlers, importIdFormat, importIdOf } from "../../provider/framework/runtime";
import { definitions } from "../../provider/registry";

const env = runtimeAgainstEmulator("native-plugin");
const urn = (type: string, name: string) => `urn:pulumi:dev::fleet::${type}::${name}`;
const Kind = provproto.PropertyDiff.Kind;

describe("the edgeai plugin's provider", () => {
  it("serves schema.json as the `edgeai` package at the npm package's version", () => {
    expect(JSON.parse(edgeaiProvider.schema!)).toMatchObject({ name: "edgeai", resources: { "edgeai:hilens:ConfigMap": expect.any(Object) } });
    expect(edgeaiProvider.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("takes the type and the name from the URN, also under a parent", () => {
    expect(parseUrn(urn("my:component:Fleet$edgeai:hilens:ConfigMap", "settings"))).toEqual({ type: "edgeai:hilens:ConfigMap", name: "settings" });
  });

  it("check rejects bad input naming the field and rule; its inputs carry nothing hidden", async () => {
    const bad = await edgeaiProvider.check!(urn("edgeai:hilens:ConfigMap", "cm"), {}, { name: "settings", configs: [] });
    expect(bad.failures).toEqual([expect.objectContaining({ property: "configs", reason: expect.stringContaining("at least one config is required") })]);
    const good = await edgeaiProvider.check!(urn("edgeai:hilens:ConfigMap", "cm"), {}, { name: "settings", configs: [{ key: "A", value: "b" }] });
    expect(good.failures ?? []).toEqual([]);
    expect(Object.keys(good.inputs)).not.toContain("__edgeaiName");
  });

  it("a detailed diff names each changed field, and which of them force the replacement", () => {
    const olds = { name: "a", description: "old", tags: undefined, configs: [{ key: "A", value: "b" }] };
    const news = { name: "b", description: "new", tags: [{ key: "k", value: "v" }], configs: undefined };
    const resp = diffResponse({ changes: true, replaces: ["name"], deleteBeforeReplace: true, changed: ["name", "description", "tags", "configs"] }, olds, news);
    const kinds = Object.fromEntries(resp.toObject().detaileddiffMap.map(([key, diff]) => [key, diff.kind]));
    expect(kinds).toEqual({ name: Kind.UPDATE_REPLACE, description: Kind.UPDATE, tags: Kind.ADD, configs: Kind.DELETE });
    expect(resp.getHasdetaileddiff()).toBe(true);
    expect(resp.getReplacesList()).toEqual(["name"]);
    expect(resp.getDeletebeforereplace()).toBe(true);
  });

  it("an import reads the object by its ID alone: every live input comes back, for the generated code", async () => {
    const cmUrn = urn("edgeai:hilens:ConfigMap", "settings");
    const made = await edgeaiProvider.create!(cmUrn, { name: "settings-by-hand", configs: [{ key: "A", value: "b" }], tags: [] });
    const read = await edgeaiProvider.read!(made.id, cmUrn, undefined);
    expect(read.id).toBe(made.id);
    expect(read.inputs).toEqual({ name: "settings-by-hand", configs: [{ key: "A", value: "b" }], tags: [], workspaceId: "0" });
    expect(Object.keys(read.props)).not.toContain("__edgeaiName");
    expect(env.emu.store.count()).toBe(1);
    await edgeaiProvider.delete!(made.id, cmUrn, read.props);
  });

  it("a scene map cannot be imported by ID (the document has no read): the import fails saying so, before any request", async () => {
    const before = env.emu.requests.length;
    await expect(edgeaiProvider.read!("42", urn("edgeai:octopus:SceneMap", "map"), {})).rejects.toThrow("cannot be imported by ID (§4.19 has no read call");
    expect(env.emu.requests.length).toBe(before);
  });

  it("an import ID of a nested object must carry its scope, and says so", async () => {
    await expect(edgeaiProvider.read!("hot_fix", urn("edgeai:tensorbay:Branch", "b"), {})).rejects.toThrow('edgeai:tensorbay:Branch: import ID "hot_fix" must be <datasetId>/<id>');
  });

  it("an imported object matches a program that leaves unreadable fields to their defaults: no change, no replacement", async () => {
    const datasetUrn = urn("edgeai:tensorbay:Dataset", "dataset");
    const { id: datasetId } = await edgeaiProvider.create!(datasetUrn, { name: "traffic", type: 0, alias: "", isPublic: false });
    const commitUrn = urn("edgeai:tensorbay:Commit", "first");
    const made = await edgeaiProvider.create!(commitUrn, { datasetId, branchName: "main", title: "Initial commit" });
    // What the `import` option does: read by the import ID, check the program, diff the two.
    const read = await edgeaiProvider.read!(`${datasetId}/${made.id}`, commitUrn, undefined);
    const program = await edgeaiProvider.check!(commitUrn, read.inputs, { datasetId, title: "Initial commit" });
    expect(await handlers.diff("edgeai:tensorbay:Commit", made.id, read.props, program.inputs)).toMatchObject({ changes: false, replaces: [] });
    await edgeaiProvider.delete!(datasetId, datasetUrn, { name: "traffic" });
  });

  it("a dataset's structure on a branch is imported by the IDs a user types: the scope, then the name; a catalog or notes by the scope alone", async () => {
    const create = (type: string, inputs: Record<string, unknown>) => edgeaiProvider.create!(urn(`edgeai:tensorbay:${type}`, type.toLowerCase()), inputs);
    const { id: datasetId } = await create("Dataset", { name: "drive_log", type: 1, alias: "", isPublic: false });
    const branch = { datasetId, branchName: "main" };
    await create("Segment", { ...branch, name: "drive" });
    const lidar = { name: "lidar", type: "LIDAR", extrinsics: { translation: { x: 0, y: 0, z: 1.8 }, rotation: { w: 1, x: 0, y: 0, z: 0 } } };
    await create("Sensor", { ...branch, segmentName: "drive", ...lidar });
    const box2d = { description: "", isTracking: false, categories: [{ name: "car", description: "" }] };
    const catalog = await create("LabelCatalog", { ...branch, box2d, commitTitle: "Update label catalog" });
    await create("DatasetNote", { ...branch, isContinuous: true, commitTitle: "Update dataset notes" });
    const imported = async (type: string, importId: string) => {
      const read = await edgeaiProvider.read!(importId, urn(`edgeai:tensorbay:${type}`, "imported"), undefined);
      return { id: read.id, inputs: read.inputs };
    };
    expect(await imported("Segment", `${datasetId}/main/drive`)).toEqual({ id: "drive", inputs: { ...branch, name: "drive" } });
    expect(await imported("Sensor", `${datasetId}/main/drive/lidar`)).toEqual({ id: "lidar", inputs: { ...branch, segmentName: "drive", ...lidar } });
    // The commit titles are never read back: an import takes their defaults, as the program does.
    expect(await imported("LabelCatalog", `${datasetId}/main`)).toEqual({ id: catalog.id, inputs: { ...branch, box2d, commitTitle: "Update label catalog" } });
    expect(await imported("DatasetNote", `${datasetId}/main`)).toEqual({ id: datasetId, inputs: { ...branch, isContinuous: true, commitTitle: "Update dataset notes" } });
    // The format, as the harness and the docs write it, and as a malformed ID is refused.
    const catalogDef = definitions.find((d) => d.name === "LabelCatalog")!;
    expect(importIdOf(catalogDef, datasetId, branch)).toBe(`${datasetId}/main`);
    expect(importIdFormat(definitions.find((d) => d.name === "Sensor")!)).toBe("<datasetId>/<branchName>/<segmentName>/<id>");
    await expect(imported("LabelCatalog", `${datasetId}/main/${datasetId}`)).rejects.toThrow(`import ID "${datasetId}/main/${datasetId}" must be <datasetId>/<branchName>`);
    await expect(imported("Segment", `${datasetId}/drive`)).rejects.toThrow("must be <datasetId>/<branchName>/<id>");
    await edgeaiProvider.delete!(datasetId, urn("edgeai:tensorbay:Dataset", "dataset"), { name: "drive_log" });
  });
});
