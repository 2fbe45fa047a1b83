import { isDeepStrictEqual } from "node:util";
import { own, type EmuRequest } from "../http";
import { nowOf } from "../clock";
import { invalid, missing, notExist, optionalString, pageBody, requiredString, tensorbayRoute } from "./common";
import { DatasetRow, VersionContent, contentOf, datasetOf, newId, saveDataset } from "./datasets";
import { newDraft } from "./versions";

/**
 * The task operations of the list (CreateTask, GetTask, ListTasks, StopTask, RetryTask,
 * DeleteTask) with the only public wire format for them: the SDK's dataset jobs
 * (`client/version.py` `JobMixin`, `SquashAndMerge`; `client/job.py` `Job`, `abort`, `retry`):
 * `POST/GET /v1/datasets/{id}/jobs`, `GET/DELETE …/jobs/{jobId}`, `POST …/jobs/{jobId}/abort`
 * and `…/retry`. The one job type whose arguments the SDK states, `squashAndMerge`, is served;
 * others are refused.
 */

/** SDK `_list_jobs` docstring: "QUEUING", "PROCESSING", "SUCCESS", "FAILED", "ABORTED". */
type JobStatus = "QUEUING" | "PROCESSING" | "SUCCESS" | "FAILED" | "ABORTED";
const STATUSES: JobStatus[] = ["QUEUING", "PROCESSING", "SUCCESS", "FAILED", "ABORTED"];
const STRATEGIES = ["abort", "override", "skip"];

/** How long a job waits in the queue and then runs, in emulator time (tests advance a `ManualClock`). */
export const JOB_QUEUE_MS = 1000;
export const JOB_RUN_MS = 2000;

export interface JobRow {
  jobId: string;
  jobType: string;
  title: string;
  description: string;
  arguments: Record<string, unknown>;
  createdAt: number;
  /** Emulator time (ms) the current run was queued: the status follows from it. */
  queuedAtMs: number;
  /** Emulator time (ms) the job was stopped, if it was stopped before it ended. */
  abortedAtMs?: number;
  /** Why the run fails when it ends; unset for a run that succeeds. */
  failure?: string;
  /** The draft the run makes (SquashAndMergeJob `result.draftNumber`), shown once it ends. */
  draftNumber?: number;
}

function statusOf(job: JobRow, now: number): JobStatus {
  if (job.abortedAtMs !== undefined) return "ABORTED";
  if (now < job.queuedAtMs + JOB_QUEUE_MS) return "QUEUING";
  if (now < job.queuedAtMs + JOB_QUEUE_MS + JOB_RUN_MS) return "PROCESSING";
  return job.failure ? "FAILED" : "SUCCESS";
}

/** A job as the SDK loads it (`Job.from_response_body`); times in seconds. */
function render(job: JobRow, now: number) {
  const status = statusOf(job, now);
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const started = job.queuedAtMs + JOB_QUEUE_MS;
  const finished = job.abortedAtMs ?? started + JOB_RUN_MS;
  const ended = status === "SUCCESS" || status === "FAILED" || status === "ABORTED";
  const result = status === "SUCCESS" && job.draftNumber !== undefined ? { draftNumber: job.draftNumber } : null;
  return {
    jobId: job.jobId,
    jobType: job.jobType,
    title: job.title,
    description: job.description,
    arguments: job.arguments,
    createdAt: job.createdAt,
    startedAt: status === "QUEUING" || (status === "ABORTED" && finished < started) ? null : seconds(started),
    finishedAt: ended ? seconds(finished) : null,
    status,
    errorMessage: status === "FAILED" ? job.failure : "",
    // `Job.from_response_body` reads `result`, `Job.update` reads `results`: both are answered.
    result,
    results: result,
  };
}

/**
 * SquashAndMerge arguments (SDK `SquashAndMerge.create_job`): the source branch's head goes onto
 * the target branch's head in a new draft titled `title`. Segments present on both sides and
 * different are conflicts: "abort" fails the job, "override" takes the source's, "skip" keeps the
 * target's; "override" also takes the source's catalog and notes.
 */
function parseSquashAndMerge(ds: DatasetRow, args: unknown): Record<string, unknown> {
  if (typeof args !== "object" || args === null || Array.isArray(args)) return invalid("arguments", "must be an object");
  const a = args as Record<string, unknown>;
  requiredString(a.title, "arguments.title");
  for (const field of ["sourceBranchName", "targetBranchName"]) {
    const branch = requiredString(a[field], `arguments.${field}`);
    if (!own(ds.branches, branch)) notExist(`branch ${branch}`);
  }
  const strategy = a.strategy ?? "abort";
  if (!STRATEGIES.includes(strategy as string)) invalid("arguments.strategy", `must be one of ${STRATEGIES.join(", ")}`);
  optionalString(a.description, "arguments.description");
  return { ...a, strategy };
}

