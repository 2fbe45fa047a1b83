import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import type { Context } from "../framework/definition";
import { branchNameField, commitDraft, datasetIdField } from "./common";
import { fieldIssue } from "../framework/validate";

/**
 * The catalog format of the TensorBay SDK (`label/catalog.py` `Catalog.dumps`: one subcatalog per
 * label type, keyed by the type's name; the subcatalog fields as the SDK docs
 * `reference/label_format/*.rst` list them). Args use the SDK's attribute names (`catalog.box2d`);
 * the wire uses the LabelType names (`BOX2D`).
 */
const WIRE_KEYS = {
  classification: "CLASSIFICATION",
  box2d: "BOX2D",
  box3d: "BOX3D",
  polygon: "POLYGON",
  multiPolygon: "MULTI_POLYGON",
  rle: "RLE",
  polyline2d: "POLYLINE2D",
  multiPolyline2d: "MULTI_POLYLINE2D",
  keypoints2d: "KEYPOINTS2D",
} as const;
type LabelKind = keyof typeof WIRE_KEYS;

const ATTRIBUTE_TYPES = ["boolean", "integer", "number", "string", "array", "null"] as const;
const NUMERIC = new Set<string | undefined>(["integer", "number"]);

const description = (what: string) => z.string().default("").describe(`${what} description (default "").`);

const category = z.object({
  name: z.string().min(1, { message: "is required" }).describe('Category name; with a `categoryDelimiter` (e.g. ".") it names a subcategory ("vehicle.car").'),
  description: description("Category"),
});

const attributeType = z.enum(ATTRIBUTE_TYPES).describe('"boolean", "integer", "number", "string", "array" or "null".');
const attributeValue = z.union([z.string(), z.number(), z.boolean()]).describe("An allowed value.");

/** What an attribute's value (or, under `items`, each element of an array value) may be. */
const valueRule = {
  enum: z.array(attributeValue).min(1, { message: "must list at least one value" }).optional().describe("All the values allowed; `type` is not needed with it."),
  type: z
    .union([attributeType, z.array(attributeType).min(1, { message: "must list at least one type" })])
    .optional()
    .describe('Type of the value, or a list of allowed types: "boolean", "integer", "number", "string", "array", "null". Required without `enum`.'),
  minimum: z.number().optional().describe('Smallest value (type "number" or "integer").'),
  maximum: z.number().optional().describe('Largest value (type "number" or "integer").'),
};

const attribute = z.object({
  name: z.string().min(1, { message: "is required" }).describe("Attribute name."),
  ...valueRule,
  items: z.object(valueRule).optional().describe('The elements of an array value (type "array" only).'),
  parentCategories: z.array(z.string().min(1)).min(1, { message: "must list at least one category (omit it for a global attribute)" }).optional().describe("Categories the attribute belongs to; omitted for a global attribute."),
  description: description("Attribute"),
});

const keypoints = z.object({
  number: z.number().int().positive().describe("Number of keypoints."),
  names: z.array(z.string().min(1)).optional().describe("Name of each keypoint, `number` of them."),
  skeleton: z
    .array(z.array(z.number().int().nonnegative()).length(2, { message: "must be a pair of keypoint indexes" }))
    .optional()
    .describe("Lines of the skeleton, as pairs of keypoint indexes (0-based, below `number`)."),
  visible: z.enum(["BINARY", "TERNARY"]).optional().describe('How visibility is labelled: "BINARY" (visible or not) or "TERNARY" (visible, occluded, invisible).'),
  parentCategories: z.array(z.string().min(1)).min(1).optional().describe("Categories these keypoints belong to."),
  description: description("Keypoints"),
});

const common = {
  description: description("Subcatalog"),
  categoryDelimiter: z.string().min(1, { message: "must not be empty (omit it for one-level categories)" }).optional().describe('Separator of subcategories in category names, e.g. "."; omitted: one level.'),
  categories: z.array(category).optional().describe("The categories a label may take."),
  attributes: z.array(attribute).optional().describe("The attributes a label may carry."),
};
const tracking = { isTracking: z.boolean().default(false).describe("Whether labels of this type carry tracking information (instance IDs across frames) (default false).") };

type Subcatalog = { categories?: { name: string }[]; attributes?: z.infer<typeof attribute>[]; keypoints?: z.infer<typeof keypoints>[] };

