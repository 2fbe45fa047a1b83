import { EmuError, type EmuRequest, intParam, route } from "../http";
import type { Store } from "../store";
import { nowOf } from "../clock";
import { FILE_TYPES } from "../../provider/octopus/enums";
import { ATTRIBUTE_ORDERS, MAX_PACKAGE_TAGS, MAX_TIME_MS, MIN_TIME_MS, PACKAGE_SORTS, PACKAGE_SOURCES, PACKAGE_STATUSES } from "../../provider/octopus/sceneEnums";
import { EMULATOR_USER_ID, NO_BODY, checkFields, defined, fail, field, invalidParam, listPage, nextId, ok, octopusRoute, queryEnum, queryList } from "./common";
import { allTags } from "./tags";
import { ATTRIBUTE_KIND, PACKAGE_KIND, WAREHOUSE_KIND } from "./sceneKinds";

/**
 * Data packages (§4.9), the data warehouses they land in (§4.5), custom attributes (§4.6), the
 * overview computed from them (§4.8.1) and their replay episodes (§4.11.1–§4.11.3).
 *
 * The document creates packages only through import tasks (§4.10) from vehicle recordings, and
 * warehouses and custom attributes not at all; the emulator takes them from a control route
 * (`POST /__emulator/octopus/{project}/data`) — what an import would have made.
 */

/** What an import makes of one recording (§4.9.2 DataPackageDetail, plus the recording's time span for replay). */
export interface PackageSeed {
  name: string;
  vehicle_name: string;
  /** The recording's first and last instant (ms): the package's replay episode (§4.11). */
  start_time: number;
  end_time: number;
  storage_size?: number;
  status?: (typeof PACKAGE_STATUSES)[number];
  data_source?: (typeof PACKAGE_SOURCES)[number];
  data_warehouse_id?: string;
  tag_ids?: number[];
}

/** Topics every emulated recording carries (§4.11.3 example: cameras and GNSS). */
const TOPICS = [
  { topic: "gnss", type: "GNSS", fileType: "TEXT", file: "gnss.pb" },
  { topic: "camera_0", type: "CAMERA", fileType: "IMAGE", file: "000001.jpg" },
  { topic: "lidar", type: "LIDAR", fileType: "POINT_CLOUD", file: "000001.pcd" },
] as const;

/** Stores a package as an import (§4.10) would; answers its id ("DPK" + 7 digits, §4.9.2). Import tasks call this too. */
export function insertPackage(store: Store, project: string, seed: PackageSeed, dclId = "DCL0000000000000"): string {
  const n = store.nextNumber();
  const id = `DPK${String(n).padStart(7, "0")}`;
  const now = nowOf(store);
  store.put(project, PACKAGE_KIND, id, {
    id,
    user_id: EMULATOR_USER_ID,
    project_id: project,
    dcl_id: dclId,
    status: seed.status ?? "NORMAL",
    name: seed.name,
    data_type: "ROSBAG",
    data_source: seed.data_source ?? "OBS",
    storage_size: seed.storage_size ?? 1_000_000,
    vehicle_id: vehicleIdOf(seed.vehicle_name),
    vehicle_name: seed.vehicle_name,
    data_warehouse_id: seed.data_warehouse_id,
    start_time: seed.start_time,
    end_time: seed.end_time,
    tag_ids: seed.tag_ids ?? [],
    create_at: now,
    update_at: now,
  });
  return id;
}

/** A stable numeric vehicle id per vehicle name (§4.9 `vehicle_id` is a Long the document never explains). */
function vehicleIdOf(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 1_000_000;
  return h + 1;
}

export function packagesOf(req: EmuRequest): Record<string, any>[] {
  return req.store.list(req.principal, PACKAGE_KIND);
}

/** The package of a path or body id; `status`/`code` as the calling API documents a missing one. */
export function packageOrFail(req: EmuRequest, id: string, status = 404): Record<string, any> {
  return req.store.get(req.principal, PACKAGE_KIND, id) ?? fail(status, "octopus.102010", `The data package is not found (${id})`);
}

/** §4.9.5 / §4.16.2: tag ids must name existing data tags (400 octopus.101004 Tag Does Not Exist). */
export function requireTags(req: EmuRequest, ids: number[]): void {
  const known = new Set(allTags(req).map((t) => t.id));
  for (const id of ids) if (!known.has(id)) fail(400, "octopus.101004", `Tag Does Not Exist (${id})`);
}

