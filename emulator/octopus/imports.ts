/**
 * Octopus data import tasks (§4.10): created WAITING_IMPORT (§4.10.2), started (§4.10.5), then
 * IMPORTING for the emulator's work time and SUCCESS or FAILED (see `Timing.importOutcome`).
 */
import type { EmuRequest } from "../http";
import { IMPORT_SOURCE_TYPES, IMPORT_STATUSES } from "../../provider/octopus/enums";
import { EMULATOR_USER_ID, KIND, TIME_SORTS, timestampQuery, NO_BODY, checkFields, defined, fail, field, invalidParam, listPage, nextId, ok, octopusRoute, queryEnum, queryList, timingOf } from "./common";
import { checkEnvs, checkSpec, jobEnvs } from "./jobs";
import { processorById } from "./processors";
import { insertPackage } from "./dataPackages";
import { PACKAGE_KIND } from "./sceneKinds";
import { runState } from "./runs";
import { nowOf } from "../clock";

const RECORDS = "/data/import-records";
const RECORD = `${RECORDS}/{id}`;
/** §4.10.3: "以DCL开头加13位数字". */
const DCL_ID = /^DCL\d{13}$/;

/** §4.10.1 spells the sorts with `_AT`. */
const SORTS = { CREATE_AT_ASC: TIME_SORTS.CREATE_ASC, CREATE_AT_DESC: TIME_SORTS.CREATE_DESC, UPDATE_AT_ASC: TIME_SORTS.UPDATE_ASC, UPDATE_AT_DESC: TIME_SORTS.UPDATE_DESC };

const processorConfig = field.object({
  processor_id: field.integer({ min: 1, required: true }),
  resource_spec: field.text({ min: 1, max: 64, required: true }),
  envs: jobEnvs,
});

/** A DataProcessorConfig (§4.10.2 table 4-208) names an operator that exists, a spec the cluster has and distinct env keys. */
function checkProcessorConfig(req: EmuRequest, config: { processor_id?: number; resource_spec?: string; envs?: { key?: string }[] } | undefined, key: string) {
  if (!config) return undefined;
  processorById(req, config.processor_id!);
  checkSpec(config.resource_spec, `${key}.resource_spec`);
  checkEnvs(config.envs, `${key}.envs`);
  return defined(config);
}

function recordOrFail(req: EmuRequest) {
  const id = req.params.id;
  if (!DCL_ID.test(id)) invalidParam("id", id, "must be DCL followed by 13 digits");
  return landed(req, req.store.get(req.principal, KIND.importRecord, id) ?? fail(404, "octopus.000141", `The resource does not exist (import task ${id})`));
}

/** Status as of now: WAITING_IMPORT until started, then IMPORTING and the outcome. */
function statusOf(req: EmuRequest, row: Record<string, any>) {
  if (!row.run) return { status: "WAITING_IMPORT", since: row.create_at };
  return runState(row.run, nowOf(req.store), [], "IMPORTING");
}

/**
 * A successful import has made its data packages (§4.9, "DPK…" ids, with the task's `dcl_id`):
 * stored once, when the import is first seen SUCCESS. The document gives a recording's vehicle
 * and time span nowhere in §4.10: the vehicle is the path's last segment (the collection, e.g.
 * "DO2023…"), and each recording is the minute before the import ended.
 */
function landed(req: EmuRequest, row: Record<string, any>): Record<string, any> {
  const state = statusOf(req, row);
  if (state.status !== "SUCCESS" || row.package_ids) return row;
  const vehicle = String(row.data_source).split("/").filter(Boolean).pop()!;
  const seed = (name: string) => ({ name, vehicle_name: vehicle, start_time: state.since - 60_000, end_time: state.since, data_source: row.source_type });
  const ids = row.import_config.packages.map((name: string) => insertPackage(req.store, req.principal, seed(name), row.dcl_id));
  return req.store.put(req.principal, KIND.importRecord, row.dcl_id, { ...row, package_ids: ids });
}

/** DataCollectionConsole (§4.10.1; the example's `dc_id` is the table's `dcl_id`). */
function listed(req: EmuRequest, row: Record<string, any>) {
  const { status, since } = statusOf(req, row);
  return { id: row.id, user_id: row.user_id, user_name: row.user_name, project_id: row.project_id, dcl_id: row.dcl_id, status, create_at: row.create_at, update_at: Math.max(row.update_at, since), data_source: row.data_source, source_type: row.source_type };
}

/** DataCollectionDetail (§4.10.3): the progress counts packages; a failed import fails them all. */
function detail(req: EmuRequest, row: Record<string, any>) {
  const { status, ...fields } = listed(req, row);
  const total = row.import_config.packages.length;
  const counts = { WAITING_IMPORT: [0, 0, 0], IMPORTING: [0, 0, total], SUCCESS: [total, 0, 0], FAILED: [0, total, 0] }[status as "SUCCESS"] ?? [0, 0, 0];
  return { ...fields, import_progress: { status, total_num: total, success_num: counts[0], failed_num: counts[1], importing_num: counts[2] }, import_config: row.import_config };
}

