import { own, type EmuRequest } from "../http";
import { filterByName, forbidden, invalid, missing, nameConflict, notExist, optionalBoolean, optionalString, pageBody, requiredString, tensorbayRoute } from "./common";
import { CommitRow, DatasetRow, contentOf, DraftRow, Notes, VersionContent, OWNER, ROOT_COMMIT, datasetOf, newId, nowSeconds, saveDataset } from "./datasets";

/** A revision is a branch name, a tag name or a commit ID (graviti SDK `client/commit.py`). */
export function resolve(ds: DatasetRow, revision: string): string {
  return own(ds.branches, revision) ?? own(ds.tags, revision) ?? (own(ds.commits, revision) || revision === ROOT_COMMIT ? revision : notExist(`revision ${revision}`));
}

/** Branches and tags point at a commit; the root commit (an empty dataset) is not one (tests/test_branch.py). */
function resolveCommitted(ds: DatasetRow, revision: string, what: string): string {
  const commitId = resolve(ds, revision);
  if (commitId === ROOT_COMMIT) forbidden(`dataset ${ds.name} has no commit yet: a ${what} needs one.`);
  return commitId;
}

const commitFields = ({ commitId, parentCommitId, title, description, committer }: CommitRow) => ({ commitId, parentCommitId, title, description, committer });

/** Branch objects (wire format §1.9): a branch at the root commit carries only name and commitId. */
function renderBranch(ds: DatasetRow, name: string) {
  const commitId = own(ds.branches, name)!;
  return commitId === ROOT_COMMIT ? { name, commitId } : { name, ...commitFields(own(ds.commits, commitId)!) };
}

function nameFromBody(req: EmuRequest): string {
  return requiredString(req.body?.name, "name");
}

export function draftOf(ds: DatasetRow, numberText: unknown): DraftRow {
  const number = Number(numberText);
  if (!Number.isInteger(number)) invalid("draftNumber", "must be an integer");
  return ds.drafts.find((d) => d.number === number) ?? notExist(`draft ${number}`);
}

function openDraftOf(ds: DatasetRow, numberText: unknown): DraftRow {
  const draft = draftOf(ds, numberText);
  if (draft.status !== "OPEN") invalid("draftNumber", `names a ${draft.status} draft; only an OPEN draft can change`);
  return draft;
}

/**
 * The content a read names: a revision in `commit` or a draft in `draftNumber` (query), the
 * version context of every dataset-content call (wire format §1.8).
 */
export function contentAt(ds: DatasetRow, query: URLSearchParams): VersionContent {
  const commit = query.get("commit");
  const draftNumber = query.get("draftNumber");
  if (!commit && !draftNumber) missing("commit or draftNumber");
  return commit ? contentOf(own(ds.commits, resolve(ds, commit))) : contentOf(draftOf(ds, draftNumber));
}

/** A write to the OPEN draft the body's `draftNumber` names: content changes only in drafts (wire format §1.8). */
export function editDraft(req: EmuRequest, ds: DatasetRow, change: (content: VersionContent) => Partial<VersionContent>): void {
  const b = req.body ?? {};
  if (b.draftNumber === undefined || b.draftNumber === null) missing("draftNumber");
  const draft = openDraftOf(ds, b.draftNumber);
  const updated: DraftRow = { ...draft, ...change(contentOf(draft)), updatedAt: nowSeconds() };
  saveDataset(req, { ...ds, drafts: ds.drafts.map((d) => (d === draft ? updated : d)) });
}

/** An OPEN draft on a branch's head holding `content`: numbers go up by one per dataset (tests/test_draft.py). */
export function newDraft(ds: DatasetRow, draft: { branchName: string; title: string; description: string; content: VersionContent }): DraftRow {
  const now = nowSeconds();
  return {
    number: Math.max(0, ...ds.drafts.map((d) => d.number)) + 1,
    title: draft.title,
    description: draft.description,
    branchName: draft.branchName,
    status: "OPEN",
    parentCommitId: own(ds.branches, draft.branchName) ?? notExist(`branch ${draft.branchName}`),
    author: { name: OWNER, date: now },
    updatedAt: now,
    ...draft.content,
  };
}

export const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function parseNotes(body: any, current: Notes): Notes {
  const isContinuous = optionalBoolean(body.isContinuous, "isContinuous") ?? current.isContinuous;
  let binPointCloudFields = current.binPointCloudFields;
  // An explicit null clears the fields (wire format §7); an absent key keeps them.
  if ("binPointCloudFields" in body) {
    const fields = body.binPointCloudFields;
    if (fields !== null && !(Array.isArray(fields) && fields.every((f) => typeof f === "string"))) invalid("binPointCloudFields", "must be an array of strings or null");
    binPointCloudFields = fields;
  }
  return { isContinuous, binPointCloudFields };
}

/**
 * Branches (§3) and tags (§6): names pointing at commits, created from a revision, listed sorted
 * by name with a LIKE `name` filter, deleted by a DELETE whose body names them. A dataset's
 * default branch cannot be deleted.
 */
