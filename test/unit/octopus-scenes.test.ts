/**
 * Octopus data packages, scene segments, simulation scenes and scene maps against the emulator:
 * what `check` refuses before any request, the documented answers and error codes, IAM denial,
 * exactly-once creates under lost answers, and the look-ups.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator, ManualClock } from "../../emulator";
import { ApiError } from "../../provider/client/errors";
import { octopusClient } from "../../provider/client/octopus";
import { resolveConfig } from "../../provider/config";
import { configure, handlers } from "../../provider/framework/runtime";
import { octopus } from "../../provider";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { served } from "../../provider/native/plugin";
import { contextFor } from "../../provider/framework/context";
import { packageSegments } from "../../provider/octopus/dataScene";
import { startScriptedServer, ScriptedServer } from "./scripted-server";

const SCENE = "edgeai:octopus:DataScene";
const SIM = "edgeai:octopus:SimulationScene";
const MAP = "edgeai:octopus:SceneMap";
const TAGS = "edgeai:octopus:DataPackageTags";
const SEGMENTS = "/v1.0/{project_id}/data/scenario/segments";
const SCENARIOS = "/v2/{project_id}/sim/sm/scenarios";
const MAPS = "/v2/{project_id}/sim/sm/maps";
const PACKAGES = "/v1.0/{project_id}/data/packages";
const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
/** Files are known by sha256 across a project: each test uses its own. */
const SHA_MAP = "f".repeat(64);
const T0 = 1_700_000_000_000;

const LIMITED = { accessKey: "LIMITEDSCENESKEY0001", secretKey: "limited-secret", projectId: DEFAULTS.projectId, deniedActions: ["octopus:dataScenario:create", "octopus:simScenario:update", "octopus:dataPackage:update"] };

let emu: Emulator;
let dataDir: string;
let logged: string[] = [];
const clock = new ManualClock(T0 + 86_400_000);
/** Seeded once: two packages of one vehicle and one of another, a warehouse holding the first, two custom attributes. */
let seeded: { warehouses: string[]; packages: string[]; custom_attributes: string[] };

