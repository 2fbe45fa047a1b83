import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator, ManualClock } from "../../emulator";
import { JOB_QUEUE_MS, JOB_RUN_MS } from "../../emulator/tensorbay/jobs";
import { EVALUATION_MS } from "../../emulator/tensorbay/sextant";
import { send } from "./raw-http";
import { TensorbayClient } from "../../provider/client/tensorbay";
import { resolveConfig } from "../../provider/config";

const clock = new ManualClock();
let emu: Emulator;
let dataDir: string;
let api: TensorbayClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-tensorbay-operations-"));
  emu = await startEmulator({ dataDir, credentials: [], clock });
  const values: Record<string, string> = { tensorbayEndpoint: `${emu.url}/gatewayv2/tensorbay-open-api`, tensorbayAccessKey: DEFAULTS.tensorbayAccessKey, maxRetries: "0" };
  api = new TensorbayClient(resolveConfig((k) => values[k], {}));
});
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A dataset whose main has segment "shared", and a branch "dev" that adds "extra" and changes "shared" when `conflicting`. */
async function datasetWithBranch(name: string, conflicting: boolean): Promise<string> {
  const { id } = await api.call("POST /v1/datasets", {}, { body: { name } });
  const commit = async (branchName: string, calls: [string, Record<string, unknown>][]) => {
    const { draftNumber } = await api.call("POST /v1/datasets/{datasetId}/drafts", { datasetId: id }, { body: { branchName, title: `on ${branchName}` } });
    for (const [route, body] of calls) await api.call(route, { datasetId: id }, { body: { ...body, draftNumber } });
    await api.call("POST /v1/datasets/{datasetId}/commits", { datasetId: id }, { body: { title: `on ${branchName}`, draftNumber } });
  };
  const upload = (segmentName: string, checksum: string): [string, Record<string, unknown>] => ["PUT /v1/datasets/{datasetId}/multi/callback", { segmentName, objects: [{ remotePath: "a.jpg", checksum, fileSize: 1 }] }];
  await commit("main", [["POST /v1/datasets/{datasetId}/segments", { name: "shared" }], upload("shared", "main")]);
  await api.call("POST /v1/datasets/{datasetId}/branches", { datasetId: id }, { body: { name: "dev", commit: "main" } });
  await commit("dev", [["POST /v1/datasets/{datasetId}/segments", { name: "extra" }], ...(conflicting ? [upload("shared", "dev")] : [])]);
  return id;
}
const mergeDev = (strategy: string) => ({ title: "merge dev", jobType: "squashAndMerge", arguments: { title: "dev into main", sourceBranchName: "dev", targetBranchName: "main", strategy } });
const jobPath = "GET /v1/datasets/{datasetId}/jobs/{jobId}";

