/**
 * Octopus import tasks (§4.10) below the engine, on the emulator's clock: what the waits print and
 * how their own timeouts end them, a start that is not needed or refused, a task deleted out of
 * band, deletes that wait for an import to end, and which tasks a lost create answer may have made.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../emulator";
import { resolveConfig } from "../../provider/config";
import { contextFor } from "../../provider/framework/context";
import { handlers } from "../../provider/framework/runtime";
import { octopus } from "../../provider";
import { emulatorSettings, runtimeAgainstEmulator } from "./runtime-emulator";
import { startScriptedServer, ScriptedServer } from "./scripted-server";

const IMPORT = "edgeai:octopus:ImportTask";
const RECORDS = "/v1.0/{project_id}/data/import-records";
const OBS = { type: "OBS", path: "octopus-user-0123/rosbag/DO202302010834046875241", ak: "ABCTUKMSXXXXXXXXXOKY", sk: "012345jPI3YpmVRVTIbExxxxxxxxx4Pvmkhp0L1s", agreementConfirm: true } as const;

/** The emulator's time: an import stays IMPORTING until a test advances it past the work time. */
const clock = new ManualClock();
const env = runtimeAgainstEmulator("octopus-import-tasks", { clock });
const api = octopus.importTaskDefinition.api;
let logged: string[] = [];

/** The context the definition's api runs with, against the emulator (or `endpoint`). */
function ctx(options: { maxRetries?: string; endpoint?: string } = {}) {
  const values: Record<string, string> = { ...emulatorSettings(env.emu), maxRetries: options.maxRetries ?? "0", ...(options.endpoint ? { octopusEndpoint: options.endpoint } : {}) };
  return contextFor(resolveConfig((k) => values[k], {}));
}
const raw = () => ctx().octopus;
/** A task's inputs as check hands them over, for `packages` under `path`. */
const args = (path: string, extra: object = {}) => ({ ...OBS, path, packages: ["drive-1"], ...extra }) as any;
/** A task recorded (§4.10.2) and not started. */
const recorded = async (path: string): Promise<string> => (await raw().call(`POST ${RECORDS}`, {}, { body: { type: "OBS", path, ak: OBS.ak, sk: OBS.sk, packages: ["drive-1"], agreement_confirm: true } })).item;
const start = (id: string) => raw().call(`POST ${RECORDS}/{id}/import`, { id }, { body: {} });
const setTiming = (body: Record<string, unknown>) => env.emu.control("PUT", "/__emulator/octopus/timing", body);
const sentSince = (from: number) => env.emu.requests.since(from).map((r) => `${r.method} ${r.status}`);

beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation((message: string) => void logged.push(message));
});
// Timing is emulator-wide: every test starts from a minute of work that succeeds.
afterEach(async () => {
  logged = [];
  await setTiming({ duration_ms: 60_000, import_outcome: "SUCCESS" });
});
afterAll(() => {
  vi.restoreAllMocks();
});

describe("waiting for an import", () => {
  it("an update starts a recorded task and waits by its own timeout, printing the progress; the state counts the packages under way", async () => {
    await setTiming({ duration_ms: 60_000 });
    const path = `${OBS.path}-progress`;
    const id = await recorded(path);
    const err = await api.update!(ctx(), id, args(path), args(path, { awaitTimeouts: { update: "0s" } }), {}).catch((e) => e);
    const what = `import task ${id} (1 package(s) from ${path})`;
    expect(err.message).toBe(`edgeai:octopus:ImportTask ${what} did not succeed: timed out after 0s waiting (last seen: IMPORTING (0/1 imported)); the next \`pulumi up\` starts it again.`);
    expect(err.state).toMatchObject({ status: "IMPORTING", totalNum: 1, successNum: 0, failedNum: 0, importingNum: 1 });
    expect(logged).toEqual([`${what}: IMPORTING (0/1 imported) (0s)`]);
  });

  it("a task that already imported is not started again", async () => {
    await setTiming({ duration_ms: 0 });
    const path = `${OBS.path}-done`;
    const id = await recorded(path);
    await start(id);
    const from = env.emu.requests.length;
    expect(await api.update!(ctx(), id, args(path), args(path), {})).toMatchObject({ status: "SUCCESS", successNum: 1 });
    expect(sentSince(from)).toEqual(["GET 200", "GET 200"]);
  });

  it("a start whose answer was lost is sent again, and its refusal as started already is said and passed over", async () => {
    await setTiming({ duration_ms: 0 });
    const path = `${OBS.path}-lost-start`;
    const id = await recorded(path);
    env.emu.inject({ pathPattern: "/import$", method: "POST", kind: "lost", count: 1 });
    expect(await api.update!(ctx({ maxRetries: "1" }), id, args(path), args(path), {})).toMatchObject({ status: "SUCCESS" });
    expect(logged).toContain(`import task ${id}: the start was refused as started already: an earlier attempt whose answer was lost started it`);
  });

  it("a task deleted out of band fails the next update with that, and a failing read fails it with the service's error", async () => {
    const path = `${OBS.path}-deleted`;
    const id = await recorded(path);
    env.emu.inject({ pathPattern: `/import-records/${id}$`, method: "GET", status: 500, count: 1 });
    await expect(api.update!(ctx(), id, args(path), args(path), {})).rejects.toMatchObject({ status: 500 });
    await raw().call(`DELETE ${RECORDS}/{id}`, { id });
    await expect(api.update!(ctx(), id, args(path), args(path), {})).rejects.toThrow(`edgeai:octopus:ImportTask: import task ${id} was deleted while waiting for it`);
  });
});

