import { z } from "zod";
import { OCTOPUS_BASE, idText, isInUse, listAllOctopus } from "../client/octopus";
import { type Context, defineResource, importIdField } from "../framework/definition";
import { restApi } from "../framework/rest";
import { compact } from "../framework/case";
import { OPERATOR_VISIBILITIES, OUTPUT_TYPES } from "./enums";
import { idByName, numericId, octopusClient, oneOf, text } from "./common";

const PROCESSORS = `${OCTOPUS_BASE}/data/processors`;

/**
 * Runs a delete of an image repository or version; when the service refuses it as in use (a 409
 * that names nothing, §7.2 table 7-3), says which operators (§4.13.1) run that image and how to
 * free it.
 */
export async function deleteUnlessRun(ctx: Context, subject: string, image: { repoId: string; version?: number }, advice: string, remove: () => Promise<void>): Promise<void> {
  try {
    await remove();
  } catch (err) {
    if (!isInUse(err)) throw err;
    // Stryker disable next-line ArrayDeclaration: equivalent, a made-up element (a string) has no image_repo_id, so it holds no image and names no operator.
    const all = await listAllOctopus<{ id: number; name: string; image_repo_id: number; image_version: number }>(ctx.octopus, `GET ${PROCESSORS}`).catch(() => []);
    const holders = all.filter((p) => String(p.image_repo_id) === image.repoId && (image.version === undefined || p.image_version === image.version));
    const named = holders.length ? `: used by operator(s) ${holders.map((p) => `"${p.name}" (${p.id})`).join(", ")}` : "";
    throw new Error(`${subject} cannot be deleted while operators run it${named} (${err.errorCode}: ${err.errorMsg}). ${advice}`);
  }
}

const inputs = z.object({
  name: text({ min: 1, max: 64, section: "§4.13.2" }).describe("Operator name, unique in the project: at most 64 characters (Octopus §4.13.2). Cannot be changed in place (§4.13.4): changing it replaces the operator."),
  description: text({ max: 256, section: "§4.13.2" }).optional().describe("Description: at most 256 characters (Octopus §4.13.2)."),
  outputType: oneOf(OUTPUT_TYPES, "§4.13 output_type").describe(`What the operator produces, one of ${OUTPUT_TYPES.join(", ")} (Octopus §4.13). Cannot be changed in place (§4.13.4): changing it replaces the operator.`),
  visibility: oneOf(OPERATOR_VISIBILITIES, "§4.13 visibility").describe("PRIVATE or PUBLIC (Octopus §4.13.2; note: not TEAM as for repositories)."),
  imageRepoId: numericId("image_repo_id, Octopus §4.13.2").describe("ID of the image repository the operator runs (`octopus.ImageRepo` id). Repository and version change together, in place (§4.13.4)."),
  imageVersion: numericId("image_version, Octopus §4.13.2").describe("Version number of the image (`octopus.ImageRepoVersion` version)."),
  config: z
    .object({ command: text({ min: 1, max: 500, section: "§4.13.2 config.command" }).describe("Command the operator runs: 1-500 characters (Octopus §4.13.2).") })
    .describe("Run configuration (§4.13.2 `config`)."),
  importId: importIdField,
});

const outputs = z.object({
  projectId: z.string().describe("Project ID."),
  userId: z.string().describe("ID of the user who created the operator; only they may change it."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;

/** The updatable fields (§4.13.4): all of them are sent, so repository and version always travel together. */
const updateBody = (i: Inputs) => ({ description: i.description ?? "", visibility: i.visibility, image_repo_id: i.imageRepoId, image_version: i.imageVersion, config: { command: i.config.command } });

export const operatorDefinition = defineResource({
  service: "octopus",
  name: "Operator",
  description:
    "An Octopus operator (data processor, §4.13): a container image (repository + version) and the command that processes data into marks, datasets, replays, charts or desensitized data. Take `imageRepoId`/`imageVersion` from `octopus.ImageRepo`/`octopus.ImageRepoVersion` so `up` creates them first.",
  inputs,
  outputs,
  immutable: ["name", "outputType"],
  uniqueName: "name",
  identity: { by: "name", doc: "its name, unique in the project (a duplicate is refused with 409 octopus.109002, Octopus §4.13)", find: (ctx, i) => idByName(ctx.octopus, `GET ${PROCESSORS}`, i.name) },
  api: restApi<Inputs>({
    client: octopusClient,
    create: `POST ${PROCESSORS}`,
    read: `GET ${PROCESSORS}/{id}`,
    update: `PUT ${PROCESSORS}/{id}`,
    delete: `DELETE ${PROCESSORS}/{id}`,
    createBody: (i) => compact({ name: i.name, output_type: i.outputType, ...updateBody(i), description: i.description }),
    updateBody,
    idOf: (res) => idText(res.item),
    fromBody: (res) => {
      const p = res.item;
      return {
        inputs: { name: p.name, description: p.description || undefined, outputType: p.output_type, visibility: p.visibility, imageRepoId: p.image_repo_id, imageVersion: p.image_version, config: { command: p.config?.command } },
        state: compact({ projectId: p.project_id, userId: p.user_id, createAt: p.create_at, updateAt: p.update_at }),
      };
    },
  }),
});

