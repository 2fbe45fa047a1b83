import { randomUUID } from "node:crypto";
import { EmuRequest, page, route } from "../http";
import { getDeployment, podsOf } from "./deployments";
import { invalid, notFound, optionalString, requireArray, requireString } from "./validation";
import { nowOf } from "../clock";

/** §5.5 deployment tasks ("jobs"): what a running skill processes, e.g. a camera stream into DIS. */
const KIND = "task";
type Row = Record<string, any>;

function freeObject(value: unknown, field: string, required: boolean): Row | null {
  if (value === undefined || value === null) return required ? invalid(field, "is required") : null;
  if (typeof value !== "object" || Array.isArray(value)) invalid(field, "must be an object");
  return value as Row;
}

function endpoint(value: unknown, field: string): Row {
  const e = freeObject(value, field, true)!;
  return { data: freeObject(e.data, `${field}.data`, true), type: requireString(e.type, `${field}.type`) };
}

function timeFrames(value: unknown, field: string): Row[] | null {
  if (value === undefined || value === null) return null;
  return requireArray(value, field).map((f, i) => ({ start: requireString(f?.start, `${field}[${i}].start`), stop: requireString(f?.stop, `${field}[${i}].stop`) }));
}

/** The request body of create (§5.5.2) and edit (§5.5.5); the answer (TaskInfo) is flat. */
function parse(req: EmuRequest): Row {
  const b = req.body ?? {};
  const name = requireString(b.name, "name");
  const data = freeObject(b.data, "data", true)!;
  const streams = requireArray(data.streams, "data.streams", { min: 1 }).map((s, i) => ({
    common: freeObject(s?.common, `data.streams[${i}].common`, false),
    input: endpoint(s?.input, `data.streams[${i}].input`),
    outputs: requireArray(s?.outputs, `data.streams[${i}].outputs`).map((o, j) => endpoint(o, `data.streams[${i}].outputs[${j}]`)),
  }));
  let startTimeInfo: Row | null = null;
  if (data.start_time_info !== undefined && data.start_time_info !== null) {
    const s = freeObject(data.start_time_info, "data.start_time_info", true)!;
    startTimeInfo = {
      start_time: requireString(s.start_time, "data.start_time_info.start_time"),
      frequency: optionalString(s.frequency, "data.start_time_info.frequency") ?? null,
      mode: optionalString(s.mode, "data.start_time_info.mode") ?? null,
      day_time_frame: timeFrames(s.day_time_frame, "data.start_time_info.day_time_frame"),
      single_time_frame: timeFrames(s.single_time_frame, "data.start_time_info.single_time_frame"),
    };
  }
  let estimate: Row | null = null;
  if (data.source_usage_estimate !== undefined && data.source_usage_estimate !== null) {
    const u = freeObject(data.source_usage_estimate, "data.source_usage_estimate", true)!;
    if (typeof u.cpu !== "number" || u.cpu < 0) invalid("data.source_usage_estimate.cpu", "is required and must be a non-negative number");
    if (!Number.isInteger(u.memory) || u.memory < 0) invalid("data.source_usage_estimate.memory", "is required and must be a non-negative integer");
    estimate = { cpu: u.cpu, memory: u.memory };
  }
  return {
    name,
    description: optionalString(b.description, "description") ?? null,
    business: optionalString(b.business, "business") ?? null,
    instance_id: optionalString(b.instance_id, "instance_id") ?? null,
    timestamp: optionalString(b.timestamp, "timestamp") ?? null,
    user_task_id: optionalString(data.task_id, "data.task_id") ?? null,
    streams,
    start_time_info: startTimeInfo,
    source_usage_estimate: estimate,
  };
}

/** `timestamp` is the job's creation time (§5.5.1) unless the request sets one. */
function withTimestamp(task: Row, fallback: string): Row {
  return { ...task, timestamp: task.timestamp ?? fallback };
}

/** Counters follow the deployment's instances: a task runs on every running instance. */
function render(req: EmuRequest, task: Row): Row {
  const pods = podsOf(req.store, req.principal, getDeployment(req, task.deployment_id));
  const count = (status: string) => pods.filter((p) => p.status === status).length;
  const { deployment_id: _deployment, instance_id: _instance, business: _business, ...shown } = task;
  return {
    ...shown,
    ok_pod_number: count("Running"),
    cur_pod_number: count("Running"),
    sum_pod_number: pods.length,
    fail_pod_number: count("Failed"),
    pending_pod_number: count("Pending"),
    task_status: pods.map((p) => ({ pod_id: p.id, pod_name: p.name, task_status: p.status === "Running" ? "running" : p.status.toLowerCase(), cause: p.reason })),
  };
}

function getTask(req: EmuRequest): Row {
  getDeployment(req, req.params.deployment_id);
  const task = req.store.get(req.principal, KIND, req.params.task_id);
  if (!task || task.deployment_id !== req.params.deployment_id) notFound("task", req.params.task_id);
  return task;
}

const base = "/v3/{project_id}/ai-mgr/deployments/{deployment_id}";

export const taskRoutes = [
  route(`GET ${base}/tasks`, (req) => {
    getDeployment(req, req.params.deployment_id);
    const rows = req.store.list(req.principal, KIND).filter((t) => t.deployment_id === req.params.deployment_id);
    return { body: { count: rows.length, tasks: page(rows, req.query, { max: 100, default: 100 }).map((t) => render(req, t)) } };
  }),
  route(`POST ${base}/tasks`, (req) => {
    getDeployment(req, req.params.deployment_id);
    const taskId = randomUUID().replace(/-/g, "");
    req.store.put(req.principal, KIND, taskId, { task_id: taskId, deployment_id: req.params.deployment_id, ...withTimestamp(parse(req), new Date(nowOf(req.store)).toISOString()) });
    return { body: { task_id: taskId } };
  }),
  route(`GET ${base}/tasks/{task_id}`, (req) => ({ body: render(req, getTask(req)) })),
  // §5.5.5: edit is POST on the singular `task`.
  route(`POST ${base}/task/{task_id}`, (req) => {
    const task = getTask(req);
    req.store.put(req.principal, KIND, task.task_id, { ...task, ...withTimestamp(parse(req), task.timestamp) });
    return { body: { task_id: task.task_id } };
  }),
  route(`DELETE ${base}/tasks/{task_id}`, (req) => {
    const task = getTask(req);
    req.store.delete(req.principal, KIND, task.task_id);
    return { body: { task_id: task.task_id } };
  }),
];
