/**
 * The last Octopus emulator operations, over raw HTTP: recycling, restoring and permanently
 * deleting data packages (§4.9.3, §4.9.4), a package topic's replay index and temporary link
 * (§4.11.4, §4.11.5), and replay-to-simulation-scene jobs on the emulator's clock (§4.11.6,
 * §4.11.7), with the documented error codes and IAM denial (§6).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator, ManualClock } from "../../emulator";
import { authorization, sdkDate } from "../../provider/client/signer";
import { iamToken, send, withToken, RawAnswer } from "./raw-http";

const P = DEFAULTS.projectId;
const T0 = 1_700_000_000_000;
/** A built-in data tag (§4.17). */
const TAG = 2;
const LIMITED = {
  accessKey: "LIMITEDPACKAGEOPS001",
  secretKey: "limited-secret",
  projectId: P,
  deniedActions: ["octopus:dataPackage:update", "octopus:dataPackage:delete", "octopus:dataReplay:get", "octopus:dataScenario:create"],
};

let emu: Emulator;
let dataDir: string;
let token: string;
const clock = new ManualClock(T0 + 86_400_000);

type Query = Record<string, string | number | boolean>;
const target = (path: string, query: Query = {}) => {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return `/v1.0/${P}${path}${qs ? `?${qs}` : ""}`;
};
const call = (method: string, path: string, opts: { query?: Query; body?: unknown } = {}) =>
  send(emu.url, method, target(path, opts.query), { headers: withToken(token), ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) });

/** The same request signed with the LIMITED keys (AK/SK carries the policy; a token would not). */
function callLimited(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<RawAnswer> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const query = Object.fromEntries(Object.entries(opts.query ?? {}).map(([k, v]) => [k, String(v)]));
  const headers: Record<string, string> = { Host: new URL(emu.url).host, "X-Sdk-Date": sdkDate(), "Content-Type": "application/json" };
  headers.Authorization = authorization({ method, path: `/v1.0/${P}${path}`, query, headers: { ...headers }, body }, LIMITED.accessKey, LIMITED.secretKey);
  return send(emu.url, method, target(path, opts.query), { headers, ...(body === undefined ? {} : { body }) });
}

const errorOf = (a: RawAnswer) => ({ status: a.status, code: a.json?.error_code });

/** Seeds packages as imports would make them (each test its own); answers their ids. */
async function seed(...packages: { status?: string; start_time?: number; end_time?: number }[]): Promise<string[]> {
  const made = await emu.control("POST", `/__emulator/octopus/${P}/data`, {
    packages: packages.map((p, i) => ({ name: `run-${i}`, vehicle_name: "car-ops", start_time: T0, end_time: T0 + 60_000, ...p })),
  });
  return made.packages;
}
const detail = async (id: string) => (await call("GET", `/data/packages/${id}`)).json.payload.item;
const inBin = async (isRecycle: boolean) => (await call("GET", "/data/packages", { query: { is_recycle: isRecycle, limit: 200 } })).json.payload.list.map((p: any) => p.id);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-octopus-packages-ops-"));
  emu = await startEmulator({ dataDir, clock, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: P }, LIMITED] });
  token = await iamToken(emu);
});
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("§4.9.4 operating on a data package", () => {
  it("RECYCLE moves it into the recycle bin with its time, RESTORE brings it back with the status it had", async () => {
    const [normal, abnormal] = await seed({}, { status: "ABNORMAL" });
    for (const id of [normal, abnormal]) expect((await call("PUT", `/data/packages/${id}`, { body: { action: "RECYCLE" } })).status).toBe(200);
    expect(await detail(normal)).toMatchObject({ status: "RECYCLED", recycled_time: clock.now() });
    expect(await inBin(true)).toEqual(expect.arrayContaining([normal, abnormal]));
    expect(await inBin(false)).not.toContain(normal);

    clock.advance(1000);
    for (const id of [normal, abnormal]) expect((await call("PUT", `/data/packages/${id}`, { body: { action: "RESTORE" } })).status).toBe(200);
    const restored = await detail(normal);
    expect(restored).toMatchObject({ status: "NORMAL", update_at: clock.now() });
    expect(restored.recycled_time).toBeUndefined();
    expect((await detail(abnormal)).status).toBe("ABNORMAL");
    expect(await inBin(false)).toEqual(expect.arrayContaining([normal, abnormal]));
  });

  it("answers 409 octopus.102009 for an action the status does not allow, 102005 for restoring a failed delete", async () => {
    const [normal, scanning, failed] = await seed({}, { status: "SCANNING" }, { status: "FAILED" });
    expect(errorOf(await call("PUT", `/data/packages/${normal}`, { body: { action: "RESTORE" } }))).toEqual({ status: 409, code: "octopus.102009" });
    expect(errorOf(await call("PUT", `/data/packages/${scanning}`, { body: { action: "RECYCLE" } }))).toEqual({ status: 409, code: "octopus.102009" });
    expect(errorOf(await call("PUT", `/data/packages/${failed}`, { body: { action: "RECYCLE" } }))).toEqual({ status: 409, code: "octopus.102009" });
    expect(errorOf(await call("PUT", `/data/packages/${failed}`, { body: { action: "RESTORE" } }))).toEqual({ status: 409, code: "octopus.102005" });
    await call("PUT", `/data/packages/${normal}`, { body: { action: "RECYCLE" } });
    expect(errorOf(await call("PUT", `/data/packages/${normal}`, { body: { action: "RECYCLE" } }))).toEqual({ status: 409, code: "octopus.102009" });
    expect((await detail(scanning)).status).toBe("SCANNING");
  });

  it("answers 400 octopus.000003 for a missing or unknown action and 404 octopus.102010 for a missing package", async () => {
    const [id] = await seed({});
    expect(errorOf(await call("PUT", `/data/packages/${id}`, { body: {} }))).toEqual({ status: 400, code: "octopus.000003" });
    expect(errorOf(await call("PUT", `/data/packages/${id}`, { body: { action: "DELETE" } }))).toEqual({ status: 400, code: "octopus.000003" });
    expect(errorOf(await call("PUT", "/data/packages/DPK9999999", { body: { action: "RECYCLE" } }))).toEqual({ status: 404, code: "octopus.102010" });
    expect((await detail(id)).status).toBe("NORMAL");
  });
});

