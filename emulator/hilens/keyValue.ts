import { randomUUID } from "node:crypto";
import { page, route, Route, EmuRequest } from "../http";
import { conflict, invalid, notFound, optionalString, requireArray, requireString, tags } from "./validation";
import { nowOf } from "../clock";

/** The id of the account's default workspace (§5.8.1 example). */
export const DEFAULT_WORKSPACE = "0";

interface EntryRule {
  pattern: RegExp;
  max: number;
  rule: string;
}

/**
 * Config maps (§5.4) and secrets (§5.6) are the same kind of object: a named list of key/value
 * entries with tags, wrapped in `configmap` / `secret`. One table of routes serves both.
 */
export interface KeyValueKind {
  kind: string;
  /** Collection path under /v3/{project_id}/ai-mgr/. */
  collection: string;
  /** Path parameter name of the id. */
  idParam: string;
  /** Body wrapper key and list key. */
  wrapper: string;
  listKey: string;
  entriesKey: string;
  maxEntries: number;
  listBounds: { max: number; default: number };
  name: EntryRule;
  key: EntryRule;
  value: EntryRule;
  descriptionPattern?: RegExp;
  /** The objects' `type` field: config maps have one (tables 5-298, 5-315), secrets none (table 5-399). */
  type?: string;
  /**
   * Whether `workspace_id` is echoed beside the wrapper in every answer (config maps, §5.4.2-5.4.4).
   * Otherwise (secrets) the show answer has it inside the wrapper (§5.6.3 table 5-399) and the
   * create and update answers beside it, the wrapper without it (§5.6.2 tables 5-392/5-393,
   * §5.6.4 tables 5-408/5-409).
   */
  workspaceBesideWrapper: boolean;
  /** The list's tag filter, as its section documents it. */
  tagFilter(query: URLSearchParams): ((tags: { key: string; value: string }[]) => boolean) | undefined;
}

/** `sort=name` (ascending) or `sort=updated_at:desc`; by default `created_at:desc` (§5.4.1, §5.6.1). */
function listOrder(query: URLSearchParams): (a: Record<string, any>, b: Record<string, any>) => number {
  const [field, direction = "asc"] = (query.get("sort") ?? "created_at:desc").split(":");
  if (!["name", "created_at", "updated_at"].includes(field) || !["asc", "desc"].includes(direction)) invalid("sort", "must be name, created_at or updated_at, optionally followed by :desc");
  const sign = direction === "desc" ? -1 : 1;
  return (a, b) => sign * String(a[field]).localeCompare(String(b[field]));
}

export function keyValueRoutes(k: KeyValueKind): Route[] {
  const base = `/v3/{project_id}/ai-mgr/${k.collection}`;
  const item = `${base}/{${k.idParam}}`;
  const render = (row: Record<string, any>) => (k.workspaceBesideWrapper ? { [k.wrapper]: row, workspace_id: row.workspace_id } : { [k.wrapper]: row });
  const renderWritten = (row: Record<string, any>) => {
    if (k.workspaceBesideWrapper) return render(row);
    const { workspace_id, ...inner } = row;
    return { workspace_id, [k.wrapper]: inner };
  };

  function parse(req: EmuRequest, existing?: Record<string, any>) {
    const w = req.body?.[k.wrapper];
    if (!w || typeof w !== "object") requireString(undefined, k.wrapper);
    const name = requireString(w.name, `${k.wrapper}.name`, k.name);
    const entries = requireArray(w[k.entriesKey], `${k.wrapper}.${k.entriesKey}`, { min: 1, max: k.maxEntries }).map((e, i) => ({
      key: requireString(e?.key, `${k.wrapper}.${k.entriesKey}[${i}].key`, k.key),
      value: requireString(e?.value, `${k.wrapper}.${k.entriesKey}[${i}].value`, k.value),
    }));
    const description = optionalString(w.description, `${k.wrapper}.description`, { max: 255, pattern: k.descriptionPattern, rule: "contains a forbidden character" });
    const workspaceId = existing?.workspace_id ?? req.body?.workspace_id ?? DEFAULT_WORKSPACE;
    if (workspaceId !== DEFAULT_WORKSPACE && !req.store.get(req.principal, "workspace", workspaceId)) notFound("workspace", workspaceId);
    const clash = req.store.findBy(req.principal, k.kind, "name", name).find((r) => r.workspace_id === workspaceId && r.id !== existing?.id);
    if (clash) conflict(k.wrapper, name);
    return { name, [k.entriesKey]: entries, description: description ?? null, tags: tags(w.tags, `${k.wrapper}.tags`), workspace_id: workspaceId };
  }

  return [
    route(`GET ${base}`, (req) => {
      const name = req.query.get("name");
      // §5.4.1 / §5.6.1: without `workspace_id` the list is the account's default workspace's, not every workspace's.
      const workspace = req.query.get("workspace_id") ?? DEFAULT_WORKSPACE;
      const tagged = k.tagFilter(req.query);
      const rows = req.store
        .list(req.principal, k.kind)
        .filter((r) => (!name || r.name.includes(name)) && r.workspace_id === workspace && (!tagged || tagged(r.tags)))
        .sort(listOrder(req.query));
      return { body: { count: rows.length, [k.listKey]: page(rows, req.query, k.listBounds) } };
    }),
    route(`POST ${base}`, (req) => {
      const fields = parse(req);
      const now = new Date(nowOf(req.store)).toISOString();
      const id = randomUUID();
      const row = req.store.put(req.principal, k.kind, id, { id, project_id: req.principal, ...(k.type ? { type: k.type } : {}), ...fields, created_at: now, updated_at: now });
      return { body: renderWritten(row) };
    }),
    route(`GET ${item}`, (req) => ({ body: render(req.store.get(req.principal, k.kind, req.params[k.idParam]) ?? notFound(k.wrapper, req.params[k.idParam])) })),
    route(`PUT ${item}`, (req) => {
      const existing = req.store.get(req.principal, k.kind, req.params[k.idParam]) ?? notFound(k.wrapper, req.params[k.idParam]);
      const row = req.store.put(req.principal, k.kind, existing.id, { ...existing, ...parse(req, existing), updated_at: new Date(nowOf(req.store)).toISOString() });
      return { body: renderWritten(row) };
    }),
    route(`DELETE ${item}`, (req) => {
      const id = req.params[k.idParam];
      if (!req.store.delete(req.principal, k.kind, id)) notFound(k.wrapper, id);
      return { body: { [k.wrapper]: { id } } };
    }),
  ];
}
