import { z } from "zod";
import { idText, listAllOctopus } from "../client/octopus";
import { unlessNotFound } from "../client/errors";
import { Context, NotReadyError, Props, ResourceApi, defineResource, importIdField } from "../framework/definition";
import { awaitTimeoutsField, timeoutFor, waitFor } from "../framework/await";
import { restApi } from "../framework/rest";
import { compact } from "../framework/case";
import { VERSION_STATUSES } from "./enums";
import { numericId, octopusClient, text } from "./common";
import { IMAGE_REPOS } from "./imageRepo";
import { deleteUnlessRun } from "./operator";

export const IMAGE_VERSIONS = `${IMAGE_REPOS}/{repo_id}/versions`;
/** A push of a large image may take a while; `customTimeouts.create`/`update` override this. */
const DEFAULT_WAIT_MS = 30 * 60_000;

const inputs = z.object({
  repoId: numericId("image repository id, Octopus §4.2.2").describe("ID of the image repository (`octopus.ImageRepo` id). Changing it replaces the version."),
  description: text({ max: 256, section: "§4.2.2" }).optional().describe("Description: at most 256 characters (Octopus §4.2.2). Versions cannot be edited: changing it replaces the version."),
  waitForStatus: z
    .enum(["PUSHED"], { message: 'must be "PUSHED" (the only status worth waiting for, Octopus §4.1)' })
    .optional()
    .describe(
      'Set to "PUSHED" to make create (and update) wait until the image has been pushed with the PUSH account of `octopus.getImageVersionAccount` (§4.2.6): progress is printed, PUSH_FAILED fails the update with the reason, and the version stays in state so the next `up` waits again. The wait is bounded by `customTimeouts` (default 30 minutes). Changing it is an in-place update.',
    ),
  awaitTimeouts: awaitTimeoutsField,
  importId: importIdField.describe("Version number of an existing version of `repoId` to adopt instead of creating one (our `pulumi import`)."),
});

const outputs = z.object({
  version: z.number().describe("Version number (1, 2, …): what operators and `getImageVersionAccount` take (§4.2)."),
  versionId: z.number().describe("The version's own id (distinct from its number, §4.2.1)."),
  status: z.enum(VERSION_STATUSES).describe(`Push status, live on refresh: ${VERSION_STATUSES.join(", ")} (§4.1). A new version is INIT until an image is pushed.`),
  url: z.string().describe("Full image path to tag and push to, e.g. swr.cn-north-1.myhuaweicloud.com/octopus-{project}/image-{repo}:v1.0 (§4.2.3)."),
  repoName: z.string().describe("Name of the repository."),
  visibility: z.string().describe("TEAM or PUBLIC, from the repository."),
  projectId: z.string().describe("Project ID."),
  userId: z.string().describe("ID of the user who created the version."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;

/** Versions are addressed by repository id and version number (§4.2); the Pulumi id is the number. */
const rest = restApi<Inputs>({
  client: octopusClient,
  create: `POST ${IMAGE_VERSIONS}`,
  read: `GET ${IMAGE_VERSIONS}/{id}`,
  delete: `DELETE ${IMAGE_VERSIONS}/{id}`,
  params: (i) => ({ repo_id: i.repoId }),
  createBody: (i) => compact({ description: i.description }),
  // §4.2.2 answers the new version's number (§Inconsistencies 3).
  idOf: (res) => idText(res.item),
  fromBody: (res) => {
    const v = res.item;
    return {
      inputs: { repoId: v.repo_id, description: v.description ?? undefined },
      state: compact({
        version: v.version,
        versionId: v.id,
        status: v.status,
        url: v.url,
        repoName: v.repo_name,
        visibility: v.visibility,
        projectId: v.project_id,
        userId: v.user_id,
        createAt: v.create_at,
        updateAt: v.update_at,
      }),
    };
  },
});

/** The version as it is now; undefined once it is gone (its detail call answers 404 octopus.007001, §4.2). */
const readVersion = (ctx: Context, id: string, i: Inputs) => unlessNotFound(rest.read(ctx, id, i));

/** Waits until the push has landed (PUSHED); PUSH_FAILED or the timeout leave the version in state as not ready. */
async function awaitPushed(ctx: Context, id: string, i: Inputs, op: "create" | "update", state: Props): Promise<Props> {
  if (i.waitForStatus !== "PUSHED") return state;
  const what = `image version ${state.repoName ?? i.repoId}:v${id}`;
  ctx.log(`${what}: waiting for PUSHED; push the image to ${state.url} with a PUSH account from octopus.getImageVersionAccount`);
  const result = await waitFor(ctx, what, timeoutFor(i, op, DEFAULT_WAIT_MS), async () => {
    const live = await readVersion(ctx, id, i);
    if (!live) throw new Error(`edgeai:octopus:ImageRepoVersion ${what} was deleted while waiting for it to be pushed`);
    const status = live.state.status;
    return { done: status === "PUSHED", failure: status === "PUSH_FAILED" ? "the push failed (PUSH_FAILED): push the image again with a new PUSH account, then run `pulumi up` again" : undefined, status: String(status), value: live.state };
  });
  if (!result.ok) throw new NotReadyError(`edgeai:octopus:ImageRepoVersion ${what} is not pushed: ${result.reason}`, id, result.value);
  return result.value;
}

const api: ResourceApi<Inputs> = {
  ...rest,
  async create(ctx, i) {
    const { id, state } = await rest.create(ctx, i);
    return { id, state: await awaitPushed(ctx, id, i, "create", state) };
  },
  delete: (ctx, id, i, state) =>
    deleteUnlessRun(ctx, `edgeai:octopus:ImageRepoVersion: version ${id} of repository ${i.repoId}`, { repoId: String(i.repoId), version: Number(id) }, "Point those operators at another version or delete them first.", () => rest.delete(ctx, id, i, state)),
  // Only `waitForStatus` changes in place: versions themselves cannot be edited (§4.2).
  async update(ctx, id, _olds, news) {
    const live = await readVersion(ctx, id, news);
    if (!live) throw new Error(`edgeai:octopus:ImageRepoVersion: version ${id} of repository ${news.repoId} no longer exists; run \`pulumi refresh\``);
    return awaitPushed(ctx, id, news, "update", live.state);
  },
};

export const imageRepoVersionDefinition = defineResource({
  service: "octopus",
  name: "ImageRepoVersion",
  description:
    "A version of an Octopus image repository (§4.2). It starts INIT; the image is pushed outside Pulumi (`docker push` to `url`, logged in with `octopus.getImageVersionAccount({ action: \"PUSH\" })`), which moves it through PUSHING to PUSHED. `waitForStatus: \"PUSHED\"` makes `up` wait for that. A version that operators run cannot be deleted.",
  inputs,
  outputs,
  importScope: ["repoId"],
  immutable: ["repoId", "description"],
  identity: {
    by: "new",
    doc: "the repository's versions with its description, listed before creating (§4.2.1; versions are numbered by the service, nothing in the request is unique): after a lost answer, the new one is the version made",
    candidates: async (ctx, i) =>
      (await listAllOctopus(ctx.octopus, `GET ${IMAGE_VERSIONS}`, { params: { repo_id: i.repoId } })).filter((v) => (v.description || undefined) === i.description).map((v) => idText(v.version)),
  },
  api,
});