// ---- answers ------------------------------------------------------------------------------------

const packageTopics = (p: Record<string, any>) => TOPICS.map((t) => ({ topic: t.topic, type: t.type, path: `${p.id}/path/${t.topic}/` }));

/** §4.5.2 FileDataInfo: a warehouse holds one file per topic of each of its packages. */
const warehouseFiles = (p: Record<string, any>) =>
  TOPICS.map((t) => ({
    id: `${p.id}-${t.topic}`,
    sort: [p.create_at],
    file_folder_path: `${p.id}/${t.topic}/`,
    file_name: t.file,
    file_type: t.fileType,
    data_warehouse_id: p.data_warehouse_id,
    raw_data_id: p.id,
    create_at: p.create_at,
    tags: p.tag_ids.map(String),
    custom_attributes: [],
  }));

/** §4.9.1 DataPackageListVo. */
function listRow(p: Record<string, any>) {
  return defined({
    id: p.id,
    user_id: p.user_id,
    project_id: p.project_id,
    dcl_id: p.dcl_id,
    status: p.status,
    name: p.name,
    data_type: p.data_type,
    vehicle_id: p.vehicle_id,
    vehicle_name: p.vehicle_name,
    storage_size: p.storage_size,
    recycled_time: p.recycled_time,
    create_at: p.create_at,
    update_at: p.update_at,
    can_replay: p.status === "NORMAL",
    data_source: p.data_source,
    topic_types: TOPICS.map((t) => t.type),
    replay_job_status: 2,
    processor_job_ids: [],
    processor_ids: [],
  });
}

/** §4.9.2 DataPackageDetail. */
function detail(p: Record<string, any>) {
  return defined({
    id: p.id,
    user_id: p.user_id,
    project_id: p.project_id,
    dcl_id: p.dcl_id,
    status: p.status,
    name: p.name,
    data_type: p.data_type,
    data_source: p.data_source,
    storage_size: p.storage_size,
    recycled_time: p.recycled_time,
    vehicle_id: p.vehicle_id,
    create_at: p.create_at,
    update_at: p.update_at,
    collection_info: {
      cardrive: { car: { vehicle_name: p.vehicle_name }, collect_time: new Date(p.start_time).toISOString() },
      folders: { camera: [{ name: "camera_0", format: "jpg", size: Math.floor(p.storage_size / 2) }], lidar: [{ name: "lidar", format: "pcd", size: p.storage_size - Math.floor(p.storage_size / 2) }] },
      data_type: 3,
    },
    tag_ids: p.tag_ids,
  });
}

/** §4.11: each package is one replay episode (the example's `episode_id` is the package id). */
const episodeMeta = (p: Record<string, any>) => ({
  episode_id: p.id,
  dpk_id: p.id,
  vehicle_name: p.vehicle_name,
  start_time: p.start_time,
  end_time: p.end_time,
  can_replay: p.status === "NORMAL",
  main_topics: Object.fromEntries(packageTopics(p).filter((t) => t.topic === "gnss" || t.topic === "camera_0").map((t) => [t.type.toLowerCase(), t])),
});

// ---- query parameters ---------------------------------------------------------------------------

function textParam(q: URLSearchParams, name: string, max: number): string | undefined {
  const value = q.get(name);
  if (value === null || value === "") return undefined;
  if (value.length > max) invalidParam(name, value, `length must be at most ${max}`);
  return value;
}

/** A time query parameter (UTC ms within the documented bounds). */
function timeParam(q: URLSearchParams, name: string, required = false): number | undefined {
  const text = q.get(name);
  if (text === null || text === "") return required ? invalidParam(name, undefined, "is required") : undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < MIN_TIME_MS || n > MAX_TIME_MS) invalidParam(name, text, `must be a UTC millisecond timestamp in [${MIN_TIME_MS}, ${MAX_TIME_MS}]`);
  return n;
}

function boolParam(q: URLSearchParams, name: string, required = false): boolean | undefined {
  const text = q.get(name);
  if (text === null || text === "") return required ? invalidParam(name, undefined, "is required") : undefined;
  if (text !== "true" && text !== "false") invalidParam(name, text, "must be true or false");
  return text === "true";
}

