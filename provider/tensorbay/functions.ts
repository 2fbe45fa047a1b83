import { z } from "zod";
import { compact, prune } from "../framework/case";
import { lookup } from "../framework/lookup";
import { userOutput } from "./common";
import { TENSORBAY_PAGE_SIZE } from "../client/tensorbay";

const datasetSummary = z.object({
  id: z.string().describe("Dataset ID."),
  name: z.string().describe("Dataset name."),
  alias: z.string().optional().describe("Alias."),
  type: z.number().describe("0 = normal, 1 = fusion."),
  defaultBranch: z.string().optional().describe("Default branch."),
  commitId: z.string().optional().describe("Head commit of the default branch."),
  isPublic: z.boolean().optional().describe("Whether it is public."),
  updateTime: z.number().optional().describe("Last update time (Unix seconds)."),
  owner: z.string().optional().describe("Owner's nickname."),
});
const getDatasetsArgs = z.object({
  name: z.string().min(1, { message: "must not be empty" }).optional().describe("Only the dataset with exactly this name ('_' and '%' are plain characters, not wildcards)."),
});
const getDatasetsResult = z.object({ datasets: z.array(datasetSummary).describe("The datasets, in the API's order.") });

const datasets = lookup({
  service: "tensorbay",
  name: "getDatasets",
  description: "Lists the account's TensorBay datasets (Open API ListDataset, every page), or the one with an exact name.",
  args: getDatasetsArgs,
  result: getDatasetsResult,
  async run(ctx, args) {
    const route = "GET /v1/datasets";
    const found = args.name === undefined ? await ctx.tensorbay.listAll<Record<string, unknown>>(route, "datasets") : [await ctx.tensorbay.findByName<{ name: string }>(route, "datasets", args.name)];
    // The list also answers cover URLs, sizes and tabs: only the documented fields are kept.
    return { datasets: found.filter((d) => d !== undefined).map((d) => datasetSummary.parse(compact(d as Record<string, unknown>))) };
  },
});

const commitSummary = z.object({
  commitId: z.string().describe("Commit ID."),
  parentCommitId: z.string().optional().describe("Parent commit ID (all zeros for the first commit)."),
  title: z.string().describe("Title."),
  description: z.string().default("").describe("Description."),
  committer: userOutput.describe("Who committed, and when."),
});
const getCommitsArgs = z.object({
  datasetId: z.string().min(1, { message: "is required" }).describe("ID of the dataset."),
  revision: z.string().min(1, { message: "must not be empty" }).default("main").describe('Branch name, tag name or commit ID whose history to list (default "main").'),
});
const getCommitsResult = z.object({ commits: z.array(commitSummary).describe("The revision's commit, then its ancestors.") });

const commits = lookup({
  service: "tensorbay",
  name: "getCommits",
  description: "Lists the history of a revision of a TensorBay dataset, newest first (Open API ListCommit, every page). Empty for a dataset with no commit.",
  args: getCommitsArgs,
  result: getCommitsResult,
  async run(ctx, args) {
    const commits = await ctx.tensorbay.listAll<Record<string, unknown>>("GET /v1/datasets/{datasetId}/commits", "commits", { params: { datasetId: args.datasetId }, query: { commit: args.revision } });
    return { commits: commits.map((c) => commitSummary.parse(compact(c))) };
  },
});

const getUserResult = z.object({
  id: z.string().describe("User ID."),
  nickname: z.string().optional().describe("Nickname."),
  email: z.string().optional().describe("E-mail address."),
  mobile: z.string().optional().describe("Mobile number, when set."),
  description: z.string().optional().describe("Description."),
  team: z
    .object({ id: z.string().optional().describe("Team ID."), name: z.string().optional().describe("Team name."), email: z.string().optional().describe("Team e-mail."), description: z.string().optional().describe("Team description.") })
    .optional()
    .describe("The team the access key belongs to, if any."),
});

const user = lookup({
  service: "tensorbay",
  name: "getUser",
  description: "The TensorBay user the access key belongs to (Open API GetUser, `GET /v1/users`; SDK `client/gas.py` `get_user`).",
  args: z.object({}),
  result: getUserResult,
  async run(ctx) {
    return getUserResult.parse(prune(await ctx.tensorbay.call("GET /v1/users")));
  },
});

const revisionArg = (role: string) => z.string().min(1, { message: "must not be empty" }).describe(`${role}: a branch name, tag name or commit ID.`);
const action = z.string().describe('"add", "delete" or "modify"; "" when unchanged.');
const dataDiff = z.object({
  remotePath: z.string().describe("Path of the file in its segment."),
  action: action,
  fileAction: action,
  labelAction: action,
});
const segmentDiff = z.object({ name: z.string().describe("Segment name."), action, data: z.array(dataDiff).describe("The files that differ.") });
const getRevisionDiffArgs = z.object({
  datasetId: z.string().min(1, { message: "is required" }).describe("ID of the dataset."),
  head: revisionArg('The newer side (default "main")').default("main"),
  base: revisionArg("The older side; omitted: the head's parent commit").optional(),
});
const getRevisionDiffResult = z.object({
  notes: action.describe('How the notes differ: "modify", or "" when unchanged.'),
  catalog: action.describe("How the label catalog differs."),
  segments: z.array(segmentDiff).describe("The segments that differ, by name, each with its files that differ."),
});

/** `commit-<revision>` sides of a basehead (SDK `client/version.py` `_get_basehead`: `base...head`, the base omitted for the head's parent). */
const basehead = (head: string, base?: string) => (base ? `commit-${base}...commit-${head}` : `commit-${head}`);

