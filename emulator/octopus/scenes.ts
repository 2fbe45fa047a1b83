import { randomUUID } from "node:crypto";
import { type EmuRequest, intParam } from "../http";
import { nowOf } from "../clock";
import { MAP_VERSIONS, MAX_TIME_MS, MIN_TIME_MS, PACKAGE_ID_PATTERN, SCENARIO_PRIORITIES, SCENARIO_SOURCES, SCENARIO_VERSIONS, SHA256_PATTERN, SIMULATORS, UPLOAD_EXPIRE_SECONDS } from "../../provider/octopus/sceneEnums";
import { NO_BODY, SIM_BASE, checkFields, defined, fail, field, invalidParam, nextId, ok, octopusRoute, queryEnum, type FieldCheck } from "./common";
import { allTags } from "./tags";
import { packageOrFail, requireTags, timeOrder } from "./dataPackages";
import { FILE_KIND, MAP_KIND, SCENARIO_KIND, SEGMENT_KIND } from "./sceneKinds";

/**
 * Data scene segments (§4.16), simulation scenes with their scene file (§4.18) and scene maps
 * with their map file (§4.19).
 */

// ---- §4.16 data scene segments ------------------------------------------------------------------

const SEGMENTS = "/data/scenario/segments";

const timeField = (required: boolean) => field.integer({ min: MIN_TIME_MS, max: MAX_TIME_MS, required });

function segmentView(req: EmuRequest, s: Record<string, any>) {
  const names = new Map(allTags(req).map((t) => [t.id, t.name]));
  return { ...s, tag_names: s.tag_ids.map((id: number) => names.get(id)).filter((n: unknown) => n !== undefined) };
}

