/**
 * Octopus jobs (§4.12, §4.14) and import tasks (§4.10) against the emulator, below the engine:
 * validation in check, the documented states on the emulator's clock, waiting and failing with
 * the job's log, queue priority, deletes of work under way, IAM denial and exactly-once creates.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator, ManualClock } from "../../emulator";
import { until } from "./wait";
import { ApiError } from "../../provider/client/errors";
import { octopusClient } from "../../provider/client/octopus";
import { resolveConfig, ConfigKey } from "../../provider/config";
import { NotReadyError, Props, ResourceDefinition } from "../../provider/framework/definition";
import { configure, handlers } from "../../provider/framework/runtime";
import { contextFor } from "../../provider/framework/context";
import { octopus } from "../../provider";
import { ScriptedServer, startScriptedServer } from "./scripted-server";

const JOB = "edgeai:octopus:Job";
const IMPORT = "edgeai:octopus:ImportTask";
const JOBS = "/v1.0/{project_id}/data/jobs";
const QUEUE = "/v1.0/{project_id}/data/queuing-jobs";
const RECORDS = "/v1.0/{project_id}/data/import-records";
const SPEC = "4Core_16GiB";
const LIMITED = { accessKey: "LIMITEDACCESSKEY0002", secretKey: "limited-secret", projectId: DEFAULTS.projectId, deniedActions: ["octopus:dataJob:create", "octopus:dataImportRecord:import"] };
const OBS = { path: "octopus-user-0123/rosbag/DO202302010834046875241", ak: "ABCTUKMSXXXXXXXXXOKY", sk: "012345jPI3YpmVRVTIbExxxxxxxxx4Pvmkhp0L1s", agreementConfirm: true };

let emu: Emulator;
let dataDir: string;
/** For answers the emulator never gives (a detail without the operator's name, two log files). */
let scripted: ScriptedServer;
let logged: string[] = [];
/** The emulator's time: jobs and imports move on when a test advances it. */
const clock = new ManualClock();

function config(keys: { accessKey: string; secretKey: string } = DEFAULTS, endpoint = emu.url) {
  const values: Partial<Record<ConfigKey, string>> = { octopusEndpoint: endpoint, projectId: DEFAULTS.projectId, accessKey: keys.accessKey, secretKey: keys.secretKey, maxRetries: "2" };
  return resolveConfig((k) => values[k], {});
}
const ctx = () => contextFor(config());
const raw = () => octopusClient(config());

function parsed(def: ResourceDefinition, inputs: Props): any {
  const result = def.inputs.safeParse(inputs);
  if (!result.success) throw new Error(result.error.message);
  return result.data;
}

const setTiming = (body: Record<string, unknown>) => emu.control("PUT", "/__emulator/octopus/timing", body);
const failures = async (type: string, inputs: Record<string, unknown>) => ((await handlers.check(type, {}, inputs)).failures ?? []).map((f) => f.reason);

/** An operator (with its image) that jobs and imports can run; `DATA_SET` results go to a warehouse. */
async function operator(name: string, outputType = "DATA_SET"): Promise<number> {
  const repo = (await raw().call("POST /v1.0/{project_id}/common/image-registry/image-repos", {}, { body: { name: `${name}-images`, scope: "DATA_CONVERSION" } })).item;
  await raw().call("POST /v1.0/{project_id}/common/image-registry/image-repos/{id}/versions", { id: repo }, { body: {} });
  return (await raw().call("POST /v1.0/{project_id}/data/processors", {}, { body: { name, output_type: outputType, visibility: "PRIVATE", image_repo_id: repo, image_version: 1, config: { command: `python /app/${name}.py` } } })).item;
}

