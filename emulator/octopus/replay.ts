import { createHash } from "node:crypto";
import type { EmuRequest } from "../http";
import { nowOf } from "../clock";
import { MAX_PACKAGE_TAGS, MAX_TIME_MS, MIN_TIME_MS, PACKAGE_ID_PATTERN } from "../../provider/octopus/sceneEnums";
import { checkFields, fail, field, invalidParam, nextId, ok, octopusRoute, pathNumber, timingOf } from "./common";
import { TOPICS, packageOrFail, textParam, timeOrder } from "./dataPackages";
import { type Run, runState } from "./runs";
import { allTags } from "./tags";
import { REPLAY_SCENARIO_JOB_KIND, SCENARIO_KIND, WAREHOUSE_KIND } from "./sceneKinds";

/**
 * Replay of a package's topics (§4.11.4 index, §4.11.5 temporary link) and replay-to-simulation-scene
 * jobs (§4.11.6 create, §4.11.7 status). Each package is one replay episode (see dataPackages.ts).
 */

type Topic = (typeof TOPICS)[number];

/** Bytes of one frame in full size: what an index without a size (LiDAR, GNSS in §4.11.4) counts, and a camera's size m. */
const FRAME_BYTES: Record<Topic["type"], number> = { CAMERA: 17_000, LIDAR: 120_000, GNSS: 400 };
/**
 * The sizes a topic's data comes in, by sensor type, with the bytes of one frame in each. §4.11.4
 * asks `size` (s or m) for cameras only; §4.11.5 for cameras (s or m) and GNSS (l or s). Its
 * "缺省值：m" contradicts "必填" and is no GNSS size, so the emulator takes `size` as required
 * wherever the section names sizes and ignores it elsewhere.
 */
const INDEX_SIZES: Partial<Record<Topic["type"], Record<string, number>>> = { CAMERA: { s: 6_000, m: FRAME_BYTES.CAMERA } };
const DATA_SIZES: Partial<Record<Topic["type"], Record<string, number>>> = { ...INDEX_SIZES, GNSS: { l: FRAME_BYTES.GNSS, s: 120 } };
/** Emulated recordings have cameras and LiDAR at 10 Hz and GNSS at 1 Hz. */
const FRAME_PERIOD_MS: Record<Topic["type"], number> = { CAMERA: 100, LIDAR: 100, GNSS: 1000 };
/** The index has no paging (§4.11.4): the emulator answers at most this many frames, the first ones, so a day-long recording cannot make a 40 MB answer. */
const MAX_INDEX_FRAMES = 10_000;
/** Temporary links stay valid this long: the document gives no lifetime, the emulator gives an hour. */
const LINK_LIFETIME_S = 3600;

/** The replayable package of a path `{id}` (DPK + 7-13 digits) and its `topic` query parameter: 404 when either does not exist (§4.11.4/§4.11.5 status tables). */
function replayTopic(req: EmuRequest): { pkg: Record<string, any>; topic: Topic } {
  const id = req.params.id;
  if (!PACKAGE_ID_PATTERN.test(id)) invalidParam("id", id, "must be DPK followed by 7-13 digits");
  const name = textParam(req.query, "topic", 255) ?? invalidParam("topic", undefined, "is required");
  const pkg = packageOrFail(req, id);
  // A package that cannot be replayed (§4.9.1 can_replay: not NORMAL, e.g. recycled) has no episode (table 7-3 octopus.108009).
  if (pkg.status !== "NORMAL") fail(404, "octopus.108009", `The episode not exists: package ${id} is ${pkg.status} and cannot be replayed`);
  const topic = TOPICS.find((t) => t.topic === name) ?? fail(404, "octopus.000141", `The resource does not exist: package ${id} has no topic ${JSON.stringify(name)} (it has ${TOPICS.map((t) => t.topic).join(", ")})`);
  return { pkg, topic };
}

/** The bytes of one frame of `topic` in the size the query asks, when the topic's type comes in sizes. */
function frameBytes(req: EmuRequest, topic: Topic, sizes: Partial<Record<Topic["type"], Record<string, number>>>): { bytes: number; size?: string } {
  const allowed = sizes[topic.type];
  if (!allowed) return { bytes: FRAME_BYTES[topic.type] };
  const size = req.query.get("size") || invalidParam("size", undefined, `is required for ${topic.type} topics (one of ${Object.keys(allowed).join(", ")})`);
  if (!(size in allowed)) invalidParam("size", size, `must be one of ${Object.keys(allowed).join(", ")} for ${topic.type} topics`);
  return { bytes: allowed[size], size };
}

/** §4.11.7 DataScenarioJobStatus: RUNNING, then FINISHED or RUN_FAILED on the emulator's clock. */
const SCENARIO_JOB_PHASES = ["RUNNING"];

