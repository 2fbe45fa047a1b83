import { EmuRequest, own, route } from "../http";
import { DEVICE_KIND } from "./devices";
import { DEPLOYMENT_KIND, settleDeployment } from "./deployments";
import { TAG_RULES, TagRule, invalid, notFound, requireArray, requireString, tags } from "./validation";

/**
 * §5.7 resource tags. They are the same tags the resources' own bodies carry (a device's
 * `node.tags`, a config map's `configmap.tags`), so editing either way shows in both.
 * `resource_type` literals: the document names node, deployment, configmap and secret.
 */
const TYPES: Record<string, { kind: string; rule: TagRule }> = {
  node: { kind: DEVICE_KIND, rule: TAG_RULES.node },
  deployment: { kind: DEPLOYMENT_KIND, rule: TAG_RULES.deployment },
  configmap: { kind: "configmap", rule: TAG_RULES.keyValue },
  secret: { kind: "secret", rule: TAG_RULES.keyValue },
};

type Row = Record<string, any>;

function typeOf(value: string | undefined, field = "resource_type") {
  const type = own(TYPES, value ?? "");
  if (!type) invalid(field, `must be one of ${Object.keys(TYPES).join(", ")}`);
  return type;
}

function resource(req: EmuRequest, resourceType: string, id: string): Row {
  const { kind } = typeOf(resourceType);
  let row = req.store.get(req.principal, kind, id);
  if (row && kind === DEPLOYMENT_KIND) row = settleDeployment(req.store, req.principal, row);
  return row ?? notFound(resourceType, id);
}

/** Adds or overwrites by key; a resource holds at most 20 tags (§5.1.2). */
function addTags(req: EmuRequest, resourceType: string, id: string, added: { key: string; value: string }[]): void {
  const row = resource(req, resourceType, id);
  const merged = [...row.tags.filter((t: Row) => !added.some((a) => a.key === t.key)), ...added];
  if (merged.length > 20) invalid("tags", `a ${resourceType} holds at most 20 tags`);
  req.store.put(req.principal, typeOf(resourceType).kind, id, { ...row, tags: merged });
}

const one = "/v3/{project_id}/{resource_type}/{resource_id}/tags";

/** The `tag-mgr` routes come first: their paths also fit the per-resource pattern. */
export const tagRoutes = [
  route("POST /v3/{project_id}/tag-mgr/node-tags", (req) => {
    const resources = requireArray(req.body?.resources ?? [], "resources").map((r, i) => ({
      type: requireString(r?.resource_type, `resources[${i}].resource_type`),
      id: requireString(r?.resource_id, `resources[${i}].resource_id`),
    }));
    for (const r of resources) {
      const added = tags(req.body?.tags, "tags", typeOf(r.type, "resource_type").rule);
      addTags(req, r.type, r.id, added);
    }
    return {};
  }),
  route("GET /v3/{project_id}/tag-mgr/{resource_type}/tags", (req) => {
    const { kind } = typeOf(req.params.resource_type);
    const rows = req.store.list(req.principal, kind);
    return { body: { tags: rows.flatMap((r) => r.tags.map((t: Row) => ({ resource_id: r.id, key: t.key, value: t.value }))) } };
  }),
  route(`GET ${one}`, (req) => {
    const row = resource(req, req.params.resource_type, req.params.resource_id);
    return { body: { count: row.tags.length, tags: row.tags } };
  }),
  route(`POST ${one}`, (req) => {
    const added = tags(req.body?.tags, "tags", typeOf(req.params.resource_type).rule);
    addTags(req, req.params.resource_type, req.params.resource_id, added);
    return {};
  }),
  route(`DELETE ${one}/{key}`, (req) => {
    const row = resource(req, req.params.resource_type, req.params.resource_id);
    if (!row.tags.some((t: Row) => t.key === req.params.key)) notFound("tag", req.params.key);
    req.store.put(req.principal, typeOf(req.params.resource_type).kind, row.id, { ...row, tags: row.tags.filter((t: Row) => t.key !== req.params.key) });
    return { status: 204 };
  }),
];