const segmentRoutes = [
  /**
   * §4.16.1: filters, then paging twice — `package_offset`/`package_limit` pick a page of the
   * packages the matching segments belong to (by package id), `offset`/`limit` page those
   * packages' segments. `start`/`end` keep segments inside the window.
   */
  octopusRoute("GET", SEGMENTS, "octopus:dataScenario:list", (req) => {
    const q = req.query;
    const tagText = q.get("tag_ids") ?? "";
    const tagIds = tagText.split(",").filter(Boolean).map(Number);
    if (tagIds.length > 300 || tagIds.some((n) => !Number.isInteger(n))) invalidParam("tag_ids", tagText, "at most 300 comma-separated integer tag ids");
    const time = (name: string) => {
      const text = q.get(name);
      if (text === null || text === "") return undefined;
      const n = Number(text);
      if (!Number.isInteger(n) || n < MIN_TIME_MS || n > MAX_TIME_MS) invalidParam(name, text, `must be a UTC millisecond timestamp in [${MIN_TIME_MS}, ${MAX_TIME_MS}]`);
      return n;
    };
    const start = time("start");
    const end = time("end");
    timeOrder(start, end);
    const vehicle = q.get("vehicle_name");
    const dpk = q.get("dpk_id");
    for (const [key, value] of [["vehicle_name", vehicle], ["dpk_id", dpk]] as const) if (value !== null && value.length > 255) invalidParam(key, value, "length must be at most 255");
    const limit = intParam(q, "limit", 10, 1, 200, "octopus.000001");
    const offset = intParam(q, "offset", 0, 0, Number.MAX_SAFE_INTEGER, "octopus.000001");
    const packageLimit = intParam(q, "package_limit", 10, 1, 200, "octopus.000001");
    const packageOffset = intParam(q, "package_offset", 0, 0, Number.MAX_SAFE_INTEGER, "octopus.000001");
    const matching = req.store
      .list(req.principal, SEGMENT_KIND)
      .filter(
        (s) =>
          tagIds.every((t) => s.tag_ids.includes(t)) &&
          (start === undefined || s.start >= start) &&
          (end === undefined || s.end <= end) &&
          (!vehicle || s.vehicle_name === vehicle) &&
          (!dpk || s.dpk_id === dpk),
      )
      .sort((a, b) => a.dpk_id.localeCompare(b.dpk_id) || a.start - b.start || a.create_at - b.create_at);
    const packages = [...new Set(matching.map((s) => s.dpk_id))];
    const shown = new Set(packages.slice(packageOffset, packageOffset + packageLimit));
    const inPage = matching.filter((s) => shown.has(s.dpk_id));
    return ok({
      item: { segments: inPage.slice(offset, offset + limit).map((s) => segmentView(req, s)), package_offset: packageOffset, package_limit: packageLimit, package_total: packages.length },
      page_info: { offset, limit, total: inPage.length },
    });
  }),

  // §4.16.2: one tag for now ("目前仅限一个标签"); the package and the tag must exist; answers the segment id.
  octopusRoute("POST", SEGMENTS, "octopus:dataScenario:create", (req) => {
    const b = checkFields(req.body, {
      start: timeField(true),
      end: timeField(true),
      dpk_id: field.text({ min: 1, max: 255, required: true }),
      tag_ids: field.list(field.integer({ min: 1 }), { max: 1 }),
    });
    if (!PACKAGE_ID_PATTERN.test(b.dpk_id!)) invalidParam("dpk_id", b.dpk_id, "must be DPK followed by 7-13 digits");
    if (!b.tag_ids?.length) invalidParam("tag_ids", b.tag_ids, "exactly one tag id is required");
    timeOrder(b.start, b.end);
    const pkg = packageOrFail(req, b.dpk_id!, 400);
    requireTags(req, b.tag_ids);
    const id = randomUUID();
    const now = nowOf(req.store);
    req.store.put(req.principal, SEGMENT_KIND, id, { id, tag_ids: b.tag_ids, dpk_id: pkg.id, vehicle_name: pkg.vehicle_name, source: "MANUAL", start: b.start, end: b.end, create_at: now, update_at: now });
    return ok({ item: id }, 201);
  }),

  // 404 for a missing segment (§4.16.3 status table) with table 7-3's "Scenario is not exists".
  octopusRoute("DELETE", `${SEGMENTS}/{id}`, "octopus:dataScenario:delete", (req) => {
    if (!req.store.delete(req.principal, SEGMENT_KIND, req.params.id)) fail(404, "octopus.107002", `Scenario is not exists (segment ${req.params.id})`);
    return NO_BODY;
  }),
];

// ---- files (§4.18.3, §4.18.4, §4.19.1, §4.19.2) --------------------------------------------------

/** DRF times: seconds as a double (`1.699954029362022E9`). */
const seconds = (req: EmuRequest) => nowOf(req.store) / 1000;

const fileShape = {
  sha256: field.text({ min: 64, max: 64, required: true }),
  filename: field.text({ min: 1, max: 255, required: true }),
};

function checkSha(key: string, sha: string): void {
  if (!SHA256_PATTERN.test(sha)) invalidParam(key, sha, "must be 64 hexadecimal characters");
}

/**
 * A file named in a create: known by its sha256, so a file uploaded before (ready) needs no new
 * upload; otherwise it waits for one (§4.18.3 "如果场景文件不存在，则返回预签链接").
 */
function registerFile(req: EmuRequest, file: { sha256?: string; filename?: string }, folder: "file" | "map"): string {
  const sha = file.sha256!;
  checkSha(`${folder === "map" ? "file." : ""}sha256`, sha);
  const known = req.store.get(req.principal, FILE_KIND, sha);
  const now = seconds(req);
  req.store.put(req.principal, FILE_KIND, sha, { sha256: sha, filename: file.filename, folder, ready: known?.ready ?? false, created_at: known?.created_at ?? now, updated_at: now });
  return sha;
}

