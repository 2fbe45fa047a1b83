/**
 * Octopus look-ups for programs: each is a plain async function and an `…Output` form that takes
 * Inputs. They read the provider configuration from the stack (`edgeai:*`) or the `HW_*`
 * environment variables, like the resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { resolveConfig } from "../config";
import { InputError } from "../client/errors";
import { OCTOPUS_BASE, idText, listAllOctopus, octopusClient } from "../client/octopus";
import type { HuaweiServiceClient } from "../client/huawei";
import { compact, toCamel } from "../framework/case";
import { REPO_SCOPES, REPO_VISIBILITIES, SPEC_USAGES, VERSION_STATUSES } from "./enums";
import { numericId, oneOf, text } from "./common";
import { IMAGE_REPOS } from "./imageRepo";
import { IMAGE_VERSIONS } from "./imageRepoVersion";
import { DATA_TAGS } from "./dataTag";

let client: HuaweiServiceClient | undefined;
/** One client per program: the configuration does not change while it runs. */
function configuredClient(): HuaweiServiceClient {
  const config = new pulumi.Config("edgeai");
  return (client ??= octopusClient(resolveConfig((key) => config.get(key))));
}

/** Arguments are checked like resource inputs: the message names the function, the field and the rule. */
function parseArgs<S extends z.ZodTypeAny>(fn: string, schema: S, args: unknown): z.infer<S> {
  const result = schema.safeParse(args ?? {});
  if (result.success) return result.data;
  throw new InputError(result.error.issues.map((i) => `edgeai:octopus:${fn}: argument "${i.path.join(".") || "(args)"}": ${i.message}`).join("; "));
}

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };
/** The `…Output` form of a look-up. */
function outputForm<A, R>(fn: (args: A) => Promise<R>) {
  return (args: Inputs<A>): pulumi.Output<R> => pulumi.output(args as pulumi.Inputs).apply((resolved) => fn(resolved as A)) as pulumi.Output<R>;
}

// ---- §4.7.1 resource specs ----------------------------------------------------------------

const resourceSpecsArgs = z.object({
  usage: oneOf(SPEC_USAGES, "§4.7.1 usage").optional().describe("What the resources are for."),
  spec: z.string().min(1).optional().describe('Spec name, e.g. "2Core_4GiB" or "P100_1Gpu_2.1Core_4.1GiB".'),
  specId: z.string().min(1).optional().describe("Spec ID."),
  clusterId: z.string().min(1).optional().describe("Cluster ID."),
});
export type GetResourceSpecsArgs = z.input<typeof resourceSpecsArgs>;

