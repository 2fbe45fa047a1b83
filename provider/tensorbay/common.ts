import { z } from "zod";
import type { Context } from "../framework/definition";
import type { TensorbayClient } from "../client/tensorbay";
import { OutcomeUnknownError } from "../client/errors";

/** A dataset with no commits points at this commit (TensorBay SDK `struct.py` ROOT_COMMIT_ID). */
export const ROOT_COMMIT = "00000000000000000000000000000000";

export const datasetIdField = z.string().min(1, { message: "is required" }).describe("ID of the dataset (a `tensorbay.Dataset`'s `id`). Changing it replaces the object.");

export const branchNameField = z
  .string()
  .min(1, { message: "must not be empty" })
  .default("main")
  .describe('Branch the draft is opened on (CreateDraft `branchName`; default "main", the default branch of a new dataset). Changing it replaces the object.');

/** `committer` / `author` (wire format §1.9). */
export const userOutput = z.object({ name: z.string().describe("User name."), date: z.number().describe("Time (Unix seconds).") });

/** The Commit object of ListCommit, ListBranches and ListTag (wire format §1.9). */
export interface CommitInfo {
  commitId: string;
  parentCommitId: string | null;
  title: string;
  description?: string;
  committer: { name: string; date: number };
}

/** The draft-to-commit sequence running on each dataset branch in this process. */
const branchQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` after every earlier draft-to-commit sequence on the same branch. A draft holds a
 * copy of the branch head taken when it opens, and a commit puts the draft's content on top of
 * the head: two drafts open at once on one branch would each lose the other's change. The engine
 * creates independent resources in parallel (a segment's two sensors, a catalog, notes), all in
 * this one provider process, so their commits on a branch take turns here.
 */
async function onBranch<T>(datasetId: string, branchName: string, work: () => Promise<T>): Promise<T> {
  const key = JSON.stringify([datasetId, branchName]);
  const run = (branchQueues.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
  branchQueues.set(key, run);
  try {
    return await run;
  } finally /* Stryker disable next-line BlockStatement: equivalent, as the clean-up below */ {
    // Stryker disable next-line ConditionalExpression,CallExpression: the clean-up only keeps the map small, so it is equivalent when a settled sequence's entry is kept (→ false, no delete): the next sequence on its branch then waits for nothing; dropping the entry of a sequence still waited on (→ true) fails the unit test of a change that starts after an earlier one ended.
    if (branchQueues.get(key) === run) branchQueues.delete(key);
  }
}

/**
 * The documented way to make a commit (wire format §4-5): open a draft on the branch, let
 * `change` edit it, commit it. A draft that fails before its commit is closed, so a failed
 * update leaves no open draft behind. Sequences on one branch take turns (`onBranch`).
 */
export function commitDraft(
  client: TensorbayClient,
  datasetId: string,
  draft: { branchName: string; title: string; description?: string },
  change: (draftNumber: number) => Promise<void> = async () => {},
): Promise<{ commitId: string; draftNumber: number }> {
  return onBranch(datasetId, draft.branchName, () => draftAndCommit(client, datasetId, draft, change));
}

async function draftAndCommit(
  client: TensorbayClient,
  datasetId: string,
  draft: { branchName: string; title: string; description?: string },
  change: (draftNumber: number) => Promise<void>,
): Promise<{ commitId: string; draftNumber: number }> {
  const params = { datasetId };
  const description = draft.description || undefined;
  const draftNumber = await openDraft(client, datasetId, draft.branchName, draft.title, description);
  try {
    await change(draftNumber);
    const { commitId } = await client.call("POST /v1/datasets/{datasetId}/commits", params, { body: { title: draft.title, draftNumber, description } });
    return { commitId, draftNumber };
  } catch (err) {
    await client.call("PATCH /v1/datasets/{datasetId}/drafts/{draftNumber}", { datasetId, draftNumber }, { body: { status: "CLOSED" } }).catch(() => undefined);
    throw err;
  }
}

/**
 * CreateDraft, once: drafts have no unique field, so the branch's open drafts with this title are
 * noted first; when the answer is lost, a new one among them is the draft made (none: it was not
 * made, and is asked for again once).
 */
async function openDraft(client: TensorbayClient, datasetId: string, branchName: string, title: string, description: string | undefined): Promise<number> {
  const open = async () =>
    (await client.listAll<{ number: number; title: string }>("GET /v1/datasets/{datasetId}/drafts", "drafts", { params: { datasetId }, query: { status: "OPEN", branchName } }))
      .filter((d) => d.title === title)
      .map((d) => d.number);
  const before = new Set(await open());
  for (let attempt = 1; ; attempt++) {
    try {
      return (await client.call("POST /v1/datasets/{datasetId}/drafts", { datasetId }, { body: { branchName, title, description } })).draftNumber;
    } catch (err) {
      if (!(err instanceof OutcomeUnknownError) || attempt > 1) throw err;
      const made = (await open()).filter((n) => !before.has(n));
      if (made.length) return made[made.length - 1];
    }
  }
}

/** The first commit of a revision's history: the commit itself (ListCommit, newest first). */
export async function commitAt(ctx: Context, datasetId: string, revision: string): Promise<CommitInfo | undefined> {
  const body = await ctx.tensorbay.call("GET /v1/datasets/{datasetId}/commits", { datasetId }, { query: { commit: revision, offset: 0, limit: 1 } });
  return body?.commits?.[0];
}