/** The file as §4.18.3/§4.19.1 answer it: upload links while it is not ready, a download link once it is. */
function fileView(req: EmuRequest, sha: string, url: string) {
  const f = req.store.get(req.principal, FILE_KIND, sha)!;
  const key = `sim/ifiles/${f.folder}/${sha}${f.filename.slice(f.filename.lastIndexOf("."))}`;
  const upload = f.ready
    ? { post: null, put_url: null, get_url: `https://sim-files.emulator.invalid/${key}?download` }
    : {
        post: {
          url: "https://sim-files.emulator.invalid/",
          fields: { key, "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-credential": "emulator-credential", "x-amz-date": new Date(nowOf(req.store)).toISOString().replace(/[-:]|\.\d{3}/g, ""), policy: "emulator-policy", "x-amz-signature": "emulator-signature" },
        },
        put_url: `https://sim-files.emulator.invalid/${key}?upload`,
        get_url: null,
      };
  return { url, sha256: sha, created_at: f.created_at, updated_at: f.updated_at, ...upload, expire: UPLOAD_EXPIRE_SECONDS, path: key, bucket: "sim-files", ready: f.ready, filename: f.filename };
}

/**
 * §4.18.4 / §4.19.2: the writable fields are `ready` and `filename` (the rest of the body — url,
 * links, times — is the server's and is ignored, as for any DRF read-only field). An empty body
 * changes nothing and answers the file.
 */
function patchFile(req: EmuRequest, sha: string, url: string) {
  const b = checkFields(req.body, { ready: field.flag(), filename: field.text({ min: 1, max: 255 }) });
  const f = req.store.get(req.principal, FILE_KIND, sha)!;
  if (b.ready !== undefined || b.filename !== undefined)
    req.store.put(req.principal, FILE_KIND, sha, { ...f, ready: b.ready ?? f.ready, filename: b.filename ?? f.filename, updated_at: seconds(req) });
  return { status: 200, body: fileView(req, sha, url) };
}

// ---- §4.18 simulation scenes --------------------------------------------------------------------

const SCENARIOS = "/scenarios";
const scenarioUrl = (project: string, id: number) => `/v2/${project}/sim/sm/scenarios/${id}/`;
const mapUrl = (project: string, id: number) => `/v2/${project}/sim/sm/maps/${id}/`;
const fileUrl = (project: string, sha: string) => `/v2/${project}/sim/sm/files/${sha}/`;

/** Scene status (§4.18.1): 10 Initial until its scene file is uploaded (ready), then 1 Available. */
const INITIAL = 10;
const AVAILABLE = 1;

function scenarioView(req: EmuRequest, s: Record<string, any>, withFile: boolean) {
  const file = s.file_sha256 ? req.store.get(req.principal, FILE_KIND, s.file_sha256) : undefined;
  return {
    url: scenarioUrl(req.principal, s.id),
    id: s.id,
    created_at: s.created_at,
    updated_at: s.updated_at,
    labels: [],
    gen_scenario: s.gen_scenario ?? null,
    road_scenario: s.road_scenario ?? null,
    simulator: s.simulator,
    version: s.version,
    ...(withFile ? { description: { content: s.description }, file: file ? fileView(req, file.sha256, fileUrl(req.principal, file.sha256)) : null } : { filename: file?.filename ?? null }),
    map_filename: s.map_filename ?? null,
    model_filename: s.model_filename ?? null,
    user_id: s.user_id ?? null,
    user_name: s.user_name ?? null,
    name: s.name,
    priority: s.priority,
    status: file?.ready ? AVAILABLE : INITIAL,
    map: s.map ?? null,
    model: s.model ?? null,
    source: s.source,
  };
}

function scenarioOrFail(req: EmuRequest) {
  const id = req.params.parent_lookup_id;
  return (/^\d+$/.test(id) ? req.store.get(req.principal, SCENARIO_KIND, id) : undefined) ?? fail(404, "octopus.107002", `Scenario is not exists (${id})`);
}

/** The sha256 in a file path must be the file the scene or map holds. */
function heldFile(req: EmuRequest, held: string | undefined): string {
  const sha = req.params.sha256;
  if (held !== sha) fail(404, "octopus.000141", `The resource does not exist (file ${sha})`);
  return sha;
}

