import { z } from "zod";
import { OCTOPUS_BASE } from "../client/octopus";
import { type Context, defineResource, importIdField, type ResourceApi } from "../framework/definition";
import { compact } from "../framework/case";
import { numericId } from "./common";
import { packageId } from "./dataScene";
import { MAX_PACKAGE_TAGS } from "./sceneEnums";

export const PACKAGES = `${OCTOPUS_BASE}/data/packages`;

const inputs = z.object({
  dpkId: packageId("§4.9.5").describe("ID of the data package whose tags these are (DPK and 7-13 digits, Octopus §4.9.5; `octopus.getDataPackages`). Changing it moves the tags: the old package's are cleared."),
  tagIds: z
    .array(numericId("tag_ids, Octopus §4.9.5", 0))
    .max(MAX_PACKAGE_TAGS, { message: `at most ${MAX_PACKAGE_TAGS} tags (Octopus §4.9.5)` })
    .describe(`The package's tags, exactly: data tag ids (\`octopus.DataTag\` ids or built-in ones from \`octopus.getDataTags\`), at most ${MAX_PACKAGE_TAGS} (Octopus §4.9.5). Changes in place.`),
  importId: importIdField.describe("ID of the data package (the same as `dpkId`) whose current tags to take over; without it, create takes them over anyway, since a package always has a tag list."),
});

const outputs = z.object({
  packageName: z.string().describe("Name of the data package."),
  vehicleName: z.string().optional().describe("Vehicle that recorded the package."),
  status: z.string().describe("Status of the data package (§4.9.1), live on refresh."),
});

type Inputs = z.infer<typeof inputs>;

const put = (ctx: Context, dpkId: string, tagIds: number[]) => ctx.octopus.call(`PUT ${PACKAGES}/{id}/tags`, { id: dpkId }, { body: { tag_ids: tagIds } });

async function read(ctx: Context, id: string) {
  const p = (await ctx.octopus.call(`GET ${PACKAGES}/{id}`, { id })).item;
  return {
    inputs: { dpkId: p.id, tagIds: p.tag_ids ?? [] },
    state: compact({ packageName: p.name, vehicleName: p.collection_info?.cardrive?.car?.vehicle_name, status: p.status }),
  };
}

/**
 * §4.9.5 replaces a package's whole tag list with an idempotent PUT, so the tags are a resource of
 * their own, keyed by the package: create and update PUT the list, destroy PUTs an empty one.
 */
const api: ResourceApi<Inputs> = {
  async create(ctx, i) {
    await put(ctx, i.dpkId, i.tagIds);
    return { id: i.dpkId, state: (await read(ctx, i.dpkId)).state };
  },
  read: (ctx, id) => read(ctx, id),
  async update(ctx, id, _olds, news) {
    await put(ctx, id, news.tagIds);
    return (await read(ctx, id)).state;
  },
  async delete(ctx, id) {
    await put(ctx, id, []);
  },
};

export const dataPackageTagsDefinition = defineResource({
  service: "octopus",
  name: "DataPackageTags",
  description:
    "The tags of one recorded data package (§4.9.5): the whole list, kept exactly as the program says (tags added in the console show as drift and are removed by the next `up`). Destroy clears the package's tags; the package itself stays (packages come from imports, §4.10).",
  inputs,
  outputs,
  immutable: ["dpkId"],
  identity: {
    by: "name",
    doc: "its data package (`dpkId`): the tags are set by an idempotent PUT, which is retried rather than lost, and there is one tag list per package",
    find: async (_ctx, i) => i.dpkId,
  },
  api,
});
