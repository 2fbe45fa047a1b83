/**
 * The Octopus look-ups (provider/octopus/functions.ts): the argument rules checked before any
 * request, the query each one sends, and how answers that leave optional fields out (which the
 * emulator never does) come back. Wire-level cases run against a scripted server; the rest
 * against the emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULTS } from "../../emulator";
import { resolveConfig, ConfigKey } from "../../provider/config";
import { contextFor } from "../../provider/framework/context";
import type { Context } from "../../provider/framework/definition";
import { invokeLookup } from "../../provider/framework/lookup";
import { lookupFunctions } from "../../provider/octopus/functions";
import { runtimeAgainstEmulator } from "./runtime-emulator";
import { ScriptedServer, startScriptedServer } from "./scripted-server";

const T0 = 1_700_000_000_000;
const env = runtimeAgainstEmulator("octopus-functions");
let server: ScriptedServer;

function contextAt(endpoint: string, maxRetries = "0"): Context {
  const values: Partial<Record<ConfigKey, string>> = { octopusEndpoint: endpoint, projectId: DEFAULTS.projectId, accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries };
  return contextFor(resolveConfig((k) => values[k], {}));
}

type Name = keyof typeof lookupFunctions;
/** Runs a look-up as the plugin's invoke does: its argument failures, or its result. */
const invoke = (name: Name, args: object, ctx = contextAt(server.url)) => invokeLookup(lookupFunctions[name].definition, ctx, args);
const result = async (name: Name, args: object, ctx?: Context): Promise<any> => {
  const { result, failures } = await invoke(name, args, ctx);
  expect(failures).toEqual([]);
  return result;
};
/** The Octopus envelope (document 000 §3) around a payload. */
const envelope = (payload: object) => ({ body: { payload, meta_info: { current_time: T0 } } });
/** One page of an Octopus list: every item, with its total. */
const listed = (list: object[]) => envelope({ list, page_info: { total: list.length } });
/** The query of the nth request the scripted server got. */
const queryOf = (n: number) => Object.fromEntries(new URL(server.seen[n].url, server.url).searchParams);

beforeAll(async () => {
  server = await startScriptedServer();
});
beforeEach(() => {
  server.seen.length = 0;
});
afterAll(() => server.close());

describe("getDataTags", () => {
  it("sends the name, exact name, tag ids (comma-separated) and kind filters", async () => {
    server.answer(listed([{ id: 7, name: "lanes", is_tag: false, parent_id: 0, tag_level: 1, children_count: 0, is_build_in: false, create_at: T0, update_at: T0 }]));
    expect(await result("getDataTags", { name: "lan", exactName: "lanes", ids: [7, "12"], isTag: false })).toEqual([expect.objectContaining({ id: "7", name: "lanes", isBuiltIn: false, simulationTags: [] })]);
    expect(queryOf(0)).toMatchObject({ name: "lan", exact_name: "lanes", ids: "7,12", is_tag: "false" });
  });

  it("takes at most 300 tag ids (§4.17.1 最多300个), refusing more before any request", async () => {
    const ids = Array.from({ length: 300 }, (_, i) => i + 1);
    const emulated = contextAt(env.emu.url);
    expect((await result("getDataTags", { ids }, emulated)).map((t: { name: string }) => t.name)).toEqual(["weather", "rain", "night"]);
    const before = env.emu.requests.length;
    expect((await invoke("getDataTags", { ids: [...ids, 301] }, emulated)).failures).toEqual([{ property: "ids", reason: 'edgeai:octopus:getDataTags: argument "ids": at most 300 tag ids (Octopus §4.17.1)' }]);
    expect(env.emu.requests.length).toBe(before);
  });
});

describe("getImageVersionAccount", () => {
  it("is sent again after a 5xx: issuing an account changes nothing that matters, so the POST is retried like a read", async () => {
    server.answer({ status: 503, body: { error_code: "octopus.000500", error_msg: "Service unavailable" } }, envelope({ item: { username: "u", password: "p", action: "push", expire_at: 1_700_000_600, path: "swr.example/octopus-p/image-9:v1.0" } }));
    expect(await result("getImageVersionAccount", { repoId: 9, version: 1, action: "PUSH" }, contextAt(server.url, "2"))).toEqual({ username: "u", password: "p", action: "push", expireAt: 1_700_000_600_000, path: "swr.example/octopus-p/image-9:v1.0", registry: "swr.example" });
    expect(server.seen.map((r) => r.method)).toEqual(["POST", "POST"]);
    expect(queryOf(1)).toMatchObject({ action: "PUSH" });
  });
});

describe("getDataWarehouses", () => {
  it("sends the name filter with the 50-per-page limit of §4.5.1; missing counts read as 0", async () => {
    server.answer(listed([{ id: "wh-1", name: "city-runs" }]));
    expect(await result("getDataWarehouses", { name: "city" })).toEqual([{ id: "wh-1", name: "city-runs", objectCount: 0, rawDataCount: 0 }]);
    expect(queryOf(0)).toMatchObject({ name: "city", limit: "50" });
  });
});

