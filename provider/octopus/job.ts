import { z } from "zod";
import { ApiError, unlessNotFound } from "../client/errors";
import { OCTOPUS_BASE, idText, listAllOctopus } from "../client/octopus";
import type { HuaweiServiceClient } from "../client/huawei";
import { type Context, NotReadyError, type Props, type ResourceApi, afterCreate, defineResource, importIdField } from "../framework/definition";
import { awaitTimeoutsField, timeoutFor, waitFor } from "../framework/await";
import { restApi } from "../framework/rest";
import { compact, toCamel, toSnake } from "../framework/case";
import { FILE_TYPES, JOB_ACTIVE_STATUSES, JOB_DATA_SOURCES, JOB_PRIORITY, JOB_STATUSES, JOB_TERMINAL_STATUSES, QUEUE_TYPES, queueTypeOf } from "./enums";
import { numericId, octopusClient, oneOf, text } from "./common";

export const JOBS = `${OCTOPUS_BASE}/data/jobs`;
const QUEUE = `${OCTOPUS_BASE}/data/queuing-jobs`;
/** A data job may run for hours; `customTimeouts.create`/`update` override this. */
const DEFAULT_WAIT_MS = 60 * 60_000;
/** How much of the log's end a failed job's error shows. */
const FAILURE_LOG_BYTES = 2048;
const ACTIVE = new Set<string>(JOB_ACTIVE_STATUSES);

/** §4.7.1 spec names as jobs take them: "1Core_4GiB", "P100_1Gpu_2.1Core_4.1GiB". */
export const resourceSpecField = (section: string) =>
  z
    .string()
    .regex(/^([A-Za-z0-9]+_\d+Gpu_)?\d+(\.\d+)?Core_\d+(\.\d+)?GiB$/, { message: `must be a resource spec name such as "4Core_16GiB" or "Pnt1_1Gpu_8Core_32GiB" (Octopus ${section}; see octopus.getResourceSpecs)` })
    .max(64, { message: `must be at most 64 characters (Octopus ${section})` });

/** JobEnv (§4.12.2 table 4-294, §4.10.2 table 4-209): at most ten pairs, keys unique. */
export const envsField = (section: string) =>
  z
    .array(
      z
        .object({
          key: text({ min: 1, max: 64, section }).describe("Variable name: 1-64 characters, unique in the list."),
          value: text({ max: 64, section }).describe("Value: at most 64 characters."),
        })
        .describe("One environment variable."),
    )
    .max(10, { message: `at most 10 environment variables (Octopus ${section})` })
    .refine((list) => new Set(list.map((e) => e.key)).size === list.length, { message: `keys must not repeat (Octopus ${section})` });

const ids = (what: string) => z.array(z.string().min(1)).max(5, { message: `at most 5 ${what} (Octopus §4.12.2 WarehouseDataFilters)` });
const tagIds = z.array(z.number().int().min(0)).max(5, { message: "at most 5 tags (Octopus §4.12.2 WarehouseDataFilters)" });

const warehouseFilters = z
  .object({
    startTime: z.number().int().min(0).optional().describe("Earliest creation time of the data (ms since epoch, >= 0)."),
    endTime: z.number().int().min(0).optional().describe("Latest creation time of the data (ms since epoch, >= 0, not before startTime)."),
    fileName: text({ max: 255, section: "§4.12.2" }).optional().describe("File name filter: at most 255 characters."),
    dataProcessTaskIds: ids("data process task ids").optional().describe("Data processing task IDs (an import task or a job id; at most 5)."),
    rawDataIds: ids("raw data ids").optional().describe("Raw data IDs (at most 5)."),
    andTags: tagIds.optional().describe("Data tag IDs the data must all carry (`octopus.DataTag` ids; at most 5)."),
    orTags: tagIds.optional().describe("Data tag IDs of which the data carries any (at most 5)."),
    andCustomAttributes: ids("custom attributes").optional().describe("Custom attributes the data must all carry (at most 5)."),
    orCustomAttributes: ids("custom attributes").optional().describe("Custom attributes of which the data carries any (at most 5)."),
    fileTypes: z
      .array(oneOf(FILE_TYPES, "§4.12.2 file_types"))
      .max(10, { message: "at most 10 file types (Octopus §4.12.2)" })
      .optional()
      .describe(`File types: ${FILE_TYPES.join(", ")} (at most 10).`),
  })
  .refine((w) => w.startTime === undefined || w.endTime === undefined || w.endTime >= w.startTime, { path: ["endTime"], message: "must not be before startTime (Octopus §4.12.2; the service answers octopus.108002)" });

