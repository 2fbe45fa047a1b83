import { z } from "zod";
import { compact } from "../framework/case";
import { lookup } from "../framework/lookup";
import { userOutput } from "./common";

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

/** The account's datasets, or the one named exactly `name`. */
/** A revision's history, newest first. */
export const lookups = [datasets.definition, commits.definition];
/** The plain and Output forms of each look-up; `generated.ts` exports them typed and documented. */
export const lookupFunctions = { getDatasets: datasets, getCommits: commits };
