import { randomUUID } from "node:crypto";
import type { EmuRequest } from "../http";
import { DATASET_FORMS, DATA_SOURCES, DATA_TYPES, FILE_TYPES, LABEL_FORMATS } from "../../provider/octopus/enums";
import { FieldCheck, KIND, checkFields, defined, fail, field, invalidParam, listPage, ok, octopusRoute, queryEnum, queryList, timingOf } from "./common";
import { nowOf } from "../clock";

const TERMINAL = new Set(["SUCCESS", "INTEGRATION_FAILED", "EXPORT_FAILED"]);

const DATASETS = "/common/datasets";
const DATASET = `${DATASETS}/{dataset_id}`;
const VERSIONS = `${DATASET}/versions`;
const VERSION = `${VERSIONS}/{version_id}`;

// Datasets answer "not found" and "duplicate name" with 400 (§4.3.2–§4.4.4, table 7-6).
const datasetNotFound = (id: string): never => fail(400, "octopus.202202", `Dataset do not exist error (${id})`);
const versionNotFound = (id: string): never => fail(400, "octopus.202205", `Dataset version does not exist error (${id})`);

function datasetOrFail(req: EmuRequest, id = req.params.dataset_id) {
  return req.store.get(req.principal, KIND.dataset, id) ?? datasetNotFound(id);
}

/** A version builds from INITIALIZING to SUCCESS in the emulator's work time; computed on access. */
function settled(req: EmuRequest, row: Record<string, any>) {
  if (row.status !== "INITIALIZING" || nowOf(req.store) < row.settles_at) return row;
  return req.store.put(req.principal, KIND.datasetVersion, row.id, { ...row, status: "SUCCESS", update_at: row.settles_at });
}

function versionsOf(req: EmuRequest, datasetId: string) {
  return req.store
    .list(req.principal, KIND.datasetVersion)
    .filter((v) => v.label_dataset_id === datasetId)
    .map((v) => settled(req, v))
    .sort((a, b) => b.number - a.number);
}

/** LabelDatasetVO without the list-only fields; the version counts are derived from the versions. */
function renderDataset(req: EmuRequest, row: Record<string, any>) {
  const { version_seq, ...fields } = row;
  const versions = versionsOf(req, row.id);
  return defined({
    ...fields,
    version_count: versions.length,
    version_success_count: versions.filter((v) => v.status === "SUCCESS").length,
    has_finished: versions.every((v) => TERMINAL.has(v.status)),
  });
}

function renderVersion(row: Record<string, any>) {
  const { number, settles_at, ...fields } = row;
  return defined({ ...fields, has_finished: TERMINAL.has(row.status) });
}

/** Warehouse tag ids are typed [String] but the example sends numbers (§Inconsistencies 18): both are taken, kept as strings. */
const tagId: FieldCheck<string> = (value, key) => {
  if ((typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && value !== "")) return String(value);
  return invalidParam(key, value, "must be a tag id");
};
const ids = field.list(field.text({ min: 1, max: 64 }), { max: 5 });
const strings = (max: number) => field.list(field.text({ min: 1, max: 64 }), { max });