const jobArgs = (processorId: number, extra: Props = {}) => ({ dataId: "wh-lidar", dataSource: "DATA_WAREHOUSE", processorId, resourceSpec: SPEC, warehouseId: "wh-lidar", ...extra });
const createJob = (args: Props) => octopus.jobDefinition.api.create(ctx(), parsed(octopus.jobDefinition, args));
const readJob = async (id: string, args: Props) => (await octopus.jobDefinition.api.read(ctx(), id, parsed(octopus.jobDefinition, args)))!;
const updateJob = (id: string, olds: Props, news: Props) => octopus.jobDefinition.api.update!(ctx(), id, parsed(octopus.jobDefinition, olds), parsed(octopus.jobDefinition, news), {});
const createImport = (args: Props) => octopus.importTaskDefinition.api.create(ctx(), parsed(octopus.importTaskDefinition, args));
/** The data packages (§4.9.1) an import task made, read on the documented list. */
const importedPackages = async (dclId: string) => (await raw().call("GET /v1.0/{project_id}/data/packages", {}, { query: { is_recycle: false, limit: 100 } })).list.filter((p: any) => p.dcl_id === dclId);
const sent = (start: number, pattern: RegExp) => emu.requests.since(start).filter((r) => pattern.test(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.status}`);
const polled = (start: number, path: string) => emu.requests.since(start).filter((r) => r.method === "GET" && r.path.endsWith(path)).length;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-octopus-jobs-"));
  emu = await startEmulator({ dataDir, clock, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }, LIMITED] });
  // Functions read the Huawei Terraform provider's variables; the runtime is configured as the engine does it.
  Object.assign(process.env, { HW_OCTOPUS_ENDPOINT: emu.url, HW_PROJECT_ID: DEFAULTS.projectId, HW_ACCESS_KEY: DEFAULTS.accessKey, HW_SECRET_KEY: DEFAULTS.secretKey });
  const values: Record<string, string> = { octopusEndpoint: emu.url, projectId: DEFAULTS.projectId, accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries: "2" };
  await configure({ config: { get: (key: string) => values[key.replace(/^edgeai:/, "")] } } as never);
  vi.spyOn(console, "log").mockImplementation((message: string) => void logged.push(message));
  scripted = await startScriptedServer();
});
// Timing is emulator-wide: every test starts from the defaults (2 s of work that succeeds, a free cluster).
afterEach(async () => {
  logged = [];
  await setTiming({ duration_ms: 2000, job_outcome: "FINISHED", import_outcome: "SUCCESS", hold_jobs: false });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await scripted.close();
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("check names the resource, the field and the documented rule, before any request", () => {
  it("jobs: spec name, priority bounds, repeated env keys, the filter's time range, what can be waited for", async () => {
    const start = emu.requests.length;
    const reasons = await failures(JOB, {
      ...jobArgs(1),
      resourceSpec: "big",
      priority: 51,
      envs: [
        { key: "topic", value: "a" },
        { key: "topic", value: "b" },
      ],
      warehouseFilters: { startTime: 10, endTime: 5 },
      waitForStatus: "RUNNING",
    });
    expect(reasons).toEqual([
      expect.stringMatching(/^edgeai:octopus:Job: field "resourceSpec": must be a resource spec name such as "4Core_16GiB" .*\(Octopus §4\.12\.2 resource_spec; see octopus\.getResourceSpecs\)$/),
      'edgeai:octopus:Job: field "priority": must be <= 50 (Octopus §4.12.2 priority)',
      'edgeai:octopus:Job: field "warehouseFilters.endTime": must not be before startTime (Octopus §4.12.2; the service answers octopus.108002)',
      'edgeai:octopus:Job: field "envs": keys must not repeat (Octopus §4.12.2 envs)',
      'edgeai:octopus:Job: field "waitForStatus": must be "FINISHED" (the one status worth waiting for, Octopus §4.12 status)',
    ]);
    expect(await failures(JOB, { ...jobArgs(1), dataSource: "DATASET", processorId: "op" })).toEqual([
      expect.stringContaining('field "dataSource": must be one of DATA_PACKAGE, DATA_WAREHOUSE, DATA_SCENARIO (Octopus §4.12.2 data_source)'),
      'edgeai:octopus:Job: field "processorId": must be a numeric id (processor_id, Octopus §4.12.2)',
    ]);
    expect(emu.requests.length).toBe(start);
  });

  it("jobs: distinct env keys, and a filter's time range open at either end or of one instant, pass", async () => {
    const envs = [
      { key: "topic", value: "a" },
      { key: "rate", value: "a" },
    ];
    for (const warehouseFilters of [{ startTime: 5 }, { endTime: 5 }, { startTime: 5, endTime: 5 }]) expect(await failures(JOB, { ...jobArgs(1), envs, warehouseFilters })).toEqual([]);
  });

  it("import tasks: the OBS key pair's form, 1-10 packages, the agreement, the operators' specs", async () => {
    const reasons = await failures(IMPORT, { ...OBS, ak: "abc", sk: "short", packages: [], agreementConfirm: false, opendataProcessorConfig: { processorId: 1, resourceSpec: "4 cores" } });
    expect(reasons).toEqual([
      'edgeai:octopus:ImportTask: field "ak": must be 20 uppercase letters or digits (Octopus §4.10.2 ak)',
      'edgeai:octopus:ImportTask: field "sk": must be 40 letters or digits (Octopus §4.10.2 sk)',
      'edgeai:octopus:ImportTask: field "packages": at least one package (Octopus §4.10.2)',
      expect.stringContaining('field "agreementConfirm": must be true: importing requires agreeing'),
      expect.stringContaining('field "opendataProcessorConfig.resourceSpec": must be a resource spec name'),
    ]);
    expect(await failures(IMPORT, { ...OBS, packages: Array.from({ length: 11 }, (_, i) => `p${i}`) })).toEqual(['edgeai:octopus:ImportTask: field "packages": at most 10 packages (Octopus §4.10.2)']);
  });
});

describe("jobs", () => {
  it("go LAUNCHING → RUNNING → UPLOADING → FINISHED on the emulator's clock, logging each step; create waits for FINISHED when asked", async () => {
    const processorId = await operator("clean");
    // The name a job takes is the one getResourceSpecs gives (§4.7.1's pattern).
    expect((await octopus.getResourceSpecs({ usage: "DATA_PROCESS" })).map((s) => s.spec)).toEqual([SPEC]);
    const { id, state } = await createJob(jobArgs(processorId, { envs: [{ key: "topic", value: "lidar" }] }));
    expect(state).toMatchObject({ status: "LAUNCHING", processorName: "clean", outputType: "DATA_SET", queueType: "PROCESSOR" });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(700);
      statuses.push((await readJob(id, jobArgs(processorId))).state.status);
    }
    expect(statuses).toEqual(["RUNNING", "UPLOADING", "FINISHED"]);
    const live = await readJob(id, jobArgs(processorId));
    expect(live.inputs).toMatchObject({ dataId: "wh-lidar", resourceSpec: SPEC, envs: [{ key: "topic", value: "lidar" }] });
    expect(live.state.endAt).toBeGreaterThan(live.state.startAt);

    const [log] = await octopus.getJobLogs({ jobId: id });
    expect(log).toMatchObject({ fileName: "job-std-stream.log", startByte: 0, endByte: log.fileSize });
    expect(log.content.split("\n").filter(Boolean).map((line) => line.replace(/^\S+ job \d+: /, ""))).toEqual([
      "queued in PROCESSOR with priority 0",
      `launching on ${SPEC}`,
      'running "python /app/clean.py" on DATA_WAREHOUSE wh-lidar',
      "uploading results to warehouse wh-lidar",
      "FINISHED",
    ]);
    expect((await octopus.getJobLogs({ jobId: id, tailBytes: 9 }))[0].content).toBe("FINISHED\n");

    const start = emu.requests.length;
    let settled = false;
    const waiting = createJob(jobArgs(processorId, { dataId: "wh-other", waitForStatus: "FINISHED" })).finally(() => (settled = true));
    await until("the provider polling the new job", () => emu.requests.since(start).some((r) => r.method === "GET" && /\/data\/jobs\/\d+$/.test(r.path)));
    expect(settled).toBe(false);
    clock.advance(2000);
    expect((await waiting).state.status).toBe("FINISHED");
  });

  it("a failed run fails create with its status, reason and the end of its log and keeps the job; the next update restarts it", async () => {
    await setTiming({ duration_ms: 0, job_outcome: "RUN_FAILED" });
    const processorId = await operator("crashing");
    const args = jobArgs(processorId, { waitForStatus: "FINISHED" });
    const err = await createJob(args).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toMatch(/^edgeai:octopus:Job job (\d+) \(crashing on wh-lidar\) did not finish: it ended RUN_FAILED: 作业运行失败 \(msg_code 99999\); the next `pulumi up` restarts it\./);
    expect(err.message).toMatch(/--- job-std-stream\.log \(end\) ---\n.*queued in PROCESSOR[\s\S]*ERROR RUN_FAILED: 作业运行失败 \(msg_code 99999\)$/);
    expect(err.state).toMatchObject({ status: "RUN_FAILED", msgCode: 99999 });

    await setTiming({ job_outcome: "FINISHED" });
    const start = emu.requests.length;
    const state = await updateJob(err.id, args, args);
    expect(state).toMatchObject({ status: "FINISHED" });
    expect(state.msgCode).toBeUndefined();
    expect(sent(start, /^PUT .*\/data\/jobs\/\d+$/)).toEqual(["PUT 200"]);
    expect(logged.join("\n")).toContain(`job ${err.id}: RUN_FAILED; restarting it (§4.12.6 RESTART)`);
    const [log] = await octopus.getJobLogs({ jobId: err.id });
    expect(log.content).toMatch(/ERROR RUN_FAILED[\s\S]*queued in PROCESSOR[\s\S]*FINISHED\n$/);
  });

  it("a job over a data package that does not exist is created and fails when it runs (msg_code 201); one over an imported package finishes", async () => {
    await setTiming({ duration_ms: 0 });
    const processorId = await operator("replayer", "OPEN_DATA");
    const seeded = await emu.control("POST", `/__emulator/octopus/${DEFAULTS.projectId}/data`, { packages: [{ name: "drive-8", vehicle_name: "car-1", start_time: 1_700_000_000_000, end_time: 1_700_000_060_000 }] });
    const [packageId] = (seeded as { packages: string[] }).packages;
    const overPackage = (dataId: string) => ({ dataId, dataSource: "DATA_PACKAGE", processorId, resourceSpec: SPEC, waitForStatus: "FINISHED" });
    expect((await createJob(overPackage(packageId))).state.status).toBe("FINISHED");
    const err = await createJob(overPackage("DPK9999999")).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toContain("it ended RUN_FAILED: 数据包不存在 (msg_code 201)");
  });

  it("a failed upload is retried with RE_UPLOAD, not a new run", async () => {
    await setTiming({ duration_ms: 0, job_outcome: "UPLOAD_FAILED" });
    const processorId = await operator("uploader");
    const args = jobArgs(processorId, { waitForStatus: "FINISHED" });
    const err = await createJob(args).catch((e) => e);
    expect(err.message).toContain("it ended UPLOAD_FAILED: 内部异常 (msg_code 1)");
    await setTiming({ job_outcome: "FINISHED" });
    const start = emu.requests.length;
    expect(await updateJob(err.id, args, args)).toMatchObject({ status: "FINISHED" });
    expect(emu.requests.since(start).find((r) => r.method === "PUT")).toBeDefined();
    expect(logged.join("\n")).toContain(`job ${err.id}: UPLOAD_FAILED; uploading its results again (§4.12.6 RE_UPLOAD)`);
  });

  it("priority: a queued job's is changed on its queue entry (§4.14.3); once it has left the queue a new one is only recorded", async () => {
    await setTiming({ hold_jobs: true });
    const processorId = await operator("queued");
    const first = await createJob(jobArgs(processorId, { dataId: "wh-a" }));
    const second = await createJob(jobArgs(processorId, { dataId: "wh-b", priority: 5 }));
    expect(first.state).toMatchObject({ status: "QUEUING", queueId: expect.any(Number) });
    const queue = async () => (await raw().call(`GET ${QUEUE}`, {}, { query: { queue_type: "PROCESSOR" } })).list.map((e: any) => [String(e.job_id), e.priority]);
    expect(await queue()).toEqual([
      [second.id, 5],
      [first.id, 0],
    ]);

    const raised = await updateJob(first.id, jobArgs(processorId, { dataId: "wh-a" }), jobArgs(processorId, { dataId: "wh-a", priority: 10 }));
    expect(raised).toMatchObject({ status: "QUEUING" });
    expect(await queue()).toEqual([
      [first.id, 10],
      [second.id, 5],
    ]);
    expect((await readJob(first.id, jobArgs(processorId, { dataId: "wh-a" }))).inputs.priority).toBe(10);

    await setTiming({ hold_jobs: false });
    expect((await readJob(first.id, jobArgs(processorId))).state.status).toBe("LAUNCHING");
    expect(await queue()).toEqual([]);
    const start = emu.requests.length;
    await updateJob(first.id, jobArgs(processorId, { dataId: "wh-a", priority: 10 }), jobArgs(processorId, { dataId: "wh-a", priority: 20 }));
    expect(sent(start, /^PUT /)).toEqual([]);
    expect(logged.join("\n")).toContain(`job ${first.id} is no longer queued (LAUNCHING): priority 20 is recorded but changes nothing`);
  });

  it("a new resource spec stops the job at work and restarts it there (§4.12.6)", async () => {
    const processorId = await operator("respec");
    const { id } = await createJob(jobArgs(processorId));
    const start = emu.requests.length;
    const state = await updateJob(id, jobArgs(processorId), jobArgs(processorId, { resourceSpec: "Pnt1_1Gpu_8Core_32GiB" }));
    expect(state.status).toBe("LAUNCHING");
    expect((await readJob(id, jobArgs(processorId))).inputs.resourceSpec).toBe("Pnt1_1Gpu_8Core_32GiB");
    expect(sent(start, /^PUT .*\/data\/jobs\/\d+$/)).toEqual(["PUT 200", "PUT 200"]);
    const err = await raw().call(`PUT ${JOBS}/{id}`, { id }, { body: { action: "RESTART", resource_spec: "64Core_1GiB" } }).catch((e) => e);
    expect(err).toMatchObject({ status: 400, errorCode: "octopus.000003" });
  });

  it("a job at work cannot be deleted (428 octopus.109005); the provider's delete stops it first", async () => {
    const processorId = await operator("busy");
    const { id } = await createJob(jobArgs(processorId));
    const refused = await raw().call(`DELETE ${JOBS}/{id}`, { id }).catch((e) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 428, errorCode: "octopus.109005" });
    await octopus.jobDefinition.api.delete(ctx(), id, parsed(octopus.jobDefinition, jobArgs(processorId)), {});
    const gone = await raw().call(`GET ${JOBS}/{id}`, { id }).catch((e) => e);
    expect(gone).toMatchObject({ status: 404, errorCode: "octopus.109003" });
  });

  it("the service refuses a missing warehouse for a DATA_SET operator, an unknown operator, and callers without octopus:dataJob:create", async () => {
    const processorId = await operator("picky");
    const body = { data_id: "DPK0000001", data_source: "DATA_PACKAGE", processor_id: processorId, resource_spec: SPEC };
    await expect(raw().call(`POST ${JOBS}`, {}, { body })).rejects.toMatchObject({ status: 400, errorCode: "octopus.000003", errorMsg: expect.stringContaining("warehouse_id") });
    await expect(raw().call(`POST ${JOBS}`, {}, { body: { ...body, processor_id: 999_999 } })).rejects.toMatchObject({ status: 404, errorCode: "octopus.109001" });
    const limited = octopusClient(config(LIMITED));
    await expect(limited.call(`POST ${JOBS}`, {}, { body: { ...body, warehouse_id: "wh" } })).rejects.toMatchObject({ status: 403, errorCode: "octopus.000111" });
  });

  it("batch stop (§4.12.3) and batch delete (§4.12.4) answer job by job", async () => {
    const processorId = await operator("batch");
    const a = Number((await createJob(jobArgs(processorId, { dataId: "wh-batch-a" }))).id);
    const b = Number((await createJob(jobArgs(processorId, { dataId: "wh-batch-b" }))).id);
    const stopped = await raw().call(`PUT ${JOBS}`, {}, { body: [{ id: a, action: "STOP" }, { id: 424242, action: "STOP" }] });
    expect(stopped.list).toEqual([
      { id: a, result: "SUCCESS" },
      { id: 424242, result: "FAILED", error_msg: expect.stringContaining("The job does not exist") },
    ]);
    const deleted = await raw().call(`DELETE ${JOBS}`, {}, { query: { ids: `${a},${b}` } });
    expect(deleted.list).toEqual([
      { id: a, result: "SUCCESS" },
      { id: b, result: "FAILED", error_msg: expect.stringContaining("The job precondition unsatisfied") },
    ]);
    expect((await raw().call(`GET ${JOBS}`, {}, { query: { processor_name: "batch" } })).list.map((j: any) => [j.id, j.status])).toEqual([[b, "LAUNCHING"]]);
  });

  it("queue operations move an entry among jobs of its priority; a batch with an id not queued there changes nothing (404)", async () => {
    await setTiming({ hold_jobs: true });
    const processorId = await operator("mover");
    const ids: string[] = [];
    for (const dataId of ["wh-1", "wh-2", "wh-3"]) {
      ids.push((await createJob(jobArgs(processorId, { dataId }))).id);
      clock.advance(1);
    }
    const entries = async () => (await raw().call(`GET ${QUEUE}`, {}, { query: { queue_type: "PROCESSOR", processor_name: "mover" } })).list;
    const order = async () => (await entries()).map((e: any) => String(e.job_id));
    const queueIdOf = async (jobId: string) => (await entries()).find((e: any) => String(e.job_id) === jobId).id;
    await raw().call(`PUT ${QUEUE}/{id}`, { id: await queueIdOf(ids[2]) }, { body: { queue_type: "PROCESSOR", operation_type: "MOVE_TOP" } });
    expect(await order()).toEqual([ids[2], ids[0], ids[1]]);
    await raw().call(`PUT ${QUEUE}/{id}`, { id: await queueIdOf(ids[1]) }, { body: { queue_type: "PROCESSOR", operation_type: "MOVE_UP" } });
    expect(await order()).toEqual([ids[2], ids[1], ids[0]]);
    const batch = { queue_type: "PROCESSOR", priority: 50, ids: [await queueIdOf(ids[0]), 424242] };
    await expect(raw().call(`PUT ${QUEUE}/batch-update`, {}, { body: batch })).rejects.toMatchObject({ status: 404, errorCode: "octopus.000141" });
    expect((await entries()).every((e: any) => e.priority === 0)).toBe(true);
  });
});

describe("jobs: what reads, updates, deletes and waits send and say", () => {
  /** A job that has run to FINISHED on the emulator's clock. */
  async function finishedJob(name: string, extra: Props = {}) {
    const processorId = await operator(name);
    const args = jobArgs(processorId, extra);
    const { id } = await createJob(args);
    clock.advance(2000);
    expect((await readJob(id, args)).state.status).toBe("FINISHED");
    return { id, args, processorId };
  }

  it("the warehouse filters go out in the document's snake_case and read back as given", async () => {
    const processorId = await operator("filtered");
    const warehouseFilters = { startTime: 1, endTime: 2, fileTypes: ["IMAGE"], rawDataIds: ["DPK0000001"], andTags: [2] };
    const args = jobArgs(processorId, { warehouseFilters });
    const { id } = await createJob(args);
    expect((await raw().call(`GET ${JOBS}/{id}`, { id })).item.warehouse_filters).toEqual({ start_time: 1, end_time: 2, file_types: ["IMAGE"], raw_data_ids: ["DPK0000001"], and_tags: [2] });
    expect((await readJob(id, args)).inputs.warehouseFilters).toEqual(warehouseFilters);
  });

  it("a job at work is read from its detail alone; a queued one's priority from its queue entry too", async () => {
    const processorId = await operator("reader");
    const { id } = await createJob(jobArgs(processorId));
    let start = emu.requests.length;
    expect((await readJob(id, jobArgs(processorId))).state.status).toBe("LAUNCHING");
    expect(sent(start, /./)).toEqual(["GET 200"]);
    await setTiming({ hold_jobs: true });
    const queued = await createJob(jobArgs(processorId, { dataId: "wh-held" }));
    start = emu.requests.length;
    expect((await readJob(queued.id, jobArgs(processorId))).state.status).toBe("QUEUING");
    expect(sent(start, /queuing-jobs$/)).toEqual(["GET 200"]);
  });

  it("a read refused otherwise than with a 404 fails, rather than reporting the job gone", async () => {
    const processorId = await operator("unreadable");
    const { id } = await createJob(jobArgs(processorId));
    emu.inject({ pathPattern: `/data/jobs/${id}$`, method: "GET", status: 403, count: 1 });
    await expect(handlers.read(JOB, id, jobArgs(processorId))).rejects.toMatchObject({ status: 403 });
  });

  it("after a lost create answer, the candidates for the job made are the jobs of that operator on that data", async () => {
    const mine = await operator("identity-mine");
    const other = await operator("identity-other");
    const { id } = await createJob(jobArgs(mine, { dataId: "wh-identity" }));
    await createJob(jobArgs(other, { dataId: "wh-identity" }));
    await createJob(jobArgs(mine, { dataId: "wh-identity-2" }));
    const identity = octopus.jobDefinition.identity as { candidates: (ctx: unknown, inputs: Props) => Promise<string[]> };
    expect(await identity.candidates(ctx(), parsed(octopus.jobDefinition, jobArgs(mine, { dataId: "wh-identity" })))).toEqual([id]);
  });

  it("a wait that times out says where the job stands, with no log (it has not ended); create and update each use their own timeout", async () => {
    const processorId = await operator("slow");
    const args = jobArgs(processorId, { dataId: "wh-slow", waitForStatus: "FINISHED" });
    const err = await createJob({ ...args, awaitTimeouts: { create: "0s", update: "1h" } }).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    const timedOut = `edgeai:octopus:Job job ${err.id} (slow on wh-slow) did not finish: timed out after 0s waiting (last seen: LAUNCHING); the next \`pulumi up\` restarts it.`;
    expect(err.message).toBe(timedOut);
    const again = await updateJob(err.id, args, { ...args, awaitTimeouts: { create: "1h", update: "0s" } }).catch((e) => e);
    expect(again).toBeInstanceOf(NotReadyError);
    expect(again.message).toBe(timedOut);
  });

  it("a failed job whose log cannot be read fails with its reason and says the log could not be read", async () => {
    await setTiming({ duration_ms: 0, job_outcome: "RUN_FAILED" });
    const processorId = await operator("unlogged");
    emu.inject({ pathPattern: "/data/jobs/\\d+/logs$", method: "GET", status: 403, count: 1 });
    const err = await createJob(jobArgs(processorId, { dataId: "wh-unlogged", waitForStatus: "FINISHED" })).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toMatch(/it ended RUN_FAILED: 作业运行失败 \(msg_code 99999\); the next `pulumi up` restarts it\.\n--- \(log\) \(end\) ---\n\(the log could not be read: .*403.*\)$/);
  });

  it("a failed job's error ends with the end of every log file; a detail without the operator's name or a reason names the operator's id", async () => {
    const detail = { id: 7, data_id: "wh-lidar", processor_id: 12, resource_spec: SPEC, output_type: "DATA_SET", project_id: DEFAULTS.projectId, user_id: "u", create_at: 1, update_at: 1 };
    const item = (fields: object) => ({ body: { payload: { item: { ...detail, ...fields } } } });
    const tail = { body: { payload: { item: { content: "the end\n", end_byte: 8 } } } };
    scripted.answer({ status: 201, body: { payload: { item: 7 } } }, item({ status: "LAUNCHING" }), item({ status: "STOPPED", end_at: 2 }));
    scripted.answer({ body: { payload: { list: [{ file_name: "job-std-stream.log", file_size: 8, update_time: 2 }, { file_name: "job-err.log", file_size: 8, update_time: 2 }], page_info: { total: 2 } } } }, tail, tail);
    const def = octopus.jobDefinition;
    const err = await def.api.create(contextFor(config(DEFAULTS, scripted.url)), parsed(def, jobArgs(12, { waitForStatus: "FINISHED" }))).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toBe(
      "edgeai:octopus:Job job 7 (operator 12 on wh-lidar) did not finish: it ended STOPPED; the next `pulumi up` restarts it.\n--- job-std-stream.log (end) ---\nthe end\n--- job-err.log (end) ---\nthe end",
    );
  });

  it("a job deleted while create waits for it fails the create saying so, and keeps its id", async () => {
    const detail = { id: 8, data_id: "wh-lidar", processor_id: 12, processor_name: "vanishing", resource_spec: SPEC, output_type: "DATA_SET", status: "LAUNCHING", create_at: 1, update_at: 1 };
    scripted.answer({ status: 201, body: { payload: { item: 8 } } }, { body: { payload: { item: detail } } }, { status: 404, body: { error_code: "octopus.109003", error_msg: "The job does not exist" } });
    const def = octopus.jobDefinition;
    const err = await def.api.create(contextFor(config(DEFAULTS, scripted.url)), parsed(def, jobArgs(12, { waitForStatus: "FINISHED" }))).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err).toMatchObject({ id: "8", message: "job 8 (vanishing on wh-lidar) was deleted while waiting for it to finish (the object was created as 8; the next `pulumi up` completes it)" });
  });

  it("an update of a job deleted out of band says to refresh; deleting it again succeeds", async () => {
    const { id, args } = await finishedJob("deleted");
    await raw().call(`DELETE ${JOBS}/{id}`, { id });
    await expect(updateJob(id, args, args)).rejects.toThrow(`edgeai:octopus:Job: job ${id} no longer exists; run \`pulumi refresh\``);
    await expect(handlers.delete(JOB, id, args)).resolves.toBeUndefined();
  });

  it("a job that is no longer at work is deleted without a STOP", async () => {
    const { id, args } = await finishedJob("done");
    const start = emu.requests.length;
    await octopus.jobDefinition.api.delete(ctx(), id, parsed(octopus.jobDefinition, args), {});
    expect(sent(start, /^(PUT|DELETE) /)).toEqual(["DELETE 200"]);
  });

  it("a new spec restarts a job that is no longer at work without a STOP; a RESTART whose answer was lost is refused as done (428) and counts as done", async () => {
    const { id, args } = await finishedJob("respec-done");
    const start = emu.requests.length;
    emu.inject({ pathPattern: `/data/jobs/${id}$`, method: "PUT", kind: "lost", count: 1 });
    const state = await updateJob(id, args, { ...args, resourceSpec: "Pnt1_1Gpu_8Core_32GiB" });
    expect(state.status).toBe("LAUNCHING");
    expect(sent(start, /^PUT .*\/data\/jobs\/\d+$/)).toEqual(["PUT 200", "PUT 428"]);
    expect(logged.join("\n")).toContain(`job ${id}: restarting on Pnt1_1Gpu_8Core_32GiB (was ${SPEC}, §4.12.6 RESTART)`);
    expect(logged.join("\n")).toContain(`job ${id}: RESTART refused as done already (LAUNCHING)`);
  });

  it("an action that fails otherwise than as done (a lost STOP, then 503s) fails the delete, though the job did stop", async () => {
    const processorId = await operator("unstoppable");
    const { id } = await createJob(jobArgs(processorId));
    emu.inject({ pathPattern: `/data/jobs/${id}$`, method: "PUT", kind: "lost", count: 1 });
    emu.inject({ pathPattern: `/data/jobs/${id}$`, method: "PUT", status: 503, count: 2 });
    await expect(octopus.jobDefinition.api.delete(ctx(), id, parsed(octopus.jobDefinition, jobArgs(processorId)), {})).rejects.toMatchObject({ status: 503 });
    expect((await raw().call(`GET ${JOBS}/{id}`, { id })).item.status).toBe("STOPPED");
  });

  it("an update that changes nothing restarts no job: neither a failed one (without waitForStatus) nor a finished one", async () => {
    await setTiming({ duration_ms: 0, job_outcome: "RUN_FAILED" });
    const processorId = await operator("left-alone");
    const failedArgs = jobArgs(processorId, { dataId: "wh-failed" });
    const failed = await createJob(failedArgs);
    await setTiming({ job_outcome: "FINISHED" });
    const finishedArgs = jobArgs(processorId, { dataId: "wh-finished" });
    const finished = await createJob(finishedArgs);
    const start = emu.requests.length;
    expect((await updateJob(failed.id, failedArgs, failedArgs)).status).toBe("RUN_FAILED");
    expect((await updateJob(finished.id, finishedArgs, { ...finishedArgs, waitForStatus: "FINISHED" })).status).toBe("FINISHED");
    expect(sent(start, /^PUT /)).toEqual([]);
    expect(logged.join("\n")).not.toContain("§4.12.6");
  });

  it("a priority the queue entry already has is not sent again, and a job not queued says nothing when its priority stays", async () => {
    await setTiming({ hold_jobs: true });
    const processorId = await operator("steady");
    const args = jobArgs(processorId, { dataId: "wh-steady" });
    const { id } = await createJob(args);
    const start = emu.requests.length;
    expect((await updateJob(id, args, args)).status).toBe("QUEUING");
    // An earlier update that set the priority, and whose state was not saved: the entry has it already.
    const [entry] = (await raw().call(`GET ${QUEUE}`, {}, { query: { queue_type: "PROCESSOR", job_id: id } })).list;
    await raw().call(`PUT ${QUEUE}/batch-update`, {}, { body: { queue_type: "PROCESSOR", priority: 5, ids: [entry.id] } });
    const fromPut = emu.requests.length;
    expect(await updateJob(id, args, { ...args, priority: 5 })).toMatchObject({ status: "QUEUING" });
    await setTiming({ hold_jobs: false });
    expect((await updateJob(id, { ...args, priority: 5 }, { ...args, priority: 5 })).status).toBe("LAUNCHING");
    expect(sent(start, /^PUT /)).toEqual(["PUT 200"]);
    expect(sent(fromPut, /^PUT /)).toEqual([]);
    expect(logged).toEqual([]);
  });
});

