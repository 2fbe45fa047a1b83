import { describe, expect, it } from "vitest";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { diffResponse, edgeaiProvider, parseUrn } from "../../provider/native/plugin";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { runtimeAgainstEmulator } from "./runtime-emulator";

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

  it("an imported secret's values, read back, are marked secret in its inputs too, so state encrypts them", async () => {
    const secUrn = urn("edgeai:hilens:Secret", "creds");
    const made = await edgeaiProvider.create!(secUrn, { name: "db-creds", secrets: [{ key: "PASSWORD", value: "pa55" }], tags: [] });
    const read = await edgeaiProvider.read!(made.id, secUrn, undefined);
    const sealed = { [specialSigKey]: specialSecretSig, value: [{ key: "PASSWORD", value: "pa55" }] };
    expect(read.inputs.secrets).toEqual(sealed);
    expect(read.props.secrets).toEqual(sealed);
    await edgeaiProvider.delete!(made.id, secUrn, read.props);
  });

  it("an imported device comes back with the platform that manages it (§5.1.1's filter), not the default; its one-time package cannot be read again", async () => {
    const devUrn = urn("edgeai:hilens:Device", "edge");
    const made = await edgeaiProvider.create!(devUrn, { name: "ief-camera", provider: "ief", enableGpu: false, enableNpu: false, logConfigs: [], tags: [], enabled: true, skipAwait: false });
    const read = await edgeaiProvider.read!(made.id, devUrn, undefined);
    expect(read.inputs).toMatchObject({ name: "ief-camera", provider: "ief" });
    expect(read.props.package).toBeUndefined();
    await edgeaiProvider.delete!(made.id, devUrn, read.props);
  });

  it("a scene map cannot be imported by ID (the document has no read): the import fails saying so, before any request", async () => {
    const before = env.emu.requests.length;
    await expect(edgeaiProvider.read!("42", urn("edgeai:octopus:SceneMap", "map"), {})).rejects.toThrow("cannot be imported by ID (§4.19 has no read call");
    expect(env.emu.requests.length).toBe(before);
  });

  it("an import ID of a nested object must carry its scope, and says so", async () => {
    await expect(edgeaiProvider.read!("hot_fix", urn("edgeai:tensorbay:Branch", "b"), {})).rejects.toThrow('edgeai:tensorbay:Branch: import ID "hot_fix" must be <datasetId>/<id>');
  });
});