/** The rules the document states between fields, checked before any request. */
function checkSubcatalog(sub: Subcatalog, issues: z.RefinementCtx): void {
  const add = (path: (string | number)[], message: string) => fieldIssue(issues, path, message);
  // Stryker disable next-line ArrayDeclaration: with no categories a stand-in entry maps to an undefined name, which no listed name or parent can match
  const categories = (sub.categories ?? []).map((c) => c.name);
  categories.forEach((name, i) => categories.indexOf(name) !== i && add(["categories", i, "name"], `"${name}" is listed twice`));
  const known = new Set(categories);
  const parents = (path: (string | number)[], list: string[] | undefined) =>
    list?.forEach((name, i) => !known.has(name) && add([...path, "parentCategories", i], `"${name}" is not one of this subcatalog's categories`));
  // Stryker disable next-line ArrayDeclaration: only consulted for the attributes there are; with none nothing looks names up
  const names = (sub.attributes ?? []).map((a) => a.name);
  (sub.attributes ?? []).forEach((a, i) => {
    const at = ["attributes", i];
    if (names.indexOf(a.name) !== i) add([...at, "name"], `"${a.name}" is listed twice`);
    if (a.enum === undefined && a.type === undefined) add([...at, "type"], "is required when `enum` is not given");
    // An absent type stays as one undefined entry: it matches no type name, so it needs no guard.
    const types = [a.type].flat();
    for (const rule of [a, a.items]) {
      if (!rule) continue;
      const ruleTypes = [rule.type].flat();
      const path = rule === a ? at : [...at, "items"];
      if ((rule.minimum !== undefined || rule.maximum !== undefined) && !ruleTypes.some((t) => NUMERIC.has(t))) add([...path, rule.minimum !== undefined ? "minimum" : "maximum"], 'applies only to type "number" or "integer"');
      // A missing bound is open, so only two given bounds can be out of order.
      if ((rule.minimum ?? -Infinity) > (rule.maximum ?? Infinity)) add([...path, "minimum"], "must not exceed `maximum`");
    }
    if (a.items && !types.includes("array")) add([...at, "items"], 'applies only to type "array"');
    parents(at, a.parentCategories);
  });
  // Stryker disable next-line ArrayDeclaration: equivalent, with no keypoints a stand-in entry (a string) has no names, skeleton or parents to check
  (sub.keypoints ?? []).forEach((k, i) => {
    const at = ["keypoints", i];
    if (k.names && k.names.length !== k.number) add([...at, "names"], `must have ${k.number} names (one per keypoint), not ${k.names.length}`);
    k.skeleton?.forEach((line, j) => line.some((index) => index >= k.number) && add([...at, "skeleton", j], `indexes must be below number (${k.number})`));
    parents(at, k.parentCategories);
  });
}

const subcatalog = <S extends z.ZodRawShape>(what: string, shape: S) => z.object(shape).superRefine(checkSubcatalog).describe(`The ${what} subcatalog (wire key in UploadLabelCatalog's \`catalog\`).`);

const subcatalogs = {
  classification: subcatalog("CLASSIFICATION", common),
  box2d: subcatalog("BOX2D (2D bounding box)", { ...common, ...tracking }),
  box3d: subcatalog("BOX3D (3D bounding box)", { ...common, ...tracking }),
  polygon: subcatalog("POLYGON", { ...common, ...tracking }),
  multiPolygon: subcatalog("MULTI_POLYGON", { ...common, ...tracking }),
  rle: subcatalog("RLE (run-length encoded mask)", { ...common, ...tracking }),
  polyline2d: subcatalog("POLYLINE2D", { ...common, ...tracking }),
  multiPolyline2d: subcatalog("MULTI_POLYLINE2D", { ...common, ...tracking }),
  keypoints2d: subcatalog("KEYPOINTS2D", { ...common, ...tracking, keypoints: z.array(keypoints).optional().describe("The keypoint sets a label may take.") }),
} satisfies Record<LabelKind, z.ZodType>;
const KINDS = Object.keys(WIRE_KEYS) as LabelKind[];

const inputs = z
  .object({
    datasetId: datasetIdField,
    branchName: branchNameField,
    classification: subcatalogs.classification.optional(),
    box2d: subcatalogs.box2d.optional(),
    box3d: subcatalogs.box3d.optional(),
    polygon: subcatalogs.polygon.optional(),
    multiPolygon: subcatalogs.multiPolygon.optional(),
    rle: subcatalogs.rle.optional(),
    polyline2d: subcatalogs.polyline2d.optional(),
    multiPolyline2d: subcatalogs.multiPolyline2d.optional(),
    keypoints2d: subcatalogs.keypoints2d.optional(),
    commitTitle: z.string().min(1, { message: "must not be empty" }).default("Update label catalog").describe("Title of the commits that record the catalog."),
    importId: importIdField,
  })
  .superRefine((catalog, issues) => {
    if (!KINDS.some((kind) => catalog[kind] !== undefined))
      fieldIssue(issues, [], `must declare at least one subcatalog (${KINDS.join(", ")}); to remove the catalog, remove the resource`);
  });