describe("import tasks", () => {
  it("are started and awaited to SUCCESS on the emulator's clock; progress counts the packages", async () => {
    const start = emu.requests.length;
    const waiting = createImport({ ...OBS, packages: ["drive-1", "drive-2"] });
    await until("the provider polling the import", () => sent(start, /^POST .*\/import$/).length > 0 && polled(start, "") > 0);
    await until("the import under way", async () => (await raw().call(`GET ${RECORDS}`, {}, { query: { status: "IMPORTING" } })).list.length > 0);
    clock.advance(2000);
    const { id, state } = await waiting;
    expect(id).toMatch(/^DCL\d{13}$/);
    expect(state).toMatchObject({ status: "SUCCESS", totalNum: 2, successNum: 2, failedNum: 0 });
    expect(sent(start, /^POST /)).toEqual(["POST 201", "POST 200"]);
    const detail = (await raw().call(`GET ${RECORDS}/{id}`, { id })).item;
    expect(detail).not.toHaveProperty("import_config.ak");
    expect(JSON.stringify(detail)).not.toContain(OBS.sk);

    // What it imported: a data package per name (§4.9), which a job can run over.
    const packages = await importedPackages(id);
    expect(packages.map((p: any) => p.name).sort()).toEqual(["drive-1", "drive-2"]);
    await setTiming({ duration_ms: 0 });
    const processorId = await operator("imported-replayer", "OPEN_DATA");
    const job = await createJob({ dataId: packages[0].id, dataSource: "DATA_PACKAGE", processorId, resourceSpec: SPEC, waitForStatus: "FINISHED" });
    expect(job.state.status).toBe("FINISHED");
  });

  it("a FAILED import fails create and keeps the task; the next update starts it again", async () => {
    await setTiming({ duration_ms: 0, import_outcome: "FAILED" });
    const args = parsed(octopus.importTaskDefinition, { ...OBS, path: `${OBS.path}-failing`, packages: ["drive-9"] });
    const err = await octopus.importTaskDefinition.api.create(ctx(), args).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toMatch(/^edgeai:octopus:ImportTask import task DCL\d{13} \(1 package\(s\) from .*-failing\) did not succeed: 1 of 1 package\(s\) failed to import; the next `pulumi up` starts it again\.$/);
    await setTiming({ import_outcome: "SUCCESS" });
    expect(await octopus.importTaskDefinition.api.update!(ctx(), err.id, args, args, err.state)).toMatchObject({ status: "SUCCESS", successNum: 1 });
  });

  it("an import under way cannot be deleted (409 octopus.102006); the provider's delete waits for it to end", async () => {
    const args = parsed(octopus.importTaskDefinition, { ...OBS, path: `${OBS.path}-busy`, packages: ["drive-3"] });
    const { id } = await octopus.importTaskDefinition.api.create(ctx(), { ...args, awaitTimeouts: { create: "0s" } }).catch((e) => e);
    await expect(raw().call(`DELETE ${RECORDS}/{id}`, { id })).rejects.toMatchObject({ status: 409, errorCode: "octopus.102006" });
    const start = emu.requests.length;
    const deleting = octopus.importTaskDefinition.api.delete(ctx(), id, args, {});
    await until("the provider polling before deleting", () => polled(start, `/import-records/${id}`) > 0);
    clock.advance(2000);
    await deleting;
    await expect(raw().call(`GET ${RECORDS}/{id}`, { id })).rejects.toMatchObject({ status: 404 });
    // §4.10's DELETING/DELETED states: deleting an import removes what it imported.
    expect(await importedPackages(id)).toEqual([]);
  });

  it("callers without octopus:dataImportRecord:import cannot start one (403 octopus.000111)", async () => {
    const id = (await raw().call(`POST ${RECORDS}`, {}, { body: { type: "OBS", path: "p", ak: OBS.ak, sk: OBS.sk, packages: ["x"], agreement_confirm: true } })).item;
    await expect(octopusClient(config(LIMITED)).call(`POST ${RECORDS}/{id}/import`, { id }, { body: {} })).rejects.toMatchObject({ status: 403, errorCode: "octopus.000111" });
    await raw().call(`DELETE ${RECORDS}/{id}`, { id });
  });
});