describe("deleting", () => {
  it("waits for the import under way to end, and by its own timeout fails saying so; once it ended, deletes; a task gone already is deleted", async () => {
    await setTiming({ duration_ms: 60_000 });
    const path = `${OBS.path}-busy`;
    const id = await recorded(path);
    await start(id);
    const from = env.emu.requests.length;
    const err = await api.delete(ctx(), id, args(path, { awaitTimeouts: { delete: "0s" } }), {}).catch((e) => e);
    expect(err.message).toBe(`edgeai:octopus:ImportTask: import task ${id} cannot be deleted while it imports: timed out after 0s waiting (last seen: IMPORTING: waiting for it to end before deleting)`);
    expect(sentSince(from)).toEqual(["GET 200"]);
    expect(logged).toEqual([`import task ${id}: IMPORTING: waiting for it to end before deleting (0s)`]);

    clock.advance(60_000);
    logged = [];
    await api.delete(ctx(), id, args(path), {});
    expect(logged).toEqual([`import task ${id}: SUCCESS (0s)`]);
    await expect(raw().call(`GET ${RECORDS}/{id}`, { id })).rejects.toMatchObject({ status: 404 });

    logged = [];
    await handlers.delete(IMPORT, id, args(path));
    expect(logged).toEqual([expect.stringMatching(new RegExp(`import task ${id}: gone \\(0s\\)$`))]);
  });
});

describe("a start refused for another reason than having started", () => {
  let scripted: ScriptedServer;
  beforeAll(async () => {
    scripted = await startScriptedServer();
  });
  afterAll(() => scripted.close());

  it("fails the update with the service's error, even when the import runs meanwhile", async () => {
    const id = "DCL0000000000042";
    const record = (status: string) => ({ body: { payload: { item: { id: 42, dcl_id: id, import_config: { type: "OBS", path: OBS.path, packages: ["drive-1"] }, import_progress: { status, total_num: 1 } } } } });
    scripted.answer(record("WAITING_IMPORT"), { status: 409, body: { error_code: "octopus.000001", error_msg: "Another operation is in progress" } }, record("IMPORTING"), record("IMPORTING"));
    await expect(api.update!(ctx({ endpoint: scripted.url }), id, args(OBS.path), args(OBS.path), {})).rejects.toMatchObject({ status: 409, errorCode: "octopus.000001" });
    expect(scripted.seen.map((r) => r.method)).toEqual(["GET", "POST"]);
  });
});

describe("after a lost create answer", () => {
  it("only a task of the create's OBS path can be the one it made", async () => {
    const path = `${OBS.path}-candidates`;
    const mine = [await recorded(path), await recorded(path)];
    await recorded(`${path}-other`);
    const from = env.emu.requests.length;
    const identity = octopus.importTaskDefinition.identity as { candidates(ctx: unknown, inputs: object): Promise<string[]> };
    expect((await identity.candidates(ctx(), args(path))).sort()).toEqual(mine.sort());
    expect(env.emu.requests.since(from).map((r) => new URLSearchParams(r.query).get("source_type"))).toEqual(["OBS"]);
  });
});