const outputs = z.object({
  commitId: z.string().optional().describe("The commit that last recorded the catalog (unknown for an adopted catalog that needed no change)."),
});

type Inputs = z.infer<typeof inputs>;

/** The `catalog` body of UploadLabelCatalog: only the declared subcatalogs, under their wire keys. */
function wireCatalog(catalog: Partial<Inputs>): Record<string, unknown> {
  // Stryker disable next-line MethodExpression,ConditionalExpression: equivalent when every subcatalog is kept (→ true): the body goes out as JSON, which leaves out an undeclared (undefined) one as the filter does; keeping none (→ false) fails the unit test of the wire keys.
  return Object.fromEntries(KINDS.filter((kind) => catalog[kind] !== undefined).map((kind) => [WIRE_KEYS[kind], catalog[kind]]));
}

/**
 * GetLabelCatalog's answer as args: each subcatalog read through its schema, so fields the server
 * leaves out and the documented defaults compare equal; one that does not parse is kept as read,
 * and shows as drift. A label type the server does not have is there as `undefined`, so a
 * subcatalog removed out of band is drift too.
 */
function argsOf(wire: Record<string, unknown>): Partial<Inputs> {
  const out: Record<string, unknown> = {};
  for (const kind of KINDS) {
    const read = wire[WIRE_KEYS[kind]];
    // A subcatalog is an object: an absent one (undefined) does not parse, and stays undefined.
    const parsed = subcatalogs[kind].safeParse(read);
    out[kind] = parsed.success ? parsed.data : read;
  }
  return out as Partial<Inputs>;
}

/** UploadLabelCatalog replaces the whole catalog of a draft (SDK `client/dataset.py` `upload_catalog`); a commit records it. */
async function record(ctx: Context, datasetId: string, branchName: string, title: string, catalog: Record<string, unknown>) {
  const { commitId } = await commitDraft(ctx.tensorbay, datasetId, { branchName, title }, (draftNumber) =>
    ctx.tensorbay.call("PUT /v1/datasets/{datasetId}/labels/catalogs", { datasetId }, { body: { catalog, draftNumber } }),
  );
  return { commitId };
}

export const labelCatalogDefinition = defineResource({
  service: "tensorbay",
  name: "LabelCatalog",
  description:
    "The label catalog of a TensorBay dataset on a branch: the annotation schema (categories, attributes, tracking, keypoints) of each label type, as code (Open API UploadLabelCatalog, GetLabelCatalog). The catalog is versioned like notes: creating or changing it opens a draft on the branch, uploads the whole catalog and commits it (one commit per change, titled `commitTitle`); refresh reads the catalog at the branch head. Destroying it commits an empty catalog, so the branch head no longer has one; earlier commits keep theirs. The ID is the dataset ID; `importId` takes it (with `branchName` set) and adopts the catalog already at the branch head; `pulumi import` takes `<datasetId>/<branchName>` (e.g. `…/main`).",
  inputs,
  outputs,
  importScope: ["datasetId", "branchName"],
  idInput: "datasetId",
  immutable: ["datasetId", "branchName"],
  // Every branch head has a catalog (empty on a new dataset), so a create whose answer was lost
  // is adopted, and committed again only if the catalog at the head differs from the program.
  // The subcatalogs are what the create's commit sets on that always-present object: a lost
  // commit may not have set them, which says nothing about whose catalog it is.
  identity: {
    by: "name",
    doc: "the dataset and branch: every branch head has a catalog, so the catalog there is adopted and converged",
    find: async (_ctx, catalog) => catalog.datasetId,
    setAfterCreate: KINDS,
  },
  api: {
    async create(ctx, catalog) {
      return { id: catalog.datasetId, state: await record(ctx, catalog.datasetId, catalog.branchName, catalog.commitTitle, wireCatalog(catalog)) };
    },
    async read(ctx, id, catalog) {
      // GetLabelCatalog takes a revision: the branch name reads the catalog at its head.
      const live = await ctx.tensorbay.call("GET /v1/datasets/{datasetId}/labels/catalogs", { datasetId: id }, { query: { commit: catalog.branchName } });
      return { inputs: argsOf(live?.catalog ?? {}), state: {} };
    },
    update: (ctx, id, _olds, catalog) => record(ctx, id, catalog.branchName, catalog.commitTitle, wireCatalog(catalog)),
    async delete(ctx, id, catalog) {
      await record(ctx, id, catalog.branchName, "Remove label catalog", {});
    },
  },
});
