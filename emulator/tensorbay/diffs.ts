import { isDeepStrictEqual } from "node:util";
import { own, type EmuRequest } from "../http";
import { invalid, notExist, pageBody, tensorbayRoute } from "./common";
import { DatasetRow, SegmentRow, VersionContent, contentOf, datasetOf } from "./datasets";
import { byName, draftOf, resolve } from "./versions";

/**
 * Revision diffs (GetDiff, ListSegmentDiffs, GetSegmentDiff, ListDataDiffs). Paths and answers
 * follow the SDK (`client/version.py` `_get_diff`, `_get_basehead`; `client/dataset.py`
 * `_generate_segment_diffs`, `_generate_data_diffs` and their fixtures in `client/tests/test_dataset.py`).
 * An action is "add", "delete", "modify", or "" for no change (the fixtures' `label: {action: ""}`).
 */
type Action = "add" | "delete" | "modify" | "";

interface Version {
  content: VersionContent;
  parentCommitId: string;
}

/** `commit-<revision>` or `draft-<number>`: one side of a basehead. */
function versionOf(ds: DatasetRow, spec: string): Version {
  if (spec.startsWith("draft-")) {
    const draft = draftOf(ds, spec.slice("draft-".length));
    return { content: contentOf(draft), parentCommitId: draft.parentCommitId };
  }
  if (!spec.startsWith("commit-")) return invalid("basehead", `side ${JSON.stringify(spec)} must be commit-<revision> or draft-<number>`);
  const commit = own(ds.commits, resolve(ds, spec.slice("commit-".length)));
  return { content: contentOf(commit), parentCommitId: commit?.parentCommitId ?? "" };
}

/**
 * `base...head`, or `head` alone, compared with its parent commit. The current SDK builds
 * `f"{base}...{head}"` (git's order); an older one built `f"{source}...{target}"` with the
 * current version first. The current SDK's order is the one served.
 */
function sidesOf(ds: DatasetRow, basehead: string): { base: VersionContent; head: VersionContent } {
  const parts = basehead.split("...");
  if (parts.length > 2 || parts.some((p) => !p)) invalid("basehead", "must be <head> or <base>...<head>");
  const head = versionOf(ds, parts[parts.length - 1]);
  const base = parts.length === 2 ? versionOf(ds, parts[0]).content : contentOf(own(ds.commits, head.parentCommitId));
  return { base, head: head.content };
}

function actionOf(base: unknown, head: unknown, empty: (v: unknown) => boolean = (v) => v === undefined): Action {
  if (isDeepStrictEqual(base, head) || (empty(base) && empty(head))) return "";
  if (empty(base)) return "add";
  if (empty(head)) return "delete";
  return "modify";
}

function dataDiffs(base: SegmentRow | undefined, head: SegmentRow | undefined) {
  const paths = [...new Set([...Object.keys(base?.data ?? {}), ...Object.keys(head?.data ?? {})])].sort(byName);
  return paths
    .map((remotePath) => {
      const b = own(base?.data, remotePath);
      const h = own(head?.data, remotePath);
      return { remotePath, action: actionOf(b, h), file: { action: actionOf(b?.checksum, h?.checksum) }, label: { action: actionOf(b?.label, h?.label, (l) => l === undefined || isDeepStrictEqual(l, {})) } };
    })
    .filter((d) => d.action !== "");
}

function stats(actions: Action[]) {
  return { total: actions.length, additions: actions.filter((a) => a === "add").length, deletions: actions.filter((a) => a === "delete").length, modifications: actions.filter((a) => a === "modify").length };
}

function segmentDiffs(base: VersionContent, head: VersionContent) {
  const names = [...new Set([...Object.keys(base.segments), ...Object.keys(head.segments)])].sort(byName);
  return names
    .map((name) => {
      const b = own(base.segments, name);
      const h = own(head.segments, name);
      const data = dataDiffs(b, h);
      return { name, action: actionOf(b, h), data: { stats: stats(data.map((d) => d.action)) } };
    })
    .filter((s) => s.action !== "");
}

function sides(req: EmuRequest) {
  return sidesOf(datasetOf(req), req.params.basehead);
}

export const diffRoutes = [
  tensorbayRoute("GET /datasets/{id}/diffs/{basehead}", (req) => {
    const { base, head } = sides(req);
    const segments = segmentDiffs(base, head);
    const data = segments.flatMap((s) => dataDiffs(own(base.segments, s.name), own(head.segments, s.name)).map((d) => d.action));
    return {
      body: {
        segments: { stats: stats(segments.map((s) => s.action)) },
        notes: { action: actionOf(base.notes, head.notes) },
        catalog: { action: actionOf(base.catalog, head.catalog, (c) => isDeepStrictEqual(c, {})) },
        data: { stats: stats(data) },
      },
    };
  }),
  tensorbayRoute("GET /datasets/{id}/diffs/{basehead}/segments", (req) => {
    const { base, head } = sides(req);
    return pageBody(req, segmentDiffs(base, head), "segments");
  }),
  tensorbayRoute("GET /datasets/{id}/diffs/{basehead}/segments/{segmentName}", (req) => {
    const { base, head } = sides(req);
    const name = req.params.segmentName;
    if (!own(base.segments, name) && !own(head.segments, name)) notExist(`segment ${name}`);
    return { body: segmentDiffs(base, head).find((s) => s.name === name) ?? { name, action: "", data: { stats: stats([]) } } };
  }),
  tensorbayRoute("GET /datasets/{id}/diffs/{basehead}/segments/{segmentName}/data", (req) => {
    const { base, head } = sides(req);
    const name = req.params.segmentName;
    if (!own(base.segments, name) && !own(head.segments, name)) notExist(`segment ${name}`);
    return pageBody(req, dataDiffs(own(base.segments, name), own(head.segments, name)), "data");
  }),
];
