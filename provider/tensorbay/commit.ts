import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import { compact } from "../framework/case";
import { unlessNotFound } from "../client/errors";
import { branchNameField, commitAt, commitDraft, datasetIdField, userOutput } from "./common";

const inputs = z.object({
  datasetId: datasetIdField,
  branchName: branchNameField,
  title: z.string().min(1, { message: "is required" }).describe("Commit title (CreateDraft and CommitDataset `title`). Changing it makes a new commit."),
  description: z.string().min(1, { message: "must not be empty (omit it instead)" }).optional().describe("Commit description (CommitDataset `description`). Changing it makes a new commit."),
  importId: importIdField,
});

const outputs = z.object({
  commitId: z.string().describe("Commit ID."),
  parentCommitId: z.string().optional().describe("Parent commit ID (all zeros for a dataset's first commit)."),
  committer: userOutput.optional().describe("Who committed, and when."),
  draftNumber: z.number().optional().describe("Number of the draft this commit was made from (unknown for an imported commit)."),
});

export const commitDefinition = defineResource({
  service: "tensorbay",
  name: "Commit",
  description:
    "A commit on a TensorBay dataset branch, made the documented way: CreateDraft on the branch, then CommitDataset. This is how an empty dataset gets the first commit that branches and tags need. Commits are history: any change makes a new commit on top of the branch, and destroying one only removes it from the stack (the API cannot delete commits). The ID is the commit ID; `importId` takes one of the dataset's commit IDs, and `pulumi import` takes `<datasetId>/<commitId>`.",
  inputs,
  outputs,
  importScope: ["datasetId"],
  immutable: ["datasetId", "branchName", "title", "description"],
  identity: {
    by: "new",
    doc: "the branch head: commits have no unique field, so the head is noted before committing; after a lost answer, a new head with the commit's title is the commit made",
    candidates: async (ctx, commit) => {
      // A new dataset's branch has no commit yet.
      const head = await unlessNotFound(commitAt(ctx, commit.datasetId, commit.branchName));
      return head && head.title === commit.title ? [head.commitId] : [];
    },
  },
  api: {
    async create(ctx, commit) {
      const { commitId, draftNumber } = await commitDraft(ctx.tensorbay, commit.datasetId, commit);
      const made = await commitAt(ctx, commit.datasetId, commitId);
      return { id: commitId, state: compact({ commitId, parentCommitId: made?.parentCommitId, committer: made?.committer, draftNumber }) };
    },
    async read(ctx, id, commit) {
      const found = await commitAt(ctx, commit.datasetId, id);
      if (found?.commitId !== id) return undefined;
      return { inputs: { title: found.title, description: found.description || undefined }, state: compact({ commitId: found.commitId, parentCommitId: found.parentCommitId, committer: found.committer }) };
    },
    // The open API has no call that deletes a commit.
    async delete() {},
  },
});

