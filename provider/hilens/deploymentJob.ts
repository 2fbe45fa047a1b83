import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import { compact, prune, toCamel, toSnake } from "../framework/case";
import { idsByName, projectOnto } from "./common";

/** Free-form objects (stream data, common parameters) are sent exactly as given: their keys are not renamed. */
const freeForm = z.record(z.string(), z.unknown());
const endpoint = (what: string, example: string) =>
  z.object({
    type: z.string().min(1).describe(`${what} type, e.g. \`${example}\`.`),
    data: freeForm.describe(`${what} data (free-form, sent as given).`),
  });
const timeFrame = z.object({ start: z.string().min(1).describe("Start."), stop: z.string().min(1).describe("Stop.") });

const inputs = z.object({
  deploymentId: z.string().min(1).describe("The deployment the task runs in. Changing it replaces the task."),
  name: z.string().min(1).describe("Task name (§5.5.2)."),
  description: z.string().optional().describe("Description."),
  business: z.string().optional().describe("Task action for the app: create, delete or update task (§5.5.2)."),
  instanceId: z.string().optional().describe("Instance ID (§5.5.2)."),
  timestamp: z.string().optional().describe("Timestamp (§5.5.2)."),
  streams: z
    .array(
      z.object({
        input: endpoint("Input", "camera").describe("Where the task reads from."),
        outputs: z.array(endpoint("Output", "dis")).describe("Where results go."),
        common: freeForm.optional().describe("Task parameters (free-form)."),
      }),
    )
    .min(1, { message: "at least one stream is required (HiLens §5.5.2)" })
    .describe("The streams the task processes (§5.5.2 TaskStream; the `data` wrapper is dropped)."),
  taskId: z.string().optional().describe("Your own task ID (§5.5.2 data.task_id), returned as userTaskId."),
  startTimeInfo: z
    .object({
      startTime: z.string().min(1).describe("Start time (required)."),
      frequency: z.string().optional().describe("Run frequency (daily or single)."),
      mode: z.string().optional().describe("Run mode (by time window or by frequency)."),
      dayTimeFrame: z.array(timeFrame).optional().describe("Daily run windows."),
      singleTimeFrame: z.array(timeFrame).optional().describe("Single-run windows."),
    })
    .optional()
    .describe("Schedule (§5.5.2 StartTimeInfo)."),
  sourceUsageEstimate: z.object({ cpu: z.number().min(0).describe("CPU."), memory: z.number().int().min(0).describe("Memory.") }).optional().describe("Expected resource use (§5.5.2)."),
  importId: importIdField,
});

const outputs = z.object({
  userTaskId: z.string().optional().describe("The taskId you set."),
  okPodNumber: z.number().optional().describe("Instances where the task succeeded."),
  curPodNumber: z.number().optional().describe("Instances running it."),
  sumPodNumber: z.number().optional().describe("All instances."),
  failPodNumber: z.number().optional().describe("Instances where it failed."),
  pendingPodNumber: z.number().optional().describe("Instances waiting."),
  taskStatus: z.array(z.object({ podId: z.string().optional(), podName: z.string().optional(), taskStatus: z.string().optional(), cause: z.string().optional() })).optional().describe("Per-instance state."),
});

type Inputs = z.infer<typeof inputs>;
const base = "/v3/{project_id}/ai-mgr/deployments/{deployment_id}";

function body(i: Inputs) {
  return compact({
    name: i.name,
    description: i.description,
    business: i.business,
    instance_id: i.instanceId,
    timestamp: i.timestamp,
    data: compact({
      streams: i.streams.map((s) => compact({ common: s.common, input: s.input, outputs: s.outputs })),
      task_id: i.taskId,
      start_time_info: i.startTimeInfo && toSnake(i.startTimeInfo),
      source_usage_estimate: i.sourceUsageEstimate,
    }),
  });
}

export const deploymentJobDefinition = defineResource({
  service: "hilens",
  name: "DeploymentJob",
  description: "A task of a HiLens deployment (§5.5): what its apps process, e.g. a camera stream whose results go to DIS.",
  inputs,
  outputs,
  importScope: ["deploymentId"],
  immutable: ["deploymentId"],
  identity: {
    by: "new",
    doc: "the deployment's tasks with its name, listed before creating (§5.5.1; task names are not documented as unique): after a lost answer, the new one is the task made",
    candidates: (ctx, i) => idsByName(ctx, `GET ${base}/tasks`, "tasks", i.name, { params: { deployment_id: i.deploymentId }, idKey: "task_id", nameFilter: false }),
  },
  api: {
    async create(ctx, i) {
      const created = await ctx.hilens.call(`POST ${base}/tasks`, { deployment_id: i.deploymentId }, { body: body(i) });
      const id: string = created.task_id;
      return { id, state: stateOf(await ctx.hilens.call(`GET ${base}/tasks/{id}`, { deployment_id: i.deploymentId, id })) };
    },
    async read(ctx, id, declared) {
      const t = await ctx.hilens.call(`GET ${base}/tasks/{id}`, { deployment_id: declared.deploymentId, id });
      return {
        inputs: compact({
          deploymentId: declared.deploymentId,
          name: t.name,
          description: t.description ?? undefined,
          streams: projectOnto(declared.streams ?? [], t.streams ?? []),
          // Seen through the program's shape when it set one; whole otherwise (an import, whose generated code needs it all).
          startTimeInfo: t.start_time_info ? projectOnto(declared.startTimeInfo, prune(toCamel(t.start_time_info))) : undefined,
          taskId: t.user_task_id ?? undefined,
          sourceUsageEstimate: t.source_usage_estimate ?? undefined,
          timestamp: declared.timestamp === undefined ? undefined : t.timestamp,
        }) as Partial<Inputs>,
        state: stateOf(t),
      };
    },
    async update(ctx, id, _olds, news) {
      // §5.5.5: edit is POST on the singular `task` path.
      // An edit (§5.5.5), though a POST: sending the same edit twice is harmless.
      await ctx.hilens.call(`POST ${base}/task/{id}`, { deployment_id: news.deploymentId, id }, { body: body(news), idempotent: true });
      return stateOf(await ctx.hilens.call(`GET ${base}/tasks/{id}`, { deployment_id: news.deploymentId, id }));
    },
    async delete(ctx, id, i) {
      await ctx.hilens.call(`DELETE ${base}/tasks/{id}`, { deployment_id: i.deploymentId, id });
    },
  },
});

function stateOf(t: any) {
  return compact({
    userTaskId: t.user_task_id,
    okPodNumber: t.ok_pod_number,
    curPodNumber: t.cur_pod_number,
    sumPodNumber: t.sum_pod_number,
    failPodNumber: t.fail_pod_number,
    pendingPodNumber: t.pending_pod_number,
    taskStatus: t.task_status?.map((s: any) => compact(toCamel(s))),
  });
}