export const replayRoutes = [
  /** §4.11.4: one entry per frame of the topic over the package's span, with the frame's byte range in the topic's data stream. */
  octopusRoute("GET", "/data/packages/{id}/replay-indices", "octopus:dataReplay:get", (req) => {
    const { pkg, topic } = replayTopic(req);
    const { bytes } = frameBytes(req, topic, INDEX_SIZES);
    const period = FRAME_PERIOD_MS[topic.type];
    const frames = Math.min(MAX_INDEX_FRAMES, Math.floor((pkg.end_time - pkg.start_time) / period) + 1);
    const list = Array.from({ length: frames }, (_, i) => ({ timestamp: pkg.start_time + i * period, start: i * bytes, end: (i + 1) * bytes }));
    return ok({ list });
  }),

  /** §4.11.5: a presigned link to the topic's data in the size asked, shaped like the example's OBS link and expiring an hour from the emulator's now. */
  octopusRoute("GET", "/data/packages/{id}/replay-data", "octopus:dataReplay:get", (req) => {
    const { pkg, topic } = replayTopic(req);
    const { size } = frameBytes(req, topic, DATA_SIZES);
    const object = `${req.principal}/${pkg.id}/${topic.topic}/bundle${size ? `_${size}` : ""}`;
    const expires = Math.floor(nowOf(req.store) / 1000) + LINK_LIFETIME_S;
    const signature = createHash("sha256").update(`${object}\n${expires}`).digest("base64url");
    return ok({ item: `https://octopus-replay.obs.cn-north-4.myhuaweicloud.com:443/${object}?AccessKeyId=EMULATOR&Expires=${expires}&Signature=${signature}` });
  }),

  /**
   * §4.11.6: a job that turns `[start, end]` of a package's replay into a simulation scene named
   * `sim_name`. The emulator's rules, from table 7-3 where the section is silent: the package must
   * exist (400 octopus.102010) and be replayable (400 octopus.108009); the window must lie in its
   * recording (400 octopus.108002) and last 10-99 s (400 octopus.108008 "请选择时长在10-99秒的片段");
   * tags must exist (404 octopus.107004, the section's 404); the scene name must be free among
   * simulation scenes (400 octopus.107001, as §4.18.2); a warehouse must exist (400 octopus.000003).
   */
  octopusRoute("POST", "/data/episodes/scenarios", "octopus:dataScenario:create", (req) => {
    const time = field.integer({ min: MIN_TIME_MS, max: MAX_TIME_MS, required: true });
    const b = checkFields(req.body, {
      start: time,
      end: time,
      dpk_id: field.text({ min: 1, max: 255, required: true }),
      sim_name: field.text({ min: 1, max: 256, required: true }),
      sim_format: field.oneOf(["VTD_TOOLS", "SIM_PRO_TOOLS"] as const),
      scenario_description: field.text({ max: 255 }),
      priority: field.integer({ min: -50, max: 50 }),
      tag_ids: field.list(field.integer({ min: 0 }), { max: MAX_PACKAGE_TAGS }),
      data_warehouse_id: field.text({ min: 1, max: 64 }),
    });
    const [start, end, dpkId] = [b.start!, b.end!, b.dpk_id!];
    if (!PACKAGE_ID_PATTERN.test(dpkId)) invalidParam("dpk_id", dpkId, "must be DPK followed by 7-13 digits");
    timeOrder(start, end);
    const pkg = packageOrFail(req, dpkId, 400);
    if (pkg.status !== "NORMAL") fail(400, "octopus.108009", `The episode not exists: package ${dpkId} is ${pkg.status} and cannot be replayed`);
    if (start < pkg.start_time || end > pkg.end_time) fail(400, "octopus.108002", `Time parameters is invalid: [${start}, ${end}] is not within the recording of ${dpkId} [${pkg.start_time}, ${pkg.end_time}]`);
    if (end - start < 10_000 || end - start > 99_000) fail(400, "octopus.108008", `Time interval is invalid: ${end - start} ms; choose a segment of 10-99 seconds`);
    const known = new Set(allTags(req).map((t) => t.id));
    for (const tag of b.tag_ids ?? []) if (!known.has(tag)) fail(404, "octopus.107004", `Tag is not exists (${tag})`);
    if (req.store.findBy(req.principal, SCENARIO_KIND, "name", b.sim_name).length) fail(400, "octopus.107001", `Scenario Name is already exists ("${b.sim_name}")`);
    if (b.data_warehouse_id !== undefined && !req.store.get(req.principal, WAREHOUSE_KIND, b.data_warehouse_id)) invalidParam("data_warehouse_id", b.data_warehouse_id, "no such data warehouse");
    const timing = timingOf(req.store);
    const now = nowOf(req.store);
    // The job's status has no QUEUING (§4.11.7), so a held cluster (`hold_jobs`) does not hold it; a run that fails to upload the scene failed to run.
    const run: Run = { queuedAt: now, phases: SCENARIO_JOB_PHASES, phaseMs: timing.durationMs, outcome: timing.jobOutcome === "FINISHED" ? "FINISHED" : "RUN_FAILED" };
    const id = nextId(req.store);
    req.store.put(req.principal, REPLAY_SCENARIO_JOB_KIND, String(id), { id, ...b, priority: b.priority ?? 40, tag_ids: b.tag_ids ?? [], run, create_at: now });
    return ok({ item: id }, 201);
  }),

  /** §4.11.7: the job's status now; an unknown id is 404 octopus.109003 "The job does not exist" (table 7-3). */
  octopusRoute("GET", "/data/episodes/scenarios/{id}", "octopus:dataReplay:get", (req) => {
    const id = pathNumber(req, "id");
    const job = req.store.get(req.principal, REPLAY_SCENARIO_JOB_KIND, String(id)) ?? fail(404, "octopus.109003", `The job does not exist (replay scenario job ${id})`);
    return ok({ item: runState(job.run, nowOf(req.store), [], "RUNNING").status });
  }),
];

