import { afterEach, describe, expect, it } from "vitest";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { diffResponse, edgeaiProvider, parseUrn, served } from "../../provider/native/plugin";
import * as pulumi from "@pulumi/pulumi";
import { hilens } from "../../provider";
import * as native from "../../provider/native";
import { emulatorSettings, runtimeAgainstEmulator } from "./runtime-emulator";
import { configure, handlers } from "../../provider/framework/runtime";
import { importIdForm, importIdOf } from "../../provider/framework/definition";
import { definitions } from "../../provider/registry";

const env = runtimeAgainstEmulator("native-plugin");
const urn = (type: string, name: string) => `urn:pulumi:dev::fleet::${type}::${name}`;
const Kind = provproto.PropertyDiff.Kind;
const sealed = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const struct = (props: Record<string, unknown>) => structproto.Struct.fromJavaScript(props as never);

/** One of the calls the plugin serves itself (`served`), called as the gRPC server calls it with the engine's request. */
function serve<Req, Resp>(handler: (call: { request: Req }, callback: (err: unknown, value?: Resp | null) => void) => void, request: Req): Promise<Resp> {
  return new Promise((resolve, reject) => handler({ request }, (err, value) => (err ? reject(err) : resolve(value!))));
}

/** What an import task needs of the emulator's OBS (any path and keys of the documented forms). */
const OBS = { path: "octopus-user-0123/rosbag/DO202302010834046875241", ak: "ABCTUKMSXXXXXXXXXOKY", sk: "012345jPI3YpmVRVTIbExxxxxxxxx4Pvmkhp0L1s", agreementConfirm: true };
/** Octopus imports end at once, as `outcome` says; the default timing (2 s, SUCCESS) after. */
const importsEnd = (outcome: "SUCCESS" | "FAILED") => env.emu.control("PUT", "/__emulator/octopus/timing", { duration_ms: 0, import_outcome: outcome });
const importsTakeTheirTime = () => env.emu.control("PUT", "/__emulator/octopus/timing", { duration_ms: 2000, import_outcome: "SUCCESS" });