export const importRoutes = [
  octopusRoute("GET", RECORDS, "octopus:dataImportRecord:list", (req) => {
    const q = req.query;
    const statuses = queryList(q, "status");
    if (statuses.length > 20) invalidParam("status", statuses.join(","), "must have at most 20 values");
    for (const s of statuses) if (!(IMPORT_STATUSES as readonly string[]).includes(s)) invalidParam("status", s, `must be one of ${IMPORT_STATUSES.join(", ")}`);
    const id = q.get("id") || undefined;
    if (id && id.length > 255) invalidParam("id", id, "length must be at most 255");
    const [from, to] = [timestampQuery(q, "start_at"), timestampQuery(q, "end_at")];
    const sort = queryEnum(q, "sort", Object.keys(SORTS)) ?? "UPDATE_AT_DESC";
    const sourceType = queryEnum(q, "source_type", IMPORT_SOURCE_TYPES);
    const rows = req.store
      .list(req.principal, KIND.importRecord)
      .map((row) => listed(req, landed(req, row)))
      .filter((r) => (!statuses.length || statuses.includes(r.status)) && (!id || r.dcl_id.includes(id)) && (from === undefined || r.create_at >= from) && (to === undefined || r.create_at <= to) && (!sourceType || r.source_type === sourceType))
      .sort(SORTS[sort as keyof typeof SORTS]);
    return listPage(rows, q, { max: 200, default: 10 });
  }),

  octopusRoute("POST", RECORDS, "octopus:dataImportRecord:create", (req) => {
    const b = checkFields(req.body, {
      type: field.oneOf(IMPORT_SOURCE_TYPES, { required: true }),
      path: field.text({ min: 1, max: 255, required: true }),
      ak: field.text({ min: 20, max: 20, required: true }),
      sk: field.text({ min: 40, max: 40, required: true }),
      packages: field.list(field.text({ min: 1, max: 255 }), { max: 10 }),
      agreement_confirm: field.flag({ required: true }),
      opendata_processor_config: processorConfig,
      desensitize_processor_config: processorConfig,
    });
    // The key pair is checked by form only and never stored or answered (§4.10.3 does not return it).
    if (!/^[A-Z0-9]{20}$/.test(b.ak!)) invalidParam("ak", "(hidden)", "must be 20 uppercase letters or digits");
    if (!/^[A-Za-z0-9]{40}$/.test(b.sk!)) invalidParam("sk", "(hidden)", "must be 40 letters or digits");
    if (!b.packages?.length) invalidParam("packages", b.packages, "is required: 1-10 package names");
    if (!b.agreement_confirm) fail(400, "octopus.102004", "User do not agree the statement");
    const opendata = checkProcessorConfig(req, b.opendata_processor_config, "opendata_processor_config");
    const desensitize = checkProcessorConfig(req, b.desensitize_processor_config, "desensitize_processor_config");
    const id = nextId(req.store);
    const dclId = `DCL${String(id).padStart(13, "0")}`;
    const now = nowOf(req.store);
    req.store.put(req.principal, KIND.importRecord, dclId, {
      id,
      dcl_id: dclId,
      user_id: EMULATOR_USER_ID,
      user_name: EMULATOR_USER_ID,
      project_id: req.principal,
      create_at: now,
      update_at: now,
      data_source: b.path,
      source_type: b.type,
      import_config: defined({
        type: b.type,
        path: b.path,
        packages: b.packages,
        agreement_confirm: true,
        is_select_all_packages: false,
        priority: 0,
        opendata_processor_config: opendata,
        desensitize_processor_config: desensitize,
      }),
    });
    return ok({ item: dclId }, 201);
  }),

  octopusRoute("GET", RECORD, "octopus:dataImportRecord:get", (req) => ok({ item: detail(req, recordOrFail(req)) })),

  /**
   * 409 while the import is under way (§4.10.4 "当前状态不允许删除", octopus.102006 Collection status
   * conflict). §4.10's DELETING / DELETE_FAILED / DELETED states show a delete that removes what
   * was imported: the task's packages go with it (at once in the emulator, so it is never DELETING).
   */
  octopusRoute("DELETE", RECORD, "octopus:dataImportRecord:delete", (req) => {
    const row = recordOrFail(req);
    const { status } = statusOf(req, row);
    if (status === "IMPORTING") fail(409, "octopus.102006", `Collection status conflict (import task ${row.dcl_id} is IMPORTING)`);
    for (const id of row.package_ids ?? []) req.store.delete(req.principal, PACKAGE_KIND, id);
    req.store.delete(req.principal, KIND.importRecord, row.dcl_id);
    return NO_BODY;
  }),

  /**
   * §4.10.5 starts a waiting import; the document does not say whether a failed one can be started
   * again: decided yes (that is how a failed import is retried), anything else is a 409 conflict.
   */
  octopusRoute("POST", `${RECORD}/import`, "octopus:dataImportRecord:import", (req) => {
    const row = recordOrFail(req);
    const { status } = statusOf(req, row);
    if (status !== "WAITING_IMPORT" && status !== "FAILED") fail(409, "octopus.102006", `Collection status conflict (import task ${row.dcl_id} is ${status})`);
    const b = checkFields(req.body, { desensitization: processorConfig });
    const desensitization = checkProcessorConfig(req, b.desensitization, "desensitization");
    const timing = timingOf(req.store);
    const now = nowOf(req.store);
    req.store.put(req.principal, KIND.importRecord, row.dcl_id, {
      ...row,
      import_config: defined({ ...row.import_config, desensitize_processor_config: desensitization ?? row.import_config.desensitize_processor_config }),
      run: { queuedAt: now, phases: ["IMPORTING"], phaseMs: timing.durationMs, outcome: timing.importOutcome },
      update_at: now,
    });
    return ok({ item: row.dcl_id });
  }),
];
