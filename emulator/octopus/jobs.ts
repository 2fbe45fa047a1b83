/**
 * Octopus jobs (§4.12) and their queues (§4.14): a job runs an operator (§4.13) on data with a
 * resource spec (§4.7.1). It waits QUEUING while the cluster is full, then goes LAUNCHING →
 * RUNNING → UPLOADING and ends FINISHED, RUN_FAILED or UPLOAD_FAILED on the emulator's timer
 * (see `Timing`), writing its log (§4.12.8, §4.12.9) as it goes.
 */
import { EmuError, type EmuRequest, type EmuResponse } from "../http";
import { FILE_TYPES, JOB_ACTIONS, JOB_ACTIVE_STATUSES, JOB_DATA_SOURCES, JOB_PRIORITY, JOB_STATUSES, JOB_TERMINAL_STATUSES, OUTPUT_TYPES, QUEUE_OPERATIONS, QUEUE_TYPES, queueTypeOf } from "../../provider/octopus/enums";
import { EMULATOR_USER_ID, KIND, TIME_SORTS, timestampQuery, NO_BODY, checkFields, defined, fail, field, invalidParam, listPage, nextId, ok, octopusRoute, pathNumber, queryEnum, queryList, timingOf } from "./common";
import { isSpecName } from "./resourceSpecs";
import { PACKAGE_KIND } from "./sceneKinds";
import { processorById } from "./processors";
import { type Run, phasesReached, runState } from "./runs";
import { nowOf } from "../clock";

const JOBS = "/data/jobs";
const JOB = `${JOBS}/{id}`;
const QUEUE = "/data/queuing-jobs";
/** The one log file of a job (the name in §4.12.8's example). */
const LOG_FILE = "job-std-stream.log";

const ACTIVE = new Set<string>(JOB_ACTIVE_STATUSES);
const TERMINAL = new Set<string>(JOB_TERMINAL_STATUSES);
/** Output types whose results go to a warehouse: `warehouse_id` is required for them (§4.12.2). */
const TO_WAREHOUSE = new Set(["DATA_MARK", "DATA_SET", "PLOT_DATA", "REPLAY_SIM"]);
type Failure = { msg_code: number; msg_error: string };
/** §4.12.1 `msg_code` of the failures the emulator plays out. */
const FAILURES: Record<string, Failure> = {
  RUN_FAILED: { msg_code: 99999, msg_error: "作业运行失败" },
  UPLOAD_FAILED: { msg_code: 1, msg_error: "内部异常" },
};

const jobNotFound = (id: unknown): never => fail(404, "octopus.109003", `The job does not exist (${id})`);
const preconditionFailed = (id: unknown, status: string, action: string): never => fail(428, "octopus.109005", `The job precondition unsatisfied (job ${id} is ${status}; ${action} is not possible)`);

/** A run that fails for a reason of its own (see `missingPackage`) says so instead of the outcome's generic one. */
interface JobRun extends Run {
  failure?: Failure;
}

/**
 * §4.12.1 msg_code 201 (数据包不存在): a job over a data package that does not exist is created,
 * and fails when it runs. Packages are what imports made (§4.9, see dataPackages.ts).
 */
function missingPackage(req: EmuRequest, dataSource: string, dataId: string): Failure | undefined {
  return dataSource === "DATA_PACKAGE" && !req.store.get(req.principal, PACKAGE_KIND, dataId) ? { msg_code: 201, msg_error: "数据包不存在" } : undefined;
}

/** A new run of a job: held in the queue when the cluster is full; a RUN_FAILED run never uploads. */
function newRun(req: EmuRequest, failure: Failure | undefined, phases = ["LAUNCHING", "RUNNING", "UPLOADING"]): JobRun {
  const timing = timingOf(req.store);
  const outcome = failure ? "RUN_FAILED" : phases.includes("RUNNING") ? timing.jobOutcome : timing.jobOutcome === "UPLOAD_FAILED" ? "UPLOAD_FAILED" : "FINISHED";
  return {
    queuedAt: nowOf(req.store),
    heldUntil: timing.holdJobs && phases[0] === "LAUNCHING" ? timing.releases.length : undefined,
    phases: outcome === "RUN_FAILED" ? phases.filter((p) => p !== "UPLOADING") : phases,
    phaseMs: timing.durationMs / 3,
    outcome,
    failure,
  };
}

