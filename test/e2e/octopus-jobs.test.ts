/**
 * Octopus import tasks and jobs through the real pulumi CLI: one stack, every lifecycle step —
 * awaited create, no-op preview, in-place updates (a new spec restarts the job; a queued job's
 * priority), replacement, refresh after console changes, importId adoption, a failed job kept in
 * state and restarted, its logs through octopus.getJobLogs, bad input refused in preview, destroy —
 * once per delivery (dynamic resources, the edgeai plugin); through the plugin, every object is
 * also `pulumi import`ed by ID into another stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Emulator } from "../../emulator";
import { cleanup, consoleClient, createStack, expectImportedElsewhere, forEachDelivery, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { changes, setOctopusTiming, stateOf, upWithChanges } from "./octopus-steps";
import { until } from "../unit/wait";

const JOBS = "/v1.0/{project_id}/data/jobs";
const RECORDS = "/v1.0/{project_id}/data/import-records";
const CPU = "4Core_16GiB";
const GPU = "Pnt1_1Gpu_8Core_32GiB";
const OBS_PATH = "octopus-user-0123/rosbag/DO202302010834046875241";
const AK = "ABCTUKMSXXXXXXXXXOKY";
const SK = "012345jPI3YpmVRVTIbExxxxxxxxx4Pvmkhp0L1s";

interface Shape {
  packages: string[];
  dataId: string;
  resourceSpec: string;
  priority?: number;
  ak?: string;
}

/** An operator with its image, an import of drive packages, and a job running the operator over the imported data. */
function resources(s: Shape): ResourceSpec[] {
  return [
    { name: "repo", type: "octopus.ImageRepo", args: { name: "jobs-images", scope: "DATA_CONVERSION" } },
    { name: "v", type: "octopus.ImageRepoVersion", args: { repoId: { $ref: "repo.id" } } },
    {
      name: "op",
      type: "octopus.Operator",
      args: { name: "lidar-clean", outputType: "DATA_SET", visibility: "PRIVATE", imageRepoId: { $ref: "repo.id" }, imageVersion: { $ref: "v.version" }, config: { command: "python clean.py" } },
    },
    { name: "imp", type: "octopus.ImportTask", args: { path: OBS_PATH, ak: { $secret: s.ak ?? AK }, sk: { $secret: SK }, packages: s.packages, agreementConfirm: true } },
    {
      name: "job",
      type: "octopus.Job",
      args: {
        dataId: s.dataId,
        dataSource: "DATA_WAREHOUSE",
        processorId: { $ref: "op.id" },
        resourceSpec: s.resourceSpec,
        warehouseId: "wh-lidar",
        warehouseFilters: { dataProcessTaskIds: [{ $ref: "imp.id" }], fileTypes: ["POINT_CLOUD"] },
        envs: [{ key: "topic", value: "lidar_top" }],
        waitForStatus: "FINISHED",
        ...(s.priority === undefined ? {} : { priority: s.priority }),
      },
    },
  ];
}
const EXPORTS = { op: ["id"], imp: ["id", "status", "successNum"], job: ["id", "status", "resourceSpec", "processorName"] };
const FIRST: Shape = { packages: ["drive-1", "drive-2"], dataId: "wh-lidar", resourceSpec: CPU };
/** Requests answered since `mark`, as "METHOD path-suffix" for the given API paths. */
const sentTo = (requests: { method: string; path: string }[], pattern: RegExp) => requests.filter((r) => pattern.test(r.path)).map((r) => r.method);

