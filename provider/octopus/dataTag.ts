import { z } from "zod";
import { OCTOPUS_BASE, idText } from "../client/octopus";
import type { HuaweiServiceClient } from "../client/huawei";
import { defineResource, importIdField } from "../framework/definition";
import { restApi } from "../framework/rest";
import { compact } from "../framework/case";
import { idByName, numericId, octopusClient, text } from "./common";

export const DATA_TAGS = `${OCTOPUS_BASE}/data/tags`;

const inputs = z.object({
  name: text({ min: 1, max: 64, section: "§4.17.2" }).describe("Tag (or category) name, unique in the project: at most 64 characters (Octopus §4.17.2). Renamed in place (§4.17.5)."),
  description: text({ max: 255, section: "§4.17.2" }).optional().describe("Description: at most 255 characters (Octopus §4.17.2)."),
  parentId: numericId("parent_id, Octopus §4.17.2", 0)
    .optional()
    .describe("ID of the parent category (a `octopus.DataTag` with `isTag: false`); top level when omitted (the service's default 15000000, or 0). Cannot be changed in place (§4.17.5): changing it replaces the tag."),
  isTag: z.boolean().default(true).describe("true (default) for a tag, false for a category that holds tags (§4.17.2). Changing it replaces the tag."),
  simulationTags: z
    .array(numericId("simulation_tags, Octopus §4.17.2", 0))
    .max(50, { message: "at most 50 simulation tags (Octopus §4.17.2)" })
    .default([])
    .describe("IDs of the simulation tags this data tag maps to: at most 50 (Octopus §4.17.2), reconciled in place."),
  importId: importIdField,
});

const outputs = z.object({
  tagLevel: z.number().describe("Depth in the tag tree (1 = top level)."),
  childrenCount: z.number().describe("Number of direct children (for a category)."),
  isBuiltIn: z.boolean().describe("Whether it is a built-in tag (built-in tags cannot be edited)."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;
/** Both documented spellings of the built-in flag (table `is_build_in`, example `is_built_in`, §Inconsistencies 28). */
const builtIn = (t: any): boolean | undefined => t.is_build_in ?? t.is_built_in;

/** §4.17 has no detail call: a tag is looked up in the list by its id (`ids` filter, §4.17.1). */
async function findTag(client: HuaweiServiceClient, id: string) {
  const body = await client.call(`GET ${DATA_TAGS}`, {}, { query: { ids: id } });
  // Stryker disable next-line ArrayDeclaration: equivalent, a made-up element (a string) has no id, so it never matches the numeric id looked for.
  return (body?.list ?? []).find((t: any) => idText(t.id) === id);
}

const updateBody = (i: Inputs) => ({ name: i.name, description: i.description ?? "", simulation_tags: i.simulationTags });

export const dataTagDefinition = defineResource({
  service: "octopus",
  name: "DataTag",
  description:
    "An Octopus data tag or tag category (§4.17): labels that data pipelines write onto the data they process. Categories (`isTag: false`) hold tags; a category that still holds tags cannot be deleted (409 Node In Use).",
  inputs,
  outputs,
  immutable: ["parentId", "isTag"],
  // §4.17.2: a tag created without parent_id sits at the top level, under 15000000 (or 0).
  serverDefaults: { parentId: [15000000, 0] },
  uniqueName: "name",
  identity: { by: "name", doc: "its name, unique in the project (a duplicate is refused with 409 octopus.101005, Octopus §4.17)", find: (ctx, i) => idByName(ctx.octopus, `GET ${DATA_TAGS}`, i.name, { exact_name: i.name }) },
  api: restApi<Inputs>({
    client: octopusClient,
    create: `POST ${DATA_TAGS}`,
    read: findTag,
    update: `PUT ${DATA_TAGS}/{id}`,
    delete: `DELETE ${DATA_TAGS}/{id}`,
    createBody: (i) => compact({ ...updateBody(i), description: i.description, parent_id: i.parentId, is_tag: i.isTag }),
    updateBody,
    idOf: (res) => idText(res.item),
    fromBody: (t) => ({
      inputs: { name: t.name, description: t.description || undefined, parentId: t.parent_id, isTag: t.is_tag, simulationTags: t.simulation_tags ?? [] },
      state: compact({ tagLevel: t.tag_level, childrenCount: t.children_count ?? 0, isBuiltIn: builtIn(t) ?? false, createAt: t.create_at, updateAt: t.update_at }),
    }),
  }),
});

