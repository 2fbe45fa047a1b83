import { createHash } from "node:crypto";
import { own, type EmuRequest } from "../http";
import { invalid, missing, nameConflict, notExist, optionalString, pageBody, requiredString, tensorbayRoute } from "./common";
import { DATASET_KIND, DataRow, DatasetRow, SegmentRow, SensorRow, VersionContent, datasetOf } from "./datasets";
import { CLOUD_FILES_KIND } from "./storageConfigs";
import { byName, contentAt, editDraft } from "./versions";

/**
 * The content of a dataset version (wire format "Data / frames / sensors" and "Labels and sizes"):
 * segments, the label catalog, sensors of fusion segments, data files and their labels. Every
 * read names its version with `commit` or `draftNumber` in the query, every write names an OPEN
 * draft with `draftNumber` in the body (SDK `client/dataset.py`, `client/segment.py`).
 */

/** The label types a catalog may hold (SDK `label/label.py` LabelType on the 1.25 HEAD; docs `reference/label_format`). */
export const LABEL_TYPES = ["CLASSIFICATION", "BOX2D", "BOX3D", "POLYGON", "MULTI_POLYGON", "RLE", "POLYLINE2D", "MULTI_POLYLINE2D", "KEYPOINTS2D", "SENTENCE", "SEMANTIC_MASK", "INSTANCE_MASK", "PANOPTIC_MASK"];

/** The mask label types (SDK `client/segment.py` `list_mask_urls`). */
const MASK_TYPES = ["SEMANTIC_MASK", "INSTANCE_MASK", "PANOPTIC_MASK"];