describe("§4.9.3 permanently deleting a data package", () => {
  it("deletes a package from the recycle bin, with the scene segments cut from it", async () => {
    const [id, failed] = await seed({}, { status: "FAILED" });
    const segment = await call("POST", "/data/scenario/segments", { body: { dpk_id: id, start: T0, end: T0 + 10_000, tag_ids: [TAG] } });
    expect(segment.status).toBe(201);
    await call("PUT", `/data/packages/${id}`, { body: { action: "RECYCLE" } });
    expect((await call("DELETE", `/data/packages/${id}`, { query: { delete_raw_data: true } })).status).toBe(200);
    // A delete that failed before may be tried again.
    expect((await call("DELETE", `/data/packages/${failed}`, { query: { delete_raw_data: false } })).status).toBe(200);

    for (const gone of [id, failed]) expect(errorOf(await call("GET", `/data/packages/${gone}`))).toEqual({ status: 404, code: "octopus.102010" });
    expect(await inBin(true)).not.toContain(id);
    const segments = await call("GET", "/data/scenario/segments", { query: { dpk_id: id } });
    expect(segments.json.payload.item.segments).toEqual([]);
  });

  it("refuses a package outside the recycle bin (409 octopus.102009), a missing delete_raw_data (400) and a missing package (404 octopus.102010)", async () => {
    const [id] = await seed({});
    expect(errorOf(await call("DELETE", `/data/packages/${id}`, { query: { delete_raw_data: true } }))).toEqual({ status: 409, code: "octopus.102009" });
    expect(errorOf(await call("DELETE", `/data/packages/${id}`))).toEqual({ status: 400, code: "octopus.000003" });
    expect(errorOf(await call("DELETE", `/data/packages/${id}`, { query: { delete_raw_data: "yes" } }))).toEqual({ status: 400, code: "octopus.000003" });
    expect(errorOf(await call("DELETE", "/data/packages/DPK9999999", { query: { delete_raw_data: true } }))).toEqual({ status: 404, code: "octopus.102010" });
    expect((await detail(id)).status).toBe("NORMAL");
  });
});