const inputs = z.object({
  dataId: text({ min: 1, max: 64, section: "§4.12.2" }).describe(
    "ID of the input data: a data package (DATA_PACKAGE), a data warehouse (DATA_WAREHOUSE, filtered by `warehouseFilters`) or a scenario (DATA_SCENARIO): at most 64 characters (Octopus §4.12.2). Changing it replaces the job.",
  ),
  dataSource: oneOf(JOB_DATA_SOURCES, "§4.12.2 data_source").describe(`What dataId names: ${JOB_DATA_SOURCES.join(", ")} (§4.12.2). Changing it replaces the job.`),
  processorId: numericId("processor_id, Octopus §4.12.2").describe("ID of the operator the job runs (`octopus.Operator` id). Changing it replaces the job."),
  resourceSpec: resourceSpecField("§4.12.2 resource_spec").describe(
    'Resource spec the job runs on, e.g. "4Core_16GiB" (a spec of `octopus.getResourceSpecs`, §4.7.1). Changed in place: the job is stopped if it is still at work and restarted on the new spec (§4.12.6 RESTART).',
  ),
  priority: z
    .number()
    .int({ message: "must be an integer (Octopus §4.12.2 priority)" })
    .min(JOB_PRIORITY.min, { message: `must be >= ${JOB_PRIORITY.min} (Octopus §4.12.2 priority)` })
    .max(JOB_PRIORITY.max, { message: `must be <= ${JOB_PRIORITY.max} (Octopus §4.12.2 priority)` })
    .default(0)
    .describe(
      "Queue priority, -50 to 50, higher runs first (default 0, §4.12.2). Changed in place while the job is QUEUING (§4.14.3 batch priority update of its queue entry); once it has left the queue a new priority changes nothing on the service and is only recorded.",
    ),
  warehouseFilters: warehouseFilters.optional().describe("Which data of the warehouse to process when dataSource is DATA_WAREHOUSE (§4.12.2 WarehouseDataFilters). Changing it replaces the job."),
  warehouseId: text({ min: 1, max: 64, section: "§4.12.2" })
    .optional()
    .describe("ID of the data warehouse the results go to; required by the service for operators whose outputType is DATA_MARK, DATA_SET, PLOT_DATA or REPLAY_SIM (§4.12.2). Changing it replaces the job."),
  envs: envsField("§4.12.2 envs").optional().describe("Environment variables of the job's container: at most 10, keys unique (§4.12.2 JobEnv). Changing them replaces the job."),
  waitForStatus: z
    .enum(["FINISHED"], { message: 'must be "FINISHED" (the one status worth waiting for, Octopus §4.12 status)' })
    .optional()
    .describe(
      'Set to "FINISHED" to make create (and update) wait until the job has run (QUEUING → LAUNCHING → RUNNING → UPLOADING → FINISHED, §4.12): progress is printed; RUN_FAILED, SUBMIT_FAILED, UPLOAD_FAILED or STOPPED fail `up` with the status, the service\'s reason and the end of the job\'s log (§4.12.9), and the job stays in state: the next `up` restarts it (§4.12.6 RESTART, or RE_UPLOAD after a failed upload) and waits again. Bounded by `customTimeouts` (default 60 minutes). Changing it is an in-place update.',
    ),
  awaitTimeouts: awaitTimeoutsField,
  importId: importIdField,
});

