import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import type { Context } from "../framework/definition";
import { branchNameField, commitDraft, datasetIdField } from "./common";

const inputs = z.object({
  datasetId: datasetIdField,
  branchName: branchNameField,
  isContinuous: z.boolean().default(false).describe("Whether the dataset's data are continuous frames (UpdateNote `isContinuous`, default false). Updated by a new commit."),
  binPointCloudFields: z
    .array(z.string().min(1, { message: "must not be empty" }))
    .min(1, { message: "must list at least one field (omit it for no binary point cloud)" })
    .optional()
    .describe('Field names of binary point-cloud files, e.g. ["X", "Y", "Z", "Intensity"] (UpdateNote `binPointCloudFields`); omitted = none (sent as null, which clears it). Updated by a new commit.'),
  commitTitle: z.string().min(1, { message: "must not be empty" }).default("Update dataset notes").describe("Title of the commit that records the notes."),
  importId: importIdField,
});

const outputs = z.object({
  commitId: z.string().describe("The commit that recorded the notes."),
});

type Inputs = z.infer<typeof inputs>;

/** Notes are versioned: UpdateNote edits a draft (wire format §7), so every change is draft, update, commit. */
async function record(ctx: Context, datasetId: string, note: Inputs) {
  const { commitId } = await commitDraft(ctx.tensorbay, datasetId, { branchName: note.branchName, title: note.commitTitle }, (draftNumber) =>
    ctx.tensorbay.call("PATCH /v1/datasets/{datasetId}/notes", { datasetId }, { body: { draftNumber, isContinuous: note.isContinuous, binPointCloudFields: note.binPointCloudFields ?? null } }),
  );
  return { commitId };
}

export const datasetNoteDefinition = defineResource({
  service: "tensorbay",
  name: "DatasetNote",
  description:
    "The notes of a TensorBay dataset on a branch (Open API UpdateNote, GetNote): whether its data are continuous and its binary point-cloud fields. Notes are versioned, so creating or changing them opens a draft on the branch, updates its notes and commits it; refresh reads the notes at the branch head. Destroying it leaves the committed notes in the history. The ID is the dataset ID; `importId` takes it (with `branchName` set), and `pulumi import` takes `<datasetId>/<branchName>` (e.g. `…/main`).",
  inputs,
  outputs,
  importScope: ["datasetId", "branchName"],
  idInput: "datasetId",
  immutable: ["datasetId", "branchName"],
  // The notes always exist (a dataset has one set per revision): a create whose answer was lost is
  // adopted, and committed again only if the notes at the branch head differ from the program.
  identity: {
    by: "name",
    doc: "the dataset and branch: every branch has notes, so the notes are adopted and converged",
    find: async (_ctx, note) => note.datasetId,
    // The notes exist before the create (every branch has them); its commit is what sets these.
    setAfterCreate: ["isContinuous", "binPointCloudFields"],
  },
  api: {
    async create(ctx, note) {
      return { id: note.datasetId, state: await record(ctx, note.datasetId, note) };
    },
    async read(ctx, id, note) {
      // GetNote takes a revision: the branch name reads the notes at its head.
      const live = await ctx.tensorbay.call("GET /v1/datasets/{datasetId}/notes", { datasetId: id }, { query: { commit: note.branchName } });
      return { inputs: { isContinuous: live.isContinuous ?? false, binPointCloudFields: live.binPointCloudFields ?? undefined }, state: {} };
    },
    update: (ctx, id, _olds, note) => record(ctx, id, note),
    // Committed notes are history; the API has no call that removes them.
    async delete() {},
  },
});