/** `end` not before `start`: 400 octopus.108002 "Time parameters is invalid" (§7.2). */
export function timeOrder(start: number | undefined, end: number | undefined): void {
  if (start !== undefined && end !== undefined && end < start) fail(400, "octopus.108002", `Time parameters is invalid: end ${end} is before start ${start}`);
}

/** `dpk_id` "supports wildcard fuzzy matching" (§4.11.2): `*` matches any run, otherwise a substring. */
function matchesWildcard(value: string, pattern: string): boolean {
  if (!pattern.includes("*")) return value.includes(pattern);
  const re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return re.test(value);
}

const overlaps = (p: Record<string, any>, start: number, end: number) => p.start_time <= end && p.end_time >= start;

const PACKAGE_ORDER: Record<(typeof PACKAGE_SORTS)[number], (a: any, b: any) => number> = {
  CREATE_AT_ASC: (a, b) => a.create_at - b.create_at || a.id.localeCompare(b.id),
  CREATE_AT_DESC: (a, b) => b.create_at - a.create_at || b.id.localeCompare(a.id),
  UPDATE_AT_ASC: (a, b) => a.update_at - b.update_at || a.id.localeCompare(b.id),
  UPDATE_AT_DESC: (a, b) => b.update_at - a.update_at || b.id.localeCompare(a.id),
  STORAGE_SIZE_ASC: (a, b) => a.storage_size - b.storage_size || a.id.localeCompare(b.id),
  STORAGE_SIZE_DESC: (a, b) => b.storage_size - a.storage_size || b.id.localeCompare(a.id),
};
/** Statuses a package has outside (`is_recycle=false`) and inside the recycle bin (§4.9.1 `status`). */
const RECYCLED_STATUSES = new Set(["NOT_RECYCLED", "RECYCLED", "DELETING", "FAILED", "DELETED"]);

const DAY_MS = 86_400_000;

// ---- routes -------------------------------------------------------------------------------------