/** SDK `sensor/sensor.py` SensorType; only cameras have intrinsics. */
export const SENSOR_TYPES = ["LIDAR", "RADAR", "CAMERA", "FISHEYE_CAMERA"];
const CAMERAS = new Set(["CAMERA", "FISHEYE_CAMERA"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function segmentOf(content: VersionContent, name: string): SegmentRow {
  return own(content.segments, name) ?? notExist(`segment ${name}`);
}

/** Reads name the segment in the query, writes in the body. */
const segmentInQuery = (req: EmuRequest) => requiredString(req.query.get("segmentName") ?? undefined, "segmentName");
const segmentInBody = (req: EmuRequest) => requiredString(req.body?.segmentName, "segmentName");

/** A changed segment inside a draft's content. */
function withSegment(content: VersionContent, segment: SegmentRow): Partial<VersionContent> {
  return { segments: { ...content.segments, [segment.name]: segment } };
}

/**
 * The catalog body (`{catalog: {LABEL_TYPE: subcatalog}}`, SDK `Catalog.dumps`): label types and
 * the documented required fields are checked (`categories[].name`, `attributes[].name`); the
 * rest is kept as sent, as the SDK keeps what it loads.
 */
function parseCatalog(catalog: unknown): Record<string, unknown> {
  if (catalog === undefined || catalog === null) missing("catalog");
  if (!isObject(catalog)) return invalid("catalog", "must be an object keyed by label type");
  for (const [type, subcatalog] of Object.entries(catalog)) {
    if (!LABEL_TYPES.includes(type)) invalid(`catalog.${type}`, `is not a label type (${LABEL_TYPES.join(", ")})`);
    if (!isObject(subcatalog)) invalid(`catalog.${type}`, "must be an object");
    for (const list of ["categories", "attributes"]) {
      const items = (subcatalog as Record<string, unknown>)[list];
      if (items === undefined) continue;
      if (!Array.isArray(items)) invalid(`catalog.${type}.${list}`, "must be an array");
      (items as unknown[]).forEach((item, i) => {
        if (!isObject(item) || typeof item.name !== "string" || !item.name) invalid(`catalog.${type}.${list}[${i}].name`, "is required");
      });
    }
  }
  return catalog;
}

/** An UploadSensor body (SDK `Sensor.dumps` plus `segmentName` and the version context). */
function parseSensor(body: Record<string, unknown>): SensorRow {
  const name = requiredString(body.name, "name");
  const type = requiredString(body.type, "type");
  if (!SENSOR_TYPES.includes(type)) invalid("type", `must be one of ${SENSOR_TYPES.join(", ")}`);
  if (body.intrinsics !== undefined && !CAMERAS.has(type)) invalid("intrinsics", "applies only to CAMERA and FISHEYE_CAMERA sensors");
  for (const field of ["extrinsics", "intrinsics"]) if (body[field] !== undefined && !isObject(body[field])) invalid(field, "must be an object");
  const sensor: SensorRow = { name, type };
  const description = optionalString(body.description, "description");
  if (description) sensor.description = description;
  if (body.extrinsics !== undefined) sensor.extrinsics = body.extrinsics;
  if (body.intrinsics !== undefined) sensor.intrinsics = body.intrinsics;
  return sensor;
}

/** Fusion datasets (type 1) have sensors; the SDK offers sensor calls only on `FusionSegmentClient`. */
function requireFusion(ds: DatasetRow): void {
  if (ds.type !== 1) invalid("segmentName", `names a segment of dataset ${ds.name}, which is not a fusion dataset: only fusion datasets have sensors`);
}

/** A data row as the list calls answer it; the URL is a stand-in the emulator does not serve. */
function dataUrl(req: EmuRequest, segment: string, row: DataRow): string {
  return `https://emulator.invalid/tensorbay/${req.params.id}/${encodeURIComponent(segment)}/${encodeURIComponent(row.remotePath)}`;
}

interface FileDetail {
  remotePath: string;
  label: Record<string, unknown>;
  url: string;
  sensorName?: string;
}
type FrameDetail = { frameId: string; frame: FileDetail[] };

/** ListDataDetails items: one per file, or one per frame in a fusion dataset (SDK `_generate_frames`: `frame[]` of `sensorName`, `url`). */
function dataDetails(req: EmuRequest, ds: DatasetRow, segment: SegmentRow): (FileDetail | FrameDetail)[] {
  const rows = Object.values(segment.data).sort((a, b) => byName(a.remotePath, b.remotePath));
  if (ds.type !== 1) return rows.map((row) => ({ remotePath: row.remotePath, label: row.label, url: dataUrl(req, segment.name, row) }));
  const frames = new Map<string, FileDetail[]>();
  for (const row of rows) frames.set(row.frameId!, [...(frames.get(row.frameId!) ?? []), { sensorName: row.sensorName, remotePath: row.remotePath, label: row.label, url: dataUrl(req, segment.name, row) }]);
  return [...frames.keys()].sort(byName).map((frameId) => ({ frameId, frame: frames.get(frameId)! }));
}

/** A label body: an object keyed by label type, as the SDK's `Label.dumps` sends it. */
function parseLabel(label: unknown, field: string): Record<string, unknown> {
  if (!isObject(label)) return invalid(field, "must be an object keyed by label type");
  for (const type of Object.keys(label)) if (!LABEL_TYPES.includes(type)) invalid(`${field}.${type}`, "is not a label type");
  return label;
}

/** The data rows a batch of uploads (`objects[]`) adds to a segment (SDK `_synchronize_upload_info`, `Data.get_callback_body`). */
function parseUploads(ds: DatasetRow, segment: SegmentRow, objects: unknown): Record<string, DataRow> {
  if (!Array.isArray(objects) || objects.length === 0) invalid("objects", "must be a non-empty array");
  const data = { ...segment.data };
  (objects as unknown[]).forEach((object, i) => {
    if (!isObject(object)) invalid(`objects[${i}]`, "must be an object");
    const o = object as Record<string, unknown>;
    const fileSize = o.fileSize;
    if (typeof fileSize !== "number" || !Number.isInteger(fileSize) || fileSize < 0) invalid(`objects[${i}].fileSize`, "must be a non-negative integer");
    const row: DataRow = { remotePath: requiredString(o.remotePath, `objects[${i}].remotePath`), checksum: requiredString(o.checksum, `objects[${i}].checksum`), fileSize: fileSize as number, label: o.label === undefined ? {} : parseLabel(o.label, `objects[${i}].label`) };
    if (ds.type === 1) {
      row.frameId = requiredString(o.frameId, `objects[${i}].frameId`);
      row.sensorName = requiredString(o.sensorName, `objects[${i}].sensorName`);
      if (!own(segment.sensors, row.sensorName)) notExist(`sensor ${row.sensorName}`);
    }
    data[row.remotePath] = row;
  });
  return data;
}

/** Sets the labels of existing files (UploadLabel, MultiUploadLabel). */
function relabel(segment: SegmentRow, labels: { remotePath: unknown; label: unknown }[]): SegmentRow {
  const data = { ...segment.data };
  labels.forEach(({ remotePath, label }, i) => {
    const path = requiredString(remotePath, `objects[${i}].remotePath`);
    const row = own(data, path) ?? notExist(`data ${path}`);
    data[path] = { ...row, label: parseLabel(label, `objects[${i}].label`) };
  });
  return { ...segment, data };
}

const STRATEGIES = ["abort", "override", "skip"];

function pathList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((p) => typeof p === "string" && p)) return invalid(field, "must be a non-empty array of paths");
  return value as string[];
}

