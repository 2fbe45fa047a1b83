import { z } from "zod";
import { OCTOPUS_BASE, idText, listAllOctopus } from "../client/octopus";
import type { HuaweiServiceClient } from "../client/huawei";
import { defineResource, importIdField, token } from "../framework/definition";
import { restApi } from "../framework/rest";
import { compact } from "../framework/case";
import { REPO_SCOPES, REPO_VISIBILITIES } from "./enums";
import { idByName, octopusClient, oneOf, text } from "./common";
import { deleteUnlessRun } from "./operator";

export const IMAGE_REPOS = `${OCTOPUS_BASE}/common/image-registry/image-repos`;

const inputs = z.object({
  name: text({ min: 1, max: 64, section: "§4.1.2" }).describe("Repository name, unique in the project: 1-64 characters (Octopus §4.1.2). Renamed in place (§4.1.3)."),
  scope: oneOf(REPO_SCOPES, "§4.1 scope").describe(`What the images are used for, one of ${REPO_SCOPES.join(", ")} (Octopus §4.1). Cannot be changed in place (§4.1.3): changing it replaces the repository.`),
  description: text({ max: 256, section: "§4.1.2" }).optional().describe("Description: at most 256 characters (Octopus §4.1.2). Changed in place (§4.1.3)."),
  visibility: oneOf(REPO_VISIBILITIES, "§4.1 visibility").default("TEAM").describe("TEAM (default) or PUBLIC (Octopus §4.1.2). Cannot be changed in place (§4.1.3): changing it replaces the repository."),
  importId: importIdField,
});

const outputs = z.object({
  versionNum: z.number().describe("Number of versions in the repository (§4.1.1 `version_num`)."),
  projectId: z.string().describe("Project ID."),
  userId: z.string().describe("ID of the user who created the repository."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;
const TYPE = token({ service: "octopus", name: "ImageRepo" });

/** §4.1 has no detail call: a repository is found in the list (§4.1.1), which has no id filter. */
/**
 * §4.1 has no detail call: the list's `name` filter (§4.1.1) finds the repository in one page; only
 * one renamed outside Pulumi needs the whole list.
 */
async function findRepo(client: HuaweiServiceClient, id: string, inputs: { name?: string }) {
  const byId = (repos: any[]) => repos.find((r) => idText(r.id) === id);
  if (inputs.name) {
    const named = byId(await listAllOctopus(client, `GET ${IMAGE_REPOS}`, { query: { name: inputs.name } }));
    if (named) return named;
  }
  return byId(await listAllOctopus(client, `GET ${IMAGE_REPOS}`));
}

const rest = restApi<Inputs>({
  client: octopusClient,
  create: `POST ${IMAGE_REPOS}`,
  read: findRepo,
  update: `PUT ${IMAGE_REPOS}/{id}`,
  delete: `DELETE ${IMAGE_REPOS}/{id}`,
  createBody: (i) => compact({ name: i.name, scope: i.scope, description: i.description, visibility: i.visibility }),
  // Only name and description can change (§4.1.3); an empty description clears it.
  updateBody: (i) => ({ name: i.name, description: i.description ?? "" }),
  idOf: (res) => idText(res.item),
  fromBody: (r) => ({
    inputs: { name: r.name, scope: r.scope, description: r.description ?? undefined, visibility: r.visibility },
    state: compact({ versionNum: r.version_num, projectId: r.project_id, userId: r.user_id, createAt: r.create_at, updateAt: r.update_at }),
  }),
});

export const imageRepoDefinition = defineResource({
  service: "octopus",
  name: "ImageRepo",
  description:
    "An Octopus image repository (§4.1): holds the container images that operators, training and annotation jobs run. Its versions are `octopus.ImageRepoVersion`. A repository that operators still use cannot be deleted: point them at another image first.",
  inputs,
  outputs,
  immutable: ["scope", "visibility"],
  uniqueName: "name",
  identity: { by: "name", doc: "its name, unique in the project (a duplicate is refused with 409 octopus.000142, Octopus §4.1.1)", find: (ctx, i) => idByName(ctx.octopus, `GET ${IMAGE_REPOS}`, i.name) },
  api: {
    ...rest,
    delete: (ctx, id, inputs, state) =>
      deleteUnlessRun(
        ctx,
        `${TYPE}: repository ${id}`,
        { repoId: id },
        "Point those operators at another image or delete them first; to replace the repository (a new scope or visibility), also give it a new name, so the new one exists before the old one is deleted.",
        () => rest.delete(ctx, id, inputs, state),
      ),
  },
});