export const dataPackageRoutes = [
  // §4.5.1: `name` fuzzy (at most 64), `limit` 1-50.
  octopusRoute("GET", "/common/warehouses", "octopus:dataWarehouse:list", (req) => {
    const name = textParam(req.query, "name", 64);
    const packages = packagesOf(req);
    const rows = req.store
      .list(req.principal, WAREHOUSE_KIND)
      .filter((w) => !name || w.name.includes(name))
      .map((w) => {
        const held = packages.filter((p) => p.data_warehouse_id === w.id);
        return defined({ ...w, raw_data_count: held.length, object_count: held.length * TOPICS.length });
      });
    return listPage(rows, req.query, { max: 50, default: 10 });
  }),

  /**
   * §4.5.2, a query sent as a POST body: the warehouse's files (one per topic of each package),
   * filtered and sorted as the body says. Custom attributes are not recorded on emulated files, so
   * an attribute filter matches none. A missing warehouse is a bad parameter (the section lists
   * no 404).
   */
  octopusRoute("POST", "/common/warehouses/{data_warehouse_id}/data", "octopus:dataWarehouse:list", (req) => {
    const warehouse = req.params.data_warehouse_id;
    if (!req.store.get(req.principal, WAREHOUSE_KIND, warehouse)) invalidParam("data_warehouse_id", warehouse, "no such data warehouse");
    const ids = field.list(field.text({ min: 1, max: 255 }), { max: 5 });
    const order = field.oneOf(["asc", "desc"] as const);
    const b = checkFields(req.body, {
      create_time_order: order,
      file_name_order: order,
      data_process_task_ids: ids,
      raw_data_ids: ids,
      start_time: field.integer({ min: 0 }),
      end_time: field.integer({ min: 0 }),
      file_name: field.text({ max: 255 }),
      file_types: field.list(field.oneOf(FILE_TYPES), { max: FILE_TYPES.length }),
      and_tags: ids,
      or_tags: ids,
      and_custom_attributes: ids,
      or_custom_attributes: ids,
    });
    timeOrder(b.start_time, b.end_time);
    const rows = packagesOf(req)
      .filter((p) => p.data_warehouse_id === warehouse)
      .flatMap(warehouseFiles)
      .filter(
        (f) =>
          (!b.raw_data_ids?.length || b.raw_data_ids.includes(f.raw_data_id)) &&
          // Emulated files come from imports, not from data processing tasks.
          !b.data_process_task_ids?.length &&
          (b.start_time === undefined || f.create_at >= b.start_time) &&
          (b.end_time === undefined || f.create_at <= b.end_time) &&
          (!b.file_name || f.file_name.includes(b.file_name)) &&
          (!b.file_types?.length || b.file_types.includes(f.file_type)) &&
          (b.and_tags ?? []).every((t) => f.tags.includes(t)) &&
          (!b.or_tags?.length || b.or_tags.some((t) => f.tags.includes(t))) &&
          !b.and_custom_attributes?.length &&
          !b.or_custom_attributes?.length,
      )
      .sort((x, y) => (b.create_time_order === "desc" ? y.create_at - x.create_at : b.create_time_order === "asc" ? x.create_at - y.create_at : 0) || (b.file_name_order === "desc" ? -1 : 1) * x.file_name.localeCompare(y.file_name) || x.id.localeCompare(y.id));
    return listPage(rows, req.query, { max: 100, default: 10 });
  }),

  // §4.6.1: `key`/`value` fuzzy (at most 256), ordered by key (ascending) or creation time (descending, the default).
  octopusRoute("GET", "/common/warehouses/custom-attributes", "octopus:dataWarehouse:list", (req) => {
    const key = textParam(req.query, "key", 256);
    const value = textParam(req.query, "value", 256);
    const order = queryEnum(req.query, "order", ATTRIBUTE_ORDERS) ?? "CREATE_TIME";
    const rows = req.store
      .list(req.principal, ATTRIBUTE_KIND)
      .filter((a) => (!key || a.key.includes(key)) && (!value || a.value.includes(value)))
      .sort(order === "KEY" ? (a, b) => a.key.localeCompare(b.key) : (a, b) => b.create_at - a.create_at || b.id.localeCompare(a.id));
    return listPage(rows, req.query, { max: 50, default: 10 });
  }),

  /**
   * §4.8.1, computed from the packages. The emulator keeps no fleets, so every vehicle counts in
   * no fleet; jobs are not counted (no job runs here today). Keys as table 4-148/4-155 spell them
   * (the example says `total_jobs_num` and `data_statistics_in_last30_days`; clients read both).
   */
  octopusRoute("GET", "/data/overview", "octopus:dataOverview:get", (req) => {
    const packages = packagesOf(req).filter((p) => !RECYCLED_STATUSES.has(p.status));
    const now = nowOf(req.store);
    const byDay = new Map<string, number>();
    for (const p of packages)
      if (p.create_at > now - 30 * DAY_MS) {
        const date = new Date(p.create_at).toISOString().slice(0, 10);
        byDay.set(date, (byDay.get(date) ?? 0) + p.storage_size);
      }
    const noJobs = { processor_jobs: 0, system_jobs: 0, resim_jobs: 0 };
    return ok({
      item: {
        today_jobs_info: { failed_jobs: { processor_jobs: [], system_jobs: [], resim_jobs: [] }, total_jobs_number: noJobs },
        vehicle_statistics: { fleet_total_num: 0, vehicle_total_num: new Set(packages.map((p) => p.vehicle_name)).size, vehicle_fleet_info: [] },
        collected_data_statistics: {
          total_duration: packages.reduce((sum, p) => sum + (p.end_time - p.start_time), 0),
          total_storage_size: packages.reduce((sum, p) => sum + p.storage_size, 0),
          data_statistics_in_last_30_days: [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([date, size]) => ({ date, size })),
        },
      },
    });
  }),

  /** §4.8.2: the emulator records no trajectories, so there is no mileage to report (an empty list; `limit` 1-200 still checked). */
  octopusRoute("GET", "/data/mileage-statistics", "octopus:dataOverview:get", (req) => {
    intParam(req.query, "limit", 10, 1, 200, "octopus.000001");
    return ok({ list: [] });
  }),

  octopusRoute("GET", "/data/packages", "octopus:dataPackage:list", (req) => {
    const q = req.query;
    const isRecycle = boolParam(q, "is_recycle", true);
    const status = queryEnum(q, "status", PACKAGE_STATUSES);
    const sort = (queryEnum(q, "sort", PACKAGE_SORTS) ?? "UPDATE_AT_DESC") as (typeof PACKAGE_SORTS)[number];
    const source = queryEnum(q, "data_source", PACKAGE_SOURCES);
    const id = textParam(q, "id", 255);
    const name = textParam(q, "name", 255);
    const vehicle = textParam(q, "vehicle_name", 255);
    const ids = queryList(q, "ids");
    if (ids.length > 200) invalidParam("ids", ids.length, "at most 200 ids");
    const tags = queryList(q, "tags").map(Number);
    if (tags.length > 10) invalidParam("tags", tags.length, "at most 10 tags");
    const startAt = timeParam(q, "start_at");
    const endAt = timeParam(q, "end_at");
    timeOrder(startAt, endAt);
    const rows = packagesOf(req)
      .filter(
        (p) =>
          RECYCLED_STATUSES.has(p.status) === isRecycle &&
          (!status || p.status === status) &&
          (!source || p.data_source === source) &&
          (!id || p.id.includes(id)) &&
          (!ids.length || ids.includes(p.id)) &&
          (!name || p.name.includes(name)) &&
          (!vehicle || p.vehicle_name === vehicle) &&
          tags.every((t) => p.tag_ids.includes(t)) &&
          (startAt === undefined || p.create_at >= startAt) &&
          (endAt === undefined || p.create_at <= endAt),
      )
      .sort(PACKAGE_ORDER[sort])
      .map(listRow);
    return listPage(rows, q, { max: 200, default: 10 });
  }),

  octopusRoute("GET", "/data/packages/{id}", "octopus:dataPackage:get", (req) => ok({ item: detail(packageOrFail(req, req.params.id)) })),

  // §4.9.5: the package's tags become exactly `tag_ids` (at most 50); no `tag_ids` clears them.
  octopusRoute("PUT", "/data/packages/{id}/tags", "octopus:dataPackage:update", (req) => {
    const p = packageOrFail(req, req.params.id);
    const b = checkFields(req.body, { tag_ids: field.list(field.integer({ min: 0 }), { max: MAX_PACKAGE_TAGS }) });
    const tagIds = [...new Set(b.tag_ids ?? [])];
    requireTags(req, tagIds);
    req.store.put(req.principal, PACKAGE_KIND, p.id, { ...p, tag_ids: tagIds, update_at: nowOf(req.store) });
    return NO_BODY;
  }),

  // §4.11.1: per vehicle, the span of its episodes in the window (start/end required unless recent_month=true). Before `{episode_id}`.
  octopusRoute("GET", "/data/episodes/statistics", "octopus:dataReplay:get", (req) => {
    const recent = boolParam(req.query, "recent_month") ?? false;
    const now = nowOf(req.store);
    const start = recent ? now - 30 * DAY_MS : timeParam(req.query, "start_time", true)!;
    const end = recent ? now : timeParam(req.query, "end_time", true)!;
    timeOrder(start, end);
    const spans = new Map<string, { vehicle: string; start_time: number; end_time: number }>();
    for (const p of packagesOf(req).filter((p) => overlaps(p, start, end))) {
      const s = spans.get(p.vehicle_name);
      spans.set(p.vehicle_name, { vehicle: p.vehicle_name, start_time: Math.min(s?.start_time ?? Infinity, p.start_time), end_time: Math.max(s?.end_time ?? -Infinity, p.end_time) });
    }
    return ok({ list: [...spans.values()].sort((a, b) => a.vehicle.localeCompare(b.vehicle)) });
  }),

  octopusRoute("GET", "/data/episodes", "octopus:dataReplay:get", (req) => {
    const start = timeParam(req.query, "start_time", true)!;
    const end = timeParam(req.query, "end_time", true)!;
    timeOrder(start, end);
    const dpk = textParam(req.query, "dpk_id", 255);
    const vehicle = textParam(req.query, "vehicle_name", 64);
    const rows = packagesOf(req)
      .filter((p) => overlaps(p, start, end) && (!dpk || matchesWildcard(p.id, dpk)) && (!vehicle || p.vehicle_name === vehicle))
      .sort((a, b) => a.start_time - b.start_time || a.id.localeCompare(b.id))
      .map(episodeMeta);
    return listPage(rows, req.query, { max: 200, default: 10 });
  }),

  /** §4.11.3 answers 404 for a missing episode (its status table); the code is table 7-3's octopus.108009, listed there under 400. */
  octopusRoute("GET", "/data/episodes/{episode_id}", "octopus:dataReplay:get", (req) => {
    const id = req.params.episode_id;
    if (id.length > 80) invalidParam("episode_id", id, "length must be at most 80");
    const p = req.store.get(req.principal, PACKAGE_KIND, id) ?? fail(404, "octopus.108009", `The episode not exists (${id})`);
    return ok({ item: { episode_id: p.id, dpk_id: p.id, vehicle_name: p.vehicle_name, start_time: p.start_time, end_time: p.end_time, topics: packageTopics(p), videos: [{ name: "camera_0", format: "mp4" }] } });
  }),
];