describe("getWarehouseData", () => {
  const filesIn = (args: object) => invoke("getWarehouseData", { warehouseId: "wh-1", ...args });

  it("a window may be open at either end or a single instant; an end before its start is refused", async () => {
    for (const args of [{ startTime: 5 }, { endTime: 5 }, { startTime: 5, endTime: 5 }]) {
      server.answer(listed([]));
      expect(await filesIn(args)).toEqual({ result: [], failures: [] });
    }
    expect(server.seen.map((r) => JSON.parse(r.body))).toEqual([{ start_time: 5 }, { end_time: 5 }, { start_time: 5, end_time: 5 }]);
    expect((await filesIn({ startTime: 6, endTime: 5 })).failures).toEqual([
      { property: "endTime", reason: 'edgeai:octopus:getWarehouseData: argument "endTime": must not be before startTime (Octopus §4.5.2; the service answers octopus.108002)' },
    ]);
    expect(server.seen).toHaveLength(3);
  });

  it("a file answered without tags or custom attributes carries empty lists; given ones are kept", async () => {
    const file = { id: "f1", file_name: "a.jpg", file_folder_path: "p/", file_type: "IMAGE", data_warehouse_id: "wh-1", raw_data_id: "DPK0000001", create_at: T0 };
    server.answer(listed([file, { ...file, id: "f2", tags: ["3"], custom_attributes: [{ road: "highway" }] }]));
    expect(await result("getWarehouseData", { warehouseId: "wh-1" })).toEqual([
      { id: "f1", fileName: "a.jpg", fileFolderPath: "p/", fileType: "IMAGE", dataWarehouseId: "wh-1", rawDataId: "DPK0000001", createAt: T0, tags: [], customAttributes: [] },
      expect.objectContaining({ id: "f2", tags: ["3"], customAttributes: [{ road: "highway" }] }),
    ]);
  });
});

describe("getDataOverview", () => {
  it("reads today's failed jobs and both spellings of the job count and the 30-day series", async () => {
    const failed = { processor_jobs: [{ id: 4, job_type: "PROCESSOR", data_id: "DPK0000001", status: "RUN_FAILED" }], system_jobs: [], resim_jobs: [] };
    const counts = { processor_jobs: 3, system_jobs: 0, resim_jobs: 1 };
    server.answer(envelope({ item: { today_jobs_info: { failed_jobs: failed, total_jobs_num: counts }, vehicle_statistics: { fleet_total_num: 1, vehicle_total_num: 2, vehicle_fleet_info: [] }, collected_data_statistics: { total_duration: "60000", total_storage_size: 10, data_statistics_in_last30_days: [{ date: "2023-11-14", size: 10 }] } } }));
    expect(await result("getDataOverview", {})).toEqual({
      todayJobsInfo: { failedJobs: { processorJobs: [{ id: 4, jobType: "PROCESSOR", dataId: "DPK0000001", status: "RUN_FAILED" }], systemJobs: [], resimJobs: [] }, totalJobsNumber: { processorJobs: 3, systemJobs: 0, resimJobs: 1 } },
      vehicleStatistics: { fleetTotalNum: 1, vehicleTotalNum: 2, vehicleFleetInfo: [] },
      collectedDataStatistics: { totalDuration: 60000, totalStorageSize: 10, dataStatisticsInLast30Days: [{ date: "2023-11-14", size: 10 }] },
    });
  });

  it("an empty overview reads as nothing collected", async () => {
    server.answer(envelope({ item: {} }));
    expect(await result("getDataOverview", {})).toEqual({
      todayJobsInfo: { failedJobs: {}, totalJobsNumber: {} },
      vehicleStatistics: {},
      collectedDataStatistics: { totalDuration: 0, totalStorageSize: 0, dataStatisticsInLast30Days: [] },
    });
  });
});

describe("getMileageStatistics", () => {
  it("sends the number of days and reads one row per day", async () => {
    server.answer(envelope({ list: [{ date: "2023-11-14", accumulative_autopilot_mileage: 12.5, accumulative_intervention_rate: 3 }] }));
    expect(await result("getMileageStatistics", { limit: 5 })).toEqual([{ date: "2023-11-14", accumulativeAutopilotMileage: 12.5, accumulativeInterventionRate: 3 }]);
    expect(queryOf(0)).toMatchObject({ limit: "5" });
  });

  it("an answer without a list, or without a body, is no rows", async () => {
    server.answer(envelope({}), { body: "" });
    expect(await result("getMileageStatistics", {})).toEqual([]);
    expect(await result("getMileageStatistics", {})).toEqual([]);
  });
});

describe("getDataPackage", () => {
  it("a package answered without tag ids carries none; given ones are kept", async () => {
    const p = { id: "DPK0000001", name: "run-1", status: "NORMAL", storage_size: 10, create_at: T0, update_at: T0 };
    server.answer(envelope({ item: p }), envelope({ item: { ...p, tag_ids: [2, 3] } }));
    expect(await result("getDataPackage", { id: "DPK0000001" })).toEqual({ id: "DPK0000001", name: "run-1", status: "NORMAL", storageSize: 10, createAt: T0, updateAt: T0, tagIds: [] });
    expect((await result("getDataPackage", { id: "DPK0000001" })).tagIds).toEqual([2, 3]);
  });
});

