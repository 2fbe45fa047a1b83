import type { EmuRequest } from "../http";
import { KIND, NO_BODY, checkFields, fail, field, invalidParam, listPage, insertNumbered, ok, octopusRoute, pathNumber } from "./common";
import { nowOf } from "../clock";
import { PACKAGE_KIND, SEGMENT_KIND } from "./sceneKinds";

/**
 * The parent of top-level nodes: §4.17.2 gives `parent_id` the default 15000000, while its examples
 * (and the list example's top-level category) use 0. Both mean "top level" here.
 */
const ROOT_PARENTS = new Set([0, 15_000_000]);
/** §7.2 has "Level Exceed Limit" (409 octopus.101003) but states no number; the emulator allows three levels. */
export const MAX_TAG_LEVEL = 3;

/** Built-in nodes every project sees (`is_build_in`); they cannot be edited or deleted. */
const BUILT_IN = [
  { id: 1, name: "weather", description: "Built-in category", is_tag: false, parent_id: 0, tag_level: 1, simulation_tags: [] },
  { id: 2, name: "rain", description: "Built-in tag", is_tag: true, parent_id: 1, tag_level: 2, simulation_tags: [] },
  { id: 3, name: "night", description: "Built-in tag", is_tag: true, parent_id: 1, tag_level: 2, simulation_tags: [] },
].map((t) => ({ ...t, create_at: 1_640_966_400_000, update_at: 1_640_966_400_000, is_build_in: true }));

const TAGS = "/data/tags";
const TAG = `${TAGS}/{id}`;

/** Built-in and project tags: what tag ids in other objects (packages §4.9.5, scene segments §4.16.2) must name. */
export function allTags(req: EmuRequest): Record<string, any>[] {
  return [...BUILT_IN, ...req.store.list(req.principal, KIND.tag)];
}

/** DataTagVo; the table's `is_build_in` spelling (the example says `is_built_in`, §Inconsistencies 28). */
function render(req: EmuRequest, tag: Record<string, any>) {
  return { ...tag, children_count: allTags(req).filter((t) => t.parent_id === tag.id).length };
}

function tagOrFail(req: EmuRequest) {
  const id = pathNumber(req, "id");
  const tag = allTags(req).find((t) => t.id === id) ?? fail(404, "octopus.107004", `Tag is not exists (${id})`);
  if (tag.is_build_in) fail(400, "octopus.101001", `Built-in Tag Edit Illegal (${tag.name})`);
  return tag;
}

function nameTaken(req: EmuRequest, name: string, exceptId?: number) {
  if ([...BUILT_IN.filter((t) => t.name === name), ...req.store.findBy(req.principal, KIND.tag, "name", name)].some((t) => t.id !== exceptId)) fail(409, "octopus.101005", `Tag Name Already Exists ("${name}")`);
}

const simulationTags = field.list(field.integer({ min: 0 }), { max: 50 });

export const tagRoutes = [
  octopusRoute("GET", TAGS, "octopus:dataTag:list", (req) => {
    const q = req.query;
    const name = q.get("name");
    const exact = q.get("exact_name");
    for (const [key, value] of [["name", name], ["exact_name", exact]] as const) if (value !== null && value.length > 255) invalidParam(key, value, "length must be at most 255");
    const idsText = q.get("ids");
    const ids = idsText ? idsText.split(",").map(Number) : undefined;
    // §4.17.1 "标签id列表, 最多300个, 逗号分隔": at most 300 ids, comma-separated.
    if (ids && ids.length > 300) invalidParam("ids", idsText!, "must list at most 300 ids");
    const isTag = q.get("is_tag");
    if (isTag !== null && isTag !== "true" && isTag !== "false") invalidParam("is_tag", isTag, "must be true or false");
    const rows = allTags(req)
      .filter((t) => (!name || t.name.includes(name)) && (!exact || t.name === exact) && (!ids || ids.includes(t.id)) && (isTag === null || String(t.is_tag) === isTag))
      .sort((a, b) => a.id - b.id)
      .map((t) => render(req, t));
    return listPage(rows, q, { max: 300, default: 300 });
  }),

  octopusRoute("POST", TAGS, "octopus:dataTag:create", (req) => {
    const b = checkFields(req.body, {
      name: field.text({ min: 1, max: 64, required: true }),
      description: field.text({ max: 255 }),
      parent_id: field.integer({ min: 0 }),
      is_tag: field.flag(),
      simulation_tags: simulationTags,
    });
    const parentId = b.parent_id ?? 15_000_000;
    let level = 1;
    if (!ROOT_PARENTS.has(parentId)) {
      const parent = allTags(req).find((t) => t.id === parentId) ?? fail(404, "octopus.107004", `Tag is not exists (parent ${parentId})`);
      if (parent.is_tag) invalidParam("parent_id", parentId, "the parent must be a category (is_tag=false), not a tag");
      level = parent.tag_level + 1;
    }
    if (level > MAX_TAG_LEVEL) fail(409, "octopus.101003", `Level Exceed Limit (a node at level ${level}; at most ${MAX_TAG_LEVEL})`);
    nameTaken(req, b.name!);
    const id = insertNumbered(req, KIND.tag, {
      name: b.name,
      description: b.description ?? "",
      is_tag: b.is_tag ?? true,
      parent_id: parentId,
      tag_level: level,
      is_build_in: false,
      simulation_tags: b.simulation_tags ?? [],
    });
    return ok({ item: id }, 201);
  }),

  // §4.17.5: name, description and simulation tags change; the place in the tree does not.
  octopusRoute("PUT", TAG, "octopus:dataTag:update", (req) => {
    const tag = tagOrFail(req);
    const b = checkFields(req.body, { name: field.text({ min: 1, max: 64 }), description: field.text({ max: 255 }), simulation_tags: simulationTags });
    if (b.name !== undefined) nameTaken(req, b.name, tag.id);
    req.store.put(req.principal, KIND.tag, String(tag.id), {
      ...tag,
      name: b.name ?? tag.name,
      description: b.description ?? tag.description,
      simulation_tags: b.simulation_tags ?? tag.simulation_tags,
      update_at: nowOf(req.store),
    });
    return NO_BODY;
  }),

  // A category that still has children is "Node In Use" (409 octopus.101002); a tag that scene segments (§4.16) or data packages (§4.9.5) carry is in use too (409 octopus.101006).
  octopusRoute("DELETE", TAG, "octopus:dataTag:delete", (req) => {
    const tag = tagOrFail(req);
    const children = allTags(req).filter((t) => t.parent_id === tag.id);
    if (children.length) fail(409, "octopus.101002", `Node In Use: "${tag.name}" still has ${children.map((t) => `"${t.name}"`).join(", ")}`);
    const carriers = (kind: string) => req.store.list(req.principal, kind).filter((o) => o.tag_ids.includes(tag.id)).map((o) => o.id);
    const segments = carriers(SEGMENT_KIND);
    if (segments.length) fail(409, "octopus.101006", `Tag Used In Segments: "${tag.name}" is on segment(s) ${segments.join(", ")}`);
    const packages = carriers(PACKAGE_KIND);
    if (packages.length) fail(409, "octopus.101006", `Tag Used In Packages: "${tag.name}" is on package(s) ${packages.join(", ")}`);
    req.store.delete(req.principal, KIND.tag, String(tag.id));
    return NO_BODY;
  }),
];