// ---- control: what imports would have made -----------------------------------------------------

const seedShape = {
  warehouses: field.list(field.object({ name: field.text({ min: 1, max: 64, required: true }), description: field.text({ max: 256 }) }), { max: 100 }),
  packages: field.list(
    field.object({
      name: field.text({ min: 1, max: 255, required: true }),
      vehicle_name: field.text({ min: 1, max: 64, required: true }),
      start_time: field.integer({ min: MIN_TIME_MS, max: MAX_TIME_MS, required: true }),
      end_time: field.integer({ min: MIN_TIME_MS, max: MAX_TIME_MS, required: true }),
      storage_size: field.integer({ min: 0 }),
      status: field.oneOf(PACKAGE_STATUSES),
      data_source: field.oneOf(PACKAGE_SOURCES),
      /** A warehouse of this body by its index in `warehouses`, or an existing warehouse id. */
      warehouse: field.text({ min: 1, max: 64 }),
      tag_ids: field.list(field.integer({ min: 0 }), { max: MAX_PACKAGE_TAGS }),
    }),
    { max: 1000 },
  ),
  custom_attributes: field.list(field.object({ key: field.text({ min: 1, max: 256, required: true }), value: field.text({ max: 256, required: true }) }), { max: 1000 }),
};

/**
 * `POST /__emulator/octopus/{project}/data` with `{warehouses, packages, custom_attributes}`:
 * stores them as imports would have, answers their ids in order. A package's `warehouse` is the
 * index of a warehouse in the same body (`"0"`) or an existing warehouse's id.
 */
