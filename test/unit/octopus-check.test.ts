/** What `pulumi preview` says about Octopus inputs: validation (before any request) and the diff. */
import { beforeAll, describe, expect, it } from "vitest";
import { configure, handlers } from "../../provider/framework/runtime";
import { UNKNOWN } from "../../provider/framework/validate";

const REPO = "edgeai:octopus:ImageRepo";

// check also requires the settings of the resource's service (see "preview without credentials"): a configured provider.
const SETTINGS: Record<string, string> = { "edgeai:region": "cn-north-4", "edgeai:projectId": "0123456789abcdef0123456789abcdef", "edgeai:accessKey": "AK", "edgeai:secretKey": "SK", "edgeai:tensorbayAccessKey": "Accesskey-0123" };
beforeAll(() => configure({ config: { get: (key: string) => SETTINGS[key] } } as never));
const VERSION = "edgeai:octopus:ImageRepoVersion";
const OPERATOR = "edgeai:octopus:Operator";
const TAG = "edgeai:octopus:DataTag";
const DATASET = "edgeai:octopus:Dataset";
const DATASET_VERSION = "edgeai:octopus:DatasetVersion";

const failures = async (type: string, inputs: Record<string, unknown>) => (await handlers.check(type, {}, inputs)).failures ?? [];

describe("check names the resource, the field and the documented rule", () => {
  it("image repositories: name length, scope enum, description length", async () => {
    expect(await failures(REPO, { name: "x".repeat(65), scope: "TRAINING", description: "d".repeat(257) })).toEqual([
      { property: "name", reason: 'edgeai:octopus:ImageRepo: field "name": must be 1-64 characters (Octopus §4.1.2)' },
      { property: "scope", reason: expect.stringMatching(/^edgeai:octopus:ImageRepo: field "scope": must be one of DATA_CONVERSION, .*COMMON_DATASET \(Octopus §4\.1 scope\)$/) },
      { property: "description", reason: 'edgeai:octopus:ImageRepo: field "description": must be at most 256 characters (Octopus §4.1.2)' },
    ]);
  });

  it("operators: repositories say TEAM, operators PRIVATE; the command has a limit", async () => {
    const result = await failures(OPERATOR, { name: "op", outputType: "DATA_SET", visibility: "TEAM", imageRepoId: "repo-1", imageVersion: 0, config: { command: "c".repeat(501) } });
    expect(result.map((f) => f.reason)).toEqual([
      'edgeai:octopus:Operator: field "visibility": must be one of PRIVATE, PUBLIC (Octopus §4.13 visibility)',
      'edgeai:octopus:Operator: field "imageRepoId": must be a numeric id (image_repo_id, Octopus §4.13.2)',
      'edgeai:octopus:Operator: field "imageVersion": must be >= 1 (image_version, Octopus §4.13.2)',
      'edgeai:octopus:Operator: field "config.command": must be 1-500 characters (Octopus §4.13.2 config.command)',
    ]);
  });

  it("numeric ids: digits followed by more are no id, a fraction is no integer", async () => {
    const result = await failures(OPERATOR, { name: "op", outputType: "DATA_SET", visibility: "PUBLIC", imageRepoId: "12abc", imageVersion: 1.5, config: { command: "run" } });
    expect(result.map((f) => f.reason)).toEqual([
      'edgeai:octopus:Operator: field "imageRepoId": must be a numeric id (image_repo_id, Octopus §4.13.2)',
      'edgeai:octopus:Operator: field "imageVersion": must be an integer (image_version, Octopus §4.13.2)',
    ]);
  });

  it("datasets: what a form and a source require", async () => {
    expect(await failures(DATASET, { name: "sub", datasetForm: "SUBSET", dataSource: "HOUSE" })).toEqual([
      { property: "sourceDatasetId", reason: 'edgeai:octopus:Dataset: field "sourceDatasetId": is required when datasetForm is SUBSET (Octopus §4.3.2)' },
      { property: "dataSourceInfo.dataWarehouseId", reason: 'edgeai:octopus:Dataset: field "dataSourceInfo.dataWarehouseId": is required when dataSource is HOUSE (Octopus §4.3.2)' },
    ]);
    expect(await failures(DATASET, { name: "full", datasetForm: "DATASET", dataSource: "LOCAL" })).toEqual([
      expect.objectContaining({ property: "dataType" }),
      expect.objectContaining({ property: "labelFormat" }),
    ]);
  });

  it("dataset versions: the privacy agreement, custom image form, time range", async () => {
    const result = await failures(DATASET_VERSION, { datasetId: "d", agreementConfirm: false, customImage: "repo:1", warehouseParams: { startTime: 10, endTime: 5 } });
    expect(result.map((f) => f.property)).toEqual(["agreementConfirm", "warehouseParams.endTime", "customImage"]);
    expect(result[0].reason).toContain("must be true: creating a version requires agreeing to the privacy statement");
  });

  it("data tags: at most 50 simulation tags", async () => {
    expect(await failures(TAG, { name: "t", simulationTags: Array.from({ length: 51 }, (_, i) => i) })).toEqual([
      { property: "simulationTags", reason: 'edgeai:octopus:DataTag: field "simulationTags": at most 50 simulation tags (Octopus §4.17.2)' },
    ]);
  });

  it("values unknown in preview are not failures; known ids become the documented numbers", async () => {
    expect(await failures(OPERATOR, { name: "op", outputType: "DATA_SET", visibility: "PUBLIC", imageRepoId: UNKNOWN, imageVersion: UNKNOWN, config: { command: "run" } })).toEqual([]);
    const checked = await handlers.check(VERSION, {}, { repoId: "10001" });
    expect(checked.inputs).toMatchObject({ repoId: 10001 });
  });
});

describe("diff", () => {
  const repo = { name: "images", scope: "TRAINING_TRAIN", visibility: "TEAM", versionNum: 1 };

  it("renames a repository in place, replaces it (deleting first) on a new scope", async () => {
    expect(await handlers.diff(REPO, "1", repo, { ...repo, name: "images-2" })).toMatchObject({ changes: true, replaces: [] });
    expect(await handlers.diff(REPO, "1", repo, { ...repo, scope: "DATA_CONVERSION" })).toMatchObject({ replaces: ["scope"], deleteBeforeReplace: true });
  });

  it("a version's wait is an in-place change; its timeouts are not a change at all", async () => {
    const version = { repoId: 10001, status: "INIT" };
    expect(await handlers.diff(VERSION, "1", version, { ...version, waitForStatus: "PUSHED" })).toMatchObject({ changes: true, replaces: [] });
    expect(await handlers.diff(VERSION, "1", version, { ...version, awaitTimeouts: { create: "5m" } })).toMatchObject({ changes: false });
    expect(await handlers.diff(VERSION, "1", version, { ...version, repoId: 10002 })).toMatchObject({ replaces: ["repoId"] });
  });
});
