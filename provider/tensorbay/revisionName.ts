import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import type { Context } from "../framework/definition";
import { compact } from "../framework/case";
import { CommitInfo, datasetIdField, userOutput } from "./common";

/**
 * Branches and tags are the same kind of object: a name in a dataset that points at a commit,
 * created from a revision, listed with a LIKE name filter (there is no get-one call) and deleted
 * by a DELETE whose body names it. One declaration serves both.
 */
export interface RevisionNameKind {
  /** Resource type name: `Branch`, `Tag`. */
  name: "Branch" | "Tag";
  /** Collection path segment and list key: `branches`, `tags`. */
  collection: "branches" | "tags";
  description: string;
}

const outputs = z.object({
  commitId: z.string().describe("The commit it points at now."),
  parentCommitId: z.string().optional().describe("That commit's parent."),
  title: z.string().optional().describe("That commit's title."),
  committer: userOutput.optional().describe("Who made that commit, and when."),
});

export function revisionNameDefinition(kind: RevisionNameKind) {
  const what = kind.name.toLowerCase();
  const inputs = z.object({
    datasetId: datasetIdField,
    name: z.string().min(1, { message: "is required" }).describe(`The ${what} name, unique in the dataset; found by its exact name even when it holds LIKE wildcards ('_', '%'). Changing it replaces the ${what}.`),
    commit: z
      .string()
      .min(1, { message: "is required" })
      .describe(`Revision to create the ${what} at: a commit ID, a branch name or a tag name (Create${kind.name} \`commit\`). The dataset needs a commit first (a \`tensorbay.Commit\`). Changing it replaces the ${what}.`),
    importId: importIdField,
  });
  type Inputs = z.infer<typeof inputs>;
  const list = `GET /v1/datasets/{datasetId}/${kind.collection}`;

  async function find(ctx: Context, datasetId: string, name: string) {
    const found = await ctx.tensorbay.findByName<CommitInfo & { name: string }>(list, kind.collection, name, { datasetId });
    // Only the name is an input the server reports: `commit` was a revision, which the object does not remember.
    return found && { inputs: { name: found.name } as Partial<Inputs>, state: compact({ commitId: found.commitId, parentCommitId: found.parentCommitId ?? undefined, title: found.title, committer: found.committer }) };
  }

  return defineResource({
    service: "tensorbay",
    name: kind.name,
    description: `${kind.description} The ID is the ${what} name; \`importId\` takes a name (with \`datasetId\` set), and \`pulumi import\` takes \`<datasetId>/<name>\`.`,
    inputs,
    outputs,
    importScope: ["datasetId"],
    immutable: ["datasetId", "name", "commit"],
    uniqueName: "name",
    identity: { by: "name", doc: `its name, unique in the dataset (Create${kind.name} answers NameConflict for a taken name)`, find: async (ctx, object) => ((await find(ctx, object.datasetId, object.name)) ? object.name : undefined) },
    api: {
      async create(ctx, object) {
        await ctx.tensorbay.call(`POST /v1/datasets/{datasetId}/${kind.collection}`, { datasetId: object.datasetId }, { body: { name: object.name, commit: object.commit } });
        const live = await find(ctx, object.datasetId, object.name);
        if (!live) throw new Error(`tensorbay: ${what} "${object.name}" was not listed right after it was created`);
        return { id: object.name, state: live.state };
      },
      async read(ctx, id, object) {
        const live = await find(ctx, object.datasetId, id);
        // An import has no program to say which revision it was made at: the commit it points at now stands for it.
        return live && object.commit === undefined ? { ...live, inputs: { ...live.inputs, commit: live.state.commitId as string } } : live;
      },
      async delete(ctx, id, object) {
        await ctx.tensorbay.call(`DELETE /v1/datasets/{datasetId}/${kind.collection}`, { datasetId: object.datasetId }, { body: { name: id } });
      },
    },
  });
}
