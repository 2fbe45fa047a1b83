/** Octopus look-ups: each a plain async function and an `…Output` form (framework/lookup.ts). */
import { z } from "zod";
import { OCTOPUS_BASE, idText, listAllOctopus } from "../client/octopus";
import { lookup } from "../framework/lookup";
import { compact, toCamel, toSnake } from "../framework/case";
import { FILE_TYPES, REPO_SCOPES, REPO_VISIBILITIES, SPEC_USAGES, VERSION_STATUSES } from "./enums";
import { numericId, oneOf, text } from "./common";
import { IMAGE_REPOS } from "./imageRepo";
import { IMAGE_VERSIONS } from "./imageRepoVersion";
import { DATA_TAGS } from "./dataTag";
import { type JobLog, jobLog, readJobLogs } from "./job";
import { epochMs, packageId } from "./dataScene";
import { PACKAGES } from "./dataPackageTags";
import { ATTRIBUTE_ORDERS, PACKAGE_SORTS, PACKAGE_SOURCES, PACKAGE_STATUSES } from "./sceneEnums";

// ---- §4.7.1 resource specs ----------------------------------------------------------------

const resourceSpecsArgs = z.object({
  usage: oneOf(SPEC_USAGES, "§4.7.1 usage").optional().describe("What the resources are for."),
  spec: z.string().min(1).optional().describe('Spec name, e.g. "2Core_4GiB" or "P100_1Gpu_2.1Core_4.1GiB".'),
  specId: z.string().min(1).optional().describe("Spec ID."),
  clusterId: z.string().min(1).optional().describe("Cluster ID."),
});

const resourceSpec = z.object({
  id: z.string().describe("Spec ID."),
  spec: z.string().describe('The spec\'s name as jobs take it (`resourceSpec`), in §4.7.1\'s pattern: "4Core_16GiB", "Pnt1_1Gpu_8Core_32GiB".'),
  clusterId: z.string().describe("Cluster ID."),
  usage: z.string().describe("What the resources are for."),
  gpuType: z.string().optional().describe("Tnt004, Vnt1, Mnt06, Pnt1 or Pnt004; absent for CPU-only specs."),
  gpu: z.number().optional().describe("GPUs."),
  cpu: z.number().describe("Cores."),
  memory: z.number().describe("Memory in GiB."),
  buildIn: z.boolean().describe("Whether the spec is built in."),
  projectId: z.string().describe("Project ID."),
  matchNodes: z.number().describe("Number of nodes that can run it now."),
});
export type ResourceSpec = z.infer<typeof resourceSpec>;

const resourceSpecs = lookup({
  service: "octopus",
  name: "getResourceSpecs",
  description: "The resource specs available to jobs of a usage (§4.7.1). The service answers 400 when none is available.",
  args: resourceSpecsArgs,
  result: z.array(resourceSpec).describe("The specs, in the service's order."),
  async run(ctx, a): Promise<ResourceSpec[]> {
    const specs = await listAllOctopus(ctx.octopus, `GET ${OCTOPUS_BASE}/common/clusters/resource-specs`, { query: { usage: a.usage, spec: a.spec, spec_id: a.specId, cluster_id: a.clusterId } });
    return specs.map((s) => ({ ...toCamel<ResourceSpec>(compact(s)), spec: `${s.gpu_type ? `${s.gpu_type}_${s.gpu}Gpu_` : ""}${s.cpu}Core_${s.memory}GiB` }));
  },
});

// ---- §4.1.1 image repositories -------------------------------------------------------------

const imageReposArgs = z.object({
  scope: oneOf(REPO_SCOPES, "§4.1 scope").optional().describe("Only repositories of this scope."),
  name: text({ min: 1, max: 64, section: "§4.1.1" }).optional().describe("Name contains this (fuzzy, 1-64 characters)."),
  status: oneOf(VERSION_STATUSES, "§4.1 status").optional().describe("Only repositories with a version in this status; `versionNum` then counts those versions."),
  visibility: oneOf(REPO_VISIBILITIES, "§4.1 visibility").optional().describe("TEAM or PUBLIC."),
});