const outputs = z.object({
  status: z.enum(JOB_STATUSES).describe(`Job status, live on refresh: ${JOB_STATUSES.join(", ")} (§4.12).`),
  processorName: z.string().describe("Name of the operator."),
  outputType: z.string().describe("What the operator produces (§4.13 output_type)."),
  queueType: z.enum(QUEUE_TYPES).describe("The queue the job waits in (§4.14): RESIM for REPLAY_SIM operators, DESENSITIZATION for DATA_DESENSITIZATION ones, PROCESSOR for the rest."),
  queueId: z.number().optional().describe("ID of its queue entry (§4.14.1) while the job is QUEUING."),
  startAt: z.number().optional().describe("When the job started running (ms since epoch); absent before."),
  endAt: z.number().optional().describe("When the job ended (ms since epoch); absent before."),
  msgCode: z.number().optional().describe("The service's failure code (e.g. 107 image pull failed, 202 resources unavailable, 99999 run failed, §4.12.5); absent while the job is fine."),
  msgError: z.string().optional().describe("The service's failure reason; absent while the job is fine."),
  projectId: z.string().describe("Project ID."),
  userId: z.string().describe("ID of the user who created the job."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;

/** The job's queue entry (§4.14.1), if it is queued: the only place its priority can be read or changed. */
async function queueEntry(client: HuaweiServiceClient, jobId: string, outputType: string): Promise<{ id: number; priority: number } | undefined> {
  const entries = await listAllOctopus(client, `GET ${QUEUE}`, { query: { queue_type: queueTypeOf(outputType), job_id: jobId } });
  // Stryker disable next-line ConditionalExpression: equivalent, the query's job_id (§4.14.1, a Long matched exactly) answers this job's entry alone; the check only keeps out another job's entry should a service list more.
  return entries.find((e) => idText(e.job_id) === jobId);
}

const rest = restApi<Inputs>({
  client: octopusClient,
  create: `POST ${JOBS}`,
  // The detail (§4.12.5) has no priority: a queued job's comes from its queue entry.
  // A job deleted meanwhile (404 octopus.109003) reads as gone, so a wait or an update says so instead of failing with the 404.
  read: async (client, id) => {
    const body = await unlessNotFound(client.call(`GET ${JOBS}/{id}`, { id }));
    if (body === undefined) return undefined;
    const { item } = body;
    return { item, queued: item.status === "QUEUING" ? await queueEntry(client, id, item.output_type) : undefined };
  },
  delete: `DELETE ${JOBS}/{id}`,
  createBody: (i) =>
    compact({
      data_id: i.dataId,
      data_source: i.dataSource,
      processor_id: i.processorId,
      resource_spec: i.resourceSpec,
      priority: i.priority,
      warehouse_filters: i.warehouseFilters && toSnake(i.warehouseFilters),
      warehouse_id: i.warehouseId,
      envs: i.envs,
    }),
  idOf: (res) => idText(res.item),
  // §4.12.5 echoes neither data_source (write-only) nor priority (read from the queue while queued): they cannot drift otherwise.
  fromBody: ({ item: j, queued }) => ({
    inputs: compact({
      dataId: j.data_id,
      processorId: j.processor_id,
      resourceSpec: j.resource_spec,
      priority: queued?.priority,
      warehouseFilters: j.warehouse_filters ? toCamel(j.warehouse_filters) : undefined,
      warehouseId: j.warehouse_id,
      envs: j.envs?.length ? j.envs : undefined,
    }),
    state: {
      ...compact({ status: j.status, processorName: j.processor_name, outputType: j.output_type, queueType: queueTypeOf(j.output_type), projectId: j.project_id, userId: j.user_id, createAt: j.create_at, updateAt: j.update_at }),
      // Set even when absent: undefined clears what an earlier run left in the outputs (a restarted job's old failure).
      queueId: queued?.id,
      startAt: j.start_at ?? undefined,
      endAt: j.end_at ?? undefined,
      msgCode: j.msg_code ?? undefined,
      msgError: j.msg_error ?? undefined,
    },
  }),
});

export const jobLog = z.object({
  fileName: z.string().describe('Log file name, e.g. "job-std-stream.log" (§4.12.8).'),
  fileSize: z.number().describe("Size of the whole file in bytes."),
  updateTime: z.number().describe("Last update of the file (ms since epoch)."),
  content: z.string().describe("The end of the file: at most `tailBytes` bytes (§4.12.9)."),
  startByte: z.number().describe("Byte offset in the file where `content` starts."),
  endByte: z.number().describe("Byte offset where it ends: where a later read continues."),
});
export type JobLog = z.infer<typeof jobLog>;

/** The job's log files (§4.12.8) and the last `tailBytes` of each (§4.12.9 reads a byte range). */
export async function readJobLogs(client: HuaweiServiceClient, jobId: string | number, options: { fileName?: string; tailBytes: number }): Promise<JobLog[]> {
  const { list } = await client.call(`GET ${JOBS}/{id}/logs`, { id: jobId });
  const files: { file_name: string; file_size: number; update_time: number }[] = (list ?? []).filter((f: { file_name: string }) => options.fileName === undefined || f.file_name === options.fileName);
  return Promise.all(
    files.map(async (f) => {
      const startByte = Math.max(0, f.file_size - options.tailBytes);
      const { item } = await client.call(`GET ${OCTOPUS_BASE}/data/logs/jobs/{job_id}/{file_name}`, { job_id: jobId, file_name: f.file_name }, { query: { start_byte: startByte, end_byte: f.file_size } });
      return { fileName: f.file_name, fileSize: f.file_size, updateTime: f.update_time, content: String(item.content ?? ""), startByte, endByte: Number(item.end_byte ?? f.file_size) };
    }),
  );
}

/** The end of each of the job's log files, for the error of a failed job; a log that cannot be read is said so, not thrown. */
async function logTail(ctx: Context, id: string): Promise<string> {
  const logs = await readJobLogs(ctx.octopus, id, { tailBytes: FAILURE_LOG_BYTES }).catch((err) => [{ fileName: "(log)", content: `(the log could not be read: ${(err as Error).message})` }]);
  return logs.map((l) => `--- ${l.fileName} (end) ---\n${l.content.trimEnd()}`).join("\n");
}

/** Waits for FINISHED; a job that ended otherwise stays in state as not ready, with its reason and the end of its log. */
async function awaitFinished(ctx: Context, id: string, i: Inputs, op: "create" | "update", state: Props): Promise<Props> {
  if (i.waitForStatus !== "FINISHED") return state;
  const what = `job ${id} (${state.processorName ?? `operator ${i.processorId}`} on ${i.dataId})`;
  const result = await waitFor(ctx, what, timeoutFor(i, op, DEFAULT_WAIT_MS), async () => {
    const live = await rest.read(ctx, id, i);
    if (!live) throw new Error(`${what} was deleted while waiting for it to finish`);
    const status = String(live.state.status);
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, waitFor takes done (FINISHED) before failure; leaving FINISHED out only keeps the observation honest.
    const ended = (JOB_TERMINAL_STATUSES as readonly string[]).includes(status) && status !== "FINISHED";
    const reason = live.state.msgError ? `: ${live.state.msgError} (msg_code ${live.state.msgCode})` : "";
    return { done: status === "FINISHED", failure: ended ? `it ended ${status}${reason}` : undefined, status, value: live.state };
  });
  if (result.ok) return result.value;
  const tail = result.value.endAt !== undefined ? `\n${await logTail(ctx, id)}` : "";
  throw new NotReadyError(`edgeai:octopus:Job ${what} did not finish: ${result.reason}; the next \`pulumi up\` restarts it.${tail}`, id, result.value);
}

/**
 * A §4.12.6 job action. The client sends a PUT again when its answer was lost; if the first was
 * carried out, the job has left the statuses the action starts from and the second is refused with
 * 428 octopus.109005 ("作业当前状态不支持该操作"): that counts as done. Whatever the status then
 * (stopped; at work again; or a quick re-upload or rerun already over), the job has moved on, and
 * waitForStatus, when set, reports where it ends.
 */
async function act(ctx: Context, id: string, body: { action: "STOP" | "RESTART" | "RE_UPLOAD"; resource_spec?: string }): Promise<void> {
  try {
    await ctx.octopus.call(`PUT ${JOBS}/{id}`, { id }, { body });
  } catch (err) {
    if (!(err instanceof ApiError && err.errorCode === "octopus.109005")) throw err;
    const { item } = await ctx.octopus.call(`GET ${JOBS}/{id}`, { id });
    ctx.log(`job ${id}: ${body.action} refused as done already (${item.status}): an earlier attempt whose answer was lost carried it out`);
  }
}

const api: ResourceApi<Inputs> = {
  ...rest,
  async create(ctx, i) {
    const { id, state } = await rest.create(ctx, i);
    return { id, state: await afterCreate(id, state, () => awaitFinished(ctx, id, i, "create", state)) };
  },
  /**
   * §4.12.6 changes a job only through actions: a new spec restarts it there (stopping it first
   * if it is still at work); a job that failed is restarted (or its upload retried) when the
   * program waits for FINISHED; a new priority goes to its queue entry (§4.14.3) while it is queued.
   */
  async update(ctx, id, olds, news) {
    const before = await rest.read(ctx, id, news);
    if (!before) throw new Error(`edgeai:octopus:Job: job ${id} no longer exists; run \`pulumi refresh\``);
    const status = String(before.state.status);
    if (news.resourceSpec !== before.inputs.resourceSpec) {
      if (ACTIVE.has(status)) await act(ctx, id, { action: "STOP" });
      ctx.log(`job ${id}: restarting on ${news.resourceSpec} (was ${before.inputs.resourceSpec}, §4.12.6 RESTART)`);
      await act(ctx, id, { action: "RESTART", resource_spec: news.resourceSpec });
    } else if (news.waitForStatus === "FINISHED" && !ACTIVE.has(status) && status !== "FINISHED") {
      const action = status === "UPLOAD_FAILED" ? "RE_UPLOAD" : "RESTART";
      ctx.log(`job ${id}: ${status}; ${action === "RESTART" ? "restarting it" : "uploading its results again"} (§4.12.6 ${action})`);
      await act(ctx, id, { action });
    }
    let live = (await rest.read(ctx, id, news))!;
    if (live.state.status === "QUEUING" && live.inputs.priority !== news.priority) {
      await ctx.octopus.call(`PUT ${QUEUE}/batch-update`, {}, { body: { queue_type: live.state.queueType, priority: news.priority, ids: [live.state.queueId] } });
      live = (await rest.read(ctx, id, news))!;
    } else if (live.state.status !== "QUEUING" && olds.priority !== news.priority) ctx.log(`job ${id} is no longer queued (${live.state.status}): priority ${news.priority} is recorded but changes nothing`);
    return awaitFinished(ctx, id, news, "update", live.state);
  },
  /** A job still at work cannot be deleted (428 octopus.109005): it is stopped first. */
  async delete(ctx, id, i, state) {
    const live = await rest.read(ctx, id, i);
    if (live && ACTIVE.has(String(live.state.status))) await act(ctx, id, { action: "STOP" });
    await rest.delete(ctx, id, i, state);
  },
};

export const jobDefinition = defineResource({
  service: "octopus",
  name: "Job",
  description:
    'An Octopus data job (§4.12): an operator (`octopus.Operator`) run over a data package, a data warehouse or a scenario on a resource spec (§4.7.1). It queues by priority (§4.14), then goes LAUNCHING → RUNNING → UPLOADING → FINISHED. `waitForStatus: "FINISHED"` makes `up` wait and fail with the job\'s reason and log when it fails; the next `up` restarts it. A new resource spec restarts it in place; `octopus.getJobLogs` reads its logs.',
  inputs,
  outputs,
  immutable: ["dataId", "dataSource", "processorId", "warehouseFilters", "warehouseId", "envs"],
  unreadable: ["dataSource"],
  identity: {
    by: "new",
    doc: "the jobs on the same data with the same operator, listed before creating (§4.12.1 `data_id` filter; jobs have no name, nothing in the request is unique): after a lost answer, the new one is the job made",
    candidates: async (ctx, i) => (await listAllOctopus(ctx.octopus, `GET ${JOBS}`, { query: { data_id: i.dataId } })).filter((j) => j.processor_id === i.processorId).map((j) => idText(j.id)),
  },
  api,
});