/** Why the job's run failed, if it did: its own reason or the outcome's (§4.12.1 msg_code, msg_error). */
const failureOf = (row: Record<string, any>, status: string): Failure | undefined => (FAILURES[status] ? (row.run.failure ?? FAILURES[status]) : undefined);

/** The job as of now: status, run times and failure, per §4.12.1/§4.12.5 (fields a job has not reached are omitted). */
function live(req: EmuRequest, row: Record<string, any>) {
  const now = nowOf(req.store);
  const state = runState(row.run, now, timingOf(req.store).releases, "QUEUING");
  // start_at is when the container started running (k8s), after launching (§4.12.1 submitting_duration).
  const running = phasesReached(row.run, state).find((p) => p.status === "RUNNING")?.at ?? row.started_before;
  return {
    state,
    fields: defined({
      status: state.status,
      update_at: Math.max(row.update_at, state.since),
      start_at: running,
      end_at: state.endedAt,
      submitting_duration: (running ?? state.endedAt ?? now) - row.run.queuedAt,
      running_duration: running === undefined ? undefined : (state.endedAt ?? now) - running,
      ...failureOf(row, state.status),
    }),
  };
}

function render(req: EmuRequest, row: Record<string, any>): Record<string, any> {
  const { run, queue_id, rank_stamp, log_before, command, started_before, priority, ...stored } = row;
  return defined({ ...stored, ...live(req, row).fields });
}

/** DataJobListVo (§4.12.1): the detail's fields without the configuration. */
function renderListed(req: EmuRequest, row: Record<string, any>) {
  const { warehouse_id, warehouse_filters, envs, user_id, ...listed } = render(req, row);
  return listed;
}

function jobOrFail(req: EmuRequest, id: number) {
  return req.store.get(req.principal, KIND.job, String(id)) ?? jobNotFound(id);
}

/** The log so far: earlier runs' lines, then one line per step of the current run (§4.12.9 `content`). */
function logOf(req: EmuRequest, row: Record<string, any>): { content: string; updatedAt: number } {
  const { state } = live(req, row);
  const stamp = (at: number) => new Date(at).toISOString();
  const lines = [{ at: row.run.queuedAt, text: `queued in ${queueTypeOf(row.output_type)} with priority ${row.priority}` }];
  const say: Record<string, string> = {
    LAUNCHING: `launching on ${row.resource_spec}`,
    RUNNING: `running ${JSON.stringify(row.command)} on ${row.data_source} ${row.data_id}`,
    UPLOADING: `uploading results${row.warehouse_id ? ` to warehouse ${row.warehouse_id}` : ""}`,
  };
  for (const p of phasesReached(row.run, state)) lines.push({ at: p.at, text: say[p.status] });
  if (state.endedAt !== undefined) {
    const failure = failureOf(row, state.status);
    lines.push({ at: state.endedAt, text: failure ? `ERROR ${state.status}: ${failure.msg_error} (msg_code ${failure.msg_code})` : state.status });
  }
  const content = row.log_before + lines.map((l) => `${stamp(l.at)} job ${row.id}: ${l.text}\n`).join("");
  return { content, updatedAt: lines[lines.length - 1].at };
}

/** A queue entry (§4.14.1 jobQueueVo) of a job that is QUEUING. */
function queueEntry(row: Record<string, any>) {
  return {
    id: row.queue_id,
    job_id: row.id,
    processor_id: row.processor_id,
    // `source` (来源) has no documented values: the job's input data source.
    source: row.data_source,
    processor_name: row.processor_name,
    data_id: row.data_id,
    output_type: row.output_type,
    rank_stamp: row.rank_stamp,
    project_id: row.project_id,
    resource_spec: row.resource_spec,
    priority: row.priority,
    queue_type: queueTypeOf(row.output_type),
  };
}