export const datasetRoutes = [
  octopusRoute("GET", DATASETS, "octopus:dataset:list", (req) => {
    const q = req.query;
    const filters = {
      data_type: queryEnum(q, "data_type", DATA_TYPES),
      dataset_form: queryEnum(q, "dataset_form", DATASET_FORMS),
      label_format: queryEnum(q, "label_format", LABEL_FORMATS),
      data_source: queryEnum(q, "data_source", DATA_SOURCES),
      owner: queryEnum(q, "owner", ["CUSTOMER", "SYSTEM"]),
      source_dataset_id: q.get("source_dataset_id") || undefined,
    };
    const name = q.get("name");
    if (name !== null && (name.length < 1 || name.length > 64)) invalidParam("name", name, "length must be 1-64");
    const order = queryEnum(q, "order", ["DESC", "ASC"]) ?? "DESC";
    const statuses = queryList(q, "statuses");
    const rows = req.store
      .list(req.principal, KIND.dataset)
      .filter((d) => Object.entries(filters).every(([k, v]) => v === undefined || d[k] === v) && (!name || d.name.includes(name)))
      .filter((d) => !statuses.length || versionsOf(req, d.id).some((v) => statuses.includes(v.status)))
      .sort((a, b) => (order === "ASC" ? a.update_at - b.update_at : b.update_at - a.update_at))
      .map((d) => ({ ...renderDataset(req, d), publish_status: "UN_PUBLISH", file_size: "0MB" }));
    return listPage(rows, q, { max: 100, default: 10 });
  }),

  // §4.3.2: the required fields depend on the form and the source (§Inconsistencies 13).
  octopusRoute("POST", DATASETS, "octopus:dataset:create", (req) => {
    const b = checkFields(req.body, {
      name: field.text({ min: 1, max: 64, required: true }),
      data_type: field.oneOf(DATA_TYPES),
      dataset_form: field.oneOf(DATASET_FORMS, { required: true }),
      source_dataset_id: field.text({ min: 1, max: 64 }),
      data_source: field.oneOf(DATA_SOURCES, { required: true }),
      description: field.text({ max: 256 }),
      label_format: field.oneOf(LABEL_FORMATS),
      data_source_info: field.object({ label_project_package_id: field.text({ min: 1, max: 64 }), label_project_package_name: field.text({ min: 1, max: 64 }), data_warehouse_id: field.text({ min: 1, max: 64 }) }),
      label_taged: field.flag(),
    });
    const info = b.data_source_info ?? { label_project_package_id: undefined, label_project_package_name: undefined, data_warehouse_id: undefined };
    let { data_type, label_format } = b;
    if (b.dataset_form === "SUBSET") {
      const source = datasetOrFail(req, b.source_dataset_id ?? invalidParam("source_dataset_id", undefined, "is required when dataset_form is SUBSET"));
      ({ data_type, label_format } = source);
    } else {
      data_type ?? invalidParam("data_type", undefined, "is required");
      label_format ?? invalidParam("label_format", undefined, "is required");
    }
    if (b.data_source === "LABEL") {
      info.label_project_package_id ?? invalidParam("data_source_info.label_project_package_id", undefined, "is required when data_source is LABEL");
      info.label_project_package_name ?? invalidParam("data_source_info.label_project_package_name", undefined, "is required when data_source is LABEL");
    }
    if (b.data_source === "HOUSE") info.data_warehouse_id ?? invalidParam("data_source_info.data_warehouse_id", undefined, "is required when data_source is HOUSE");
    if (req.store.findBy(req.principal, KIND.dataset, "name", b.name).length) fail(400, "octopus.202201", `Name has already exists ("${b.name}")`);
    const id = randomUUID();
    const now = nowOf(req.store);
    const row = req.store.put(req.principal, KIND.dataset, id, {
      id,
      name: b.name,
      description: b.description,
      data_type,
      dataset_form: b.dataset_form,
      source_dataset_id: b.source_dataset_id,
      latest_version: 0,
      data_source: b.data_source,
      owner: "CUSTOMER",
      frame_num: 0,
      frame_size: 0,
      project_id: req.principal,
      label_format,
      label_count: 0,
      label_names: [],
      create_at: now,
      update_at: now,
      label_taged: b.label_taged ?? false,
      label_associated: false,
      data_source_info: defined(info),
      tags: [],
      custom_attributes: [],
      version_seq: 0,
    });
    const { version_seq, ...created } = row;
    return ok({ item: defined(created) });
  }),

  octopusRoute("GET", DATASET, "octopus:dataset:get", (req) => {
    const row = datasetOrFail(req);
    const source = row.source_dataset_id ? req.store.get(req.principal, KIND.dataset, row.source_dataset_id) : undefined;
    return ok({ item: defined({ ...renderDataset(req, row), source_dataset_name: source?.name }) });
  }),

  octopusRoute("DELETE", DATASET, "octopus:dataset:delete", (req) => {
    const row = datasetOrFail(req);
    for (const v of versionsOf(req, row.id)) req.store.delete(req.principal, KIND.datasetVersion, v.id);
    req.store.delete(req.principal, KIND.dataset, row.id);
    return ok(row.id);
  }),

  octopusRoute("GET", VERSIONS, "octopus:dataset:list", (req) => {
    const dataset = datasetOrFail(req);
    const name = req.query.get("name");
    if (name !== null && (name.length < 1 || name.length > 64)) invalidParam("name", name, "length must be 1-64");
    const statuses = queryList(req.query, "statuses");
    const order = queryEnum(req.query, "order", ["DESC", "ASC"]) ?? "DESC";
    const rows = versionsOf(req, dataset.id)
      .filter((v) => (!name || v.name.includes(name)) && (!statuses.length || statuses.includes(v.status)))
      .sort((a, b) => (order === "ASC" ? a.number - b.number : b.number - a.number))
      .map(renderVersion);
    return listPage(rows, req.query, { max: 100, default: 10 });
  }),

  // §4.4.2: what a version needs depends on where the dataset's data comes from.
  octopusRoute("POST", VERSIONS, "octopus:dataset:create", (req) => {
    const dataset = datasetOrFail(req);
    const b = checkFields(req.body, {
      batch_task_id: field.text({ min: 1, max: 64 }),
      label_meta_names: strings(100),
      only_valid: field.flag(),
      hard_mining: field.flag(),
      status: field.oneOf(["all", "labeled"] as const),
      description: field.text({ max: 256 }),
      bucket_path: field.text({ min: 1, max: 1024 }),
      bucket_name: field.text({ min: 1, max: 63 }),
      warehouse_params: field.object({
        data_process_task_ids: ids,
        raw_data_ids: ids,
        start_time: field.integer({ min: 0 }),
        end_time: field.integer({ min: 0 }),
        file_name: field.text({ max: 64 }),
        file_types: field.list(field.oneOf(FILE_TYPES), { max: 6 }),
        and_tags: field.list(tagId, { max: 5 }),
        or_tags: field.list(tagId, { max: 5 }),
        and_custom_attributes: ids,
        or_custom_attributes: ids,
      }),
      custom_image: field.text({ min: 3, max: 64 }),
      command: field.text({ min: 1, max: 1024 }),
      agreement_confirm: field.flag({ required: true }),
      tags: strings(100),
      custom_attributes: strings(100),
    });
    if (!b.agreement_confirm) fail(400, "octopus.102004", "User do not agree the statement");
    if (b.custom_image !== undefined && !/^\d+:\d+$/.test(b.custom_image)) invalidParam("custom_image", b.custom_image, 'must be "<customImageRepoId>:<version>"');
    const needs: Record<string, (keyof typeof b)[]> = { LABEL: ["batch_task_id", "label_meta_names", "status"], OBS: ["bucket_name", "bucket_path"], HOUSE: ["warehouse_params"] };
    for (const key of needs[dataset.data_source] ?? []) if (b[key] === undefined) invalidParam(key, undefined, `is required when the dataset's data_source is ${dataset.data_source}`);
    const w = b.warehouse_params;
    if (w?.start_time !== undefined && w.end_time !== undefined && w.end_time < w.start_time) fail(400, "octopus.108002", "Time parameters is invalid (end_time is before start_time)");
    const number = dataset.version_seq + 1;
    const now = nowOf(req.store);
    const id = randomUUID();
    const { status: searchStatus, ...fields } = b;
    req.store.put(req.principal, KIND.dataset, dataset.id, { ...dataset, version_seq: number, latest_version: number, update_at: now });
    const row = req.store.put(req.principal, KIND.datasetVersion, id, {
      ...defined(fields),
      id,
      label_dataset_id: dataset.id,
      name: `V${number}`,
      number,
      search_status: searchStatus,
      label_format: dataset.label_format,
      status: "INITIALIZING",
      frame_num: 0,
      frame_size: 0,
      label_count: 0,
      label_names: [],
      tags: b.tags ?? [],
      custom_attributes: b.custom_attributes ?? [],
      project_id: req.principal,
      create_at: now,
      update_at: now,
      settles_at: now + timingOf(req.store).durationMs,
    });
    return ok({ item: renderVersion(row) });
  }),

  octopusRoute("GET", VERSION, "octopus:dataset:get", (req) => {
    const dataset = datasetOrFail(req);
    const row = versionsOf(req, dataset.id).find((v) => v.id === req.params.version_id) ?? versionNotFound(req.params.version_id);
    return ok({ item: { ...renderVersion(row), label_infos: [], tag_infos: [], custom_attribute_infos: [], frame_ids: [] } });
  }),

  // Versions are deleted newest first (400 octopus.202207 otherwise).
  octopusRoute("DELETE", VERSION, "octopus:dataset:delete", (req) => {
    const dataset = datasetOrFail(req);
    const versions = versionsOf(req, dataset.id);
    const row = versions.find((v) => v.id === req.params.version_id) ?? versionNotFound(req.params.version_id);
    if (row.number !== versions[0].number) fail(400, "octopus.202207", `This version is not the latest version (${row.name}; delete ${versions[0].name} first)`);
    req.store.delete(req.principal, KIND.datasetVersion, row.id);
    req.store.put(req.principal, KIND.dataset, dataset.id, { ...datasetOrFail(req), latest_version: versions[1]?.number ?? 0, update_at: nowOf(req.store) });
    return ok(row.id);
  }),
];
