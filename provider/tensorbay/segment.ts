import { z } from "zod";
import { afterCreate, defineResource, importIdField } from "../framework/definition";
import type { Context } from "../framework/definition";
import { branchNameField, commitDraft, datasetIdField } from "./common";

/**
 * A segment name is a path segment of the segment diff calls (`diffs/{basehead}/segments/{name}`,
 * SDK `client/dataset.py` `_generate_data_diffs`), which the SDK does not escape.
 */
export const segmentNameRule = z
  .string()
  .min(1, { message: "is required" })
  .regex(/^[^/?#]+$/, { message: "must not contain '/', '?' or '#' (the name is a path segment of the segment diff calls)" });

const inputs = z.object({
  datasetId: datasetIdField,
  branchName: branchNameField,
  name: segmentNameRule.describe("Segment name, unique in a version of the dataset (CreateSegment `name`). Changing it replaces the segment."),
  importId: importIdField,
});

const outputs = z.object({
  description: z.string().optional().describe("Segment description, as ListSegment answers it."),
  commitId: z.string().optional().describe("The commit that added the segment (unknown for an imported one)."),
});

type Inputs = z.infer<typeof inputs>;

/** The segment at the branch head: ListSegment with the branch as revision (SDK `_list_segments`), every page. */
async function find(ctx: Context, datasetId: string, branchName: string, name: string) {
  const segments = await ctx.tensorbay.listAll<{ name: string; description?: string }>("GET /v1/datasets/{datasetId}/segments", "segments", { params: { datasetId }, query: { commit: branchName } });
  const found = segments.find((s) => s.name === name);
  // A description the list leaves out is undefined, which the outputs leave out.
  return found && { inputs: { name: found.name } as Partial<Inputs>, state: { description: found.description } };
}

export const segmentDefinition = defineResource({
  service: "tensorbay",
  name: "Segment",
  description:
    "A segment of a TensorBay dataset on a branch (Open API CreateSegment, ListSegment, DeleteSegment): a named group of data. Segments are versioned: creating one opens a draft on the branch, adds the segment and commits; destroying one commits its removal (with its sensors and data), and earlier commits keep it. The API has no call that changes a segment, so every change replaces it. The ID is the segment name; `importId` takes a name (with `datasetId` and `branchName` set), and `pulumi import` takes `<datasetId>/<branchName>/<name>` (e.g. `…/main/drive`).",
  inputs,
  outputs,
  importScope: ["datasetId", "branchName"],
  immutable: ["datasetId", "branchName", "name"],
  uniqueName: "name",
  identity: {
    by: "name",
    doc: "its name, unique in a version of the dataset (CreateSegment answers NameConflict for a taken name)",
    find: async (ctx, segment) => ((await find(ctx, segment.datasetId, segment.branchName, segment.name)) ? segment.name : undefined),
  },
  api: {
    async create(ctx, segment) {
      const { datasetId, name } = segment;
      const { commitId } = await commitDraft(ctx.tensorbay, datasetId, { branchName: segment.branchName, title: `Add segment ${name}` }, (draftNumber) =>
        ctx.tensorbay.call("POST /v1/datasets/{datasetId}/segments", { datasetId }, { body: { name, draftNumber } }),
      );
      return afterCreate(name, { commitId }, async () => {
        const live = await find(ctx, datasetId, segment.branchName, name);
        if (!live) throw new Error(`tensorbay: segment "${name}" was not listed at the head of branch ${segment.branchName} right after its commit`);
        return { id: name, state: { ...live.state, commitId } };
      });
    },
    read: (ctx, id, segment) => find(ctx, segment.datasetId, segment.branchName, id),
    async delete(ctx, id, segment) {
      const { datasetId } = segment;
      await commitDraft(ctx.tensorbay, datasetId, { branchName: segment.branchName, title: `Remove segment ${id}` }, (draftNumber) =>
        ctx.tensorbay.call("DELETE /v1/datasets/{datasetId}/segments", { datasetId }, { body: { segmentName: id, draftNumber } }),
      );
    },
  },
});