const revisionDiff = lookup({
  service: "tensorbay",
  name: "getRevisionDiff",
  description:
    "What differs between two revisions of a TensorBay dataset: notes, label catalog, segments and, in each segment, files and labels (Open API GetDiff, ListSegmentDiffs, ListDataDiffs, every page; SDK `client/version.py` `_get_diff`, `client/dataset.py` `_generate_segment_diffs`, `_generate_data_diffs`).",
  args: getRevisionDiffArgs,
  result: getRevisionDiffResult,
  async run(ctx, args) {
    const params = { datasetId: args.datasetId, basehead: basehead(args.head, args.base) };
    const summary = await ctx.tensorbay.call("GET /v1/datasets/{datasetId}/diffs/{basehead}", params);
    const segments = await ctx.tensorbay.listAll<{ name: string; action: string }>("GET /v1/datasets/{datasetId}/diffs/{basehead}/segments", "segments", { params });
    const withData = [];
    for (const segment of segments) {
      const data = await ctx.tensorbay.listAll<{ remotePath: string; action: string; file?: { action?: string }; label?: { action?: string } }>("GET /v1/datasets/{datasetId}/diffs/{basehead}/segments/{segmentName}/data", "data", {
        params: { ...params, segmentName: segment.name },
      });
      withData.push({ name: segment.name, action: segment.action, data: data.map((d) => ({ remotePath: d.remotePath, action: d.action, fileAction: d.file?.action ?? "", labelAction: d.label?.action ?? "" })) });
    }
    return { notes: summary?.notes?.action ?? "", catalog: summary?.catalog?.action ?? "", segments: withData };
  },
});

const dataItem = z.object({
  remotePath: z.string().describe("Path of the file in its segment."),
  url: z.string().optional().describe("Temporary download URL."),
  label: z.record(z.string(), z.unknown()).optional().describe("The file's labels, keyed by label type (BOX2D, CLASSIFICATION, …)."),
  frameId: z.string().optional().describe("Frame of a fusion segment the file belongs to."),
  sensorName: z.string().optional().describe("Sensor of a fusion segment that recorded the file."),
});
const getDataArgs = z.object({
  datasetId: z.string().min(1, { message: "is required" }).describe("ID of the dataset."),
  segmentName: z.string().min(1, { message: "is required" }).describe("Segment whose files to list."),
  revision: revisionArg('Revision to read (default "main")').default("main"),
});
const getDataResult = z.object({ data: z.array(dataItem).describe("The segment's files with their labels, by path; frame by frame in a fusion segment.") });

interface DataDetail {
  remotePath?: string;
  url?: string;
  label?: Record<string, unknown>;
  frameId?: string;
  frame?: { sensorName: string; remotePath: string; url?: string; label?: Record<string, unknown> }[];
}

const data = lookup({
  service: "tensorbay",
  name: "getData",
  description:
    "Lists the files of a segment of a TensorBay dataset at a revision, with their labels (Open API ListDataDetails, every page; SDK `client/segment.py` `_list_data_details`). A fusion segment answers frame by frame; each file says its frame and sensor.",
  args: getDataArgs,
  result: getDataResult,
  async run(ctx, args) {
    const details = await ctx.tensorbay.listAll<DataDetail>("GET /v1/datasets/{datasetId}/data/details", "dataDetails", { params: { datasetId: args.datasetId }, query: { segmentName: args.segmentName, commit: args.revision } });
    const files = details.flatMap((d) => (d.frame ? d.frame.map((f) => ({ ...f, frameId: d.frameId })) : [d]));
    // Parsing keeps the documented fields only.
    return { data: files.map((f) => dataItem.parse(prune(f))) };
  },
});

const getCloudFilesArgs = z.object({
  configName: z.string().min(1, { message: "is required" }).describe("Name of the storage config whose bucket to list (a `tensorbay.StorageConfig`'s `name`)."),
  prefix: z.string().default("").describe('Only paths starting with this, e.g. a directory "frames/" (default "": all).'),
});
const getCloudFilesResult = z.object({ files: z.array(z.string()).describe("Paths of the files in the bucket, in the API's order.") });

const cloudFiles = lookup({
  service: "tensorbay",
  name: "getCloudFiles",
  description:
    "Lists the files in the bucket of a TensorBay storage config, every page (Open API ListCloudFiles, `GET /v1/cloud/{configName}/files` with `prefix`, `limit` and `marker`; SDK `client/cloud_storage.py` `CloudClient._list_files`).",
  args: getCloudFilesArgs,
  result: getCloudFilesResult,
  async run(ctx, args) {
    const files: string[] = [];
    // Marker paging: a page says whether it was `truncated` and where the next one starts (`nextMarker`).
    for (let marker: string | undefined; ; ) {
      const page = await ctx.tensorbay.call("GET /v1/cloud/{configName}/files", { configName: args.configName }, { query: { prefix: args.prefix, limit: TENSORBAY_PAGE_SIZE, marker } });
      files.push(...(page?.cloudFiles ?? []));
      if (!page?.truncated || !page.nextMarker) return { files };
      marker = page.nextMarker;
    }
  },
});

export const lookups = [datasets.definition, commits.definition, user.definition, revisionDiff.definition, data.definition, cloudFiles.definition];
/** The plain and Output forms of each look-up; `generated.ts` exports them typed and documented. */
export const lookupFunctions = { getDatasets: datasets, getCommits: commits, getUser: user, getRevisionDiff: revisionDiff, getData: data, getCloudFiles: cloudFiles };