describe("TensorBay tasks as the SDK's dataset jobs: squash and merge", () => {
  it("a job queues, runs and succeeds in emulator time; its draft holds both branches and commits like any draft", async () => {
    const datasetId = await datasetWithBranch("jobs_merge", false);
    const created = await api.call("POST /v1/datasets/{datasetId}/jobs", { datasetId }, { body: mergeDev("abort") });
    expect(created).toMatchObject({ jobId: expect.stringMatching(/^[0-9a-f]{32}$/), startedAt: null, finishedAt: null, result: null });
    const params = { datasetId, jobId: created.jobId };
    expect(await api.call(jobPath, params)).toMatchObject({ status: "QUEUING", title: "merge dev", arguments: { sourceBranchName: "dev", strategy: "abort" } });
    clock.advance(JOB_QUEUE_MS);
    expect((await api.call(jobPath, params)).status).toBe("PROCESSING");
    clock.advance(JOB_RUN_MS);
    const done = await api.call(jobPath, params);
    expect(done).toMatchObject({ status: "SUCCESS", errorMessage: "", result: { draftNumber: expect.any(Number) }, finishedAt: expect.any(Number) });
    const { draftNumber } = done.result;
    await api.call("POST /v1/datasets/{datasetId}/commits", { datasetId }, { body: { title: "merged", draftNumber } });
    const segments = await api.call("GET /v1/datasets/{datasetId}/segments", { datasetId }, { query: { commit: "main" } });
    expect(segments.segments.map((s: { name: string }) => s.name)).toEqual(["extra", "shared"]);
    expect((await api.call("GET /v1/datasets/{datasetId}/jobs", { datasetId }, { query: { jobType: "squashAndMerge", status: "SUCCESS" } })).jobs.map((j: { jobId: string }) => j.jobId)).toEqual([created.jobId]);
  });

  it("a conflict fails an 'abort' merge with a message; 'override' takes the source's segment", async () => {
    const datasetId = await datasetWithBranch("jobs_conflict", true);
    const failed = await api.call("POST /v1/datasets/{datasetId}/jobs", { datasetId }, { body: mergeDev("abort") });
    const overriding = await api.call("POST /v1/datasets/{datasetId}/jobs", { datasetId }, { body: mergeDev("override") });
    clock.advance(JOB_QUEUE_MS + JOB_RUN_MS);
    expect(await api.call(jobPath, { datasetId, jobId: failed.jobId })).toMatchObject({ status: "FAILED", errorMessage: "Conflicting segments: shared.", result: null });
    const { draftNumber } = (await api.call(jobPath, { datasetId, jobId: overriding.jobId })).result;
    const data = await api.call("GET /v1/datasets/{datasetId}/data/details", { datasetId }, { query: { draftNumber, segmentName: "shared" } });
    expect(data.dataDetails).toEqual([expect.objectContaining({ remotePath: "a.jpg" })]);
    const diff = await api.call("GET /v1/datasets/{datasetId}/diffs/{basehead}/segments/{segmentName}/data", { datasetId, basehead: `commit-main...draft-${draftNumber}`, segmentName: "shared" });
    expect(diff.data).toEqual([{ remotePath: "a.jpg", action: "modify", file: { action: "modify" }, label: { action: "" } }]);
  });

  it("a running job stops (its draft is closed) and is retried; only ended jobs are deleted; unknown job types are refused", async () => {
    const datasetId = await datasetWithBranch("jobs_stop", false);
    const { jobId } = await api.call("POST /v1/datasets/{datasetId}/jobs", { datasetId }, { body: mergeDev("skip") });
    const params = { datasetId, jobId };
    await expect(api.call("DELETE /v1/datasets/{datasetId}/jobs/{jobId}", params)).rejects.toMatchObject({ status: 400, errorCode: "InvalidParamsValue" });
    clock.advance(JOB_QUEUE_MS);
    await api.call("POST /v1/datasets/{datasetId}/jobs/{jobId}/abort", params);
    expect(await api.call(jobPath, params)).toMatchObject({ status: "ABORTED", result: null });
    expect((await api.call("GET /v1/datasets/{datasetId}/drafts", { datasetId }, { query: { status: "OPEN" } })).drafts).toEqual([]);
    await expect(api.call("POST /v1/datasets/{datasetId}/jobs/{jobId}/abort", params)).rejects.toThrow("only a QUEUING or PROCESSING job can be stopped");
    await api.call("POST /v1/datasets/{datasetId}/jobs/{jobId}/retry", params);
    expect((await api.call(jobPath, params)).status).toBe("QUEUING");
    clock.advance(JOB_QUEUE_MS + JOB_RUN_MS);
    expect((await api.call(jobPath, params)).status).toBe("SUCCESS");
    await expect(api.call("POST /v1/datasets/{datasetId}/jobs/{jobId}/retry", params)).rejects.toThrow("only a FAILED or ABORTED job can be retried");
    await api.call("DELETE /v1/datasets/{datasetId}/jobs/{jobId}", params);
    await expect(api.call(jobPath, params)).rejects.toMatchObject({ status: 404, errorCode: "ResourceNotExist" });
    await expect(api.call("POST /v1/datasets/{datasetId}/jobs", { datasetId }, { body: { ...mergeDev("abort"), jobType: "basicSearch" } })).rejects.toMatchObject({ errorCode: "InvalidParamsValue" });
  });
});