export const dataSeedRoute = route(
  "POST /__emulator/octopus/{project}/data",
  (req) => {
    const project = req.params.project;
    // Huawei project ids are 32 hexadecimal characters: anything else (`__proto__`, a typo) is refused, not given a project.
    if (!/^[0-9a-f]{32}$/.test(project)) throw new EmuError(400, "EMU.0400", `${JSON.stringify(project.slice(0, 64))} is not a project id (32 hexadecimal characters)`);
    let b;
    try {
      b = checkFields(req.body, seedShape);
    } catch (err) {
      throw err instanceof EmuError ? new EmuError(400, "EMU.0400", err.message) : err;
    }
    if (!b.warehouses?.length && !b.packages?.length && !b.custom_attributes?.length) throw new EmuError(400, "EMU.0400", "nothing to store: give warehouses, packages or custom_attributes");
    const now = nowOf(req.store);
    const warehouses = (b.warehouses ?? []).map((w) => {
      const id = `wh-${nextId(req.store)}`;
      req.store.put(project, WAREHOUSE_KIND, id, defined({ id, name: w!.name, description: w!.description, project_id: project, create_time: now }));
      return id;
    });
    const packages = (b.packages ?? []).map((p) => {
      const warehouse = p!.warehouse === undefined ? undefined : (warehouses[Number(p!.warehouse)] ?? p!.warehouse);
      if (p!.end_time! < p!.start_time!) throw new EmuError(400, "EMU.0400", `package ${p!.name}: end_time is before start_time`);
      return insertPackage(req.store, project, { ...(p as PackageSeed), data_warehouse_id: warehouse });
    });
    const attributes = (b.custom_attributes ?? []).map((a) => {
      const id = `attr-${nextId(req.store)}`;
      req.store.put(project, ATTRIBUTE_KIND, id, { id, key: a!.key, value: a!.value, project_id: project, create_at: nowOf(req.store) });
      return id;
    });
    return { status: 201, body: { warehouses, packages, custom_attributes: attributes } };
  },
  "none",
);