forEachDelivery((delivery) => {
  let emulator: Emulator;
  let t: TestStack;

  const api = () => consoleClient(emulator, "octopus");
  const jobOnServer = async (id: string) => (await api().call(`GET ${JOBS}/{id}`, { id })).item;

  beforeAll(async () => {
    emulator = await startEmulatorForTests("octopus-jobs");
    t = await createStack(emulator, "octopus-jobs", {}, { delivery });
    // Jobs and imports take 300 ms of the emulator's time (LAUNCHING, RUNNING, UPLOADING 100 ms each).
    await setOctopusTiming(emulator, { duration_ms: 300 });
  });
  afterAll(async () => {
    await emulator?.close();
    if (t) cleanup(t.dir);
  });

  describe("Octopus import tasks and jobs through the real pulumi CLI", () => {
    let ids: Record<string, any>;

    it("up imports the packages, then runs the job over them and waits for FINISHED; a second preview shows no changes", async () => {
      t.declare(resources(FIRST), EXPORTS);
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ create: 6 });
      ids = outputs;
      expect(outputs).toMatchObject({ "imp.status": "SUCCESS", "imp.successNum": 2, "job.status": "FINISHED", "job.resourceSpec": CPU, "job.processorName": "lidar-clean" });
      expect(outputs["imp.id"]).toMatch(/^DCL\d{13}$/);
      const packages = (await api().call("GET /v1.0/{project_id}/data/packages", {}, { query: { is_recycle: false } })).list;
      expect(packages.map((p: any) => [p.name, p.dcl_id]).sort()).toEqual([
        ["drive-1", outputs["imp.id"]],
        ["drive-2", outputs["imp.id"]],
      ]);
      const job = await jobOnServer(outputs["job.id"]);
      expect(job).toMatchObject({ status: "FINISHED", processor_id: Number(outputs["op.id"]), resource_spec: CPU, warehouse_filters: { data_process_task_ids: [outputs["imp.id"]], file_types: ["POINT_CLOUD"] }, envs: [{ key: "topic", value: "lidar_top" }] });
      expect(t.output.join("")).toMatch(/import task DCL\d+ \(2 package\(s\) from .*\): IMPORTING/);
      expect(t.output.join("")).toMatch(/job \d+ \(lidar-clean on wh-lidar\): (LAUNCHING|RUNNING|UPLOADING)/);
      // The OBS key pair is secret in state and never printed.
      const state = await t.exportState();
      expect(state).not.toContain(SK);
      expect(t.output.join("")).not.toContain(SK);
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("in place: a new resource spec restarts the job there and waits again; a new OBS key is only recorded", async () => {
      t.declare(resources({ ...FIRST, resourceSpec: GPU, ak: "NEWKEYXXXXXXXXXXXXXX" }), EXPORTS);
      const requests = t.mark();
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ update: 2 });
      expect(outputs).toMatchObject({ "job.id": ids["job.id"], "imp.id": ids["imp.id"], "job.status": "FINISHED", "job.resourceSpec": GPU });
      expect((await jobOnServer(ids["job.id"])).resource_spec).toBe(GPU);
      expect(sentTo(requests(), /\/data\/jobs\/\d+$/).filter((m) => m === "PUT")).toEqual(["PUT"]);
      expect(sentTo(requests(), /\/import-records/).filter((m) => m !== "GET")).toEqual([]);
      expect(t.output.join("")).toContain(`job ${ids["job.id"]}: restarting on ${GPU} (was ${CPU}, §4.12.6 RESTART)`);
    });

    it("in place: the priority of a job still queued goes to its queue entry (§4.14.3)", async () => {
      await setOctopusTiming(emulator, { hold_jobs: true });
      const queued: ResourceSpec = { name: "queued", type: "octopus.Job", args: { dataId: "wh-queued", dataSource: "DATA_WAREHOUSE", processorId: { $ref: "op.id" }, resourceSpec: CPU, warehouseId: "wh-lidar", priority: 1 } };
      t.declare([...resources({ ...FIRST, resourceSpec: GPU, ak: "NEWKEYXXXXXXXXXXXXXX" }), queued], { ...EXPORTS, queued: ["id", "status", "queueId"] });
      const created = await upWithChanges(t);
      expect(created.outputs).toMatchObject({ "queued.status": "QUEUING", "queued.queueId": expect.any(Number) });
      t.declare([...resources({ ...FIRST, resourceSpec: GPU, ak: "NEWKEYXXXXXXXXXXXXXX" }), { ...queued, args: { ...queued.args, priority: 40 } }], { ...EXPORTS, queued: ["id", "status"] });
      expect((await upWithChanges(t)).changed).toEqual({ update: 1 });
      const queue = (await api().call("GET /v1.0/{project_id}/data/queuing-jobs", {}, { query: { queue_type: "PROCESSOR" } })).list;
      expect(queue.map((e: any) => [String(e.job_id), e.priority])).toEqual([[created.outputs["queued.id"], 40]]);
      await setOctopusTiming(emulator, { hold_jobs: false });
    });

    it("replacements: other packages replace the import task, and with it the job that reads its data; the queued job, dropped from the program, is deleted", async () => {
      // The queued job leaves in this same up: one CLI round fewer per delivery.
      t.declare(resources({ ...FIRST, packages: ["drive-3"], resourceSpec: GPU, ak: "NEWKEYXXXXXXXXXXXXXX" }), EXPORTS);
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ replace: 2, delete: 1 });
      expect(outputs["imp.id"]).not.toBe(ids["imp.id"]);
      expect(outputs["job.id"]).not.toBe(ids["job.id"]);
      expect(outputs).toMatchObject({ "imp.successNum": 1, "job.status": "FINISHED" });
      expect((await api().call(`GET ${RECORDS}`)).list.map((r: any) => r.dcl_id)).toEqual([outputs["imp.id"]]);
      expect((await api().call(`GET ${JOBS}`)).list.map((j: any) => String(j.id))).toEqual([outputs["job.id"]]);
      ids = outputs;
    });

    it("refresh shows a restart on another spec made in the console and an import deleted there; up puts the program back", async () => {
      await api().call(`PUT ${JOBS}/{id}`, { id: ids["job.id"] }, { body: { action: "RESTART", resource_spec: CPU } });
      await api().call(`DELETE ${RECORDS}/{id}`, { id: ids["imp.id"] });
      await t.refresh();
      expect((await stateOf(t, "job"))?.outputs).toMatchObject({ resourceSpec: CPU });
      expect(await stateOf(t, "imp")).toBeUndefined();
      const { outputs, changed } = await upWithChanges(t);
      // The import is made again; its new id is in the job's filter, which replaces the job.
      expect(changed).toEqual({ create: 1, replace: 1 });
      expect(outputs).toMatchObject({ "imp.status": "SUCCESS", "job.resourceSpec": GPU, "job.status": "FINISHED" });
      expect((await jobOnServer(outputs["job.id"])).resource_spec).toBe(GPU);
      expect(changes(await t.previewChanges())).toEqual({});
      ids = outputs;
    });

    it("importId adopts a job and an import task made in the console without creating either; dropped from the program, they are deleted", async () => {
      const handJob = (await api().call(`POST ${JOBS}`, {}, { body: { data_id: "wh-hand", data_source: "DATA_WAREHOUSE", processor_id: Number(ids["op.id"]), resource_spec: CPU, warehouse_id: "wh-lidar" } })).item;
      const handImport = (await api().call(`POST ${RECORDS}`, {}, { body: { type: "OBS", path: `${OBS_PATH}-hand`, ak: AK, sk: SK, packages: ["drive-7"], agreement_confirm: true } })).item;
      await api().call(`POST ${RECORDS}/{id}/import`, { id: handImport }, { body: {} });
      // Adopted as they stand: a job and an import that have finished in the console.
      await until("the console's job and import to finish", async () => (await jobOnServer(handJob)).status === "FINISHED" && (await api().call(`GET ${RECORDS}/{id}`, { id: handImport })).item.import_progress.status === "SUCCESS");
      const adopted: ResourceSpec[] = [
        { name: "handJob", type: "octopus.Job", args: { importId: String(handJob), dataId: "wh-hand", dataSource: "DATA_WAREHOUSE", processorId: { $ref: "op.id" }, resourceSpec: CPU, warehouseId: "wh-lidar", waitForStatus: "FINISHED" } },
        { name: "handImp", type: "octopus.ImportTask", args: { importId: handImport, path: `${OBS_PATH}-hand`, ak: { $secret: AK }, sk: { $secret: SK }, packages: ["drive-7"], agreementConfirm: true } },
      ];
      t.declare([...resources({ ...FIRST, packages: ["drive-3"], resourceSpec: GPU, ak: "NEWKEYXXXXXXXXXXXXXX" }), ...adopted], { ...EXPORTS, handJob: ["id", "status"], handImp: ["id", "status"] });
      const requests = t.mark();
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ create: 2 });
      expect(outputs).toMatchObject({ "handJob.id": String(handJob), "handJob.status": "FINISHED", "handImp.id": handImport, "handImp.status": "SUCCESS" });
      expect(requests().filter((r) => r.method === "POST")).toEqual([]);
      expect(changes(await t.previewChanges())).toEqual({});

      // Adopted, they are the stack's: dropping them from the program deletes them.
      t.declare(resources({ ...FIRST, packages: ["drive-3"], resourceSpec: GPU, ak: "NEWKEYXXXXXXXXXXXXXX" }), EXPORTS);
      expect((await upWithChanges(t)).changed).toEqual({ delete: 2 });
      await expect(jobOnServer(String(handJob))).rejects.toMatchObject({ status: 404, errorCode: "octopus.109003" });
      await expect(api().call(`GET ${RECORDS}/{id}`, { id: handImport })).rejects.toMatchObject({ status: 404 });
    });

    it("a job that fails fails up with its status and the end of its log and stays in state; the next up restarts it; getJobLogs reads both runs", async () => {
      await setOctopusTiming(emulator, { job_outcome: "RUN_FAILED" });
      const base = resources({ ...FIRST, packages: ["drive-3"], resourceSpec: GPU, ak: "NEWKEYXXXXXXXXXXXXXX" });
      const failing: ResourceSpec = { name: "failing", type: "octopus.Job", args: { dataId: "wh-failing", dataSource: "DATA_WAREHOUSE", processorId: { $ref: "op.id" }, resourceSpec: CPU, warehouseId: "wh-lidar", waitForStatus: "FINISHED" } };
      t.declare([...base, failing], { ...EXPORTS, failing: ["id", "status"] });
      const err = await t.up().catch((e) => e);
      const text = String(err?.message);
      expect(text).toMatch(/edgeai:octopus:Job job (\d+) \(lidar-clean on wh-failing\) did not finish: it ended RUN_FAILED: 作业运行失败 \(msg_code 99999\)/);
      expect(text).toContain("ERROR RUN_FAILED: 作业运行失败 (msg_code 99999)");
      const kept = await stateOf(t, "failing");
      expect(kept).toMatchObject({ outputs: { status: "RUN_FAILED", msgCode: 99999 } });

      await setOctopusTiming(emulator, { job_outcome: "FINISHED" });
      t.declare([...base, failing], { ...EXPORTS, failing: ["id", "status"] }, [{ name: "logs", fn: "octopus.getJobLogsOutput", args: { jobId: { $ref: "failing.id" } } }]);
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ update: 1 });
      expect(outputs).toMatchObject({ "failing.id": kept!.id, "failing.status": "FINISHED" });
      expect((await stateOf(t, "failing"))?.outputs).not.toHaveProperty("msgCode");
      expect(outputs.logs).toEqual([expect.objectContaining({ fileName: "job-std-stream.log", startByte: 0 })]);
      expect(outputs.logs[0].content).toMatch(/ERROR RUN_FAILED[\s\S]*queued in PROCESSOR[\s\S]*FINISHED\n$/);
    });

    it("invalid input fails in preview, naming resource, field and rule, and sends no request", async () => {
      // The engine stops at the first resource whose check fails: the job's two bad fields (the import task's rules are in test/unit/octopus-jobs.test.ts).
      const bad = resources({ ...FIRST, resourceSpec: "4 cores", priority: 99 });
      t.declare(bad, EXPORTS);
      const requests = t.mark();
      const text = String((await t.previewChanges().catch((e) => e))?.message);
      expect(text).toMatch(/edgeai:octopus:Job: field "resourceSpec": must be a resource spec name such as "4Core_16GiB"/);
      expect(text).toContain('edgeai:octopus:Job: field "priority": must be <= 50 (Octopus §4.12.2 priority)');
      expect(requests()).toEqual([]);
    });

    if (delivery === "native") it("pulumi import adopts every image, operator, import task and job by ID into another stack", () => expectImportedElsewhere(t, "octopus-jobs-import"));

    it("destroy deletes every job and import task (with the packages it imported) and leaves the emulator empty", async () => {
      await t.destroy();
      expect(emulator.store.count()).toBe(0);
    });
  });
});