describe("ListAuthStorageConfig", () => {
  it("answers the storage-config list under the SDK's earlier path", async () => {
    await api.call("POST /v1/storage-configs/local", {}, { body: { name: "nas_jobs", filePath: "p", endpoint: "http://10.0.0.1:9000" } });
    const current = await api.call("GET /v1/storage-configs", {}, { query: { name: "nas_jobs" } });
    expect(await api.call("GET /v1/auth-storage-configs", {}, { query: { name: "nas_jobs" } })).toEqual(current);
    expect(current.configs).toEqual([{ name: "nas_jobs", type: "local", filePath: "p", isGravitiStorage: false }]);
  });
});

describe("Sextant: benchmarks and evaluations under the app's own root", () => {
  /** Plain HTTP with the documented X-Token, as the SDK's Sextant client sends it. */
  async function sextant(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { "X-Token": DEFAULTS.tensorbayAccessKey, ...(body === undefined ? {} : { "Content-Type": "application/json" }) };
    return send(emu.url, method, `/gatewayv2/apps-sextant/v1${path}`, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  it("a benchmark made in the app lists; an evaluation of a commit is created, listed, and its result ends in emulator time", async () => {
    const { id: datasetId } = await api.call("POST /v1/datasets", {}, { body: { name: "sextant_gt" } });
    const { draftNumber } = await api.call("POST /v1/datasets/{datasetId}/drafts", { datasetId }, { body: { branchName: "main", title: "gt" } });
    const { commitId } = await api.call("POST /v1/datasets/{datasetId}/commits", { datasetId }, { body: { title: "gt", draftNumber } });
    await expect(emu.control("POST", "/__emulator/tensorbay/benchmarks", { accessKey: DEFAULTS.tensorbayAccessKey, name: "bad", datasetId, commitId: "f".repeat(32) })).rejects.toThrow();
    const { benchmarkId } = await emu.control("POST", "/__emulator/tensorbay/benchmarks", { accessKey: DEFAULTS.tensorbayAccessKey, name: "lanes", datasetId, commitId });
    const listed = await sextant("GET", "/benchmarks?offset=0&limit=128");
    expect(listed.json).toMatchObject({ benchmarks: [{ benchmarkId, name: "lanes", datasetId, commitId }], totalCount: 1 });

    const created = await sextant("POST", `/benchmarks/${benchmarkId}/evaluations`, { datasetId, commitId });
    expect(created.status).toBe(200);
    const { evaluationId } = created.json;
    expect((await sextant("GET", `/benchmarks/${benchmarkId}/evaluations`)).json).toEqual({ evaluations: [{ evaluationId, createdAt: expect.any(Number) }], offset: 0, recordSize: 1, totalCount: 1 });
    expect((await sextant("GET", `/benchmarks/${benchmarkId}/evaluations/${evaluationId}/results`)).json).toMatchObject({ status: "processing" });
    clock.advance(EVALUATION_MS);
    expect((await sextant("GET", `/benchmarks/${benchmarkId}/evaluations/${evaluationId}/results`)).json).toMatchObject({ status: "success", commitId });
    const missing = await sextant("POST", `/benchmarks/${benchmarkId}/evaluations`, { datasetId });
    expect(missing).toMatchObject({ status: 400, json: { code: "RequestParamsMissing" } });
    expect(await sextant("GET", "/benchmarks/nope/evaluations")).toMatchObject({ status: 404, json: { code: "ResourceNotExist" } });
  });
});

describe("CloudCallback, GetDataUrls, UploadLabel and ListMaskUrls", () => {
  it("files in the bucket of the dataset's storage config become data with their labels; their URLs list one by one or by page", async () => {
    await api.call("POST /v1/storage-configs/local", {}, { body: { name: "nas_import", filePath: "p", endpoint: "http://10.0.0.1:9000" } });
    await emu.control("PUT", "/__emulator/tensorbay/cloud-files", { accessKey: DEFAULTS.tensorbayAccessKey, configName: "nas_import", files: ["raw/1.jpg", "raw/2.jpg"] });
    const { id: datasetId } = await api.call("POST /v1/datasets", {}, { body: { name: "imported", configName: "nas_import" } });
    const { draftNumber } = await api.call("POST /v1/datasets/{datasetId}/drafts", { datasetId }, { body: { branchName: "main", title: "import" } });
    await api.call("POST /v1/datasets/{datasetId}/segments", { datasetId }, { body: { name: "day", draftNumber } });
    const label = { CLASSIFICATION: { category: "sunny" } };
    const importing = (cloudPath: string) => api.call("PUT /v1/datasets/{datasetId}/multi/cloud-callback", { datasetId }, { body: { segmentName: "day", draftNumber, deleteSource: false, objects: [{ cloudPath, remotePath: cloudPath.slice(4), label }] } });
    await importing("raw/1.jpg");
    await importing("raw/2.jpg");
    await expect(importing("raw/3.jpg")).rejects.toMatchObject({ status: 404, errorCode: "ResourceNotExist" });
    const details = await api.call("GET /v1/datasets/{datasetId}/data/details", { datasetId }, { query: { draftNumber, segmentName: "day" } });
    expect(details.dataDetails.map((d: { remotePath: string; label: unknown }) => [d.remotePath, d.label])).toEqual([["1.jpg", label], ["2.jpg", label]]);
    const one = await api.call("GET /v1/datasets/{datasetId}/data/urls", { datasetId }, { query: { draftNumber, segmentName: "day", remotePath: "2.jpg" } });
    expect(one.urls).toEqual([{ remotePath: "2.jpg", url: expect.stringContaining("2.jpg") }]);
    const page = await api.call("GET /v1/datasets/{datasetId}/data/urls", { datasetId }, { query: { draftNumber, segmentName: "day", offset: 1, limit: 1 } });
    expect(page).toMatchObject({ urls: [{ remotePath: "2.jpg" }], totalCount: 2 });
    await api.call("PUT /v1/datasets/{datasetId}/labels", { datasetId }, { body: { segmentName: "day", draftNumber, remotePath: "2.jpg", label: { ...label, SEMANTIC_MASK: { remotePath: "2.png" } } } });
    const masks = await api.call("GET /v1/datasets/{datasetId}/masks/urls", { datasetId }, { query: { draftNumber, segmentName: "day", maskType: "SEMANTIC_MASK" } });
    expect(masks.urls).toEqual([{ url: "" }, { url: expect.stringContaining("2.jpg/semantic_mask") }]);

    const { id: onGraviti } = await api.call("POST /v1/datasets", {}, { body: { name: "on_graviti" } });
    const draft = await api.call("POST /v1/datasets/{datasetId}/drafts", { datasetId: onGraviti }, { body: { branchName: "main", title: "import" } });
    await expect(
      api.call("PUT /v1/datasets/{datasetId}/multi/cloud-callback", { datasetId: onGraviti }, { body: { segmentName: "day", draftNumber: draft.draftNumber, objects: [{ cloudPath: "raw/1.jpg", remotePath: "1.jpg" }] } }),
    ).rejects.toThrow("only datasets on a storage config import cloud files");
  });
});

describe("OperateData: copy and move files", () => {
  it("copies from another dataset's commit under new names, with the documented strategies; moves within the draft", async () => {
    const dataset = async (name: string) => (await api.call("POST /v1/datasets", {}, { body: { name } })).id as string;
    const draftOn = async (datasetId: string) => (await api.call("POST /v1/datasets/{datasetId}/drafts", { datasetId }, { body: { branchName: "main", title: "files" } })).draftNumber as number;
    const put = (datasetId: string, draftNumber: number, segmentName: string, paths: string[], fileSize: number) =>
      api.call("PUT /v1/datasets/{datasetId}/multi/callback", { datasetId }, { body: { segmentName, draftNumber, objects: paths.map((remotePath) => ({ remotePath, checksum: `c${fileSize}`, fileSize })) } });
    const segment = (datasetId: string, draftNumber: number, name: string) => api.call("POST /v1/datasets/{datasetId}/segments", { datasetId }, { body: { name, draftNumber } });
    const files = async (datasetId: string, draftNumber: number, segmentName: string) =>
      (await api.call("GET /v1/datasets/{datasetId}/data/details", { datasetId }, { query: { draftNumber, segmentName } })).dataDetails.map((d: { remotePath: string; url: string }) => d.remotePath);
    // The SDK sends `data?multipleCopy`; this client percent-encodes a "?" in a path, so the flag goes in the query as `multipleCopy=`.
    const operate = (datasetId: string, op: "multipleCopy" | "multipleMove", body: Record<string, unknown>) => api.call("POST /v1/datasets/{datasetId}/data", { datasetId }, { body, query: { [op]: "" } });

    const other = await dataset("ops_source");
    const otherDraft = await draftOn(other);
    await segment(other, otherDraft, "raw");
    await put(other, otherDraft, "raw", ["a.jpg", "b.jpg"], 10);
    const { commitId } = await api.call("POST /v1/datasets/{datasetId}/commits", { datasetId: other }, { body: { title: "raw", draftNumber: otherDraft } });

    const datasetId = await dataset("ops_target");
    const draftNumber = await draftOn(datasetId);
    await segment(datasetId, draftNumber, "train");
    await segment(datasetId, draftNumber, "val");
    await put(datasetId, draftNumber, "train", ["x.jpg"], 1);
    const copy = (strategy: string) => operate(datasetId, "multipleCopy", { draftNumber, segmentName: "train", strategy, remotePaths: ["x.jpg", "y.jpg"], source: { id: other, commit: commitId, segmentName: "raw", remotePaths: ["a.jpg", "b.jpg"] } });
    await expect(copy("abort")).rejects.toMatchObject({ status: 409, errorCode: "NameConflict" });
    await copy("skip");
    // Sizes tell the files apart: 1 for the draft's own x.jpg, 10 for the copies.
    const totalSize = async () => (await api.call("GET /v1/datasets/{datasetId}/total-size", { datasetId }, { query: { draftNumber } })).totalSize;
    expect(await files(datasetId, draftNumber, "train")).toEqual(["x.jpg", "y.jpg"]);
    expect(await totalSize()).toBe(11);
    await copy("override");
    expect(await totalSize()).toBe(20);

    await operate(datasetId, "multipleMove", { draftNumber, segmentName: "val", source: { segmentName: "train", remotePaths: ["y.jpg"] } });
    expect(await files(datasetId, draftNumber, "train")).toEqual(["x.jpg"]);
    expect(await files(datasetId, draftNumber, "val")).toEqual(["y.jpg"]);
    await operate(datasetId, "multipleMove", { draftNumber, segmentName: "val", remotePaths: ["z.jpg"], source: { segmentName: "val", remotePaths: ["y.jpg"] } });
    expect(await files(datasetId, draftNumber, "val")).toEqual(["z.jpg"]);
    await expect(operate(datasetId, "multipleMove", { draftNumber, segmentName: "val", source: { id: other, commit: commitId, segmentName: "raw", remotePaths: ["a.jpg"] } })).rejects.toThrow("a move stays in its draft");
  });
});