describe("the edgeai plugin's provider", () => {
  it("serves schema.json as the `edgeai` package at the npm package's version", () => {
    expect(JSON.parse(edgeaiProvider.schema!)).toMatchObject({ name: "edgeai", resources: { "edgeai:hilens:ConfigMap": expect.any(Object) } });
    expect(edgeaiProvider.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("takes the type and the name from the URN, also under a parent", () => {
    expect(parseUrn(urn("my:component:Fleet$edgeai:hilens:ConfigMap", "settings"))).toEqual({ type: "edgeai:hilens:ConfigMap", name: "settings" });
    // A name may hold the URN's separator: everything after the type is the name.
    expect(parseUrn(urn("edgeai:hilens:ConfigMap", "fleet::settings"))).toEqual({ type: "edgeai:hilens:ConfigMap", name: "fleet::settings" });
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
    // Every change is of an input the program gave (the engine shows it against the program's value).
    expect(resp.toObject().detaileddiffMap.map(([, diff]) => diff.inputdiff)).toEqual([true, true, true, true]);
    expect(resp.getHasdetaileddiff()).toBe(true);
    expect(resp.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(resp.getDiffsList()).toEqual(["name", "description", "tags", "configs"]);
    expect(resp.getReplacesList()).toEqual(["name"]);
    expect(resp.getDeletebeforereplace()).toBe(true);
    const same = diffResponse({ changes: false, replaces: [], deleteBeforeReplace: false, changed: [] }, olds, olds);
    expect(same.toObject()).toMatchObject({ changes: provproto.DiffResponse.DiffChanges.DIFF_NONE, diffsList: [], replacesList: [], deletebeforereplace: false, detaileddiffMap: [] });
  });

  it("an import reads the object by its ID alone: every live input comes back, for the generated code", async () => {
    const cmUrn = urn("edgeai:hilens:ConfigMap", "settings");
    const before = env.emu.store.count();
    const made = await edgeaiProvider.create!(cmUrn, { name: "settings-by-hand", configs: [{ key: "A", value: "b" }], tags: [] });
    const read = await edgeaiProvider.read!(made.id, cmUrn, undefined);
    expect(read.id).toBe(made.id);
    expect(read.inputs).toEqual({ name: "settings-by-hand", configs: [{ key: "A", value: "b" }], tags: [], workspaceId: "0" });
    expect(Object.keys(read.props)).not.toContain("__edgeaiName");
    // Read only: the import made nothing beside the object.
    expect(env.emu.store.count()).toBe(before + 1);
    await edgeaiProvider.delete!(made.id, cmUrn, read.props);
    expect(env.emu.store.count()).toBe(before);
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

  it("an update answers the new outputs, its secrets sealed and nothing hidden, and the service holds the new values", async () => {
    const secUrn = urn("edgeai:hilens:Secret", "rotated");
    const made = await edgeaiProvider.create!(secUrn, { name: "rotated-creds", secrets: [{ key: "TOKEN", value: "old" }], tags: [] });
    const news = { name: "rotated-creds", secrets: [{ key: "TOKEN", value: "new" }], tags: [] };
    const updated = await edgeaiProvider.update!(made.id, secUrn, made.outs, news);
    expect(updated.outs).toMatchObject({ name: "rotated-creds", secrets: sealed([{ key: "TOKEN", value: "new" }]) });
    expect(Object.keys(updated.outs!)).not.toContain("__edgeaiName");
    expect((await edgeaiProvider.read!(made.id, secUrn, undefined)).inputs.secrets).toEqual(sealed([{ key: "TOKEN", value: "new" }]));
    await edgeaiProvider.delete!(made.id, secUrn, updated.outs);
  });

  it("an imported device comes back with the platform that manages it (§5.1.1's filter), not the default; its one-time package cannot be read again", async () => {
    const devUrn = urn("edgeai:hilens:Device", "edge");
    const made = await edgeaiProvider.create!(devUrn, { name: "ief-camera", provider: "ief", enableGpu: false, enableNpu: false, logConfigs: [], tags: [], enabled: true, skipAwait: false });
    const read = await edgeaiProvider.read!(made.id, devUrn, undefined);
    expect(read.inputs).toMatchObject({ name: "ief-camera", provider: "ief" });
    expect(read.props.package).toBeUndefined();
    await edgeaiProvider.delete!(made.id, devUrn, read.props);
  });

  it("a scene map's import ID must carry its file's sha256 (§4.19 reads a map only through its file), and says so before any request", async () => {
    const before = env.emu.requests.length;
    await expect(edgeaiProvider.read!("42", urn("edgeai:octopus:SceneMap", "map"), {})).rejects.toThrow('edgeai:octopus:SceneMap: import ID "42" must be <file.sha256>/<id>: the documented paths need file.sha256 to find the object');
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
    expect(importIdForm(definitions.find((d) => d.name === "Sensor")!)).toBe("<datasetId>/<branchName>/<segmentName>/<id>");
    await expect(imported("LabelCatalog", `${datasetId}/main/${datasetId}`)).rejects.toThrow(`import ID "${datasetId}/main/${datasetId}" must be <datasetId>/<branchName>`);
    await expect(imported("Segment", `${datasetId}/drive`)).rejects.toThrow("must be <datasetId>/<branchName>/<id>");
    await edgeaiProvider.delete!(datasetId, urn("edgeai:tensorbay:Dataset", "dataset"), { name: "drive_log" });
  });

  describe("invoke: the look-ups of `fn::invoke` and pulumi-edgeai/native, with the provider's configuration", () => {
    it("answers a look-up with the in-process function's result: an object as its properties, a list as the single property `result`", async () => {
      const firmwares = await edgeaiProvider.invoke!("edgeai:hilens:getFirmwares", { deviceType: "General ARM Device" });
      expect(firmwares.failures ?? []).toEqual([]);
      expect(firmwares.outputs.firmwares.map((f: { version: string }) => f.version)).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
      expect(firmwares.outputs.firmwares[0]).toMatchObject({ deviceType: "General ARM Device", arch: "aarch64", versionType: "release" });
      // Nothing the engine refuses: no null (expireTime) and no undefined anywhere.
      expect(firmwares.outputs.firmwares[0]).not.toHaveProperty("expireTime");
      const specs = await edgeaiProvider.invoke!("edgeai:octopus:getResourceSpecs", { usage: "TRAINING_TRAIN" });
      expect(Object.keys(specs.outputs)).toEqual(["result"]);
      expect(specs.outputs.result).toEqual(expect.arrayContaining([expect.objectContaining({ usage: "TRAINING_TRAIN", gpuType: "Pnt1", gpu: 1, spec: expect.stringMatching(/^Pnt1_1Gpu_.*Core_\d+(\.\d+)?GiB$/) })]));
    });

    it("refuses bad arguments before any request, as failures naming function, argument and rule: the in-process function's message", async () => {
      const before = env.emu.requests.length;
      const bad = { name: "n".repeat(65), provider: "aws" };
      const { failures } = await edgeaiProvider.invoke!("edgeai:hilens:getDevices", bad);
      expect(failures).toEqual([
        { property: "name", reason: expect.stringMatching(/^edgeai:hilens:getDevices: argument "name": .*64/) },
        { property: "provider", reason: expect.stringMatching(/^edgeai:hilens:getDevices: argument "provider": .*"hilens"\|"ief"/) },
      ]);
      const inProcess = await hilens.getDevices(bad as never).catch((err: Error) => err.message);
      expect(inProcess).toBe(failures!.map((f) => f.reason).join("; "));
      // A rule across arguments names the one it is about.
      const window = await edgeaiProvider.invoke!("edgeai:octopus:getReplayEpisodes", { startTime: 1_700_000_000_001, endTime: 1_700_000_000_000 });
      expect(window.failures).toEqual([{ property: "endTime", reason: expect.stringContaining('edgeai:octopus:getReplayEpisodes: argument "endTime": must not be before startTime') }]);
      expect(env.emu.requests.length).toBe(before);
    });

    it("a secret look-up's outputs come back secret (a docker password)", async () => {
      const repoUrn = urn("edgeai:octopus:ImageRepo", "repo");
      const repo = await edgeaiProvider.create!(repoUrn, { name: "invoked-repo", scope: "DATA_CONVERSION" });
      const versionUrn = urn("edgeai:octopus:ImageRepoVersion", "v1");
      const version = await edgeaiProvider.create!(versionUrn, { repoId: repo.id, description: "first" });
      const { outputs } = await edgeaiProvider.invoke!("edgeai:octopus:getImageVersionAccount", { repoId: repo.id, version: version.outs!.version, action: "PUSH" });
      expect(Object.keys(outputs).sort()).toEqual(["action", "expireAt", "password", "path", "registry", "username"]);
      for (const value of Object.values<Record<string, unknown>>(outputs)) expect(value).toMatchObject({ [specialSigKey]: specialSecretSig, value: expect.anything() });
      expect(outputs.action.value).toBe("push");
      await edgeaiProvider.delete!(version.id, versionUrn, { repoId: repo.id, ...version.outs });
      await edgeaiProvider.delete!(repo.id, repoUrn, repo.outs);
    });

    it("pulumi-edgeai/native's functions are invokes of the plugin (here the engine is mocked): no credentials in the program's process, a list unwrapped", async () => {
      const invoked: string[] = [];
      await pulumi.runtime.setMocks({
        newResource: () => {
          throw new Error("this program declares no resources");
        },
        call: async ({ token, inputs }) => {
          invoked.push(token);
          return (await edgeaiProvider.invoke!(token, inputs)).outputs;
        },
      });
      // The program's process has no `edgeai:` configuration: the in-process form cannot run.
      await expect(hilens.getFirmwares({ deviceType: "General ARM Device" })).rejects.toThrow(/no Huawei Cloud credentials/);
      const { firmwares } = await native.hilens.getFirmwares({ deviceType: "General ARM Device" });
      expect(firmwares.map((f) => f.version)).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
      const specs = await native.octopus.getResourceSpecs({ usage: "TRAINING_TRAIN" });
      expect(specs).toEqual(expect.arrayContaining([expect.objectContaining({ usage: "TRAINING_TRAIN", gpuType: "Pnt1" })]));
      const user = await new Promise((resolve) => native.tensorbay.getUserOutput().apply(resolve));
      expect(user).toMatchObject({ id: expect.any(String) });
      expect(invoked).toEqual(["edgeai:hilens:getFirmwares", "edgeai:octopus:getResourceSpecs", "edgeai:tensorbay:getUser"]);
    });

    it("an unknown function fails naming it", async () => {
      await expect(edgeaiProvider.invoke!("edgeai:hilens:getNothing", {})).rejects.toThrow("unknown function edgeai:hilens:getNothing");
    });
  });

  describe("the calls served here instead of by the SDK's server: configure, diff, read, as the engine sends them", () => {
    const configureWith = (prefix: string, overrides: Record<string, string> = {}) => {
      const request = new provproto.ConfigureRequest();
      for (const [key, value] of Object.entries({ ...emulatorSettings(env.emu), ...overrides })) request.getVariablesMap().set(`${prefix}${key}`, value);
      return serve(served.configure, request);
    };
    // Each test leaves the runtime configured against the emulator, as the file's other tests need it.
    afterEach(async () => {
      const values = emulatorSettings(env.emu);
      await configure({ config: { get: (key: string) => values[key.replace(/^edgeai:/, "")] } } as never);
    });
    const firmwareVersions = async () => (await edgeaiProvider.invoke!("edgeai:hilens:getFirmwares", { deviceType: "General ARM Device" })).outputs.firmwares.map((f: { version: string }) => f.version);

    it("configure takes the `edgeai:config:` keys the engine sends, and plain `edgeai:` ones; it takes no secrets, resources or outputs", async () => {
      for (const prefix of ["edgeai:config:", "edgeai:"]) {
        // A wrong secret key first: the configuration sent next must be the one used.
        await configureWith(prefix, { secretKey: "wrong-secret" });
        await expect(firmwareVersions()).rejects.toThrow("HTTP 401 APIGW.0301: Incorrect IAM authentication information: verify aksk signature fail");
        const resp = await configureWith(prefix);
        expect(resp.toObject()).toMatchObject({ acceptsecrets: false, acceptresources: false, acceptoutputs: false });
        expect(await firmwareVersions()).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
      }
    });

    it("configure refuses a bad setting with its reason, and the previous configuration stays", async () => {
      await expect(configureWith("edgeai:config:", { maxRetries: "many" })).rejects.toThrow('edgeai:maxRetries must be a non-negative integer, got "many"');
      expect(await firmwareVersions()).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
    });

    const diffRequest = (type: string, fields: { olds?: Record<string, unknown>; news?: Record<string, unknown>; oldInputs?: Record<string, unknown> }) => {
      const request = new provproto.DiffRequest();
      request.setUrn(urn(type, "it"));
      request.setId("42");
      if (fields.olds) request.setOlds(struct(fields.olds));
      if (fields.news) request.setNews(struct(fields.news));
      if (fields.oldInputs) request.setOldInputs(struct(fields.oldInputs));
      return serve(served.diff, request);
    };

    it("diff answers which fields changed, of which kind, and which force the replacement", async () => {
      const olds = { name: "settings", description: "old", configs: [{ key: "A", value: "b" }], tags: [], workspaceId: "0" };
      const resp = await diffRequest("edgeai:hilens:ConfigMap", { olds, news: { name: "renamed", configs: olds.configs, tags: [], workspaceId: "0" } });
      expect(resp.toObject()).toMatchObject({ changes: provproto.DiffResponse.DiffChanges.DIFF_SOME, replacesList: ["name"], diffsList: ["name", "description"], hasdetaileddiff: true });
      expect(Object.fromEntries(resp.toObject().detaileddiffMap.map(([key, diff]) => [key, diff.kind]))).toEqual({ name: Kind.UPDATE_REPLACE, description: Kind.DELETE });
      const same = await diffRequest("edgeai:hilens:ConfigMap", { olds, news: olds, oldInputs: olds });
      expect(same.toObject()).toMatchObject({ changes: provproto.DiffResponse.DiffChanges.DIFF_NONE, diffsList: [], replacesList: [] });
      // A request without properties (nothing recorded, nothing given) is no change either.
      expect((await diffRequest("edgeai:hilens:ConfigMap", {})).getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
    });

    it("diff compares a field the service never answers with the recorded inputs: a new access key of an import task is a change in place", async () => {
      const { ak: _ak, sk: _sk, ...readable } = { ...OBS, type: "OBS", packages: ["drive-1"] };
      const resp = await diffRequest("edgeai:octopus:ImportTask", { olds: readable, oldInputs: { ...readable, ak: OBS.ak, sk: OBS.sk }, news: { ...readable, ak: "NEWACCESSKEY00000001", sk: OBS.sk } });
      expect(resp.toObject()).toMatchObject({ diffsList: ["ak"], replacesList: [], detaileddiffMap: [["ak", { kind: Kind.UPDATE, inputdiff: true }]] });
    });

    it("diff fails with the handler's reason", async () => {
      await expect(diffRequest("edgeai:hilens:Nothing", {})).rejects.toThrow("unknown resource type edgeai:hilens:Nothing");
    });

    const readRequest = (type: string, id: string, fields: { properties?: Record<string, unknown>; inputs?: Record<string, unknown> } = {}) => {
      const request = new provproto.ReadRequest();
      request.setUrn(urn(type, "it"));
      request.setId(id);
      if (fields.properties) request.setProperties(struct(fields.properties));
      if (fields.inputs) request.setInputs(struct(fields.inputs));
      return serve(served.read, request);
    };

    it("read of an import (a request with no properties) answers the object's ID, outputs and inputs, its secrets sealed", async () => {
      const secUrn = urn("edgeai:hilens:Secret", "creds");
      const made = await edgeaiProvider.create!(secUrn, { name: "imported-creds", secrets: [{ key: "TOKEN", value: "t0k3n" }], tags: [] });
      const resp = await readRequest("edgeai:hilens:Secret", made.id);
      expect(resp.getId()).toBe(made.id);
      expect(resp.getProperties()!.toJavaScript()).toMatchObject({ name: "imported-creds", secrets: sealed([{ key: "TOKEN", value: "t0k3n" }]) });
      expect(resp.getInputs()!.toJavaScript()).toEqual({ name: "imported-creds", secrets: sealed([{ key: "TOKEN", value: "t0k3n" }]), tags: [], workspaceId: "0" });
      await edgeaiProvider.delete!(made.id, secUrn, made.outs);
    });

    it("read of an object deleted behind Pulumi's back answers no ID and no properties: the engine drops it from state", async () => {
      const secUrn = urn("edgeai:hilens:Secret", "gone");
      const made = await edgeaiProvider.create!(secUrn, { name: "gone-creds", secrets: [{ key: "TOKEN", value: "t0k3n" }], tags: [] });
      await edgeaiProvider.delete!(made.id, secUrn, made.outs);
      const resp = await readRequest("edgeai:hilens:Secret", made.id, { properties: { name: "gone-creds", workspaceId: "0" } });
      expect(resp.getId()).toBe("");
      expect(resp.hasProperties()).toBe(false);
      expect(resp.hasInputs()).toBe(false);
    });

    it("a refresh keeps from the recorded inputs what the service never answers (an import task's keys), sealed; a request without inputs has none to keep", async () => {
      await importsEnd("SUCCESS");
      const taskUrn = urn("edgeai:octopus:ImportTask", "task");
      const made = await edgeaiProvider.create!(taskUrn, { ...OBS, type: "OBS", packages: ["drive-1"] });
      await importsTakeTheirTime();
      expect(made.outs).toMatchObject({ ak: sealed(OBS.ak), sk: sealed(OBS.sk) });
      const { ak: _ak, sk: _sk, ...readable } = made.outs!;
      const inputs = { type: "OBS", path: OBS.path, packages: ["drive-1"], agreementConfirm: true };
      const refreshed = await readRequest("edgeai:octopus:ImportTask", made.id, { properties: readable, inputs: { ...inputs, ak: OBS.ak, sk: OBS.sk } });
      expect(refreshed.getProperties()!.toJavaScript()).toMatchObject({ ak: sealed(OBS.ak), sk: sealed(OBS.sk) });
      // Only what is recorded is sealed: no key comes back that was not there.
      const akOnly = await readRequest("edgeai:octopus:ImportTask", made.id, { properties: readable, inputs: { ...inputs, ak: OBS.ak } });
      expect(akOnly.getProperties()!.toJavaScript()).toMatchObject({ ak: sealed(OBS.ak) });
      expect(akOnly.getProperties()!.toJavaScript()).not.toHaveProperty("sk");
      const noInputs = await readRequest("edgeai:octopus:ImportTask", made.id, { properties: readable });
      expect(noInputs.getId()).toBe(made.id);
      expect(noInputs.getProperties()!.toJavaScript()).not.toHaveProperty("ak");
      await edgeaiProvider.delete!(made.id, taskUrn, made.outs);
    });

    it("a create that fails after making the object keeps its outputs, as the engine can take them (no `__provider`, no undefined)", async () => {
      await importsEnd("FAILED");
      const taskUrn = urn("edgeai:octopus:ImportTask", "failing");
      const err = await edgeaiProvider.create!(taskUrn, { ...OBS, path: `${OBS.path}-failing`, type: "OBS", packages: ["drive-9"] }).catch((e) => e);
      await importsTakeTheirTime();
      expect(err.message).toMatch(/did not succeed: 1 of 1 package\(s\) failed to import/);
      expect(err.id).toMatch(/^DCL\d{13}$/);
      expect(Object.keys(err.properties)).not.toContain("__provider");
      expect(structproto.Struct.fromJavaScript(err.properties).toJavaScript()).toMatchObject({ path: `${OBS.path}-failing`, packages: ["drive-9"] });
      await edgeaiProvider.delete!(err.id, taskUrn, err.properties);
    });
  });
});