const imageRepoInfo = z.object({
  id: z.string().describe("Repository id, as `octopus.ImageRepo` ids are: a string."),
  name: z.string().describe("Repository name."),
  description: z.string().optional().describe("Description."),
  scope: z.string().describe("Scope (§4.1)."),
  visibility: z.string().describe("TEAM or PUBLIC."),
  versionNum: z.number().describe("Number of versions (those in `status` when filtered by it)."),
  projectId: z.string().describe("Project ID."),
  userId: z.string().describe("Creator's user ID."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});
export type ImageRepoInfo = z.infer<typeof imageRepoInfo>;

const imageRepos = lookup({
  service: "octopus",
  name: "getImageRepos",
  description: "The project's image repositories (§4.1.1), every page.",
  args: imageReposArgs,
  result: z.array(imageRepoInfo).describe("The repositories, every page."),
  async run(ctx, a): Promise<ImageRepoInfo[]> {
    const repos = await listAllOctopus(ctx.octopus, `GET ${IMAGE_REPOS}`, { query: a });
    return repos.map((r) => compact({ ...toCamel<ImageRepoInfo>(r), id: idText(r.id) }));
  },
});

// ---- §4.17.1 data tags --------------------------------------------------------------------

const dataTagsArgs = z.object({
  name: text({ max: 255, section: "§4.17.1" }).optional().describe("Name contains this (fuzzy)."),
  exactName: text({ max: 255, section: "§4.17.1" }).optional().describe("Name is exactly this."),
  ids: z
    .array(numericId("ids, Octopus §4.17.1", 0))
    .max(300, { message: "at most 300 tag ids (Octopus §4.17.1)" })
    .optional()
    .describe("Only these tag ids (at most 300)."),
  isTag: z.boolean().optional().describe("true for tags only, false for categories only."),
});

const dataTagInfo = z.object({
  id: z.string().describe("Tag id (an `octopus.DataTag` id)."),
  name: z.string().describe("Tag name."),
  description: z.string().optional().describe("Description."),
  isTag: z.boolean().describe("true for a tag, false for a category."),
  parentId: z.number().describe("Parent category id (0 at the top)."),
  tagLevel: z.number().describe("Depth in the tree."),
  childrenCount: z.number().describe("Number of children."),
  isBuiltIn: z.boolean().describe("Whether the service provides it."),
  simulationTags: z.array(z.number()).describe("Simulation tag ids."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});
export type DataTagInfo = z.infer<typeof dataTagInfo>;

const dataTags = lookup({
  service: "octopus",
  name: "getDataTags",
  description: "The project's data tags and categories (§4.17.1), built-in ones included.",
  args: dataTagsArgs,
  result: z.array(dataTagInfo).describe("The tags and categories, every page."),
  async run(ctx, a): Promise<DataTagInfo[]> {
    const ids = a.ids?.join(",");
    const tags = await listAllOctopus(ctx.octopus, `GET ${DATA_TAGS}`, { query: { name: a.name, exact_name: a.exactName, ids, is_tag: a.isTag } });
    return tags.map((t) => {
      const { isBuildIn, isBuiltIn, ...rest } = toCamel(t);
      return compact({ ...rest, id: idText(t.id), isBuiltIn: isBuildIn ?? isBuiltIn ?? false, simulationTags: t.simulation_tags ?? [] }) as DataTagInfo;
    });
  },
});

// ---- §4.2.6 temporary docker account ------------------------------------------------------

const accountArgs = z.object({
  repoId: numericId("repository id, Octopus §4.2.6").describe("Image repository id (`octopus.ImageRepo` id)."),
  version: numericId("version number, Octopus §4.2.6").describe("Version number (`octopus.ImageRepoVersion` version)."),
  action: z.enum(["PUSH", "PULL"], { message: "must be PUSH or PULL (Octopus §4.2.6)" }).describe("PUSH to upload the image (starts the version's push), PULL to download it (not possible while the version is INIT)."),
});

const imageVersionAccountResult = z.object({
  username: z.string().describe("`docker login -u <username>`."),
  password: z.string().describe("`docker login -p <password>`: secret (the Output form marks it so)."),
  action: z.string().describe('"push" or "pull" (the service answers in lowercase).'),
  expireAt: z.number().describe("When the account expires (ms since epoch; the service answers seconds)."),
  path: z.string().describe("The image path to tag and push (or pull), e.g. swr.cn-north-1.myhuaweicloud.com/octopus-{project}/image-{repo}:v1.0."),
  registry: z.string().describe("The registry host to `docker login` to."),
});
export type ImageVersionAccount = z.infer<typeof imageVersionAccountResult>;

const imageVersionAccount = lookup({
  service: "octopus",
  name: "getImageVersionAccount",
  description: "A temporary docker account for one image version (§4.2.6): log in to `registry`, then `docker push path` (PUSH) or `docker pull path` (PULL). Each call issues a new account. The Output form is secret as a whole (the password is).",
  args: accountArgs,
  result: imageVersionAccountResult,
  secret: true,
  async run(ctx, a): Promise<ImageVersionAccount> {
    const body = await ctx.octopus.call(`POST ${IMAGE_VERSIONS}/{version}/accounts`, { repo_id: a.repoId, version: a.version }, { query: { action: a.action }, idempotent: true });
    const item = body.item;
    return { username: item.username, password: item.password, action: item.action, expireAt: Number(item.expire_at) * 1000, path: item.path, registry: String(item.path).split("/")[0] };
  },
});

// ---- §4.5.1 data warehouses, §4.6.1 their custom attributes ----------------------------------------

const WAREHOUSES = `${OCTOPUS_BASE}/common/warehouses`;

const dataWarehouseInfo = z.object({
  id: z.string().describe("Warehouse ID: what a HOUSE `octopus.Dataset` takes as `dataWarehouseId`."),
  name: z.string().describe("Warehouse name."),
  description: z.string().optional().describe("Description."),
  projectId: z.string().optional().describe("Project ID."),
  createTime: z.number().optional().describe("Creation time (ms since epoch)."),
  objectCount: z.number().describe("Number of objects (files) in the warehouse."),
  rawDataCount: z.number().describe("Number of data packages in the warehouse."),
});
export type DataWarehouseInfo = z.infer<typeof dataWarehouseInfo>;

const dataWarehouses = lookup({
  service: "octopus",
  name: "getDataWarehouses",
  description: "The project's data warehouses (§4.5.1), every page: where imported data packages land, and what an `octopus.Dataset` with dataSource HOUSE takes as `dataWarehouseId`.",
  args: z.object({ name: text({ min: 1, max: 64, section: "§4.5.1" }).optional().describe("Name contains this (fuzzy, at most 64 characters, Octopus §4.5.1).") }),
  result: z.array(dataWarehouseInfo).describe("The warehouses, every page."),
  async run(ctx, a): Promise<DataWarehouseInfo[]> {
    const rows = await listAllOctopus(ctx.octopus, `GET ${WAREHOUSES}`, { query: { name: a.name }, pageSize: 50 });
    return rows.map((w) => compact({ ...toCamel<DataWarehouseInfo>(w), objectCount: Number(w.object_count ?? 0), rawDataCount: Number(w.raw_data_count ?? 0) }));
  },
});

const warehouseFile = z.object({
  id: z.string().describe("File ID."),
  fileName: z.string().describe("File name."),
  fileFolderPath: z.string().describe("Folder of the file in the warehouse."),
  fileType: z.string().describe("IMAGE, POINT_CLOUD, TEXT, VIDEO, SCENARIO or OTHERS."),
  dataWarehouseId: z.string().describe("Its warehouse."),
  rawDataId: z.string().describe("The data package the file came from."),
  dataProcessTaskId: z.string().optional().describe("The data processing task that wrote it, if any."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  tags: z.array(z.string()).describe("Tag ids it carries."),
  customAttributes: z.array(z.record(z.string(), z.string())).describe("Custom attributes it carries, as the service answers them."),
});
export type WarehouseFile = z.infer<typeof warehouseFile>;

const idList = (what: string) => z.array(z.string().min(1)).max(5, { message: `at most 5 ${what} (Octopus §4.5.2)` });
const sortOrder = (what: string) => z.enum(["asc", "desc"], { message: "must be asc or desc (Octopus §4.5.2)" }).optional().describe(`Order by ${what}: asc or desc (Octopus §4.5.2).`);

const warehouseData = lookup({
  service: "octopus",
  name: "getWarehouseData",
  description: "The files of one data warehouse that match a query (§4.5.2), every page: the query an `octopus.DatasetVersion`'s `warehouseParams` would build a HOUSE version from, to check it first.",
  args: z
    .object({
      warehouseId: z.string().min(1).describe("Data warehouse ID (`id` of `getDataWarehouses`)."),
      rawDataIds: idList("data package ids").optional().describe("Only files of these data packages (at most 5)."),
      dataProcessTaskIds: idList("data process task ids").optional().describe("Only files written by these data processing tasks (at most 5)."),
      fileTypes: z.array(oneOf(FILE_TYPES, "§4.5.2 file_types")).max(FILE_TYPES.length).optional().describe(`File types: ${FILE_TYPES.join(", ")}.`),
      fileName: text({ max: 255, section: "§4.5.2" }).optional().describe("File name contains this (at most 255 characters)."),
      startTime: z.number().int().min(0).optional().describe("Files created at or after this (ms since epoch)."),
      endTime: z.number().int().min(0).optional().describe("Files created at or before this (ms since epoch), not before startTime."),
      andTags: idList("tags").optional().describe("Tag ids the files must all carry (at most 5)."),
      orTags: idList("tags").optional().describe("Tag ids of which the files carry any (at most 5)."),
      andCustomAttributes: idList("custom attributes").optional().describe("Custom attribute ids the files must all carry (at most 5; `getWarehouseCustomAttributes`)."),
      orCustomAttributes: idList("custom attributes").optional().describe("Custom attribute ids of which the files carry any (at most 5)."),
      createTimeOrder: sortOrder("creation time"),
      fileNameOrder: sortOrder("file name"),
    })
    .refine((a) => a.startTime === undefined || a.endTime === undefined || a.endTime >= a.startTime, { path: ["endTime"], message: "must not be before startTime (Octopus §4.5.2; the service answers octopus.108002)" }),
  result: z.array(warehouseFile).describe("The matching files, every page."),
  async run(ctx, { warehouseId, ...query }): Promise<WarehouseFile[]> {
    const rows = await listAllOctopus(ctx.octopus, `POST ${WAREHOUSES}/{data_warehouse_id}/data`, { params: { data_warehouse_id: warehouseId }, body: toSnake(query) });
    return rows.map((f) => toCamel<WarehouseFile>(compact({ ...f, tags: f.tags ?? [], custom_attributes: f.custom_attributes ?? [] })));
  },
});

const customAttributeInfo = z.object({
  id: z.string().describe("Custom attribute ID (what `andCustomAttributes` and `orCustomAttributes` take)."),
  key: z.string().describe("Key."),
  value: z.string().describe("Value."),
  projectId: z.string().optional().describe("Project ID."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
});
export type CustomAttributeInfo = z.infer<typeof customAttributeInfo>;

const customAttributes = lookup({
  service: "octopus",
  name: "getWarehouseCustomAttributes",
  description: "The data warehouses' custom attributes (§4.6.1), every page: key/value pairs that warehouse queries and dataset versions filter on (`andCustomAttributes`, …).",
  args: z.object({
    key: text({ max: 256, section: "§4.6.1" }).optional().describe("Key contains this (fuzzy, at most 256 characters, Octopus §4.6.1)."),
    value: text({ max: 256, section: "§4.6.1" }).optional().describe("Value contains this (fuzzy, at most 256 characters, Octopus §4.6.1)."),
    order: oneOf(ATTRIBUTE_ORDERS, "§4.6.1 order").optional().describe("KEY (by key, ascending) or CREATE_TIME (newest first, the default) (Octopus §4.6.1)."),
  }),
  result: z.array(customAttributeInfo).describe("The custom attributes, every page."),
  async run(ctx, a): Promise<CustomAttributeInfo[]> {
    const rows = await listAllOctopus(ctx.octopus, `GET ${WAREHOUSES}/custom-attributes`, { query: a, pageSize: 50 });
    return rows.map((r) => toCamel<CustomAttributeInfo>(compact(r)));
  },
});

// ---- §4.8.1 overview ----------------------------------------------------------------------------

/** One value per kind of job the overview counts. */
const byJobKind = <T extends z.ZodType>(value: T, what: string) =>
  z.object({ processorJobs: value.describe(`${what}: processing jobs.`), systemJobs: value.describe(`${what}: system jobs.`), resimJobs: value.describe(`${what}: re-simulation jobs.`) });
const failedJob = z.object({ id: z.number().describe("Job id."), jobType: z.string().describe("Job type."), dataId: z.string().describe("The data it ran on."), status: z.string().describe("Its status.") });
const dataOverview = z.object({
  todayJobsInfo: z
    .object({ failedJobs: byJobKind(z.array(failedJob), "Failed today").describe("Today's failed jobs, by kind."), totalJobsNumber: byJobKind(z.number(), "Jobs today").describe("Today's jobs, by kind.") })
    .describe("Today's jobs."),
  vehicleStatistics: z
    .object({
      fleetTotalNum: z.number().describe("Fleets."),
      vehicleTotalNum: z.number().describe("Vehicles."),
      vehicleFleetInfo: z.array(z.object({ fleetName: z.string().describe("Fleet name."), vehicleNum: z.number().describe("Its vehicles.") })).describe("Vehicles per fleet."),
    })
    .describe("Vehicles and fleets."),
  collectedDataStatistics: z
    .object({
      totalDuration: z.number().describe("Collected duration in ms."),
      totalStorageSize: z.number().describe("Collected size in bytes."),
      dataStatisticsInLast30Days: z.array(z.object({ date: z.string().describe("Day (YYYY-MM-DD)."), size: z.number().describe("Bytes collected that day.") })).describe("Bytes per day over the last 30 days."),
    })
    .describe("Collected data."),
});
export type DataOverview = z.infer<typeof dataOverview>;

const overview = lookup({
  service: "octopus",
  name: "getDataOverview",
  description: "The data service overview (§4.8.1): today's jobs and failures, vehicles and fleets, collected duration and size (the last 30 days by day).",
  args: z.object({}),
  result: dataOverview,
  async run(ctx): Promise<DataOverview> {
    const item = (await ctx.octopus.call(`GET ${OCTOPUS_BASE}/data/overview`)).item ?? {};
    // Table and example spell two keys differently (`total_jobs_number`/`total_jobs_num`, `…_in_last_30_days`/`…_in_last30_days`): both are read.
    const jobs = item.today_jobs_info ?? {};
    const collected = item.collected_data_statistics ?? {};
    return toCamel({
      today_jobs_info: { failed_jobs: jobs.failed_jobs ?? {}, total_jobs_number: jobs.total_jobs_number ?? jobs.total_jobs_num ?? {} },
      vehicle_statistics: item.vehicle_statistics ?? {},
      collected_data_statistics: {
        total_duration: Number(collected.total_duration ?? 0),
        total_storage_size: Number(collected.total_storage_size ?? 0),
        data_statistics_in_last_30_days: collected.data_statistics_in_last_30_days ?? collected.data_statistics_in_last30_days ?? [],
      },
    });
  },
});

const mileageStatistic = z.object({
  date: z.string().describe("Day (YYYY-MM-DD)."),
  accumulativeAutopilotMileage: z.number().describe("Autopilot kilometres."),
  accumulativeInterventionRate: z.number().describe("Autopilot kilometres per take-over."),
});
export type MileageStatistic = z.infer<typeof mileageStatistic>;

const mileage = lookup({
  service: "octopus",
  name: "getMileageStatistics",
  description: "Autopilot mileage and take-over rate by day (§4.8.2).",
  args: z.object({ limit: z.number().int().min(1).max(200).optional().describe("How many days: 1-200 (Octopus §4.8.2; the service's default is 10).") }),
  result: z.array(mileageStatistic).describe("One row per day."),
  async run(ctx, a): Promise<MileageStatistic[]> {
    const body = await ctx.octopus.call(`GET ${OCTOPUS_BASE}/data/mileage-statistics`, {}, { query: { limit: a.limit } });
    return (body?.list ?? []).map((m: any) => toCamel<MileageStatistic>(m));
  },
});

// ---- §4.9.1 / §4.9.2 data packages --------------------------------------------------------------

const dataPackageInfo = z.object({
  id: z.string().describe("DPK and 7-13 digits: what `octopus.DataScene` and `octopus.DataPackageTags` take as `dpkId`."),
  name: z.string().describe("Package name."),
  status: z.string().describe(`Status: ${PACKAGE_STATUSES.join(", ")}.`),
  dclId: z.string().optional().describe("Data collection ID."),
  dataType: z.string().optional().describe("Data type."),
  dataSource: z.string().optional().describe("OBS or DES."),
  vehicleId: z.number().optional().describe("Recording vehicle's ID."),
  vehicleName: z.string().optional().describe("Recording vehicle's name."),
  storageSize: z.number().describe("Size in bytes."),
  canReplay: z.boolean().optional().describe("Whether it can be replayed."),
  topicTypes: z.array(z.string()).optional().describe("Topic types recorded."),
  projectId: z.string().optional().describe("Project ID."),
  userId: z.string().optional().describe("Uploader's user ID."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});
export type DataPackageInfo = z.infer<typeof dataPackageInfo>;

const dataPackages = lookup({
  service: "octopus",
  name: "getDataPackages",
  description: "The project's recorded data packages (§4.9.1), every page: those in use, or with `isRecycle: true` those in the recycle bin.",
  args: z.object({
    isRecycle: z.boolean().default(false).describe("false (default): packages in use; true: packages in the recycle bin (Octopus §4.9.1 `is_recycle`)."),
    status: oneOf(PACKAGE_STATUSES, "§4.9.1 status").optional().describe(`Only packages in this status: ${PACKAGE_STATUSES.join(", ")} (the last five are recycle-bin statuses) (Octopus §4.9.1).`),
    name: text({ max: 255, section: "§4.9.1" }).optional().describe("Name contains this (fuzzy, at most 255 characters)."),
    vehicleName: text({ max: 255, section: "§4.9.1" }).optional().describe("Only packages recorded by this vehicle."),
    dataSource: oneOf(PACKAGE_SOURCES, "§4.9.1 data_source").optional().describe("OBS (object storage) or DES (data express service)."),
    sort: oneOf(PACKAGE_SORTS, "§4.9.1 sort").optional().describe(`Order: ${PACKAGE_SORTS.join(", ")} (default UPDATE_AT_DESC).`),
  }),
  result: z.array(dataPackageInfo).describe("The packages, every page."),
  async run(ctx, a): Promise<DataPackageInfo[]> {
    const rows = await listAllOctopus(ctx.octopus, `GET ${PACKAGES}`, { query: { is_recycle: a.isRecycle, status: a.status, name: a.name, vehicle_name: a.vehicleName, data_source: a.dataSource, sort: a.sort } });
    return rows.map((p) => toCamel<DataPackageInfo>(compact(p)));
  },
});

const dataPackageDetail = dataPackageInfo.omit({ vehicleName: true, canReplay: true, topicTypes: true }).extend({
  tagIds: z.array(z.number()).describe("Data tag ids it carries."),
  collectionInfo: z.record(z.string(), z.any()).optional().describe("How and where it was recorded (§4.9.2 OctopusDataCollection): vehicle, sensors (`folders`), processing."),
});
export type DataPackageDetail = z.infer<typeof dataPackageDetail>;

const dataPackage = lookup({
  service: "octopus",
  name: "getDataPackage",
  description: "One data package in detail (§4.9.2): its tags, the recording vehicle and sensors.",
  args: z.object({ id: packageId("§4.9.2").describe("Data package ID (DPK and 7-13 digits, Octopus §4.9.2).") }),
  result: dataPackageDetail,
  async run(ctx, a): Promise<DataPackageDetail> {
    const p = (await ctx.octopus.call(`GET ${PACKAGES}/{id}`, { id: a.id })).item;
    return compact({ ...toCamel<DataPackageDetail>(p), tagIds: p.tag_ids ?? [] });
  },
});

// ---- §4.11.1–§4.11.3 replay episodes ------------------------------------------------------------

const EPISODES = `${OCTOPUS_BASE}/data/episodes`;
const TIME_ORDER = { path: ["endTime"], message: "must not be before startTime (Octopus §4.11; the service answers octopus.108002)" };

const replayStatistic = z.object({
  vehicle: z.string().describe("Vehicle name."),
  startTime: z.number().describe("Its first episode's start in the window (ms since epoch)."),
  endTime: z.number().describe("Its last episode's end in the window (ms since epoch)."),
});
export type ReplayStatistic = z.infer<typeof replayStatistic>;

const replayStatistics = lookup({
  service: "octopus",
  name: "getReplayStatistics",
  description: "Per vehicle, the time span of its recorded episodes in a window (§4.11.1): `startTime`/`endTime`, or the last month with `recentMonth: true`.",
  args: z
    .object({
      startTime: epochMs("§4.11.1").optional().describe("Window start: UTC ms in [1000000000000, 2000000000000]; required unless recentMonth (Octopus §4.11.1)."),
      endTime: epochMs("§4.11.1").optional().describe("Window end: UTC ms in [1000000000000, 2000000000000]; required unless recentMonth (Octopus §4.11.1)."),
      recentMonth: z.boolean().default(false).describe("true: the last month, ignoring startTime/endTime (Octopus §4.11.1)."),
    })
    .refine((a) => a.recentMonth || (a.startTime !== undefined && a.endTime !== undefined), { path: ["startTime"], message: "startTime and endTime are required unless recentMonth is true (Octopus §4.11.1)" })
    .refine((a) => a.startTime === undefined || a.endTime === undefined || a.endTime >= a.startTime, TIME_ORDER),
  result: z.array(replayStatistic).describe("One row per vehicle."),
  async run(ctx, a): Promise<ReplayStatistic[]> {
    const body = await ctx.octopus.call(`GET ${EPISODES}/statistics`, {}, { query: a.recentMonth ? { recent_month: true } : { start_time: a.startTime, end_time: a.endTime, recent_month: false } });
    return (body?.list ?? []).map((s: any) => toCamel<ReplayStatistic>(s));
  },
});

const replayTopic = z.object({ topic: z.string().describe("Topic name."), type: z.string().describe("Message type."), path: z.string().describe("Where it is stored.") });
export type ReplayTopic = z.infer<typeof replayTopic>;

const replayEpisode = z.object({
  episodeId: z.string().describe("Episode ID (for `getReplayEpisode`)."),
  dpkId: z.string().describe("Its data package."),
  vehicleName: z.string().describe("Recording vehicle."),
  startTime: z.number().describe("Start (ms since epoch)."),
  endTime: z.number().describe("End (ms since epoch)."),
  canReplay: z.boolean().describe("Whether it can be replayed."),
  mainTopics: z.object({ gnss: replayTopic.optional().describe("Its GNSS topic."), camera: replayTopic.optional().describe("Its camera topic.") }).describe("Its main topics."),
});
export type ReplayEpisode = z.infer<typeof replayEpisode>;

const replayEpisodes = lookup({
  service: "octopus",
  name: "getReplayEpisodes",
  description: "The replay episodes recorded in a window (§4.11.2), every page.",
  args: z
    .object({
      startTime: epochMs("§4.11.2").describe("Window start: UTC ms in [1000000000000, 2000000000000] (Octopus §4.11.2)."),
      endTime: epochMs("§4.11.2").describe("Window end: UTC ms in [1000000000000, 2000000000000], not before startTime (Octopus §4.11.2)."),
      dpkId: text({ max: 255, section: "§4.11.2" }).optional().describe("Data package id, `*` as a wildcard (Octopus §4.11.2)."),
      vehicleName: text({ max: 64, section: "§4.11.2" }).optional().describe("Vehicle name, exactly (Octopus §4.11.2)."),
    })
    .refine((a) => a.endTime >= a.startTime, TIME_ORDER),
  result: z.array(replayEpisode).describe("The episodes, every page."),
  async run(ctx, a): Promise<ReplayEpisode[]> {
    const rows = await listAllOctopus(ctx.octopus, `GET ${EPISODES}`, { query: { start_time: a.startTime, end_time: a.endTime, dpk_id: a.dpkId, vehicle_name: a.vehicleName } });
    return rows.map((e) => toCamel<ReplayEpisode>(compact(e)));
  },
});

const replayEpisodeDetail = z.object({
  episodeId: z.string().describe("Episode ID."),
  dpkId: z.string().describe("Its data package."),
  vehicleName: z.string().describe("Recording vehicle."),
  mapId: z.string().optional().describe("Set once the package is bound to a map."),
  startTime: z.number().describe("Start (ms since epoch)."),
  endTime: z.number().describe("End (ms since epoch)."),
  topics: z.array(replayTopic).describe("Every topic."),
  videos: z.array(z.object({ name: z.string().describe("Video name."), format: z.string().describe("Video format.") })).describe("Every video."),
});
export type ReplayEpisodeDetail = z.infer<typeof replayEpisodeDetail>;

const replayEpisodeLookup = lookup({
  service: "octopus",
  name: "getReplayEpisode",
  description: "One replay episode in detail (§4.11.3): every topic and video.",
  args: z.object({ episodeId: text({ min: 1, max: 80, section: "§4.11.3" }).describe("Episode ID, at most 80 characters (Octopus §4.11.3; `episodeId` of `getReplayEpisodes`).") }),
  result: replayEpisodeDetail,
  async run(ctx, a): Promise<ReplayEpisodeDetail> {
    const e = (await ctx.octopus.call(`GET ${EPISODES}/{episode_id}`, { episode_id: a.episodeId })).item;
    return toCamel<ReplayEpisodeDetail>(compact({ ...e, topics: e.topics ?? [], videos: e.videos ?? [] }));
  },
});

// ---- §4.12.8/§4.12.9 job logs -------------------------------------------------------------

const jobLogsArgs = z.object({
  jobId: numericId("job id, Octopus §4.12.8").describe("Job id (`octopus.Job` id)."),
  fileName: z.string().min(1).optional().describe('Only this log file, e.g. "job-std-stream.log"; every file of the job when omitted (§4.12.8).'),
  tailBytes: z
    .number()
    .int()
    .min(1, { message: "must be >= 1 (bytes)" })
    .default(65_536)
    .describe("How much of the end of each file to read, in bytes (default 64 KiB; §4.12.9 reads a byte range)."),
});

const jobLogs = lookup({
  service: "octopus",
  name: "getJobLogs",
  description: "The log files of a job (§4.12.8) with the end of each (§4.12.9): what a failed `octopus.Job` printed. Read at the time of the call; a running job's log grows.",
  args: jobLogsArgs,
  result: z.array(jobLog).describe("One entry per log file."),
  run: (ctx, a): Promise<JobLog[]> => readJobLogs(ctx.octopus, a.jobId, { fileName: a.fileName, tailBytes: a.tailBytes }),
});

export const lookups = [
  resourceSpecs.definition,
  imageRepos.definition,
  dataTags.definition,
  imageVersionAccount.definition,
  dataWarehouses.definition,
  warehouseData.definition,
  customAttributes.definition,
  overview.definition,
  mileage.definition,
  dataPackages.definition,
  dataPackage.definition,
  replayStatistics.definition,
  replayEpisodes.definition,
  replayEpisodeLookup.definition,
  jobLogs.definition,
];
/** The plain and Output forms of each look-up; `generated.ts` exports them typed and documented. */
export const lookupFunctions = {
  getResourceSpecs: resourceSpecs,
  getImageRepos: imageRepos,
  getDataTags: dataTags,
  getImageVersionAccount: imageVersionAccount,
  getDataWarehouses: dataWarehouses,
  getWarehouseData: warehouseData,
  getWarehouseCustomAttributes: customAttributes,
  getDataOverview: overview,
  getMileageStatistics: mileage,
  getDataPackages: dataPackages,
  getDataPackage: dataPackage,
  getReplayStatistics: replayStatistics,
  getReplayEpisodes: replayEpisodes,
  getReplayEpisode: replayEpisodeLookup,
  getJobLogs: jobLogs,
};
