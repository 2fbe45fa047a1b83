import { z } from "zod";
import { defineResource, importIdField, LiveObject } from "../framework/definition";
import type { Context } from "../framework/definition";
import { compact } from "../framework/case";

const inputs = z.object({
  name: z.string().min(1, { message: "is required" }).describe("Dataset name, unique per account (CreateDataset `name`). Changing it replaces the dataset."),
  type: z
    .union([z.literal(0), z.literal(1)], { message: "must be 0 (normal) or 1 (fusion)" })
    .default(0)
    .describe("0 = a normal dataset, 1 = a fusion dataset (several sensors) (CreateDataset `type`, default 0). Changing it replaces the dataset."),
  alias: z.string().default("").describe('Display alias (CreateDataset/UpdateDataset `alias`, default ""). Updated in place.'),
  isPublic: z.boolean().default(false).describe("Whether the dataset is public (`isPublic`, default false). Updated in place."),
  configName: z
    .string()
    .min(1, { message: "must not be empty (omit it for Graviti storage)" })
    .optional()
    .describe("Name of the storage config that holds the data (a `tensorbay.StorageConfig`'s `name`; CreateDataset `configName`); Graviti's own storage when omitted. Changing it replaces the dataset."),
  importId: importIdField,
});

const outputs = z.object({
  commitId: z.string().describe("Head commit of the default branch when last read (all zeros before the first commit)."),
  defaultBranch: z.string().describe('Default branch ("main").'),
  owner: z.string().optional().describe("Owner's nickname."),
  updateTime: z.number().optional().describe("Last update time (Unix seconds)."),
});

type Inputs = z.infer<typeof inputs>;

async function read(ctx: Context, id: string): Promise<LiveObject<Inputs>> {
  const d = await ctx.tensorbay.call("GET /v1/datasets/{datasetId}", { datasetId: id });
  return {
    // GetDataset answers `configName: ""` for Graviti storage.
    inputs: { name: d.name, type: d.type, alias: d.alias ?? "", isPublic: d.isPublic ?? false, configName: d.configName || undefined },
    state: compact({ commitId: d.commitId, defaultBranch: d.defaultBranch, owner: d.owner, updateTime: d.updateTime }),
  };
}

export const datasetDefinition = defineResource({
  service: "tensorbay",
  name: "Dataset",
  description:
    "A TensorBay dataset (Open API CreateDataset, GetDataset, UpdateDataset, DeleteDataset). `alias` and `isPublic` change in place; a new `name`, `type` or `configName` replaces it. A new dataset has one branch, \"main\", and no commit: add a `tensorbay.Commit` before branches and tags. The ID is the dataset ID; `importId` takes one.",
  inputs,
  outputs,
  immutable: ["name", "type", "configName"],
  uniqueName: "name",
  identity: {
    by: "name",
    doc: "its name, unique for the account (CreateDataset answers NameConflict for a taken name)",
    find: async (ctx, dataset) => (await ctx.tensorbay.findByName<{ id: string; name: string }>("GET /v1/datasets", "datasets", dataset.name))?.id,
  },
  api: {
    async create(ctx, dataset) {
      const { id } = await ctx.tensorbay.call("POST /v1/datasets", {}, { body: compact({ name: dataset.name, type: dataset.type, alias: dataset.alias, isPublic: dataset.isPublic, configName: dataset.configName }) });
      return { id, state: (await read(ctx, id)).state };
    },
    read: (ctx, id) => read(ctx, id),
    async update(ctx, id, _olds, dataset) {
      await ctx.tensorbay.call("PATCH /v1/datasets/{datasetId}", { datasetId: id }, { body: { alias: dataset.alias, isPublic: dataset.isPublic } });
      return (await read(ctx, id)).state;
    },
    async delete(ctx, id) {
      await ctx.tensorbay.call("DELETE /v1/datasets/{datasetId}", { datasetId: id });
    },
  },
});