/** A queue in its order: higher priority first (§4.14.3), then earlier rank stamp. */
function queueOf(req: EmuRequest, queueType: string) {
  return req.store
    .list(req.principal, KIND.job)
    .filter((row) => queueTypeOf(row.output_type) === queueType && live(req, row).state.status === "QUEUING")
    .sort((a, b) => b.priority - a.priority || a.rank_stamp - b.rank_stamp || a.id - b.id);
}

/** JobEnv lists (§4.12.2, §4.10.2): at most ten pairs. */
export const jobEnvs = field.list(field.object({ key: field.text({ min: 1, max: 64, required: true }), value: field.text({ max: 64, required: true }) }), { max: 10 });
const idList = field.list(field.text({ min: 1, max: 64 }), { max: 5 });
const tagList = field.list(field.integer({ min: 0 }), { max: 5 });
const warehouseFilters = field.object({
  start_time: field.integer({ min: 0 }),
  end_time: field.integer({ min: 0 }),
  file_name: field.text({ max: 255 }),
  data_process_task_ids: idList,
  raw_data_ids: idList,
  and_tags: tagList,
  or_tags: tagList,
  and_custom_attributes: idList,
  or_custom_attributes: idList,
  file_types: field.list(field.oneOf(FILE_TYPES), { max: 10 }),
});

/** JobEnv keys must not repeat (§4.12.2 "不能重复"). */
export function checkEnvs(list: { key?: string }[] | undefined, key: string): void {
  const seen = new Set<string>();
  for (const [i, env] of (list ?? []).entries()) {
    if (seen.has(env.key!)) invalidParam(`${key}[${i}].key`, env.key, "must not repeat");
    seen.add(env.key!);
  }
}

/** `resource_spec` must be a spec the cluster has (§4.7.1); the document leaves the refusal open, a bad parameter is the closest. */
export function checkSpec(spec: string | undefined, key: string): void {
  if (spec !== undefined && !isSpecName(spec)) invalidParam(key, spec, "is not a resource spec of the cluster (see GET /common/clusters/resource-specs)");
}

function stop(req: EmuRequest, row: Record<string, any>): void {
  const status = live(req, row).state.status;
  if (!ACTIVE.has(status)) preconditionFailed(row.id, status, "STOP");
  req.store.put(req.principal, KIND.job, String(row.id), { ...row, run: { ...row.run, stoppedAt: nowOf(req.store) }, update_at: nowOf(req.store) });
}

/** A new run after RESTART (from the start) or RE_UPLOAD (the upload only); the log keeps the earlier runs. */
function rerun(req: EmuRequest, row: Record<string, any>, phases: string[] | undefined, resourceSpec?: string): void {
  const now = nowOf(req.store);
  const { fields } = live(req, row);
  req.store.put(req.principal, KIND.job, String(row.id), {
    ...row,
    resource_spec: resourceSpec ?? row.resource_spec,
    log_before: logOf(req, row).content,
    started_before: phases ? fields.start_at : undefined,
    run: newRun(req, phases ? undefined : missingPackage(req, row.data_source, row.data_id), phases),
    rank_stamp: now,
    update_at: now,
  });
}

function remove(req: EmuRequest, row: Record<string, any>): void {
  const status = live(req, row).state.status;
  // §4.12.7 lists no 428, but §4.12.4 shows deletes refused as "The job precondition unsatisfied": a job still at work is stopped first.
  if (ACTIVE.has(status)) preconditionFailed(row.id, status, "deleting (stop it first)");
  req.store.delete(req.principal, KIND.job, String(row.id));
}

/** §4.12.3/§4.12.4: each item succeeds or fails on its own. */
function eachResult(ids: number[], apply: (id: number) => void): EmuResponse {
  return ok({
    list: ids.map((id) => {
      try {
        apply(id);
        return { id, result: "SUCCESS" };
      } catch (err) {
        if (err instanceof EmuError) return { id, result: "FAILED", error_msg: err.message };
        throw err;
      }
    }),
  });
}