export interface ResourceSpec {
  id: string;
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

/** The resource specs available to jobs of a usage (§4.7.1). The service answers 400 when none is available. */
export async function getResourceSpecs(args: GetResourceSpecsArgs = {}): Promise<ResourceSpec[]> {
  const a = parseArgs("getResourceSpecs", resourceSpecsArgs, args);
  const specs = await listAllOctopus(configuredClient(), `GET ${OCTOPUS_BASE}/common/clusters/resource-specs`, { query: { usage: a.usage, spec: a.spec, spec_id: a.specId, cluster_id: a.clusterId } });
  return specs.map((s) => toCamel<ResourceSpec>(compact(s)));
}
export const getResourceSpecsOutput = outputForm(getResourceSpecs);

// ---- §4.1.1 image repositories -------------------------------------------------------------

const imageReposArgs = z.object({
  scope: oneOf(REPO_SCOPES, "§4.1 scope").optional().describe("Only repositories of this scope."),
  name: text({ min: 1, max: 64, section: "§4.1.1" }).optional().describe("Name contains this (fuzzy, 1-64 characters)."),
  status: oneOf(VERSION_STATUSES, "§4.1 status").optional().describe("Only repositories with a version in this status; `versionNum` then counts those versions."),
  visibility: oneOf(REPO_VISIBILITIES, "§4.1 visibility").optional().describe("TEAM or PUBLIC."),
});
export type GetImageReposArgs = z.input<typeof imageReposArgs>;

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

/** The project's image repositories (§4.1.1), every page. */
export async function getImageRepos(args: GetImageReposArgs = {}): Promise<ImageRepoInfo[]> {
  const a = parseArgs("getImageRepos", imageReposArgs, args);
  const repos = await listAllOctopus(configuredClient(), `GET ${IMAGE_REPOS}`, { query: a });
  return repos.map((r) => compact({ ...toCamel<ImageRepoInfo>(r), id: idText(r.id) }));
}
export const getImageReposOutput = outputForm(getImageRepos);

// ---- §4.17.1 data tags --------------------------------------------------------------------

const dataTagsArgs = z.object({
  name: text({ max: 255, section: "§4.17.1" }).optional().describe("Name contains this (fuzzy)."),
  exactName: text({ max: 255, section: "§4.17.1" }).optional().describe("Name is exactly this."),
  ids: z.array(numericId("ids, Octopus §4.17.1", 0)).optional().describe("Only these tag ids."),
  isTag: z.boolean().optional().describe("true for tags only, false for categories only."),
});
export type GetDataTagsArgs = z.input<typeof dataTagsArgs>;

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

/** The project's data tags and categories (§4.17.1), built-in ones included. */
export async function getDataTags(args: GetDataTagsArgs = {}): Promise<DataTagInfo[]> {
  const a = parseArgs("getDataTags", dataTagsArgs, args);
  const ids = a.ids?.join(",");
  if (ids && ids.length > 300) throw new InputError(`edgeai:octopus:getDataTags: argument "ids": at most 300 characters once comma-separated (Octopus §4.17.1)`);
  const tags = await listAllOctopus(configuredClient(), `GET ${DATA_TAGS}`, { query: { name: a.name, exact_name: a.exactName, ids, is_tag: a.isTag } });
  return tags.map((t) => {
    const { isBuildIn, isBuiltIn, ...rest } = toCamel(t);
    return compact({ ...rest, id: idText(t.id), isBuiltIn: isBuildIn ?? isBuiltIn ?? false, simulationTags: t.simulation_tags ?? [] }) as DataTagInfo;
  });
}
export const getDataTagsOutput = outputForm(getDataTags);

// ---- §4.2.6 temporary docker account ------------------------------------------------------

const accountArgs = z.object({
  repoId: numericId("repository id, Octopus §4.2.6").describe("Image repository id (`octopus.ImageRepo` id)."),
  version: numericId("version number, Octopus §4.2.6").describe("Version number (`octopus.ImageRepoVersion` version)."),
  action: z.enum(["PUSH", "PULL"], { message: "must be PUSH or PULL (Octopus §4.2.6)" }).describe("PUSH to upload the image (starts the version's push), PULL to download it (not possible while the version is INIT)."),
});
export type GetImageVersionAccountArgs = z.input<typeof accountArgs>;

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

/**
 * A temporary docker account for one image version (§4.2.6): log in to `registry`, then
 * `docker push path` (PUSH) or `docker pull path` (PULL). Each call issues a new account.
 */
export async function getImageVersionAccount(args: GetImageVersionAccountArgs): Promise<ImageVersionAccount> {
  const a = parseArgs("getImageVersionAccount", accountArgs, args);
  const body = await configuredClient().call(`POST ${IMAGE_VERSIONS}/{version}/accounts`, { repo_id: a.repoId, version: a.version }, { query: { action: a.action } });
  const item = body.item;
  return { username: item.username, password: item.password, action: item.action, expireAt: Number(item.expire_at) * 1000, path: item.path, registry: String(item.path).split("/")[0] };
}

/** The Output form: the whole account is secret (its password is), so it never shows in plain text. */
export function getImageVersionAccountOutput(args: Inputs<GetImageVersionAccountArgs>): pulumi.Output<ImageVersionAccount> {
  return pulumi.secret(outputForm(getImageVersionAccount)(args));
}