describe("§4.11.4 / §4.11.5 replaying a package topic", () => {
  it("indexes every frame of the topic over the recording, byte ranges back to back, in the size asked", async () => {
    const [id] = await seed({});
    const camera = (await call("GET", `/data/packages/${id}/replay-indices`, { query: { topic: "camera_0", size: "m" } })).json.payload.list;
    expect(camera).toHaveLength(601); // 60 s at 10 Hz, both ends included
    expect(camera[0]).toEqual({ timestamp: T0, start: 0, end: 17_000 });
    expect(camera[600]).toMatchObject({ timestamp: T0 + 60_000 });
    expect(camera.every((f: any, i: number) => i === 0 || f.start === camera[i - 1].end)).toBe(true);
    const small = (await call("GET", `/data/packages/${id}/replay-indices`, { query: { topic: "camera_0", size: "s" } })).json.payload.list;
    expect(small[0].end).toBeLessThan(camera[0].end);
    // GNSS needs no size in the index, and runs at 1 Hz.
    expect((await call("GET", `/data/packages/${id}/replay-indices`, { query: { topic: "gnss" } })).json.payload.list).toHaveLength(61);
  });

  it("answers the first 10 000 frames of a long recording (the index has no paging)", async () => {
    const [id] = await seed({ end_time: T0 + 2_000_000 });
    const lidar = (await call("GET", `/data/packages/${id}/replay-indices`, { query: { topic: "lidar" } })).json.payload.list;
    expect(lidar).toHaveLength(10_000);
    expect(lidar.at(-1).timestamp).toBe(T0 + 999_900);
  });

  it("links to the topic's data in the size asked, expiring an hour from the emulator's now", async () => {
    const [id] = await seed({});
    const link = (await call("GET", `/data/packages/${id}/replay-data`, { query: { topic: "camera_0", size: "m" } })).json.payload.item;
    const url = new URL(link);
    expect(url.pathname).toBe(`/${P}/${id}/camera_0/bundle_m`);
    expect(url.searchParams.get("Expires")).toBe(String(Math.floor(clock.now() / 1000) + 3600));
    expect(url.searchParams.get("Signature")).toBeTruthy();
    expect(new URL((await call("GET", `/data/packages/${id}/replay-data`, { query: { topic: "gnss", size: "l" } })).json.payload.item).pathname).toBe(`/${P}/${id}/gnss/bundle_l`);
    expect(new URL((await call("GET", `/data/packages/${id}/replay-data`, { query: { topic: "lidar" } })).json.payload.item).pathname).toBe(`/${P}/${id}/lidar/bundle`);
  });

  it("answers 400 octopus.000003 for a missing topic or a size the topic does not come in, 404 for a missing package, topic or replay", async () => {
    const [id, recycled] = await seed({}, {});
    await call("PUT", `/data/packages/${recycled}`, { body: { action: "RECYCLE" } });
    for (const path of ["replay-indices", "replay-data"]) {
      const at = (dpk: string, query: Query) => call("GET", `/data/packages/${dpk}/${path}`, { query }).then(errorOf);
      expect(await at(id, {})).toEqual({ status: 400, code: "octopus.000003" });
      expect(await at(id, { topic: "camera_0" })).toEqual({ status: 400, code: "octopus.000003" });
      expect(await at(id, { topic: "camera_0", size: "l" })).toEqual({ status: 400, code: "octopus.000003" });
      expect(await at("PKG1", { topic: "camera_0", size: "m" })).toEqual({ status: 400, code: "octopus.000003" });
      expect(await at(id, { topic: "radar" })).toEqual({ status: 404, code: "octopus.000141" });
      expect(await at("DPK9999999", { topic: "lidar" })).toEqual({ status: 404, code: "octopus.102010" });
      expect(await at(recycled, { topic: "lidar" })).toEqual({ status: 404, code: "octopus.108009" });
    }
    expect(errorOf(await call("GET", `/data/packages/${id}/replay-data`, { query: { topic: "gnss", size: "m" } }))).toEqual({ status: 400, code: "octopus.000003" });
  });
});