/** Runs a squash-and-merge: the draft it makes, or why it fails. */
function squashAndMerge(ds: DatasetRow, args: Record<string, unknown>): { ds: DatasetRow; draftNumber?: number; failure?: string } {
  const headOf = (branch: unknown) => contentOf(own(ds.commits, own(ds.branches, branch as string)!));
  const source = headOf(args.sourceBranchName);
  const target = headOf(args.targetBranchName);
  const conflicts = Object.keys(source.segments).filter((name) => own(target.segments, name) && !isDeepStrictEqual(source.segments[name], target.segments[name]));
  if (args.strategy === "abort" && conflicts.length) return { ds, failure: `Conflicting segments: ${conflicts.join(", ")}.` };
  const override = args.strategy === "override";
  const merged: VersionContent = {
    notes: override ? source.notes : target.notes,
    catalog: override ? source.catalog : target.catalog,
    segments: override ? { ...target.segments, ...source.segments } : { ...source.segments, ...target.segments },
  };
  const draft = newDraft(ds, { branchName: args.targetBranchName as string, title: args.title as string, description: (args.description as string | undefined) ?? "", content: merged });
  return { ds: { ...ds, drafts: [...ds.drafts, draft] }, draftNumber: draft.number };
}

/** Starts (or restarts) a job's run now. */
function run(req: EmuRequest, ds: DatasetRow, job: JobRow): { ds: DatasetRow; job: JobRow } {
  const outcome = squashAndMerge(ds, job.arguments);
  return { ds: outcome.ds, job: { ...job, queuedAtMs: nowOf(req.store), abortedAtMs: undefined, failure: outcome.failure, draftNumber: outcome.draftNumber } };
}

function jobOf(ds: DatasetRow, jobId: string): JobRow {
  return (ds.jobs ?? []).find((j) => j.jobId === jobId) ?? notExist(`job ${jobId}`);
}

function saveJob(req: EmuRequest, ds: DatasetRow, job: JobRow): void {
  const others = (ds.jobs ?? []).filter((j) => j.jobId !== job.jobId);
  saveDataset(req, { ...ds, jobs: [...others, job].sort((a, b) => a.createdAt - b.createdAt || (a.jobId < b.jobId ? -1 : 1)) });
}

export const jobRoutes = [
  tensorbayRoute("POST /datasets/{id}/jobs", (req) => {
    const ds = datasetOf(req);
    const b = req.body ?? {};
    const jobType = requiredString(b.jobType, "jobType");
    if (jobType !== "squashAndMerge") invalid("jobType", 'must be "squashAndMerge" (the job type whose arguments the SDK documents)');
    if (b.arguments === undefined) missing("arguments");
    const job: JobRow = {
      jobId: newId(),
      jobType,
      title: requiredString(b.title, "title"),
      description: optionalString(b.description, "description") ?? "",
      arguments: parseSquashAndMerge(ds, b.arguments),
      createdAt: Math.floor(nowOf(req.store) / 1000),
      queuedAtMs: 0,
    };
    const started = run(req, ds, job);
    saveJob(req, started.ds, started.job);
    const { jobId, createdAt, startedAt, finishedAt, errorMessage, result } = render(started.job, nowOf(req.store));
    return { body: { jobId, createdAt, startedAt, finishedAt, errorMessage, result } };
  }),
  tensorbayRoute("GET /datasets/{id}/jobs", (req) => {
    const ds = datasetOf(req);
    const jobType = requiredString(req.query.get("jobType") ?? undefined, "jobType");
    const status = req.query.get("status");
    if (status && !STATUSES.includes(status as JobStatus)) invalid("status", `must be one of ${STATUSES.join(", ")}`);
    const now = nowOf(req.store);
    const rows = (ds.jobs ?? []).filter((j) => j.jobType === jobType).map((j) => render(j, now));
    return pageBody(req, status ? rows.filter((j) => j.status === status) : rows, "jobs");
  }),
  tensorbayRoute("GET /datasets/{id}/jobs/{jobId}", (req) => ({ body: render(jobOf(datasetOf(req), req.params.jobId), nowOf(req.store)) })),
  tensorbayRoute("POST /datasets/{id}/jobs/{jobId}/abort", (req) => {
    const ds = datasetOf(req);
    const job = jobOf(ds, req.params.jobId);
    const now = nowOf(req.store);
    const status = statusOf(job, now);
    if (status !== "QUEUING" && status !== "PROCESSING") invalid("jobId", `names a ${status} job; only a QUEUING or PROCESSING job can be stopped`);
    // The draft a stopped run made is closed: the run did not end.
    const drafts = ds.drafts.map((d) => (d.number === job.draftNumber ? { ...d, status: "CLOSED" as const } : d));
    saveJob(req, { ...ds, drafts }, { ...job, abortedAtMs: now });
    return {};
  }),
  tensorbayRoute("POST /datasets/{id}/jobs/{jobId}/retry", (req) => {
    const ds = datasetOf(req);
    const job = jobOf(ds, req.params.jobId);
    const status = statusOf(job, nowOf(req.store));
    if (status !== "FAILED" && status !== "ABORTED") invalid("jobId", `names a ${status} job; only a FAILED or ABORTED job can be retried`);
    const restarted = run(req, ds, job);
    saveJob(req, restarted.ds, restarted.job);
    return {};
  }),
  tensorbayRoute("DELETE /datasets/{id}/jobs/{jobId}", (req) => {
    const ds = datasetOf(req);
    const job = jobOf(ds, req.params.jobId);
    const status = statusOf(job, nowOf(req.store));
    if (status === "QUEUING" || status === "PROCESSING") invalid("jobId", `names a ${status} job; stop it before deleting it`);
    saveDataset(req, { ...ds, jobs: (ds.jobs ?? []).filter((j) => j.jobId !== job.jobId) });
    return {};
  }),
];