const text = (max: number) => field.text({ max });
const priority: FieldCheck<number> = (value, key) => {
  if (value === undefined || value === null) return undefined;
  if (!(SCENARIO_PRIORITIES as readonly unknown[]).includes(value)) invalidParam(key, value, `must be one of ${SCENARIO_PRIORITIES.join(", ")}`);
  return value as number;
};

/** §4.18.1 `ordering`: a field name, `-` for descending. */
const ORDERINGS = ["id", "-id", "name", "-name", "created_at", "-created_at", "updated_at", "-updated_at", "priority", "-priority"];

const scenarioRoutes = [
  /**
   * §4.18.1, DRF style (`count`, `next`, `previous`, `results`). The document gives no `limit`
   * default or maximum: 10 and 100 here. `name` matches exactly, `search` is a substring of the name.
   */
  octopusRoute(
    "GET",
    SCENARIOS,
    "octopus:simScenario:list",
    (req) => {
      const q = req.query;
      const filters: [string, (s: Record<string, any>, v: string) => boolean][] = [
        ["id", (s, v) => String(s.id) === v],
        ["name", (s, v) => s.name === v],
        ["search", (s, v) => s.name.includes(v)],
        ["map", (s, v) => s.map === mapUrl(req.principal, Number(v))],
        ["user_name", (s, v) => s.user_name === v],
        ["status", (s, v) => String(scenarioView(req, s, false).status) === v],
      ];
      const simulator = queryEnum(q, "simulator", SIMULATORS);
      const source = queryEnum(q, "source", SCENARIO_SOURCES);
      const version = queryEnum(q, "version", SCENARIO_VERSIONS);
      const ordering = queryEnum(q, "ordering", ORDERINGS) ?? "id";
      const limit = intParam(q, "limit", 10, 1, 100, "octopus.000001");
      const offset = intParam(q, "offset", 0, 0, Number.MAX_SAFE_INTEGER, "octopus.000001");
      const key = ordering.replace(/^-/, "");
      const sign = ordering.startsWith("-") ? -1 : 1;
      const rows = req.store
        .list(req.principal, SCENARIO_KIND)
        .filter((s) => filters.every(([name, test]) => !q.get(name) || test(s, q.get(name)!)) && (!simulator || s.simulator === simulator) && (!source || s.source === source) && (!version || s.version === version))
        .sort((a, b) => sign * (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) || a.id - b.id);
      const link = (o: number) => `/v2/${req.principal}/sim/sm/scenarios/?limit=${limit}&offset=${o}`;
      return {
        body: {
          count: rows.length,
          next: offset + limit < rows.length ? link(offset + limit) : null,
          previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
          results: rows.slice(offset, offset + limit).map((s) => scenarioView(req, s, false)),
        },
      };
    },
    SIM_BASE,
  ),

  /**
   * §4.18.2. The table marks url, id, times, labels and road_scenario as required, but they are the
   * server's (the example sends none of them): only the writable fields are read. `description` is
   * required (`{content}`); the name is unique (400 octopus.107001, table 7-3).
   */
  octopusRoute(
    "POST",
    SCENARIOS,
    "octopus:simScenario:create",
    (req) => {
      const b = checkFields(req.body, {
        name: field.text({ min: 1, max: 256, required: true }),
        simulator: field.oneOf(SIMULATORS, { required: true }),
        version: field.oneOf(SCENARIO_VERSIONS, { required: true }),
        description: field.object({ content: field.text({ max: 16_777_216, required: true }) }, { required: true }),
        priority,
        map: text(1024),
        map_filename: text(255),
        model: text(1024),
        model_filename: text(255),
        user_id: text(64),
        user_name: text(64),
        source: field.oneOf(SCENARIO_SOURCES),
        gen_scenario: text(1024),
        road_scenario: text(1024),
      });
      if (req.store.findBy(req.principal, SCENARIO_KIND, "name", b.name).length) fail(400, "octopus.107001", `Scenario Name is already exists ("${b.name}")`);
      if (b.map !== undefined) {
        const m = /^\/v2\/[^/]+\/sim\/sm\/maps\/(\d+)\/?$/.exec(b.map);
        if (!m || !req.store.get(req.principal, MAP_KIND, m[1])) invalidParam("map", b.map, "must be the url of an existing scene map (§4.19.1 answer `url`)");
      }
      const id = nextId(req.store);
      const now = seconds(req);
      const row = defined({ ...b, description: b.description!.content, id, priority: b.priority ?? 40, source: b.source ?? "UPLOAD", created_at: now, updated_at: now });
      req.store.put(req.principal, SCENARIO_KIND, String(id), row);
      return { status: 201, body: scenarioView(req, row, true) };
    },
    SIM_BASE,
  ),

  /** §4.18.3: the scene's file (one per scene: the scene answer holds one `file`); a new sha256 replaces the scene's file. */
  octopusRoute(
    "POST",
    `${SCENARIOS}/{parent_lookup_id}/files`,
    "octopus:simScenario:create",
    (req) => {
      const s = scenarioOrFail(req);
      const b = checkFields(req.body, fileShape);
      const sha = registerFile(req, b, "file");
      req.store.put(req.principal, SCENARIO_KIND, String(s.id), { ...s, file_sha256: sha, updated_at: seconds(req) });
      return { status: 201, body: fileView(req, sha, `${scenarioUrl(req.principal, s.id)}files/${sha}/`) };
    },
    SIM_BASE,
  ),

  octopusRoute(
    "PATCH",
    `${SCENARIOS}/{parent_lookup_id}/files/{sha256}`,
    "octopus:simScenario:update",
    (req) => {
      const s = scenarioOrFail(req);
      return patchFile(req, heldFile(req, s.file_sha256), fileUrl(req.principal, req.params.sha256));
    },
    SIM_BASE,
  ),
];

