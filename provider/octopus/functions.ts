/** Octopus look-ups: each a plain async function and an `…Output` form (framework/lookup.ts). */
import { z } from "zod";
import { InputError } from "../client/errors";
import { OCTOPUS_BASE, idText, listAllOctopus } from "../client/octopus";
import { lookup } from "../framework/lookup";
import { compact, toCamel } from "../framework/case";
import { REPO_SCOPES, REPO_VISIBILITIES, SPEC_USAGES, VERSION_STATUSES } from "./enums";
import { numericId, oneOf, text } from "./common";
import { IMAGE_REPOS } from "./imageRepo";
import { IMAGE_VERSIONS } from "./imageRepoVersion";
import { DATA_TAGS } from "./dataTag";
import { type JobLog, readJobLogs } from "./job";

// ---- §4.7.1 resource specs ----------------------------------------------------------------

const resourceSpecsArgs = z.object({
  usage: oneOf(SPEC_USAGES, "§4.7.1 usage").optional().describe("What the resources are for."),
  spec: z.string().min(1).optional().describe('Spec name, e.g. "2Core_4GiB" or "P100_1Gpu_2.1Core_4.1GiB".'),
  specId: z.string().min(1).optional().describe("Spec ID."),
  clusterId: z.string().min(1).optional().describe("Cluster ID."),
});

export interface ResourceSpec {
  id: string;
  /** The spec's name as jobs take it (`resourceSpec`), in §4.7.1's pattern: "4Core_16GiB", "Pnt1_1Gpu_8Core_32GiB". */
  spec: string;
  clusterId: string;
  usage: string;
  /** Tnt004, Vnt1, Mnt06, Pnt1 or Pnt004; absent for CPU-only specs. */
  gpuType?: string;
  gpu?: number;
  /** Cores. */
  cpu: number;
  /** GiB. */
  memory: number;
  buildIn: boolean;
  projectId: string;
  /** Number of nodes that can run it now. */
  matchNodes: number;
}

const resourceSpecs = lookup({
  service: "octopus",
  name: "getResourceSpecs",
  description: "The resource specs available to jobs of a usage (§4.7.1). The service answers 400 when none is available.",
  args: resourceSpecsArgs,
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

export interface ImageRepoInfo {
  /** Repository id, as `octopus.ImageRepo` ids are: a string. */
  id: string;
  name: string;
  description?: string;
  scope: string;
  visibility: string;
  versionNum: number;
  projectId: string;
  userId: string;
  createAt: number;
  updateAt: number;
}

const imageRepos = lookup({
  service: "octopus",
  name: "getImageRepos",
  description: "The project's image repositories (§4.1.1), every page.",
  args: imageReposArgs,
  async run(ctx, a): Promise<ImageRepoInfo[]> {
    const repos = await listAllOctopus(ctx.octopus, `GET ${IMAGE_REPOS}`, { query: a });
    return repos.map((r) => compact({ ...toCamel<ImageRepoInfo>(r), id: idText(r.id) }));
  },
});

// ---- §4.17.1 data tags --------------------------------------------------------------------

const dataTagsArgs = z.object({
  name: text({ max: 255, section: "§4.17.1" }).optional().describe("Name contains this (fuzzy)."),
  exactName: text({ max: 255, section: "§4.17.1" }).optional().describe("Name is exactly this."),
  ids: z.array(numericId("ids, Octopus §4.17.1", 0)).optional().describe("Only these tag ids."),
  isTag: z.boolean().optional().describe("true for tags only, false for categories only."),
});

export interface DataTagInfo {
  id: string;
  name: string;
  description?: string;
  isTag: boolean;
  parentId: number;
  tagLevel: number;
  childrenCount: number;
  isBuiltIn: boolean;
  simulationTags: number[];
  createAt: number;
  updateAt: number;
}

const dataTags = lookup({
  service: "octopus",
  name: "getDataTags",
  description: "The project's data tags and categories (§4.17.1), built-in ones included.",
  args: dataTagsArgs,
  async run(ctx, a): Promise<DataTagInfo[]> {
    const ids = a.ids?.join(",");
    if (ids && ids.length > 300) throw new InputError(`edgeai:octopus:getDataTags: argument "ids": at most 300 characters once comma-separated (Octopus §4.17.1)`);
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

export interface ImageVersionAccount {
  /** `docker login -u <username>`. */
  username: string;
  /** `docker login -p <password>`: secret (the Output form marks it so). */
  password: string;
  /** "push" or "pull" (the service answers in lowercase). */
  action: string;
  /** When the account expires (ms since epoch; the service answers seconds). */
  expireAt: number;
  /** The image path to tag and push (or pull), e.g. swr.cn-north-1.myhuaweicloud.com/octopus-{project}/image-{repo}:v1.0. */
  path: string;
  /** The registry host to `docker login` to. */
  registry: string;
}

const imageVersionAccount = lookup({
  service: "octopus",
  name: "getImageVersionAccount",
  description: "A temporary docker account for one image version (§4.2.6): log in to `registry`, then `docker push path` (PUSH) or `docker pull path` (PULL). Each call issues a new account. The Output form is secret as a whole (the password is).",
  args: accountArgs,
  secret: true,
  async run(ctx, a): Promise<ImageVersionAccount> {
    const body = await ctx.octopus.call(`POST ${IMAGE_VERSIONS}/{version}/accounts`, { repo_id: a.repoId, version: a.version }, { query: { action: a.action }, idempotent: true });
    const item = body.item;
    return { username: item.username, password: item.password, action: item.action, expireAt: Number(item.expire_at) * 1000, path: item.path, registry: String(item.path).split("/")[0] };
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
  run: (ctx, a): Promise<JobLog[]> => readJobLogs(ctx.octopus, a.jobId, { fileName: a.fileName, tailBytes: a.tailBytes }),
});

export const lookups = [resourceSpecs.definition, imageRepos.definition, dataTags.definition, imageVersionAccount.definition, jobLogs.definition];
/** The plain and Output forms of each look-up; `generated.ts` exports them typed and documented. */
export const lookupFunctions = { getResourceSpecs: resourceSpecs, getImageRepos: imageRepos, getDataTags: dataTags, getImageVersionAccount: imageVersionAccount, getJobLogs: jobLogs };
