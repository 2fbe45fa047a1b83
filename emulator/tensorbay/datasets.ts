import { randomUUID } from "node:crypto";
import { own, type EmuRequest } from "../http";
import { filterByName, invalid, nameConflict, notExist, optionalBoolean, optionalString, pageBody, requiredString, tensorbayRoute } from "./common";
import { STORAGE_CONFIG_KIND } from "./storageConfigs";
import type { JobRow } from "./jobs";

export const DATASET_KIND = "tensorbay.dataset";
/** A dataset with no commits points at this commit (SDK `struct.py` ROOT_COMMIT_ID). */
export const ROOT_COMMIT = "00000000000000000000000000000000";
export const DEFAULT_BRANCH = "main";

export interface Notes {
  isContinuous: boolean;
  binPointCloudFields: string[] | null;
}
export const DEFAULT_NOTES: Notes = { isContinuous: false, binPointCloudFields: null };

/** A sensor of a fusion segment, as UploadSensor takes it (SDK `sensor/sensor.py` `Sensor.dumps`). */
export interface SensorRow {
  name: string;
  type: string;
  description?: string;
  extrinsics?: unknown;
  intrinsics?: unknown;
}

/** One file of a segment (SDK `Data.get_callback_body`, plus `frameId`/`sensorName` in fusion segments). */
export interface DataRow {
  remotePath: string;
  checksum: string;
  fileSize: number;
  label: Record<string, unknown>;
  frameId?: string;
  sensorName?: string;
}

export interface SegmentRow {
  name: string;
  description: string;
  sensors: Record<string, SensorRow>;
  data: Record<string, DataRow>;
}

/**
 * What a commit or a draft holds: notes, label catalog and segments (with their sensors and data).
 * A draft starts as a copy of its parent commit's, and a commit keeps its draft's.
 */
export interface VersionContent {
  notes: Notes;
  catalog: Record<string, unknown>;
  segments: Record<string, SegmentRow>;
}

/** A version's content; rows stored before catalogs and segments existed hold only notes. */
export function contentOf(row: Partial<VersionContent> | undefined): VersionContent {
  return { notes: row?.notes ?? DEFAULT_NOTES, catalog: row?.catalog ?? {}, segments: row?.segments ?? {} };
}

export interface CommitRow extends VersionContent {
  commitId: string;
  parentCommitId: string;
  title: string;
  description: string;
  committer: { name: string; date: number };
}

export interface DraftRow extends VersionContent {
  number: number;
  title: string;
  description: string;
  branchName: string;
  status: "OPEN" | "CLOSED" | "COMMITTED";
  parentCommitId: string;
  author: { name: string; date: number };
  updatedAt: number;
}

/** A dataset and its whole version history, stored as one row so deleting the dataset deletes it all. */
export interface DatasetRow {
  id: string;
  name: string;
  alias: string;
  type: 0 | 1;
  isPublic: boolean;
  configName: string;
  defaultBranch: string;
  owner: string;
  updateTime: number;
  commits: Record<string, CommitRow>;
  branches: Record<string, string>;
  tags: Record<string, string>;
  drafts: DraftRow[];
  /** Asynchronous jobs (jobs.ts); rows stored before jobs existed have none. */
  jobs?: JobRow[];
}

export const OWNER = "emulator";
export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const newId = () => randomUUID().replace(/-/g, "");

export function datasetOf(req: EmuRequest): DatasetRow {
  return (req.store.get(req.principal, DATASET_KIND, req.params.id) as DatasetRow | undefined) ?? notExist(`dataset ${req.params.id}`);
}

export function saveDataset(req: EmuRequest, ds: DatasetRow): void {
  req.store.put(req.principal, DATASET_KIND, ds.id, { ...ds, updateTime: nowSeconds() });
}

/** ListDataset items and GetDataset (graviti SDK `client/dataset.py` examples). */
function summary(ds: DatasetRow) {
  return { id: ds.id, name: ds.name, alias: ds.alias, type: ds.type, defaultBranch: ds.defaultBranch, commitId: own(ds.branches, ds.defaultBranch), updateTime: ds.updateTime, owner: ds.owner, isPublic: ds.isPublic, configName: ds.configName };
}

function checkNameFree(req: EmuRequest, name: string): void {
  if (req.store.findBy(req.principal, DATASET_KIND, "name", name).length) nameConflict("dataset", name);
}

/** Datasets (§2). */
export const datasetRoutes = [
  tensorbayRoute("POST /datasets", (req) => {
    const b = req.body ?? {};
    const name = requiredString(b.name, "name");
    const type = b.type ?? 0;
    if (type !== 0 && type !== 1) invalid("type", "must be 0 (normal) or 1 (fusion)");
    const configName = optionalString(b.configName, "configName") ?? "";
    if (configName && !req.store.get(req.principal, STORAGE_CONFIG_KIND, configName)) notExist(`storage config ${configName}`);
    checkNameFree(req, name);
    const id = newId();
    const row: DatasetRow = {
      id,
      name,
      alias: optionalString(b.alias, "alias") ?? "",
      type,
      isPublic: optionalBoolean(b.isPublic, "isPublic") ?? false,
      configName,
      defaultBranch: DEFAULT_BRANCH,
      owner: OWNER,
      updateTime: nowSeconds(),
      commits: {},
      branches: { [DEFAULT_BRANCH]: ROOT_COMMIT },
      tags: {},
      drafts: [],
    };
    saveDataset(req, row);
    return { body: { id } };
  }),
  tensorbayRoute("GET /datasets", (req) => pageBody(req, filterByName(req, req.store.list(req.principal, DATASET_KIND) as DatasetRow[]).map(summary), "datasets")),
  tensorbayRoute("GET /datasets/{id}", (req) => {
    const { id: _id, ...fields } = summary(datasetOf(req));
    return { body: fields };
  }),
  tensorbayRoute("PATCH /datasets/{id}", (req) => {
    const ds = datasetOf(req);
    const b = req.body ?? {};
    const name = optionalString(b.name, "name");
    if (name === "") invalid("name", "must not be empty");
    if (name !== undefined && name !== ds.name) checkNameFree(req, name);
    saveDataset(req, { ...ds, name: name ?? ds.name, alias: optionalString(b.alias, "alias") ?? ds.alias, isPublic: optionalBoolean(b.isPublic, "isPublic") ?? ds.isPublic });
    return {};
  }),
  tensorbayRoute("DELETE /datasets/{id}", (req) => {
    req.store.delete(req.principal, DATASET_KIND, datasetOf(req).id);
    return {};
  }),
];