// ---- §4.19 scene maps ---------------------------------------------------------------------------

function mapOrFail(req: EmuRequest) {
  const id = req.params.parent_lookup_id;
  return (/^\d+$/.test(id) ? req.store.get(req.principal, MAP_KIND, id) : undefined) ?? fail(404, "octopus.000141", `The resource does not exist (map ${id})`);
}

const mapRoutes = [
  /**
   * §4.19.1: `version`, `file{sha256, filename}` and `agreement_confirm`, which must be true
   * (400 octopus.102004 "User do not agree the statement"). The example nests `version` inside
   * the answer's `file.post`; the table's top-level `version` is what is answered here.
   */
  octopusRoute(
    "POST",
    "/maps",
    "octopus:simScenario:create",
    (req) => {
      const b = checkFields(req.body, { version: field.oneOf(MAP_VERSIONS, { required: true }), file: field.object(fileShape, { required: true }), agreement_confirm: field.flag() });
      if (b.agreement_confirm !== true) fail(400, "octopus.102004", "User do not agree the statement (agreement_confirm must be true)");
      const sha = registerFile(req, b.file!, "map");
      const id = nextId(req.store);
      const now = seconds(req);
      const row = { id, version: b.version, file_sha256: sha, created_at: now, updated_at: now };
      req.store.put(req.principal, MAP_KIND, String(id), row);
      return { status: 201, body: { url: mapUrl(req.principal, id), id, created_at: now, updated_at: now, file: fileView(req, sha, fileUrl(req.principal, sha)), version: b.version, agreement_confirm: true } };
    },
    SIM_BASE,
  ),

  octopusRoute(
    "PATCH",
    "/maps/{parent_lookup_id}/files/{sha256}",
    "octopus:simScenario:update",
    (req) => {
      const m = mapOrFail(req);
      return patchFile(req, heldFile(req, m.file_sha256), fileUrl(req.principal, req.params.sha256));
    },
    SIM_BASE,
  ),
];

export const sceneRoutes = [...segmentRoutes, ...scenarioRoutes, ...mapRoutes];