function revisionNameRoutes(collection: "branches" | "tags", what: string, render: (ds: DatasetRow, name: string) => unknown) {
  const path = `/datasets/{id}/${collection}`;
  return [
    tensorbayRoute(`POST ${path}`, (req) => {
      const ds = datasetOf(req);
      const name = nameFromBody(req);
      const commitId = resolveCommitted(ds, requiredString(req.body?.commit, "commit"), what);
      if (Object.hasOwn(ds[collection], name)) nameConflict(what, name);
      saveDataset(req, { ...ds, [collection]: { ...ds[collection], [name]: commitId } });
      return {};
    }),
    tensorbayRoute(`GET ${path}`, (req) => {
      const ds = datasetOf(req);
      const rows = filterByName(req, Object.keys(ds[collection]).sort(byName).map((name) => ({ name })));
      return pageBody(req, rows.map((r) => render(ds, r.name)), collection);
    }),
    tensorbayRoute(`DELETE ${path}`, (req) => {
      const ds = datasetOf(req);
      const name = nameFromBody(req);
      if (!Object.hasOwn(ds[collection], name)) notExist(`${what} ${name}`);
      if (collection === "branches" && name === ds.defaultBranch) forbidden(`the default branch ${name} cannot be deleted.`);
      const { [name]: _gone, ...rest } = ds[collection];
      saveDataset(req, { ...ds, [collection]: rest });
      return {};
    }),
  ];
}

/** Branches (§3), drafts (§4), commits (§5), tags (§6) and notes (§7) of a dataset. */
export const versionRoutes = [
  ...revisionNameRoutes("branches", "branch", renderBranch),

  tensorbayRoute("POST /datasets/{id}/drafts", (req) => {
    const ds = datasetOf(req);
    const branchName = requiredString(req.body?.branchName, "branchName");
    const parentCommitId = own(ds.branches, branchName) ?? notExist(`branch ${branchName}`);
    const draft = newDraft(ds, {
      branchName,
      title: requiredString(req.body?.title, "title"),
      description: optionalString(req.body?.description, "description") ?? "",
      content: contentOf(own(ds.commits, parentCommitId)),
    });
    saveDataset(req, { ...ds, drafts: [...ds.drafts, draft] });
    return { body: { draftNumber: draft.number } };
  }),
  tensorbayRoute("GET /datasets/{id}/drafts", (req) => {
    const ds = datasetOf(req);
    const status = req.query.get("status");
    const branchName = req.query.get("branchName");
    if (status && !["OPEN", "CLOSED", "COMMITTED", "ALL"].includes(status)) invalid("status", "must be OPEN, CLOSED, COMMITTED or ALL");
    const rows = ds.drafts.filter((d) => (!status || status === "ALL" || d.status === status) && (!branchName || d.branchName === branchName));
    return pageBody(req, rows.map(({ notes: _notes, catalog: _catalog, segments: _segments, ...draft }) => draft), "drafts");
  }),
  tensorbayRoute("PATCH /datasets/{id}/drafts/{draftNumber}", (req) => {
    const ds = datasetOf(req);
    const draft = openDraftOf(ds, req.params.draftNumber);
    const b = req.body ?? {};
    if (b.status !== undefined && b.status !== "CLOSED") invalid("status", 'can only be set to "CLOSED"');
    const updated: DraftRow = { ...draft, title: optionalString(b.title, "title") ?? draft.title, description: optionalString(b.description, "description") ?? draft.description, status: b.status ?? draft.status, updatedAt: nowSeconds() };
    saveDataset(req, { ...ds, drafts: ds.drafts.map((d) => (d === draft ? updated : d)) });
    return {};
  }),

  tensorbayRoute("POST /datasets/{id}/commits", (req) => {
    const ds = datasetOf(req);
    const b = req.body ?? {};
    const title = requiredString(b.title, "title");
    if (b.draftNumber === undefined || b.draftNumber === null) missing("draftNumber");
    const draft = openDraftOf(ds, b.draftNumber);
    const tag = optionalString(b.tag, "tag");
    if (tag && Object.hasOwn(ds.tags, tag)) nameConflict("tag", tag);
    const commit: CommitRow = {
      commitId: newId(),
      // A branch may have moved since the draft was opened: the commit goes on top of its head.
      parentCommitId: own(ds.branches, draft.branchName) ?? notExist(`branch ${draft.branchName}`),
      title,
      description: optionalString(b.description, "description") ?? "",
      committer: { name: OWNER, date: nowSeconds() },
      ...contentOf(draft),
    };
    saveDataset(req, {
      ...ds,
      commits: { ...ds.commits, [commit.commitId]: commit },
      branches: { ...ds.branches, [draft.branchName]: commit.commitId },
      tags: tag ? { ...ds.tags, [tag]: commit.commitId } : ds.tags,
      drafts: ds.drafts.map((d) => (d === draft ? { ...d, status: "COMMITTED", updatedAt: nowSeconds() } : d)),
    });
    return { body: { commitId: commit.commitId } };
  }),
  tensorbayRoute("GET /datasets/{id}/commits", (req) => {
    const ds = datasetOf(req);
    // Newest first: the revision's commit, then its ancestors (tests/test_commit.py).
    const history: CommitRow[] = [];
    for (let id = resolve(ds, req.query.get("commit") || ds.defaultBranch); id !== ROOT_COMMIT; id = own(ds.commits, id)!.parentCommitId) history.push(own(ds.commits, id)!);
    return pageBody(req, history.map(commitFields), "commits");
  }),

  // Tags list sorted by name (tests/test_tag.py test_list_tags), like branches.
  ...revisionNameRoutes("tags", "tag", (ds, name) => ({ name, ...commitFields(own(ds.commits, own(ds.tags, name)!)!) })),

  tensorbayRoute("PATCH /datasets/{id}/notes", (req) => {
    const ds = datasetOf(req);
    editDraft(req, ds, (content) => ({ notes: parseNotes(req.body, content.notes) }));
    return {};
  }),
  tensorbayRoute("GET /datasets/{id}/notes", (req) => ({ body: contentAt(datasetOf(req), req.query).notes })),
];