describe("getReplayStatistics", () => {
  const required = (property: string) => ({ property, reason: 'edgeai:octopus:getReplayStatistics: argument "startTime": startTime and endTime are required unless recentMonth is true (Octopus §4.11.1)' });

  it("a window needs both ends unless recentMonth; then either end alone is ignored", async () => {
    expect((await invoke("getReplayStatistics", { startTime: T0 })).failures).toEqual([required("startTime")]);
    expect((await invoke("getReplayStatistics", { endTime: T0 })).failures).toEqual([required("startTime")]);
    expect(server.seen).toEqual([]);
    server.answer(envelope({ list: [] }), envelope({ list: [] }));
    expect(await result("getReplayStatistics", { recentMonth: true, startTime: T0 })).toEqual([]);
    expect(await result("getReplayStatistics", { recentMonth: true, endTime: T0 })).toEqual([]);
    expect([queryOf(0), queryOf(1)]).toEqual([{ recent_month: "true" }, { recent_month: "true" }]);
  });

  it("a window of one instant is sent with recent_month=false; one that ends before it starts is refused", async () => {
    server.answer(envelope({ list: [{ vehicle: "car-1", start_time: T0, end_time: T0 }] }));
    expect(await result("getReplayStatistics", { startTime: T0, endTime: T0 })).toEqual([{ vehicle: "car-1", startTime: T0, endTime: T0 }]);
    expect(queryOf(0)).toEqual({ start_time: String(T0), end_time: String(T0), recent_month: "false" });
    expect((await invoke("getReplayStatistics", { startTime: T0 + 1, endTime: T0 })).failures).toEqual([
      { property: "endTime", reason: 'edgeai:octopus:getReplayStatistics: argument "endTime": must not be before startTime (Octopus §4.11; the service answers octopus.108002)' },
    ]);
    expect(server.seen).toHaveLength(1);
  });

  it("an answer without a body is no rows", async () => {
    server.answer({ body: "" });
    expect(await result("getReplayStatistics", { recentMonth: true })).toEqual([]);
  });
});

describe("getReplayEpisodes and getReplayEpisode", () => {
  it("a window of one instant is a window", async () => {
    server.answer(listed([]));
    expect(await result("getReplayEpisodes", { startTime: T0, endTime: T0 })).toEqual([]);
    expect(queryOf(0)).toMatchObject({ start_time: String(T0), end_time: String(T0) });
  });

  it("an episode answered without topics or videos has empty lists; given ones are kept", async () => {
    const e = { episode_id: "E1", dpk_id: "DPK0000001", vehicle_name: "car-1", start_time: T0, end_time: T0 + 1 };
    server.answer(envelope({ item: e }), envelope({ item: { ...e, videos: [{ name: "front", format: "h264" }] } }));
    expect(await result("getReplayEpisode", { episodeId: "E1" })).toEqual({ episodeId: "E1", dpkId: "DPK0000001", vehicleName: "car-1", startTime: T0, endTime: T0 + 1, topics: [], videos: [] });
    expect((await result("getReplayEpisode", { episodeId: "E1" })).videos).toEqual([{ name: "front", format: "h264" }]);
  });
});

describe("getJobLogs", () => {
  const files = listed([
    { file_name: "job-std-stream.log", file_size: 100, update_time: T0 },
    { file_name: "job-err.log", file_size: 10, update_time: T0 + 1 },
  ]);

  it("reads the end of the one file asked for, from where the tail starts to where the service stopped", async () => {
    server.answer(files, envelope({ item: { content: "tail", end_byte: 9 } }));
    expect(await result("getJobLogs", { jobId: 7, fileName: "job-err.log", tailBytes: 4 })).toEqual([{ fileName: "job-err.log", fileSize: 10, updateTime: T0 + 1, content: "tail", startByte: 6, endByte: 9 }]);
    expect(server.seen.map((r) => new URL(r.url, server.url).pathname)).toEqual([`/v1.0/${DEFAULTS.projectId}/data/jobs/7/logs`, `/v1.0/${DEFAULTS.projectId}/data/logs/jobs/7/job-err.log`]);
    expect(queryOf(1)).toEqual({ start_byte: "6", end_byte: "10" });
  });

  it("a file no answer names reads as no logs; an answer without content or end reads as empty up to the file's end", async () => {
    server.answer(files);
    expect(await result("getJobLogs", { jobId: 7, fileName: "other.log" })).toEqual([]);
    server.answer(envelope({}));
    expect(await result("getJobLogs", { jobId: 7 })).toEqual([]);
    server.answer(listed([{ file_name: "job-err.log", file_size: 10, update_time: T0 }]), envelope({ item: {} }));
    expect(await result("getJobLogs", { jobId: 7 })).toEqual([{ fileName: "job-err.log", fileSize: 10, updateTime: T0, content: "", startByte: 0, endByte: 10 }]);
  });
});