/**
 * OperateData: copy or move files into a segment of the draft (SDK `SegmentClient.copy_data`,
 * `move_data`: `POST data?multipleCopy` / `data?multipleMove`, `source: {segmentName,
 * remotePaths, id?, commit|draftNumber?}`, `remotePaths` for new names, `strategy` for a path
 * already taken: "abort" refuses (NameConflict), "override" replaces, "skip" keeps it). A copy
 * may come from another version or dataset; a move stays in its draft. Normal datasets only:
 * the SDK offers these on `SegmentClient`, not on fusion segments.
 */
function operateData(req: EmuRequest) {
  const ds = datasetOf(req);
  const move = req.query.has("multipleMove");
  if (!move && !req.query.has("multipleCopy")) invalid("operation", "must be named in the query: multipleCopy or multipleMove");
  if (ds.type === 1) invalid("segmentName", `names a segment of fusion dataset ${ds.name}: files are copied and moved in normal datasets`);
  const b = req.body ?? {};
  const strategy = b.strategy ?? "abort";
  if (!STRATEGIES.includes(strategy)) invalid("strategy", `must be one of ${STRATEGIES.join(", ")}`);
  const segmentName = segmentInBody(req);
  const source = isObject(b.source) ? b.source : invalid("source", "must be an object");
  const sourceSegmentName = requiredString(source.segmentName, "source.segmentName");
  const sourcePaths = pathList(source.remotePaths, "source.remotePaths");
  const targetPaths = b.remotePaths === undefined ? sourcePaths : pathList(b.remotePaths, "remotePaths");
  if (targetPaths.length !== sourcePaths.length) invalid("remotePaths", `must name ${sourcePaths.length} paths, one per source path`);
  const elsewhere = source.id !== undefined || source.commit !== undefined || source.draftNumber !== undefined;
  if (move && elsewhere && !((source.id ?? ds.id) === ds.id && String(source.draftNumber) === String(b.draftNumber))) invalid("source", "a move stays in its draft: it takes no other dataset, commit or draft");
  const sourceDataset = source.id === undefined ? ds : ((req.store.get(req.principal, DATASET_KIND, String(source.id)) as DatasetRow | undefined) ?? notExist(`dataset ${source.id}`));
  editDraft(req, ds, (content) => {
    const version = new URLSearchParams(Object.entries({ commit: source.commit, draftNumber: source.draftNumber }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    const from = segmentOf(elsewhere ? contentAt(sourceDataset, version) : content, sourceSegmentName);
    const target = segmentOf(content, segmentName);
    const moved = new Set(move ? sourcePaths : []);
    const data = { ...target.data };
    sourcePaths.forEach((path, i) => {
      const row = own(from.data, path) ?? notExist(`data ${path}`);
      const dest = targetPaths[i];
      const taken = own(data, dest) && !(sourceSegmentName === segmentName && moved.has(dest));
      if (taken && strategy === "abort") nameConflict("data", dest);
      if (taken && strategy === "skip") {
        // Skipped: a moved file stays where it was.
        moved.delete(path);
        return;
      }
      data[dest] = { ...row, remotePath: dest };
    });
    // A moved file leaves its old path, unless that path is also where a file went.
    const remaining = (rows: Record<string, DataRow>, destinations: Set<string>) => Object.fromEntries(Object.entries(rows).filter(([path]) => !moved.has(path) || destinations.has(path)));
    if (sourceSegmentName === segmentName) return withSegment(content, { ...target, data: remaining(data, new Set(targetPaths)) });
    const changed = { ...content.segments, [segmentName]: { ...target, data } };
    return { segments: move ? { ...changed, [sourceSegmentName]: { ...from, data: remaining(from.data, new Set()) } } : changed };
  });
  return {};
}

export const contentRoutes = [
  // Segments (CreateSegment, ListSegment, DeleteSegment; SDK `client/dataset.py` `_create_segment`, `_list_segments`, `delete_segment`).
  tensorbayRoute("POST /datasets/{id}/segments", (req) => {
    const ds = datasetOf(req);
    const name = requiredString(req.body?.name, "name");
    editDraft(req, ds, (content) => {
      if (own(content.segments, name)) nameConflict("segment", name);
      // The SDK sends only `name`; the list answers `description`, which is "" for a segment made this way.
      return withSegment(content, { name, description: "", sensors: {}, data: {} });
    });
    return {};
  }),
  tensorbayRoute("GET /datasets/{id}/segments", (req) => {
    const content = contentAt(datasetOf(req), req.query);
    const rows = Object.values(content.segments).sort((a, b) => byName(a.name, b.name));
    return pageBody(req, rows.map(({ name, description }) => ({ name, description })), "segments");
  }),
  tensorbayRoute("DELETE /datasets/{id}/segments", (req) => {
    const ds = datasetOf(req);
    const name = requiredString(req.body?.segmentName, "segmentName");
    editDraft(req, ds, (content) => {
      segmentOf(content, name);
      const { [name]: _gone, ...rest } = content.segments;
      return { segments: rest };
    });
    return {};
  }),

  // Label catalog (UploadLabelCatalog, GetLabelCatalog; SDK `upload_catalog`, `get_catalog`): the whole catalog is replaced.
  tensorbayRoute("PUT /datasets/{id}/labels/catalogs", (req) => {
    const ds = datasetOf(req);
    const catalog = parseCatalog(req.body?.catalog);
    editDraft(req, ds, () => ({ catalog }));
    return {};
  }),
  tensorbayRoute("GET /datasets/{id}/labels/catalogs", (req) => ({ body: { catalog: contentAt(datasetOf(req), req.query).catalog } })),

  // Sensors of a fusion segment (UploadSensor, DeleteSensor, ListSensor; SDK `FusionSegmentClient`). The list is not paged: the SDK reads `sensors` alone.
  tensorbayRoute("POST /datasets/{id}/sensors", (req) => {
    const ds = datasetOf(req);
    const segmentName = segmentInBody(req);
    requireFusion(ds);
    const sensor = parseSensor(req.body);
    // An upload replaces the sensor of that name, keeping its files, like the catalog and label
    // uploads replace theirs: the list has no call that changes a sensor otherwise.
    editDraft(req, ds, (content) => {
      const segment = segmentOf(content, segmentName);
      return withSegment(content, { ...segment, sensors: { ...segment.sensors, [sensor.name]: sensor } });
    });
    return {};
  }),
  tensorbayRoute("GET /datasets/{id}/sensors", (req) => {
    const segment = segmentOf(contentAt(datasetOf(req), req.query), segmentInQuery(req));
    return { body: { sensors: Object.values(segment.sensors).sort((a, b) => byName(a.name, b.name)) } };
  }),
  tensorbayRoute("DELETE /datasets/{id}/sensors", (req) => {
    const ds = datasetOf(req);
    const segmentName = segmentInBody(req);
    const sensorName = requiredString(req.body?.sensorName, "sensorName");
    editDraft(req, ds, (content) => {
      const segment = segmentOf(content, segmentName);
      if (!own(segment.sensors, sensorName)) notExist(`sensor ${sensorName}`);
      const { [sensorName]: _gone, ...sensors } = segment.sensors;
      // The sensor's files go with it: a frame file names its sensor.
      const data = Object.fromEntries(Object.entries(segment.data).filter(([, row]) => row.sensorName !== sensorName));
      return withSegment(content, { ...segment, sensors, data });
    });
    return {};
  }),

  // Data (MultiPutCallback, ListData, ListDataDetails, DeleteData, DeleteFrame, GetTotalSize). Files themselves go to the
  // storage the upload policy names; the callback registers them (SDK `_synchronize_upload_info`).
  tensorbayRoute("PUT /datasets/{id}/multi/callback", (req) => {
    const ds = datasetOf(req);
    const segmentName = segmentInBody(req);
    editDraft(req, ds, (content) => {
      const segment = segmentOf(content, segmentName);
      return withSegment(content, { ...segment, data: parseUploads(ds, segment, req.body.objects) });
    });
    return {};
  }),
  // CloudCallback: files already in the bucket of the dataset's storage config become data (SDK `import_auth_data`).
  tensorbayRoute("PUT /datasets/{id}/multi/cloud-callback", (req) => {
    const ds = datasetOf(req);
    const segmentName = segmentInBody(req);
    if (!ds.configName) invalid("segmentName", `names a segment of dataset ${ds.name}, which is on Graviti storage: only datasets on a storage config import cloud files`);
    const objects = req.body.objects;
    if (!Array.isArray(objects) || objects.length === 0) invalid("objects", "must be a non-empty array");
    const inBucket = new Set(((req.store.get(req.principal, CLOUD_FILES_KIND, ds.configName) as { files: string[] } | undefined)?.files ?? []));
    const uploads = (objects as Record<string, unknown>[]).map((o, i) => {
      const cloudPath = requiredString(o?.cloudPath, `objects[${i}].cloudPath`);
      if (!inBucket.has(cloudPath)) notExist(`cloud file ${cloudPath}`);
      // The bucket's file is not read: its path stands in for the checksum, and its size is not known.
      return { ...o, checksum: createHash("sha1").update(cloudPath).digest("hex"), fileSize: 0 };
    });
    editDraft(req, ds, (content) => {
      const segment = segmentOf(content, segmentName);
      return withSegment(content, { ...segment, data: parseUploads(ds, segment, uploads) });
    });
    return {};
  }),
  tensorbayRoute("GET /datasets/{id}/data", (req) => {
    const segment = segmentOf(contentAt(datasetOf(req), req.query), segmentInQuery(req));
    const paths = Object.keys(segment.data).sort(byName);
    return pageBody(req, paths.map((remotePath) => ({ remotePath })), "data");
  }),
  tensorbayRoute("GET /datasets/{id}/data/details", (req) => {
    const ds = datasetOf(req);
    const segment = segmentOf(contentAt(ds, req.query), segmentInQuery(req));
    return pageBody(req, dataDetails(req, ds, segment), "dataDetails");
  }),
  // GetDataUrls: one `remotePath`, or a page (SDK `_get_url`, `_list_urls`); a fusion segment answers per frame, per sensor.
  tensorbayRoute("GET /datasets/{id}/data/urls", (req) => {
    const ds = datasetOf(req);
    const segment = segmentOf(contentAt(ds, req.query), segmentInQuery(req));
    const remotePath = req.query.get("remotePath");
    if (remotePath) {
      const row = own(segment.data, remotePath) ?? notExist(`data ${remotePath}`);
      return { body: { urls: [{ remotePath, url: dataUrl(req, segment.name, row) }], totalCount: 1 } };
    }
    const urls = dataDetails(req, ds, segment).map((d) => ("frame" in d ? { frameId: d.frameId, urls: d.frame.map((f) => ({ sensorName: f.sensorName, url: f.url })) } : { remotePath: d.remotePath, url: d.url }));
    return pageBody(req, urls, "urls");
  }),
  tensorbayRoute("POST /datasets/{id}/data", operateData),
  // ListMaskUrls (SDK `_list_mask_urls`): one URL per file of the page, in ListDataDetails order, "" for a file whose label has no mask of that type.
  tensorbayRoute("GET /datasets/{id}/masks/urls", (req) => {
    const ds = datasetOf(req);
    const segment = segmentOf(contentAt(ds, req.query), segmentInQuery(req));
    const maskType = requiredString(req.query.get("maskType") ?? undefined, "maskType");
    if (!MASK_TYPES.includes(maskType)) invalid("maskType", `must be one of ${MASK_TYPES.join(", ")}`);
    const rows = Object.values(segment.data).sort((a, b) => byName(a.remotePath, b.remotePath));
    return pageBody(req, rows.map((row) => ({ url: own(row.label, maskType) === undefined ? "" : `${dataUrl(req, segment.name, row)}/${maskType.toLowerCase()}` })), "urls");
  }),
  tensorbayRoute("DELETE /datasets/{id}/data", (req) => {
    const ds = datasetOf(req);
    const segmentName = segmentInBody(req);
    const remotePath = requiredString(req.body?.remotePath, "remotePath");
    editDraft(req, ds, (content) => {
      const segment = segmentOf(content, segmentName);
      if (!own(segment.data, remotePath)) notExist(`data ${remotePath}`);
      const { [remotePath]: _gone, ...data } = segment.data;
      return withSegment(content, { ...segment, data });
    });
    return {};
  }),
  tensorbayRoute("DELETE /datasets/{id}/frames", (req) => {
    const ds = datasetOf(req);
    const segmentName = segmentInBody(req);
    const frameId = requiredString(req.body?.frameId, "frameId");
    editDraft(req, ds, (content) => {
      const segment = segmentOf(content, segmentName);
      const data = Object.fromEntries(Object.entries(segment.data).filter(([, row]) => row.frameId !== frameId));
      if (Object.keys(data).length === Object.keys(segment.data).length) notExist(`frame ${frameId}`);
      return withSegment(content, { ...segment, data });
    });
    return {};
  }),
  tensorbayRoute("GET /datasets/{id}/total-size", (req) => {
    const content = contentAt(datasetOf(req), req.query);
    const totalSize = Object.values(content.segments).reduce((sum, segment) => sum + Object.values(segment.data).reduce((s, row) => s + row.fileSize, 0), 0);
    return { body: { totalSize } };
  }),

  // Labels (UploadLabel, MultiUploadLabel, ListLabel; SDK `_upload_label`, `_list_labels`).
  tensorbayRoute("PUT /datasets/{id}/labels", (req) => {
    const ds = datasetOf(req);
    const segmentName = segmentInBody(req);
    editDraft(req, ds, (content) => withSegment(content, relabel(segmentOf(content, segmentName), [{ remotePath: req.body.remotePath, label: req.body.label }])));
    return {};
  }),
  tensorbayRoute("PUT /datasets/{id}/multi/data/labels", (req) => {
    const ds = datasetOf(req);
    const segmentName = segmentInBody(req);
    const objects = req.body.objects;
    if (!Array.isArray(objects) || objects.length === 0) invalid("objects", "must be a non-empty array");
    editDraft(req, ds, (content) => withSegment(content, relabel(segmentOf(content, segmentName), objects)));
    return {};
  }),
  // GetLabelStatistics (SDK `get_label_statistics`, `client/statistics.py`): per label type, how many labels, and per category when labels name one.
  tensorbayRoute("GET /datasets/{id}/labels/statistics", (req) => {
    const content = contentAt(datasetOf(req), req.query);
    const byType = new Map<string, { quantity: number; categories: Map<string, number> }>();
    for (const segment of Object.values(content.segments))
      for (const row of Object.values(segment.data))
        for (const [type, value] of Object.entries(row.label)) {
          const stats = byType.get(type) ?? { quantity: 0, categories: new Map<string, number>() };
          // CLASSIFICATION is one object per file; the other types are lists of labels.
          for (const label of Array.isArray(value) ? value : [value]) {
            stats.quantity++;
            const category = isObject(label) && typeof label.category === "string" ? label.category : undefined;
            if (category) stats.categories.set(category, (stats.categories.get(category) ?? 0) + 1);
          }
          byType.set(type, stats);
        }
    const labelStatistics = Object.fromEntries(
      [...byType.entries()].map(([type, { quantity, categories }]) => [type, categories.size ? { quantity, categories: [...categories.entries()].sort(([a], [b]) => byName(a, b)).map(([name, n]) => ({ name, quantity: n })) } : { quantity }]),
    );
    return { body: { labelStatistics } };
  }),
  tensorbayRoute("GET /datasets/{id}/labels", (req) => {
    const segment = segmentOf(contentAt(datasetOf(req), req.query), segmentInQuery(req));
    const rows = Object.values(segment.data).sort((a, b) => byName(a.remotePath, b.remotePath));
    // The SDK returns this answer unread (`_list_labels`): the item key `labels` is the emulator's choice, like the other lists' keys.
    return pageBody(req, rows.map(({ remotePath, label }) => ({ remotePath, label })), "labels");
  }),
];