describe("a create whose answer is lost is sent once and the new object adopted", () => {
  async function createOnce(type: string, args: Record<string, unknown>) {
    const checked = await handlers.check(type, {}, { ...args, __provider: "p" });
    expect(checked.failures ?? []).toEqual([]);
    return handlers.create(type, checked.inputs);
  }

  it("a job: one POST, one job on that data, and the output says so", async () => {
    await setTiming({ duration_ms: 0 });
    const processorId = await operator("lost-answer");
    const start = emu.requests.length;
    emu.inject({ pathPattern: "/data/jobs$", method: "POST", kind: "lost", count: 1 });
    const created = await createOnce(JOB, jobArgs(processorId, { dataId: "wh-lost", waitForStatus: "FINISHED" }));
    expect(sent(start, /^POST .*\/data\/jobs$/)).toHaveLength(1);
    const onServer = (await raw().call(`GET ${JOBS}`, {}, { query: { data_id: "wh-lost" } })).list;
    expect(onServer.map((j: any) => String(j.id))).toEqual([created.id]);
    expect(created.outs).toMatchObject({ status: "FINISHED" });
    expect(logged.join("\n")).toMatch(new RegExp(`edgeai:octopus:Job: object: no answer to POST /v1\\.0/.*/data/jobs \\(.*\\); found it \\(id ${created.id}\\), adopting`));
  });

  it("a job action whose answer was lost is sent again, refused as done (428), and counts as done", async () => {
    const processorId = await operator("lost-action");
    const { id } = await createJob(jobArgs(processorId));
    const start = emu.requests.length;
    emu.inject({ pathPattern: `/data/jobs/${id}$`, method: "PUT", kind: "lost", count: 1 });
    const state = await updateJob(id, jobArgs(processorId), jobArgs(processorId, { resourceSpec: "Pnt1_1Gpu_8Core_32GiB" }));
    expect(sent(start, /^PUT .*\/data\/jobs\/\d+$/)).toEqual(["PUT 200", "PUT 428", "PUT 200"]);
    expect(state.status).toBe("LAUNCHING");
    expect(logged.join("\n")).toContain(`job ${id}: STOP refused as done already (STOPPED)`);
  });

  it("a RE_UPLOAD whose answer was lost, of an upload that then finished at once, is refused (428) and counts as done", async () => {
    await setTiming({ duration_ms: 0, job_outcome: "UPLOAD_FAILED" });
    const processorId = await operator("quick-upload");
    const args = jobArgs(processorId, { dataId: "wh-quick-upload" });
    const { id, state: created } = await createJob(args);
    expect(created.status).toBe("UPLOAD_FAILED");
    await setTiming({ job_outcome: "FINISHED" });
    const start = emu.requests.length;
    emu.inject({ pathPattern: `/data/jobs/${id}$`, method: "PUT", kind: "lost", count: 1 });
    expect((await updateJob(id, args, { ...args, waitForStatus: "FINISHED" })).status).toBe("FINISHED");
    expect(sent(start, /^PUT .*\/data\/jobs\/\d+$/)).toEqual(["PUT 200", "PUT 428"]);
    expect(logged.join("\n")).toContain(`job ${id}: RE_UPLOAD refused as done already (FINISHED)`);
  });

  it("an import's start whose answer was lost is sent again, refused as started (409), and the import awaited", async () => {
    await setTiming({ duration_ms: 0 });
    const start = emu.requests.length;
    emu.inject({ pathPattern: "/import$", method: "POST", kind: "lost", count: 1 });
    const { state } = await createImport({ ...OBS, path: `${OBS.path}-lost-start`, packages: ["drive-5"] });
    expect(state.status).toBe("SUCCESS");
    expect(sent(start, /^POST .*\/import$/)).toEqual(["POST 200", "POST 409"]);
  });

  it("an import task: one POST create, started once, adopted", async () => {
    await setTiming({ duration_ms: 0 });
    const start = emu.requests.length;
    emu.inject({ pathPattern: "/data/import-records$", method: "POST", kind: "lost", count: 1 });
    const created = await createOnce(IMPORT, { ...OBS, path: `${OBS.path}-lost`, packages: ["drive-4"] });
    expect(sent(start, /^POST .*\/import-records$/)).toHaveLength(1);
    expect(sent(start, /^POST .*\/import$/)).toEqual(["POST 200"]);
    expect(created).toMatchObject({ id: expect.stringMatching(/^DCL/), outs: { status: "SUCCESS" } });
    expect(created.outs).not.toHaveProperty("importId");
  });
});