/** Provider settings against `endpoint` (the emulator unless told), without retries. */
function settings(keys: { accessKey: string; secretKey: string } = DEFAULTS, endpoint = emu.url) {
  const values: Record<string, string> = { octopusEndpoint: endpoint, projectId: DEFAULTS.projectId, accessKey: keys.accessKey, secretKey: keys.secretKey, maxRetries: "0" };
  return resolveConfig((k) => values[k], {});
}
const client = (keys: { accessKey: string; secretKey: string } = DEFAULTS, endpoint = emu.url) => octopusClient(settings(keys, endpoint));
/** The context a definition's api runs with (its clients and log), against `endpoint`. */
const ctxAt = (endpoint = emu.url) => contextFor(settings(DEFAULTS, endpoint));
const api = () => client();
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e) => e as ApiError);
const sentSince = (from: number, pattern: RegExp) => emu.requests.slice(from).filter((r) => pattern.test(`${r.method} ${r.path}`));
const checkFailures = async (type: string, inputs: Record<string, unknown>) => ((await handlers.check(type, {}, inputs)).failures ?? []).map((f) => f.reason);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-octopus-scenes-"));
  emu = await startEmulator({ dataDir, clock, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }, LIMITED] });
  const values: Record<string, string> = { octopusEndpoint: emu.url, projectId: DEFAULTS.projectId, accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries: "2" };
  await configure({ config: { get: (key: string) => values[key.replace(/^edgeai:/, "")] } } as never);
  Object.assign(process.env, { HW_OCTOPUS_ENDPOINT: emu.url, HW_PROJECT_ID: DEFAULTS.projectId, HW_ACCESS_KEY: DEFAULTS.accessKey, HW_SECRET_KEY: DEFAULTS.secretKey });
  seeded = await emu.control("POST", `/__emulator/octopus/${DEFAULTS.projectId}/data`, {
    warehouses: [{ name: "city-runs", description: "urban recordings" }],
    packages: [
      { name: "run-1", vehicle_name: "car-1", start_time: T0, end_time: T0 + 60_000, storage_size: 1000, warehouse: "0" },
      { name: "run-2", vehicle_name: "car-1", start_time: T0 + 120_000, end_time: T0 + 180_000, storage_size: 3000 },
      { name: "run-3", vehicle_name: "car-2", start_time: T0 + 10_000, end_time: T0 + 20_000, storage_size: 500 },
    ],
    custom_attributes: [{ key: "weather", value: "rain" }, { key: "road", value: "highway" }],
  });
  vi.spyOn(console, "log").mockImplementation((message: string) => void logged.push(message));
});
afterEach(() => {
  logged = [];
});
afterAll(async () => {
  vi.restoreAllMocks();
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("check refuses bad input, naming resource, field and rule", () => {
  it("data scenes: package id form, time bounds and order, exactly one tag", async () => {
    expect(await checkFailures(SCENE, { dpkId: "PKG1", start: 5, end: T0, tagIds: [1, 2] })).toEqual([
      'edgeai:octopus:DataScene: field "dpkId": must be DPK followed by 7-13 digits, e.g. DPK0000001 (Octopus §4.16.2)',
      'edgeai:octopus:DataScene: field "start": must be a UTC millisecond timestamp in [1000000000000, 2000000000000] (Octopus §4.16.2)',
      'edgeai:octopus:DataScene: field "tagIds": must hold exactly one tag id: the service takes one tag per segment for now (Octopus §4.16.2)',
    ]);
    expect(await checkFailures(SCENE, { dpkId: "DPK0000001", start: T0 + 1, end: T0, tagIds: [2] })).toEqual([
      'edgeai:octopus:DataScene: field "end": must not be before start (Octopus §4.16.2; the service answers octopus.108002)',
    ]);
    // A segment of one instant (end equal to start) is a stretch the service takes.
    expect(await checkFailures(SCENE, { dpkId: "DPK0000001", start: T0, end: T0, tagIds: [2] })).toEqual([]);
  });

  it("simulation scenes and maps: enums, sha256 form, the disclaimer, a ready flag without a file", async () => {
    expect(await checkFailures(SIM, { name: "s", simulator: "Carla", version: "v2.0", priority: 50, fileReady: true })).toEqual([
      'edgeai:octopus:SimulationScene: field "simulator": must be one of VTD, SimPro (Octopus §4.18.2 simulator)',
      'edgeai:octopus:SimulationScene: field "version": must be one of vtd, v0.9.1, v1.0.0, v1.1.0, v1.1.1 (Octopus §4.18.2 version)',
      'edgeai:octopus:SimulationScene: field "priority": must be one of 120, 100, 80, 60, 40 (S, A, B, C, D; Octopus §4.18.2 priority)',
    ]);
    expect(await checkFailures(SIM, { name: "s", simulator: "VTD", version: "vtd", fileReady: true })).toEqual(['edgeai:octopus:SimulationScene: field "fileReady": needs `file`: only a scene file can be marked ready (Octopus §4.18.4)']);
    expect(await checkFailures(MAP, { version: "v1.6.0", file: { sha256: "abc", filename: "road.xodr" }, agreementConfirm: false })).toEqual([
      'edgeai:octopus:SceneMap: field "file.sha256": must be the file\'s sha256: 64 hexadecimal characters (Octopus §4.19.1)',
      'edgeai:octopus:SceneMap: field "agreementConfirm": must be true: creating a map requires agreeing to the disclaimer (Octopus §4.19.1; the service refuses otherwise with octopus.102004)',
    ]);
  });

  it("package tags: at most 50", async () => {
    expect(await checkFailures(TAGS, { dpkId: "DPK0000001", tagIds: Array.from({ length: 51 }, (_, i) => i) })).toEqual(['edgeai:octopus:DataPackageTags: field "tagIds": at most 50 tags (Octopus §4.9.5)']);
  });
});

describe("the emulator answers as §4.9, §4.16, §4.18 and §4.19 document", () => {
  it("segments: the documented codes for a missing package or tag, a reversed time range and a missing segment", async () => {
    const [dpk] = seeded.packages;
    expect(await failure(api().call(`POST ${SEGMENTS}`, {}, { body: { dpk_id: "DPK9999999", start: T0, end: T0 + 1, tag_ids: [2] } }))).toMatchObject({ status: 400, errorCode: "octopus.102010" });
    expect(await failure(api().call(`POST ${SEGMENTS}`, {}, { body: { dpk_id: dpk, start: T0, end: T0 + 1, tag_ids: [424242] } }))).toMatchObject({ status: 400, errorCode: "octopus.101004" });
    expect(await failure(api().call(`POST ${SEGMENTS}`, {}, { body: { dpk_id: dpk, start: T0 + 1, end: T0, tag_ids: [2] } }))).toMatchObject({ status: 400, errorCode: "octopus.108002" });
    expect(await failure(api().call(`POST ${SEGMENTS}`, {}, { body: { dpk_id: dpk, start: T0, end: T0 + 1, tag_ids: [2, 3] } }))).toMatchObject({ status: 400, errorCode: "octopus.000003" });
    expect(await failure(api().call(`DELETE ${SEGMENTS}/{id}`, { id: "no-such-segment" }))).toMatchObject({ status: 404, errorCode: "octopus.107002" });
  });

  it("segments are listed per package page with tag names, and paged", async () => {
    const [first, second] = seeded.packages;
    for (const [dpk, start] of [[first, T0], [first, T0 + 20_000], [second, T0 + 130_000]] as const) await api().call(`POST ${SEGMENTS}`, {}, { body: { dpk_id: dpk, start, end: start + 10_000, tag_ids: [2] } });
    const page = await api().call(`GET ${SEGMENTS}`, {}, { query: { tag_ids: "2", package_limit: 1, limit: 1, offset: 1 } });
    expect(page.item).toMatchObject({ package_total: 2, package_limit: 1, package_offset: 0 });
    expect(page.page_info).toEqual({ offset: 1, limit: 1, total: 2 });
    expect(page.item.segments).toEqual([expect.objectContaining({ dpk_id: first, start: T0 + 20_000, tag_names: ["rain"], vehicle_name: "car-1", source: "MANUAL" })]);
  });

  it("IAM: each new API checks its §6 action (403 octopus.000111)", async () => {
    const limited = client(LIMITED);
    expect(await failure(limited.call(`POST ${SEGMENTS}`, {}, { body: { dpk_id: seeded.packages[0], start: T0, end: T0 + 1, tag_ids: [2] } }))).toMatchObject({ status: 403, errorCode: "octopus.000111" });
    expect(await failure(limited.call(`PUT ${PACKAGES}/{id}/tags`, { id: seeded.packages[0] }, { body: { tag_ids: [] } }))).toMatchObject({ status: 403, errorCode: "octopus.000111" });
    const scene = await limited.call(`POST ${SCENARIOS}`, {}, { body: { name: "iam-scene", simulator: "VTD", version: "vtd", description: { content: "" } } });
    await limited.call(`POST ${SCENARIOS}/{id}/files`, { id: scene.id }, { body: { sha256: SHA_A, filename: "iam.xosc" } });
    expect(await failure(limited.call(`PATCH ${SCENARIOS}/{id}/files/{sha}`, { id: scene.id, sha: SHA_A }, { body: { ready: true } }))).toMatchObject({ status: 403, errorCode: "octopus.000111" });
    // Reads are granted: only the listed actions are denied.
    await expect(limited.call(`GET ${SEGMENTS}`)).resolves.toHaveProperty("item");
  });

  it("simulation scenes: unique names (400 octopus.107001), a map that exists, status Initial until the file is ready", async () => {
    const map = await api().call(`POST ${MAPS}`, {}, { body: { version: "v1.6.0", file: { sha256: SHA_MAP, filename: "road.xodr" }, agreement_confirm: true } });
    expect(map).toMatchObject({ url: `/v2/${DEFAULTS.projectId}/sim/sm/maps/${map.id}/`, agreement_confirm: true, file: { ready: false, expire: 600, put_url: expect.any(String), post: { fields: expect.objectContaining({ "x-amz-algorithm": "AWS4-HMAC-SHA256" }) } } });
    expect(await failure(api().call(`POST ${MAPS}`, {}, { body: { version: "v1.6.0", file: { sha256: SHA_MAP, filename: "road.xodr" } } }))).toMatchObject({ status: 400, errorCode: "octopus.102004" });
    const body = { name: "cut-in", simulator: "VTD", version: "v1.1.1", description: { content: "scene" }, map: map.url };
    const scene = await api().call(`POST ${SCENARIOS}`, {}, { body });
    expect(scene).toMatchObject({ name: "cut-in", file: null, priority: 40, source: "UPLOAD", map: map.url });
    expect(await failure(api().call(`POST ${SCENARIOS}`, {}, { body }))).toMatchObject({ status: 400, errorCode: "octopus.107001" });
    expect(await failure(api().call(`POST ${SCENARIOS}`, {}, { body: { ...body, name: "other", map: `/v2/${DEFAULTS.projectId}/sim/sm/maps/1/` } }))).toMatchObject({ status: 400, errorCode: "octopus.000003" });
    const file = await api().call(`POST ${SCENARIOS}/{id}/files`, { id: scene.id }, { body: { sha256: SHA_A, filename: "cut-in.xosc" } });
    expect(file).toMatchObject({ ready: false, get_url: null });
    const listed = async () => (await api().call(`GET ${SCENARIOS}`, {}, { query: { id: scene.id } })).results;
    expect(await listed()).toEqual([expect.objectContaining({ status: 10, filename: "cut-in.xosc" })]);
    expect(await api().call(`PATCH ${SCENARIOS}/{id}/files/{sha}`, { id: scene.id, sha: SHA_A }, { body: { ready: true } })).toMatchObject({ ready: true, post: null, get_url: expect.any(String) });
    expect(await listed()).toEqual([expect.objectContaining({ status: 1 })]);
    // Another file than the scene's: 404.
    expect(await failure(api().call(`PATCH ${SCENARIOS}/{id}/files/{sha}`, { id: scene.id, sha: SHA_B }, { body: {} }))).toMatchObject({ status: 404 });
    // The list's DRF paging.
    const page = await api().call(`GET ${SCENARIOS}`, {}, { query: { limit: 1 } });
    expect(page).toMatchObject({ count: expect.any(Number), previous: null, results: [expect.any(Object)] });
  });

  it("the seed control route takes only project ids and something to store", async () => {
    await expect(emu.control("POST", "/__emulator/octopus/__proto__/data", { packages: [{ name: "x", vehicle_name: "v", start_time: T0, end_time: T0 }] })).rejects.toThrow(/not a project id/);
    await expect(emu.control("POST", `/__emulator/octopus/${DEFAULTS.projectId}/data`, {})).rejects.toThrow(/nothing to store/);
  });

  it("a tag that a segment or a package carries cannot be deleted (409 octopus.101006)", async () => {
    const tagId = (await api().call("POST /v1.0/{project_id}/data/tags", {}, { body: { name: "in-use" } })).item;
    const dpk = seeded.packages[2];
    const segment = (await api().call(`POST ${SEGMENTS}`, {}, { body: { dpk_id: dpk, start: T0 + 12_000, end: T0 + 13_000, tag_ids: [tagId] } })).item;
    await api().call(`PUT ${PACKAGES}/{id}/tags`, { id: dpk }, { body: { tag_ids: [tagId] } });
    const deleteTag = () => failure(api().call("DELETE /v1.0/{project_id}/data/tags/{id}", { id: tagId }));
    expect(await deleteTag()).toMatchObject({ status: 409, errorCode: "octopus.101006", errorMsg: expect.stringContaining("Tag Used In Segments") });
    await api().call(`DELETE ${SEGMENTS}/{id}`, { id: segment });
    expect(await deleteTag()).toMatchObject({ status: 409, errorCode: "octopus.101006", errorMsg: expect.stringContaining("Tag Used In Packages") });
    await api().call(`PUT ${PACKAGES}/{id}/tags`, { id: dpk }, { body: {} });
    expect(await deleteTag()).toBeUndefined();
  });

  it("data packages: is_recycle is required, tags are checked and capped at 50", async () => {
    expect(await failure(api().call(`GET ${PACKAGES}`))).toMatchObject({ status: 400, errorCode: "octopus.000003" });
    expect(await failure(api().call(`PUT ${PACKAGES}/{id}/tags`, { id: seeded.packages[0] }, { body: { tag_ids: [424242] } }))).toMatchObject({ status: 400, errorCode: "octopus.101004" });
    expect(await failure(api().call(`PUT ${PACKAGES}/{id}/tags`, { id: seeded.packages[0] }, { body: { tag_ids: Array.from({ length: 51 }, () => 2) } }))).toMatchObject({ status: 400, errorCode: "octopus.000003" });
    expect(await failure(api().call(`GET ${PACKAGES}/{id}`, { id: "DPK9999999" }))).toMatchObject({ status: 404, errorCode: "octopus.102010" });
  });
});

describe("resources below the engine", () => {
  it("a data scene is created, read back through its package's segments, and deleted; a lost create answer is adopted", async () => {
    const inputs = { dpkId: seeded.packages[2], start: T0 + 11_000, end: T0 + 19_000, tagIds: [3] };
    const from = emu.requests.length;
    emu.inject({ pathPattern: "/data/scenario/segments$", method: "POST", kind: "lost", count: 1 });
    const created = await handlers.create(SCENE, inputs);
    expect(sentSince(from, /^POST .*\/scenario\/segments$/)).toHaveLength(1);
    expect(logged.join("\n")).toContain(`found it (id ${created.id}), adopting`);
    expect(created.outs).toMatchObject({ vehicleName: "car-2", tagNames: ["night"], source: "MANUAL" });
    const read = await handlers.read(SCENE, created.id, created.outs);
    expect(read.inputs).toMatchObject(inputs);
    await handlers.delete(SCENE, created.id, created.outs);
    expect((await handlers.read(SCENE, created.id, created.outs)).id).toBeUndefined();
  });

  it("data scenes of one package are told apart by their id: each reads back as itself, imports by `<dpkId>/<id>`, and goes alone", async () => {
    const dpkId = seeded.packages[1];
    const first = { dpkId, start: T0 + 121_000, end: T0 + 122_000, tagIds: [2] };
    const second = { dpkId, start: T0 + 125_000, end: T0 + 126_000, tagIds: [2] };
    const made = [await handlers.create(SCENE, first), await handlers.create(SCENE, second)];
    expect((await handlers.read(SCENE, made[1].id, made[1].outs)).inputs).toMatchObject(second);
    const imported = await handlers.read(SCENE, `${dpkId}/${made[1].id}`, {});
    expect(imported.id).toBe(made[1].id);
    expect(imported.inputs).toEqual(second);
    expect(imported.props).toEqual({ ...second, vehicleName: "car-1", tagNames: ["rain"], source: "MANUAL", createAt: clock.now(), updateAt: clock.now() });
    await handlers.delete(SCENE, made[0].id, made[0].outs);
    expect((await handlers.read(SCENE, made[0].id, made[0].outs)).id).toBeUndefined();
    expect((await handlers.read(SCENE, made[1].id, made[1].outs)).id).toBe(made[1].id);
  });

  it("after a lost create answer, only a segment of the package with the create's start, end and tag can be the one it made", async () => {
    const dpkId = seeded.packages[0];
    const [start, end] = [T0 + 30_000, T0 + 31_000];
    const segment = async (from: number, to: number, tag: number) => (await api().call(`POST ${SEGMENTS}`, {}, { body: { dpk_id: dpkId, start: from, end: to, tag_ids: [tag] } })).item;
    const same = await segment(start, end, 3);
    await segment(start, end + 1, 3);
    await segment(start - 1, end, 3);
    // A tag of its own: the built-in "rain" (2) is counted per package by the paging test.
    await segment(start, end, (await api().call("POST /v1.0/{project_id}/data/tags", {}, { body: { name: "other-than-night" } })).item);
    const identity = octopus.dataSceneDefinition.identity as { candidates(ctx: unknown, inputs: object): Promise<string[]> };
    expect(await identity.candidates(ctxAt(), { dpkId, start, end, tagIds: [3] })).toEqual([same]);
  });

  it("a simulation scene registers its file and marks it ready; a new file changes it in place; a lost answer is adopted by name", async () => {
    const from = emu.requests.length;
    emu.inject({ pathPattern: "/sim/sm/scenarios$", method: "POST", kind: "lost", count: 1 });
    const inputs = { name: "lane-change", simulator: "SimPro", version: "v1.0.0", file: { sha256: SHA_B, filename: "lane.xosc" }, fileReady: true };
    const created = await handlers.create(SIM, inputs);
    expect(sentSince(from, /^POST .*\/sim\/sm\/scenarios$/)).toHaveLength(1);
    expect(created.outs).toMatchObject({ status: 1, fileReady: true, filename: "lane.xosc", getUrl: expect.any(String) });
    const updated = await handlers.update(SIM, created.id, created.outs, { ...inputs, file: { sha256: "c".repeat(64), filename: "lane-2.xosc" }, fileReady: false });
    expect(updated.outs).toMatchObject({ status: 10, fileReady: false, filename: "lane-2.xosc", putUrl: expect.any(String) });
    const read = await handlers.read(SIM, created.id, updated.outs);
    expect(read.inputs).toMatchObject({ name: "lane-change", file: { sha256: "c".repeat(64), filename: "lane-2.xosc" }, fileReady: false });
    // No delete is documented: destroy sends nothing and the scene stays.
    const before = emu.requests.length;
    await handlers.delete(SIM, created.id, updated.outs);
    expect(emu.requests.length).toBe(before);
    expect((await handlers.read(SIM, created.id, updated.outs)).id).toBe(created.id);
  });

  it("a simulation scene is created alone without a file (an empty description); with its file, registered, marked ready when told and read back Available", async () => {
    const scenes = `/v2/${DEFAULTS.projectId}/sim/sm/scenarios`;
    const sent = (from: number) => sentSince(from, /./).map((r) => r.method);
    let from = emu.requests.length;
    const plain = await handlers.create(SIM, { name: "no-file-scene", simulator: "VTD", version: "vtd" });
    expect(sent(from)).toEqual(["POST"]);
    expect(plain.outs).toMatchObject({ status: 10, url: `${scenes}/${plain.id}/` });
    expect(plain.outs).not.toHaveProperty("putUrl");
    expect(emu.store.get(DEFAULTS.projectId, "octopus.simScenario", plain.id)).toMatchObject({ description: "" });

    from = emu.requests.length;
    const ready = await handlers.create(SIM, { name: "ready-file-scene", simulator: "VTD", version: "vtd", file: { sha256: "1".repeat(64), filename: "ready.xosc" }, fileReady: true });
    expect(sent(from)).toEqual(["POST", "POST", "PATCH", "GET"]);
    expect(ready.outs).toMatchObject({ status: 1, url: `${scenes}/${ready.id}/`, filename: "ready.xosc", fileReady: true, fileUrl: expect.any(String), getUrl: expect.any(String) });

    from = emu.requests.length;
    const waiting = await handlers.create(SIM, { name: "upload-pending-scene", simulator: "VTD", version: "vtd", file: { sha256: "2".repeat(64), filename: "pending.xosc" } });
    expect(sent(from)).toEqual(["POST", "POST", "GET"]);
    expect(waiting.outs).toMatchObject({ status: 10, url: `${scenes}/${waiting.id}/`, filename: "pending.xosc", fileReady: false, putUrl: expect.any(String) });
  });

  it("a simulation scene whose read-back fails after its file was marked keeps the ID and the file's outputs", async () => {
    emu.inject({ pathPattern: "/sim/sm/scenarios$", method: "GET", status: 500, count: 3 });
    const err = await handlers.create(SIM, { name: "unread-scene", simulator: "VTD", version: "vtd", file: { sha256: "3".repeat(64), filename: "unread.xosc" }, fileReady: true }).catch((e) => e);
    expect(err).toMatchObject({ id: expect.stringMatching(/^\d+$/), properties: expect.objectContaining({ status: 10, filename: "unread.xosc", fileReady: true, getUrl: expect.any(String) }) });
  });

  it("a simulation scene reads back its map and model, its file by sha256, and a file it no longer holds as none; other failures fail the read", async () => {
    const map = await api().call(`POST ${MAPS}`, {}, { body: { version: "v1.6.0", file: { sha256: "9".repeat(64), filename: "town.xodr" }, agreement_confirm: true } });
    const resources = { map: map.url, mapFilename: "town.xodr", model: "/models/town.osgb", modelFilename: "town.osgb" };
    const scene = await api().call(`POST ${SCENARIOS}`, {}, { body: { name: "mapped-scene", simulator: "VTD", version: "v1.1.1", description: { content: "" }, map: map.url, map_filename: "town.xodr", model: resources.model, model_filename: "town.osgb" } });
    const id = String(scene.id);
    const file = { sha256: "4".repeat(64), filename: "mapped.xosc" };
    await api().call(`POST ${SCENARIOS}/{id}/files`, { id }, { body: file });
    await api().call(`PATCH ${SCENARIOS}/{id}/files/{sha}`, { id, sha: file.sha256 }, { body: { ready: true } });

    const imported = await handlers.read(SIM, id, {});
    expect(imported.inputs).toMatchObject({ name: "mapped-scene", ...resources });
    expect(imported.props).toMatchObject({ filename: "mapped.xosc", status: 1 });

    const program = { name: "mapped-scene", simulator: "VTD", version: "v1.1.1", priority: 40, source: "UPLOAD", ...resources, file, fileReady: true } as const;
    const read = (inputs: object) => octopus.simulationSceneDefinition.api.read(ctxAt(), id, inputs as never);
    const live = await read(program);
    expect(live).toMatchObject({ inputs: program, state: { url: scene.url, status: 1, filename: "mapped.xosc", fileUrl: expect.any(String), fileReady: true, getUrl: expect.any(String) } });
    expect((await read({ ...program, file: { sha256: "5".repeat(64), filename: "other.xosc" } }))!.inputs).toMatchObject({ file: undefined, fileReady: false });
    emu.inject({ pathPattern: `/files/${file.sha256}$`, method: "PATCH", status: 500, count: 1 });
    await expect(read(program)).rejects.toMatchObject({ status: 500 });
    expect(await handlers.read(SIM, "987654321", program)).toEqual({});
  });

  it("a simulation scene's file changes in place: marked ready, renamed, or left as it is when the program drops it", async () => {
    const scenes = `/v2/${DEFAULTS.projectId}/sim/sm/scenarios`;
    const sent = (from: number) => sentSince(from, /./).map((r) => r.method);
    // Not the project's first scene: a scene read back must be this one, not the first listed.
    await handlers.create(SIM, { name: "neighbour-scene", simulator: "VTD", version: "vtd" });
    const inputs = { name: "changing-scene", simulator: "VTD", version: "vtd", file: { sha256: "6".repeat(64), filename: "first.xosc" }, fileReady: false };
    const created = await handlers.create(SIM, inputs);
    let from = emu.requests.length;
    const marked = await handlers.update(SIM, created.id, created.outs, { ...inputs, fileReady: true });
    expect(sent(from)).toEqual(["PATCH", "GET"]);
    expect(marked.outs).toMatchObject({ url: `${scenes}/${created.id}/`, status: 1, fileReady: true, filename: "first.xosc" });

    from = emu.requests.length;
    const renamed = await handlers.update(SIM, created.id, marked.outs, { ...inputs, file: { ...inputs.file, filename: "renamed.xosc" }, fileReady: true });
    expect(sent(from)).toEqual(["POST", "GET"]);
    expect(renamed.outs).toMatchObject({ status: 1, fileReady: true, filename: "renamed.xosc" });

    // New content under the same name is a new file: registered (§4.18.3), then marked ready.
    from = emu.requests.length;
    const newContent = { sha256: "ab".repeat(32), filename: "renamed.xosc" };
    const replaced = await handlers.update(SIM, created.id, renamed.outs, { ...inputs, file: newContent, fileReady: true });
    expect(sentSince(from, /./).map((r) => `${r.method} ${r.path.replace(/\?.*/, "")}`)).toEqual([`POST ${scenes}/${created.id}/files`, `PATCH ${scenes}/${created.id}/files/${newContent.sha256}`, `GET ${scenes}`]);
    expect(replaced.outs).toMatchObject({ fileReady: true, filename: "renamed.xosc" });

    const { file: _, ...withoutFile } = inputs;
    from = emu.requests.length;
    const dropped = await handlers.update(SIM, created.id, renamed.outs, withoutFile);
    expect(sent(from)).toEqual(["GET"]);
    expect(dropped.outs).toMatchObject({ status: 1, filename: "renamed.xosc" });
    from = emu.requests.length;
    await handlers.update(SIM, created.id, dropped.outs, withoutFile);
    expect(sent(from)).toEqual(["GET"]);
  });

  it("a scene map whose create answer is lost is not created again: up fails, one map was made", async () => {
    const from = emu.requests.length;
    emu.inject({ pathPattern: "/sim/sm/maps$", method: "POST", kind: "lost", count: 1 });
    const err = await handlers.create(MAP, { version: "v1.7.0", file: { sha256: "d".repeat(64), filename: "lost.xodr" }, agreementConfirm: true }).catch((e) => e);
    expect(err.message).toMatch(/edgeai:octopus:SceneMap: no answer to POST .*\/sim\/sm\/maps .*; it is not sent again, since §4\.19 has no way to list or look up maps/);
    expect(sentSince(from, /^POST .*\/sim\/sm\/maps$/)).toHaveLength(1);
    expect(emu.store.list(DEFAULTS.projectId, "octopus.sceneMap").filter((m) => m.file_sha256 === "d".repeat(64))).toHaveLength(1);
  });

  it("a scene map is read through its file and marked ready in place", async () => {
    const inputs = { version: "v1.4.0", file: { sha256: "e".repeat(64), filename: "ring.xodr" }, agreementConfirm: true };
    const created = await handlers.create(MAP, inputs);
    expect(created.outs).toMatchObject({ url: expect.stringMatching(/\/sim\/sm\/maps\/\d+\/$/), fileReady: false, putUrl: expect.any(String), expire: 600 });
    const updated = await handlers.update(MAP, created.id, created.outs, { ...inputs, fileReady: true });
    expect(updated.outs).toMatchObject({ fileReady: true, getUrl: expect.any(String), putUrl: created.outs!.putUrl });
    expect((await handlers.read(MAP, created.id, updated.outs)).inputs).toMatchObject({ fileReady: true, file: inputs.file });
  });

  it("package tags are set, replaced and cleared by destroy", async () => {
    const dpkId = seeded.packages[1];
    const created = await handlers.create(TAGS, { dpkId, tagIds: [2] });
    expect(created).toMatchObject({ id: dpkId, outs: { packageName: "run-2", vehicleName: "car-1", status: "NORMAL" } });
    await handlers.update(TAGS, dpkId, created.outs, { dpkId, tagIds: [2, 3] });
    expect((await api().call(`GET ${PACKAGES}/{id}`, { id: dpkId })).item.tag_ids).toEqual([2, 3]);
    await handlers.delete(TAGS, dpkId, created.outs);
    expect((await api().call(`GET ${PACKAGES}/{id}`, { id: dpkId })).item.tag_ids).toEqual([]);
  });
});

describe("answers the emulator never gives, from a scripted server", () => {
  let scripted: ScriptedServer;
  const DPK = "DPK0000042";
  const segment = (n: number) => ({ id: `seg-${n}`, dpk_id: DPK, start: T0 + n, end: T0 + n + 1, tag_ids: [2] });
  const segmentPage = (from: number, count: number, pageInfo?: object) => ({ body: { item: { segments: Array.from({ length: count }, (_, n) => segment(from + n)) }, ...(pageInfo ? { page_info: pageInfo } : {}) } });
  const scriptedClient = () => client(DEFAULTS, scripted.url);
  /** The query of each request the server got, in order. */
  const queries = () => scripted.seen.map((r) => Object.fromEntries(new URL(r.url, scripted.url).searchParams));

  beforeAll(async () => {
    scripted = await startScriptedServer();
  });
  afterEach(() => {
    scripted.seen.length = 0;
  });
  afterAll(() => scripted.close());

  it("a package's segments are read page by page (200 a page) until the total, with the caller's filters", async () => {
    scripted.answer(segmentPage(0, 200, { offset: 0, limit: 200, total: 201 }), segmentPage(200, 1, { offset: 200, limit: 200, total: 201 }));
    const all = await packageSegments(scriptedClient(), DPK, { tag_ids: "2" });
    expect(all.map((s) => s.id)).toEqual(Array.from({ length: 201 }, (_, n) => `seg-${n}`));
    const query = { tag_ids: "2", dpk_id: DPK, limit: "200", package_limit: "1" };
    expect(queries()).toEqual([{ ...query, offset: "0" }, { ...query, offset: "200" }]);
  });

  it("a full page that reaches the total, or that gives none, is the last one asked for", async () => {
    scripted.answer(segmentPage(0, 200, { offset: 0, limit: 200, total: 200 }));
    expect(await packageSegments(scriptedClient(), DPK)).toHaveLength(200);
    scripted.answer(segmentPage(0, 200));
    expect(await packageSegments(scriptedClient(), DPK)).toHaveLength(200);
    expect(scripted.seen).toHaveLength(2);
  });

  it("an answer without segments, or with no body at all, is a package without segments", async () => {
    scripted.answer({ body: { page_info: { offset: 0, limit: 200, total: 0 } } }, { body: "" });
    expect(await packageSegments(scriptedClient(), DPK)).toEqual([]);
    expect(await packageSegments(scriptedClient(), DPK)).toEqual([]);
  });

  it("a scene listed with another file name than its file by the program's sha256 holds the program's file no longer", async () => {
    const file = { sha256: "8".repeat(64), filename: "planned.xosc" };
    scripted.answer({ body: { count: 1, results: [{ id: 5, name: "renamed-out-of-band", simulator: "VTD", version: "vtd", filename: "console.xosc" }] } }, { body: { ...file, ready: true } });
    const inputs = { name: "renamed-out-of-band", simulator: "VTD", version: "vtd", file, fileReady: true } as const;
    const live = await octopus.simulationSceneDefinition.api.read(ctxAt(scripted.url), "5", inputs);
    expect(live!.inputs).toMatchObject({ file: undefined, fileReady: true });
  });

  it("a scene list answered without results, or with no body, finds no scene", async () => {
    scripted.answer({ body: { count: 0 } }, { body: "" });
    const inputs = { name: "gone", simulator: "VTD", version: "vtd", fileReady: false } as const;
    expect(await octopus.simulationSceneDefinition.api.read(ctxAt(scripted.url), "5", inputs)).toBeUndefined();
    expect(await octopus.simulationSceneDefinition.api.read(ctxAt(scripted.url), "5", inputs)).toBeUndefined();
  });

  it("after a lost create answer, a scene is found by its exact name, whatever else a name query answers", async () => {
    const identity = octopus.simulationSceneDefinition.identity as { find(ctx: unknown, inputs: object): Promise<string | undefined> };
    scripted.answer({ body: { count: 2, results: [{ id: 1, name: "merge-left" }, { id: 2, name: "merge" }] } }, { body: { count: 1, results: [{ id: 1, name: "merge-left" }] } });
    expect(await identity.find(ctxAt(scripted.url), { name: "merge" })).toBe("2");
    expect(await identity.find(ctxAt(scripted.url), { name: "merge" })).toBeUndefined();
    expect(queries()).toEqual([{ name: "merge", limit: "100" }, { name: "merge", limit: "100" }]);
  });

  it("a segment answered without tag names reads back with none", async () => {
    scripted.answer({ body: { item: { segments: [{ ...segment(7), vehicle_name: "car-9", source: "MANUAL", create_at: T0, update_at: T0 + 1 }] }, page_info: { offset: 0, limit: 200, total: 1 } } });
    const inputs = { dpkId: DPK, start: T0 + 7, end: T0 + 8, tagIds: [2] };
    expect(await octopus.dataSceneDefinition.api.read(ctxAt(scripted.url), "seg-7", inputs)).toEqual({ inputs, state: { vehicleName: "car-9", tagNames: [], source: "MANUAL", createAt: T0, updateAt: T0 + 1 } });
  });
});

/** The plugin's read and diff, sent as the engine sends them (gRPC requests). */
type Call<Req, Res> = (call: { request: Req }, callback: (err: unknown, value?: Res | null) => void) => void;
const send = <Req, Res>(call: Call<Req, Res>, request: Req) => new Promise<Res>((resolve, reject) => call({ request }, (err, value) => (err ? reject(err) : resolve(value!))));
type State = { outputs: object; inputs: object };
const pluginUrn = (type: string) => `urn:pulumi:dev::scenes::${type}::it`;

/** A read with none of the state is `pulumi import`; with the outputs and inputs, a refresh. */
async function pluginRead(type: string, id: string, state?: State) {
  const req = new provproto.ReadRequest();
  req.setId(id);
  req.setUrn(pluginUrn(type));
  if (state) req.setProperties(Struct.fromJavaScript(state.outputs as never));
  if (state) req.setInputs(Struct.fromJavaScript(state.inputs as never));
  const resp = await send(served.read, req);
  return { id: resp.getId(), outputs: resp.getProperties()!.toJavaScript(), inputs: resp.getInputs()!.toJavaScript() };
}

async function pluginDiff(type: string, id: string, olds: State, news: object) {
  const req = new provproto.DiffRequest();
  req.setId(id);
  req.setUrn(pluginUrn(type));
  req.setOlds(Struct.fromJavaScript(olds.outputs as never));
  req.setOldInputs(Struct.fromJavaScript(olds.inputs as never));
  req.setNews(Struct.fromJavaScript(news as never));
  const resp = await send(served.diff, req);
  return { changes: resp.getChanges() === provproto.DiffResponse.DiffChanges.DIFF_SOME, replaces: resp.getReplacesList(), changed: resp.getDiffsList() };
}

describe("a scene map through the plugin: imported by its file's sha256 and its ID", () => {
  const SHA_IMPORT = "7".repeat(64);
  const read = (id: string, state?: State) => pluginRead(MAP, id, state);
  const diff = (id: string, olds: State, news: object) => pluginDiff(MAP, id, olds, news);
  const program = { version: "v1.6.0", file: { sha256: SHA_IMPORT, filename: "junction.xodr" }, agreementConfirm: true, fileReady: false };
  let made: { id: string; url: string };
  /** What `pulumi import` read (each test here starts from it, in any order), and the requests it sent. */
  let imported: { id: string; outputs: Record<string, unknown>; inputs: Record<string, unknown> };
  let importRequests: string[];

  beforeAll(async () => {
    const map = await api().call(`POST ${MAPS}`, {}, { body: { version: program.version, file: program.file, agreement_confirm: true } });
    made = { id: String(map.id), url: map.url };
    const from = emu.requests.length;
    imported = await read(`${SHA_IMPORT}/${made.id}`);
    importRequests = sentSince(from, /./).map((r) => `${r.method} ${r.path}`);
  });

  it("pulumi import reads the map's file by `<file.sha256>/<id>`: version and agreement, which no call answers, are absent; the address is the one the create answered", () => {
    expect(imported.id).toBe(made.id);
    expect(imported.inputs).toEqual({ file: program.file, fileReady: false });
    expect(imported.outputs).toMatchObject({ file: program.file, fileReady: false, url: made.url, putUrl: expect.any(String) });
    expect(imported.outputs).not.toHaveProperty("version");
    expect(importRequests).toEqual([`PATCH /v2/${DEFAULTS.projectId}/sim/sm/maps/${made.id}/files/${SHA_IMPORT}`]);
  });

  it("the import option with the program's version and agreement: no change, so the import neither fails nor replaces; a file that differs still does", async () => {
    expect(await diff(made.id, imported, program)).toEqual({ changes: false, replaces: [], changed: [] });
    expect(await diff(made.id, imported, { ...program, file: { ...program.file, filename: "other.xodr" } })).toMatchObject({ changes: true, replaces: ["file"] });
  });

  it("once an up with the program recorded its values as the inputs (the outputs stay the imported ones), a version change replaces the map and a refresh keeps them", async () => {
    const afterUp = { outputs: imported.outputs, inputs: program };
    expect(await diff(made.id, afterUp, program)).toEqual({ changes: false, replaces: [], changed: [] });
    expect(await diff(made.id, afterUp, { ...program, version: "v1.7.0" })).toEqual({ changes: true, replaces: ["version"], changed: ["version"] });
    const refreshed = await read(made.id, afterUp);
    expect(refreshed.inputs).toMatchObject({ version: "v1.6.0", agreementConfirm: true });
    expect(refreshed.outputs).toMatchObject({ version: "v1.6.0", agreementConfirm: true, url: made.url });
  });

  it("without an import, a version the state holds is diffed as ever (dynamic resources record it on create)", async () => {
    const created = { ...program, url: made.url };
    expect(await handlers.diff(MAP, made.id, created, { ...program, version: "v1.7.0" })).toMatchObject({ changes: true, replaces: ["version"] });
    expect(await handlers.diff(MAP, made.id, created, program)).toMatchObject({ changes: false });
  });
});

describe("a simulation scene through the plugin: imported by its ID (§4.18.1 lists by id)", () => {
  it("a scene without a file imports with none ready, so the import option with the program's values (the service's defaults included) changes nothing", async () => {
    const sim = await api().call(`POST ${SCENARIOS}`, {}, { body: { name: "imported-scene", simulator: "VTD", version: "v1.0.0", description: { content: "" } } });
    const imported = await pluginRead(SIM, String(sim.id));
    expect(imported).toMatchObject({ id: String(sim.id), inputs: { name: "imported-scene", simulator: "VTD", version: "v1.0.0", priority: 40, source: "UPLOAD", fileReady: false } });
    const program = { name: "imported-scene", simulator: "VTD", version: "v1.0.0", priority: 40, source: "UPLOAD", fileReady: false };
    expect(await pluginDiff(SIM, String(sim.id), imported, program)).toEqual({ changes: false, replaces: [], changed: [] });
  });
});

describe("look-ups", () => {
  it("warehouses and their custom attributes", async () => {
    expect(await octopus.getDataWarehouses({ name: "city" })).toEqual([expect.objectContaining({ id: seeded.warehouses[0], name: "city-runs", description: "urban recordings", rawDataCount: 1, objectCount: 3 })]);
    const attributes = await octopus.getWarehouseCustomAttributes({ order: "KEY" });
    expect(attributes.map((a) => [a.key, a.value])).toEqual([["road", "highway"], ["weather", "rain"]]);
    expect(await octopus.getWarehouseCustomAttributes({ value: "rain" })).toEqual([expect.objectContaining({ key: "weather", createAt: expect.any(Number) })]);
  });

  it("a warehouse's files, filtered and sorted as the §4.5.2 query says", async () => {
    const [warehouse] = seeded.warehouses;
    const files = await octopus.getWarehouseData({ warehouseId: warehouse, fileNameOrder: "asc" });
    expect(files.map((f) => [f.fileName, f.fileType, f.rawDataId])).toEqual([
      ["000001.jpg", "IMAGE", seeded.packages[0]],
      ["000001.pcd", "POINT_CLOUD", seeded.packages[0]],
      ["gnss.pb", "TEXT", seeded.packages[0]],
    ]);
    expect(await octopus.getWarehouseData({ warehouseId: warehouse, fileTypes: ["POINT_CLOUD"], fileName: "pcd" })).toEqual([expect.objectContaining({ fileFolderPath: `${seeded.packages[0]}/lidar/`, dataWarehouseId: warehouse })]);
    expect(await octopus.getWarehouseData({ warehouseId: warehouse, andCustomAttributes: [seeded.custom_attributes[0]] })).toEqual([]);
    await expect(octopus.getWarehouseData({ warehouseId: "wh-missing" })).rejects.toMatchObject({ status: 400, errorCode: "octopus.000003" });
    // A query sent as a POST is a read: the provider retries it like one.
    const from = emu.requests.length;
    emu.inject({ pathPattern: "/data$", method: "POST", status: 503, count: 1 });
    expect(await octopus.getWarehouseData({ warehouseId: warehouse })).toHaveLength(3);
    expect(sentSince(from, /^POST .*\/warehouses\/.*\/data$/)).toHaveLength(2);
  });

  it("mileage statistics: the emulator records no trajectories", async () => {
    expect(await octopus.getMileageStatistics({ limit: 5 })).toEqual([]);
    await expect(octopus.getMileageStatistics({ limit: 201 })).rejects.toThrow(/argument "limit"/);
  });

  it("the overview sums what was recorded", async () => {
    const overview = await octopus.getDataOverview();
    expect(overview.vehicleStatistics).toMatchObject({ vehicleTotalNum: 2 });
    expect(overview.collectedDataStatistics).toMatchObject({ totalStorageSize: 4500, totalDuration: 130_000 });
    expect(overview.collectedDataStatistics.dataStatisticsInLast30Days).toEqual([{ date: new Date(clock.now()).toISOString().slice(0, 10), size: 4500 }]);
    expect(overview.todayJobsInfo.totalJobsNumber).toEqual({ processorJobs: 0, systemJobs: 0, resimJobs: 0 });
  });

  it("data packages: the list with filters, and one in detail", async () => {
    const byVehicle = await octopus.getDataPackages({ vehicleName: "car-1", sort: "STORAGE_SIZE_DESC" });
    expect(byVehicle.map((p) => [p.name, p.storageSize])).toEqual([["run-2", 3000], ["run-1", 1000]]);
    expect(await octopus.getDataPackages({ isRecycle: true })).toEqual([]);
    const detail = await octopus.getDataPackage({ id: seeded.packages[0] });
    expect(detail).toMatchObject({ id: seeded.packages[0], name: "run-1", dataType: "ROSBAG", collectionInfo: { cardrive: { car: { vehicleName: "car-1" } } } });
  });

  it("replay statistics, episodes and one episode", async () => {
    expect(await octopus.getReplayStatistics({ startTime: T0, endTime: T0 + 200_000 })).toEqual([
      { vehicle: "car-1", startTime: T0, endTime: T0 + 180_000 },
      { vehicle: "car-2", startTime: T0 + 10_000, endTime: T0 + 20_000 },
    ]);
    expect(await octopus.getReplayStatistics({ recentMonth: true })).toHaveLength(2);
    const episodes = await octopus.getReplayEpisodes({ startTime: T0, endTime: T0 + 30_000, dpkId: "DPK*" });
    expect(episodes.map((e) => e.dpkId)).toEqual([seeded.packages[0], seeded.packages[2]]);
    expect(episodes[0]).toMatchObject({ vehicleName: "car-1", canReplay: true, mainTopics: { gnss: { type: "GNSS" }, camera: { type: "CAMERA" } } });
    const one = await octopus.getReplayEpisode({ episodeId: episodes[0].episodeId });
    expect(one.topics.map((t) => t.type)).toEqual(["GNSS", "CAMERA", "LIDAR"]);
    await expect(octopus.getReplayEpisode({ episodeId: "DPK0000404" })).rejects.toMatchObject({ status: 404, errorCode: "octopus.108009" });
  });

  it("check their arguments before any request", async () => {
    const before = emu.requests.length;
    await expect(octopus.getReplayStatistics({})).rejects.toThrow(/getReplayStatistics: argument "startTime": startTime and endTime are required unless recentMonth is true \(Octopus §4\.11\.1\)/);
    await expect(octopus.getReplayEpisodes({ startTime: T0 + 1, endTime: T0 })).rejects.toThrow(/argument "endTime": must not be before startTime/);
    await expect(octopus.getDataPackage({ id: "pkg-1" })).rejects.toThrow(/argument "id": must be DPK followed by 7-13 digits/);
    expect(emu.requests.length).toBe(before);
  });
});
