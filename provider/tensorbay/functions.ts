import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { resolveConfig } from "../config";
import { InputError } from "../client/errors";
import { TensorbayClient } from "../client/tensorbay";
import { compact } from "../framework/case";
import { userOutput } from "./common";

/**
 * A data source, declared once like a resource: arguments and result are zod schemas with
 * `.describe()`d fields. It runs in the program's own process (dynamic providers have no
 * invokes), with the same `edgeai:` config and environment fallbacks as the resources.
 */
export interface FunctionDefinition<A extends z.ZodObject<any>, R extends z.ZodObject<any>> {
  service: "tensorbay";
  /** `getDatasets`: token `edgeai:tensorbay:getDatasets`. */
  name: string;
  description: string;
  args: A;
  result: R;
  invoke(client: TensorbayClient, args: z.infer<A>): Promise<z.infer<R>>;
}

type OutputArgs<A extends z.ZodObject<any>> = { [K in keyof z.input<A>]: pulumi.Input<z.input<A>[K]> };

/** The plain async form (`getDatasets`) and the Output form (`getDatasetsOutput`) of a definition. */
function functionForms<A extends z.ZodObject<any>, R extends z.ZodObject<any>>(def: FunctionDefinition<A, R>) {
  const plain = async (args: z.input<A> = {} as z.input<A>): Promise<z.infer<R>> => {
    const parsed = def.args.safeParse(args);
    if (!parsed.success)
      throw new InputError(parsed.error.issues.map((issue) => `edgeai:${def.service}:${def.name}: argument "${issue.path.join(".") || "(args)"}": ${issue.message}`).join("; "));
    const config = resolveConfig((key) => pulumi.runtime.getConfig(`edgeai:${key}`));
    return def.invoke(new TensorbayClient(config), parsed.data);
  };
  const output = (args: OutputArgs<A> = {} as OutputArgs<A>): pulumi.Output<z.infer<R>> => pulumi.output(args).apply((resolved) => plain(resolved as z.input<A>));
  return { plain, output };
}

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

export const getDatasetsDefinition: FunctionDefinition<typeof getDatasetsArgs, typeof getDatasetsResult> = {
  service: "tensorbay",
  name: "getDatasets",
  description: "Lists the account's TensorBay datasets (Open API ListDataset, every page), or the one with an exact name.",
  args: getDatasetsArgs,
  result: getDatasetsResult,
  async invoke(client, args) {
    const route = "GET /v1/datasets";
    const found = args.name === undefined ? await client.listAll<Record<string, unknown>>(route, "datasets") : [await client.findByName<{ name: string }>(route, "datasets", args.name)];
    // The list also answers cover URLs, sizes and tabs: only the documented fields are kept.
    return { datasets: found.filter((d) => d !== undefined).map((d) => datasetSummary.parse(compact(d as Record<string, unknown>))) };
  },
};

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

export const getCommitsDefinition: FunctionDefinition<typeof getCommitsArgs, typeof getCommitsResult> = {
  service: "tensorbay",
  name: "getCommits",
  description: "Lists the history of a revision of a TensorBay dataset, newest first (Open API ListCommit, every page). Empty for a dataset with no commit.",
  args: getCommitsArgs,
  result: getCommitsResult,
  async invoke(client, args) {
    const commits = await client.listAll<Record<string, unknown>>("GET /v1/datasets/{datasetId}/commits", "commits", { params: { datasetId: args.datasetId }, query: { commit: args.revision } });
    return { commits: commits.map((c) => commitSummary.parse(compact(c))) };
  },
};

const datasetsForms = functionForms(getDatasetsDefinition);
const commitsForms = functionForms(getCommitsDefinition);

/** The account's datasets, or the one named exactly `name`. */
export const getDatasets = datasetsForms.plain;
export const getDatasetsOutput = datasetsForms.output;
/** A revision's history, newest first. */
export const getCommits = commitsForms.plain;
export const getCommitsOutput = commitsForms.output;