describe("pulumi import: what the documented read never returns is not a change (nor a reason to replace)", () => {
  /** The program's inputs as check hands them to diff, and the state `pulumi import` keeps (a read with no properties). */
  async function imported(type: string, id: string, program: Props) {
    const news = (await handlers.check(type, {}, program)).inputs as Props;
    const olds = (await handlers.read(type, id, {})).props as Props;
    return { olds, news, diff: await handlers.diff(type, id, olds, news) };
  }

  it("a job's dataSource (§4.12.5 does not echo it): no change, while a real change of it still replaces the job", async () => {
    const args = jobArgs(await operator("import-diff"));
    const { id } = await createJob(args);
    const { olds, news, diff } = await imported(JOB, id, args);
    expect(olds).not.toHaveProperty("dataSource");
    expect(diff).toMatchObject({ changes: false, changed: [], replaces: [] });
    const recorded = { ...olds, dataSource: "DATA_WAREHOUSE" };
    expect((await handlers.diff(JOB, id, recorded, { ...news, dataSource: "DATA_PACKAGE" })).replaces).toEqual(["dataSource"]);
  });

  it("an import task's agreement and OBS key pair: no change", async () => {
    await setTiming({ duration_ms: 0 });
    const args = { ...OBS, path: `${OBS.path}-imported`, packages: ["drive-9"] };
    const { id } = await createImport(args);
    const { olds, diff } = await imported(IMPORT, id, args);
    expect(olds).not.toHaveProperty("agreementConfirm");
    expect(diff).toMatchObject({ changes: false, replaces: [] });
  });
});