export const jobRoutes = [
  octopusRoute("GET", JOBS, "octopus:dataJob:list", (req) => {
    const q = req.query;
    const dataId = q.get("data_id") || undefined;
    if (dataId && dataId.length > 64) invalidParam("data_id", dataId, "length must be at most 64");
    const id = q.get("id") || undefined;
    if (id !== undefined && !/^[1-9]\d*$/.test(id)) invalidParam("id", id, "must be an integer >= 1");
    const outputTypes = queryList(q, "output_types");
    if (outputTypes.length > 10) invalidParam("output_types", outputTypes.join(","), "must have at most 10 items");
    for (const t of outputTypes) if (!(OUTPUT_TYPES as readonly string[]).includes(t)) invalidParam("output_types", t, `must be one of ${OUTPUT_TYPES.join(", ")}`);
    const processorName = q.get("processor_name") || undefined;
    if (processorName && processorName.length > 64) invalidParam("processor_name", processorName, "length must be at most 64");
    const status = queryEnum(q, "status", JOB_STATUSES);
    const [from, to] = [timestampQuery(q, "start_time"), timestampQuery(q, "end_time")];
    const sort = queryEnum(q, "sort", Object.keys(TIME_SORTS)) ?? "UPDATE_DESC";
    const rows = req.store
      .list(req.principal, KIND.job)
      .map((row) => renderListed(req, row))
      .filter(
        (j) =>
          (!dataId || j.data_id === dataId) &&
          (!id || String(j.id) === id) &&
          (!outputTypes.length || outputTypes.includes(j.output_type)) &&
          (!processorName || j.processor_name.includes(processorName)) &&
          (!status || j.status === status) &&
          (from === undefined || j.create_at >= from) &&
          (to === undefined || j.update_at <= to),
      )
      .sort(TIME_SORTS[sort]);
    return listPage(rows, q, { max: 200, default: 10 });
  }),

  octopusRoute("POST", JOBS, "octopus:dataJob:create", (req) => {
    const b = checkFields(req.body, {
      data_id: field.text({ min: 1, max: 64, required: true }),
      processor_id: field.integer({ min: 1, required: true }),
      resource_spec: field.text({ min: 1, max: 64, required: true }),
      priority: field.integer({ min: JOB_PRIORITY.min, max: JOB_PRIORITY.max }),
      warehouse_filters: warehouseFilters,
      warehouse_id: field.text({ min: 1, max: 64 }),
      envs: jobEnvs,
      data_source: field.oneOf(JOB_DATA_SOURCES, { required: true }),
    });
    checkEnvs(b.envs, "envs");
    checkSpec(b.resource_spec, "resource_spec");
    const w = b.warehouse_filters;
    if (w?.start_time !== undefined && w.end_time !== undefined && w.end_time < w.start_time) fail(400, "octopus.108002", "Time parameters is invalid (end_time is before start_time)");
    const processor = processorById(req, b.processor_id!);
    if (TO_WAREHOUSE.has(processor.output_type) && b.warehouse_id === undefined) invalidParam("warehouse_id", undefined, `is required for an operator whose output_type is ${processor.output_type}`);
    const id = nextId(req.store);
    const now = nowOf(req.store);
    req.store.put(req.principal, KIND.job, String(id), {
      id,
      processor_id: processor.id,
      processor_name: processor.name,
      output_type: processor.output_type,
      data_id: b.data_id,
      data_source: b.data_source,
      resource_spec: b.resource_spec,
      warehouse_id: b.warehouse_id,
      warehouse_filters: w && defined(w),
      envs: b.envs,
      project_id: req.principal,
      user_id: EMULATOR_USER_ID,
      create_at: now,
      update_at: now,
      priority: b.priority ?? 0,
      queue_id: nextId(req.store),
      rank_stamp: now,
      command: processor.config?.command,
      log_before: "",
      run: newRun(req, missingPackage(req, b.data_source!, b.data_id!)),
    });
    return ok({ item: id }, 201);
  }),

  // §4.12.3: only STOP can be applied in bulk, at most 50 items.
  octopusRoute("PUT", JOBS, "octopus:dataJob:update", (req) => {
    if (!Array.isArray(req.body)) invalidParam("body", req.body, "must be an array of {id, action}");
    if (req.body.length > 50) invalidParam("body", `${req.body.length} items`, "must have at most 50 items");
    const items = req.body.map((item: unknown, i: number) => checkFields(item, { id: field.integer({ min: 1, required: true }), action: field.oneOf(["STOP"] as const, { required: true }) }, `[${i}].`));
    return eachResult(
      items.map((item: { id?: number }) => item.id!),
      (id) => stop(req, jobOrFail(req, id)),
    );
  }),

  octopusRoute("DELETE", JOBS, "octopus:dataJob:delete", (req) => {
    const ids = queryList(req.query, "ids");
    if (!ids.length) invalidParam("ids", undefined, "is required");
    if (ids.length > 50) invalidParam("ids", ids.join(","), "must have at most 50 ids");
    for (const id of ids) if (!/^[1-9]\d*$/.test(id)) invalidParam("ids", id, "must be integers >= 1");
    return eachResult(ids.map(Number), (id) => remove(req, jobOrFail(req, id)));
  }),

  octopusRoute("GET", JOB, "octopus:dataJob:get", (req) => ok({ item: render(req, jobOrFail(req, pathNumber(req, "id"))) })),

  // §4.12.6: STOP a job at work, RESTART one that is over (optionally on another spec), RE_UPLOAD a failed upload.
  octopusRoute("PUT", JOB, "octopus:dataJob:update", (req) => {
    const row = jobOrFail(req, pathNumber(req, "id"));
    const b = checkFields(req.body, { action: field.oneOf(JOB_ACTIONS, { required: true }), resource_spec: field.text({ min: 1, max: 64 }) });
    checkSpec(b.resource_spec, "resource_spec");
    const status = live(req, row).state.status;
    if (b.action === "STOP") stop(req, row);
    else if (b.action === "RESTART") {
      if (!TERMINAL.has(status)) preconditionFailed(row.id, status, "RESTART");
      rerun(req, row, undefined, b.resource_spec);
    } else {
      if (status !== "UPLOAD_FAILED") preconditionFailed(row.id, status, "RE_UPLOAD");
      rerun(req, row, ["UPLOADING"]);
    }
    return NO_BODY;
  }),

  octopusRoute("DELETE", JOB, "octopus:dataJob:delete", (req) => {
    remove(req, jobOrFail(req, pathNumber(req, "id")));
    return NO_BODY;
  }),

  octopusRoute("GET", `${JOB}/logs`, "octopus:dataJob:get", (req) => {
    const row = jobOrFail(req, pathNumber(req, "id"));
    const log = logOf(req, row);
    return ok({ list: [{ file_name: LOG_FILE, file_size: Buffer.byteLength(log.content), update_time: log.updatedAt }] });
  }),

  // §4.12.9: bytes [start_byte, end_byte) of the file; the answer's end_byte is where the next read starts.
  octopusRoute("GET", "/data/logs/jobs/{job_id}/{file_name}", "octopus:dataJob:get", (req) => {
    const row = jobOrFail(req, pathNumber(req, "job_id"));
    if (req.params.file_name !== LOG_FILE) invalidParam("file_name", req.params.file_name, `is not a log file of job ${row.id} (see GET ${JOBS}/${row.id}/logs)`);
    const byte = (name: string) => {
      const text = req.query.get(name);
      if (text === null || !/^\d+$/.test(text)) invalidParam(name, text ?? undefined, "is required: an integer >= 0");
      return Number(text);
    };
    const [start, end] = [byte("start_byte"), byte("end_byte")];
    if (end < start) invalidParam("end_byte", end, "must not be below start_byte");
    const bytes = Buffer.from(logOf(req, row).content);
    const last = Math.min(end, bytes.length);
    return ok({ item: { content: bytes.subarray(Math.min(start, last), last).toString(), end_byte: last } });
  }),

  octopusRoute("GET", QUEUE, "octopus:dataJob:list", (req) => {
    const q = req.query;
    const queueType = queryEnum(q, "queue_type", QUEUE_TYPES) ?? invalidParam("queue_type", undefined, "is required");
    const jobId = q.get("job_id") || undefined;
    const outputType = queryEnum(q, "output_type", OUTPUT_TYPES);
    // Internal jobs (imports, deletions, mining, §4.15) are not emulated: `job_type` matches none of these.
    const jobType = q.get("job_type") || undefined;
    const dataId = q.get("data_id") || undefined;
    const processorName = q.get("processor_name") || undefined;
    if (processorName && processorName.length > 256) invalidParam("processor_name", processorName, "length must be at most 256");
    const rows = queueOf(req, queueType)
      .filter((row) => !jobType && (!jobId || String(row.id) === jobId) && (!outputType || row.output_type === outputType) && (!dataId || row.data_id === dataId) && (!processorName || row.processor_name.includes(processorName)))
      .map(queueEntry);
    return listPage(rows, q, { max: 200, default: 10 });
  }),

  // Registered before `{id}`: "batch-update" is not a queue id.
  octopusRoute("PUT", `${QUEUE}/batch-update`, "octopus:dataJob:update", (req) => {
    const b = checkFields(req.body, {
      queue_type: field.oneOf(QUEUE_TYPES, { required: true }),
      priority: field.integer({ min: JOB_PRIORITY.min, max: JOB_PRIORITY.max, required: true }),
      ids: field.list(field.integer({ min: 1 }), { max: 50 }),
    });
    if (!b.ids?.length) invalidParam("ids", b.ids, "is required: 1-50 queue ids");
    const queue = queueOf(req, b.queue_type!);
    // All or nothing: an id that is not queued there is a 404 and nothing changes.
    const rows = b.ids!.map((id) => queue.find((row) => row.queue_id === id) ?? fail(404, "octopus.000141", `The resource does not exist (queue id ${id} in ${b.queue_type})`));
    for (const row of rows) req.store.put(req.principal, KIND.job, String(row.id), { ...row, priority: b.priority, update_at: nowOf(req.store) });
    return NO_BODY;
  }),

  /**
   * §4.14.2 moves an entry within its priority: jobs of a higher priority always go first
   * (§4.14.3 "数值越大优先级越高"), so MOVE_TOP puts it first among its equals.
   */
  octopusRoute("PUT", `${QUEUE}/{id}`, "octopus:dataJob:update", (req) => {
    const id = pathNumber(req, "id");
    const b = checkFields(req.body, { queue_type: field.oneOf(QUEUE_TYPES, { required: true }), operation_type: field.oneOf(QUEUE_OPERATIONS, { required: true }) });
    const queue = queueOf(req, b.queue_type!);
    const row = queue.find((r) => r.queue_id === id) ?? fail(404, "octopus.000141", `The resource does not exist (queue id ${id} in ${b.queue_type})`);
    const peers = queue.filter((r) => r.priority === row.priority);
    const at = peers.indexOf(row);
    const neighbour = b.operation_type === "MOVE_UP" ? peers[at - 1] : b.operation_type === "MOVE_DOWN" ? peers[at + 1] : undefined;
    const put = (r: Record<string, any>, rank: number) => req.store.put(req.principal, KIND.job, String(r.id), { ...r, rank_stamp: rank });
    if (b.operation_type === "MOVE_TOP") put(row, peers[0].rank_stamp - 1);
    else if (b.operation_type === "MOVE_TAIL") put(row, peers[peers.length - 1].rank_stamp + 1);
    else if (neighbour) {
      put(row, neighbour.rank_stamp);
      put(neighbour, row.rank_stamp);
    }
    return NO_BODY;
  }),
];
