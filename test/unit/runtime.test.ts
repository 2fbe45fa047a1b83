import { beforeAll, describe, expect, it } from "vitest";
import { configure, handlers } from "../../provider/framework/runtime";
import { UNKNOWN } from "../../provider/framework/validate";
import { definitions } from "../../provider/registry";

const SECRET = "edgeai:hilens:Secret";

// check also requires the settings of the resource's service (see "preview without credentials"): a configured provider.
const SETTINGS: Record<string, string> = { "edgeai:region": "cn-north-4", "edgeai:projectId": "0123456789abcdef0123456789abcdef", "edgeai:accessKey": "AK", "edgeai:secretKey": "SK", "edgeai:tensorbayAccessKey": "Accesskey-0123" };
beforeAll(() => configure({ config: { get: (key: string) => SETTINGS[key] } } as never));
const CONFIG_MAP = "edgeai:hilens:ConfigMap";
const WORKSPACE = "edgeai:hilens:Workspace";

describe("check: validation before any request", () => {
  it("names the resource type, the field and the documented rule", async () => {
    const result = await handlers.check(SECRET, {}, { name: "Bad_Name", secrets: [{ key: "k".repeat(64), value: "v" }] });
    expect(result.failures).toEqual([
      { property: "name", reason: expect.stringMatching(/^edgeai:hilens:Secret: field "name": must match .*HiLens §5\.6\.2/) },
      { property: "secrets[0].key", reason: expect.stringMatching(/field "secrets\[0\]\.key": must match .*1-63 characters/) },
    ]);
  });

  it("never echoes a secret value in a failure", async () => {
    const result = await handlers.check(SECRET, {}, { name: "good-name", secrets: [{ key: "token", value: "s3cr3t{value}" }] });
    expect(result.failures?.[0].property).toBe("secrets[0].value");
    expect(JSON.stringify(result.failures)).not.toContain("s3cr3t");
  });

  it("does not fail on values that are unknown during preview", async () => {
    const result = await handlers.check(CONFIG_MAP, {}, { name: UNKNOWN, configs: UNKNOWN, workspaceId: UNKNOWN });
    expect(result.failures ?? []).toEqual([]);
    const nested = await handlers.check(CONFIG_MAP, {}, { name: "app-config", configs: [{ key: "k", value: UNKNOWN }] });
    expect(nested.failures ?? []).toEqual([]);
  });

  it("applies defaults even while another input is unknown, so a preview never shows a default as a change", async () => {
    const result = await handlers.check(WORKSPACE, {}, { name: UNKNOWN, enterpriseProjectId: 0 });
    expect(result.inputs).toMatchObject({ name: UNKNOWN, enterpriseProjectId: "0", enterpriseProjectName: "default" });
    const olds = { name: "ws", enterpriseProjectId: "0", enterpriseProjectName: "default" };
    const diff = await handlers.diff(WORKSPACE, "1", olds, { ...(result.inputs as object), name: "ws", description: UNKNOWN });
    expect(diff).toMatchObject({ changes: true, replaces: [] });
  });

  it("applies documented defaults and sends documented types", async () => {
    const result = await handlers.check(WORKSPACE, {}, { name: "ws", enterpriseProjectId: 0 });
    expect(result.inputs).toMatchObject({ name: "ws", enterpriseProjectId: "0", enterpriseProjectName: "default" });
  });
});

describe("diff", () => {
  const olds = { name: "app-config", configs: [{ key: "k", value: "v" }], tags: [], id: "1", createdAt: "t", __provider: "old code" };

  it("ignores server fields and the serialized provider", async () => {
    const result = await handlers.diff(CONFIG_MAP, "1", olds, { name: "app-config", configs: [{ key: "k", value: "v" }], tags: [], __provider: "new code" });
    expect(result).toMatchObject({ changes: false, replaces: [] });
  });

  it("updates in place for mutable fields", async () => {
    const result = await handlers.diff(CONFIG_MAP, "1", olds, { name: "app-config", configs: [{ key: "k", value: "w" }], tags: [] });
    expect(result).toMatchObject({ changes: true, replaces: [] });
  });

  it("replaces on immutable fields, deleting first when the unique name is kept", async () => {
    const keepsName = await handlers.diff(CONFIG_MAP, "1", olds, { ...olds, workspaceId: "ws-2" });
    expect(keepsName).toMatchObject({ changes: true, replaces: ["workspaceId"], deleteBeforeReplace: true });
    const renamed = await handlers.diff(CONFIG_MAP, "1", olds, { ...olds, name: "other-config" });
    expect(renamed).toMatchObject({ replaces: ["name"], deleteBeforeReplace: false });
  });

  it("treats unknown values as changes", async () => {
    const result = await handlers.diff(CONFIG_MAP, "1", olds, { ...olds, name: UNKNOWN });
    expect(result).toMatchObject({ changes: true, replaces: ["name"] });
  });

  it("does not replace when only importId changes", async () => {
    const result = await handlers.diff(CONFIG_MAP, "1", olds, { ...olds, importId: "1" });
    expect(result.changes).toBe(false);
  });
});

describe("unreadable inputs", () => {
  it("are required: only then does a missing old value mean an imported object, not an unset field whose addition must replace", () => {
    const optional = definitions.flatMap((def) => ((def.unreadable ?? []) as string[]).filter((key) => def.inputs.shape[key].isOptional()).map((key) => `${def.service}.${def.name}.${key}`));
    expect(optional).toEqual([]);
  });
});

describe("serverDefaults: a field the program leaves unset", () => {
  const TAG = "edgeai:octopus:DataTag";
  const program = { name: "fog", isTag: true, simulationTags: [] };

  it("matches the value the service gives it by default, as an imported tag's state holds it (no replacement)", async () => {
    for (const parentId of [15000000, 0]) expect(await handlers.diff(TAG, "7", { ...program, parentId }, program)).toMatchObject({ changes: false, replaces: [] });
  });

  it("still replaces the tag when it leaves a category the program had set (it moves to the top level)", async () => {
    expect(await handlers.diff(TAG, "7", { ...program, parentId: 10004 }, program)).toMatchObject({ changes: true, replaces: ["parentId"] });
  });
});