describe("§4.11.6 / §4.11.7 replay-to-simulation-scene jobs", () => {
  let jobs = 0;
  const job = (dpk: string, extra: Record<string, unknown> = {}) => ({ start: T0 + 10_000, end: T0 + 30_000, dpk_id: dpk, sim_name: `scene-${dpk}-${++jobs}`, ...extra });
  const statusOf = async (id: number) => (await call("GET", `/data/episodes/scenarios/${id}`)).json.payload.item;

  it("run on the emulator's clock: RUNNING for the configured duration, then FINISHED or RUN_FAILED", async () => {
    const [id] = await seed({});
    await emu.control("PUT", "/__emulator/octopus/timing", { duration_ms: 5000, job_outcome: "FINISHED" });
    const created = await call("POST", "/data/episodes/scenarios", { body: job(id, { sim_format: "SIM_PRO_TOOLS", tag_ids: [TAG], priority: -50, scenario_description: "cut-in" }) });
    expect(created.status).toBe(201);
    const jobId = created.json.payload.item;
    expect(jobId).toEqual(expect.any(Number));
    expect(await statusOf(jobId)).toBe("RUNNING");
    clock.advance(4999);
    expect(await statusOf(jobId)).toBe("RUNNING");
    clock.advance(1);
    expect(await statusOf(jobId)).toBe("FINISHED");

    await emu.control("PUT", "/__emulator/octopus/timing", { job_outcome: "RUN_FAILED" });
    const failing = (await call("POST", "/data/episodes/scenarios", { body: job(id) })).json.payload.item;
    clock.advance(5000);
    expect(await statusOf(failing)).toBe("RUN_FAILED");
    expect(await statusOf(jobId)).toBe("FINISHED");
    await emu.control("PUT", "/__emulator/octopus/timing", { duration_ms: 2000, job_outcome: "FINISHED" });
  });

  it("refuse bad bodies with the documented codes", async () => {
    const [id, recycled] = await seed({}, {});
    await call("PUT", `/data/packages/${recycled}`, { body: { action: "RECYCLE" } });
    const taken = await send(emu.url, "POST", `/v2/${P}/sim/sm/scenarios`, { headers: withToken(token), body: JSON.stringify({ name: `taken-${id}`, simulator: "VTD", version: "vtd", description: { content: "d" } }) });
    expect(taken.status).toBe(201);
    const refused = async (body: Record<string, unknown>) => errorOf(await call("POST", "/data/episodes/scenarios", { body }));
    const { sim_name: _name, ...withoutName } = job(id);
    expect(await refused(withoutName)).toEqual({ status: 400, code: "octopus.000003" });
    expect(await refused(job(id, { start: 5 }))).toEqual({ status: 400, code: "octopus.000003" });
    expect(await refused(job("PKG1"))).toEqual({ status: 400, code: "octopus.000003" });
    expect(await refused(job(id, { sim_format: "CARLA" }))).toEqual({ status: 400, code: "octopus.000003" });
    expect(await refused(job(id, { priority: 51 }))).toEqual({ status: 400, code: "octopus.000003" });
    expect(await refused(job(id, { tag_ids: Array.from({ length: 51 }, () => TAG) }))).toEqual({ status: 400, code: "octopus.000003" });
    expect(await refused(job(id, { data_warehouse_id: "wh-missing" }))).toEqual({ status: 400, code: "octopus.000003" });
    expect(await refused(job(id, { start: T0 + 30_000, end: T0 + 20_000 }))).toEqual({ status: 400, code: "octopus.108002" });
    expect(await refused(job(id, { start: T0 + 50_000, end: T0 + 70_000 }))).toEqual({ status: 400, code: "octopus.108002" });
    expect(await refused(job(id, { start: T0, end: T0 + 9_999 }))).toEqual({ status: 400, code: "octopus.108008" });
    expect(await refused(job("DPK9999999"))).toEqual({ status: 400, code: "octopus.102010" });
    expect(await refused(job(recycled))).toEqual({ status: 400, code: "octopus.108009" });
    expect(await refused(job(id, { tag_ids: [424242] }))).toEqual({ status: 404, code: "octopus.107004" });
    expect(await refused(job(id, { sim_name: `taken-${id}` }))).toEqual({ status: 400, code: "octopus.107001" });
  });

  it("refuse windows longer than 99 s", async () => {
    const [id] = await seed({ end_time: T0 + 200_000 });
    expect(errorOf(await call("POST", "/data/episodes/scenarios", { body: job(id, { start: T0, end: T0 + 99_001 }) }))).toEqual({ status: 400, code: "octopus.108008" });
    expect((await call("POST", "/data/episodes/scenarios", { body: job(id, { start: T0, end: T0 + 99_000 }) })).status).toBe(201);
  });

  it("status: 404 octopus.109003 for an unknown job, 400 octopus.000003 for an id that is no number", async () => {
    expect(errorOf(await call("GET", "/data/episodes/scenarios/987654321"))).toEqual({ status: 404, code: "octopus.109003" });
    expect(errorOf(await call("GET", "/data/episodes/scenarios/abc"))).toEqual({ status: 400, code: "octopus.000003" });
    expect(errorOf(await call("GET", "/data/episodes/scenarios/0"))).toEqual({ status: 400, code: "octopus.000003" });
  });
});

describe("IAM (§6)", () => {
  it("a policy without the action gets 403 octopus.000111 and changes nothing", async () => {
    const [id] = await seed({});
    const allowed = (await call("POST", "/data/episodes/scenarios", { body: { start: T0, end: T0 + 20_000, dpk_id: id, sim_name: `iam-${id}` } })).json.payload.item;
    const denied: [string, string, { query?: Query; body?: unknown }][] = [
      ["PUT", `/data/packages/${id}`, { body: { action: "RECYCLE" } }],
      ["DELETE", `/data/packages/${id}`, { query: { delete_raw_data: true } }],
      ["GET", `/data/packages/${id}/replay-indices`, { query: { topic: "lidar" } }],
      ["GET", `/data/packages/${id}/replay-data`, { query: { topic: "lidar" } }],
      ["POST", "/data/episodes/scenarios", { body: { start: T0, end: T0 + 20_000, dpk_id: id, sim_name: `iam-denied-${id}` } }],
      ["GET", `/data/episodes/scenarios/${allowed}`, {}],
    ];
    for (const [method, path, opts] of denied) expect(errorOf(await callLimited(method, path, opts)), `${method} ${path}`).toEqual({ status: 403, code: "octopus.000111" });
    expect((await detail(id)).status).toBe("NORMAL");
    // The same keys may still read the package (octopus:dataPackage:get is granted).
    expect((await callLimited("GET", `/data/packages/${id}`)).status).toBe(200);
  });
});
