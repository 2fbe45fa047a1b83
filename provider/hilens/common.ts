import { z } from "zod";
import { tagList } from "./tags";

/**
 * Tags of config maps and secrets: the rule of §5.4.2 (table 5-307) and of the tag API that
 * reconciles them (§5.7.4, table 5-432). §5.6.2's prose would also allow '.' and '/', which the
 * tag API refuses, so the stricter rule applies.
 */
export const tagsField = tagList(/^[A-Za-z0-9_-]{1,36}$/, "key: 1-36 letters, digits, '-', '_' (HiLens §5.4.2, §5.7.4)", /^[A-Za-z0-9_-]{1,43}$/, "value: 1-43 letters, digits, '-', '_' (HiLens §5.4.2, §5.7.4)")
  .default([])
  .describe("Tags, at most 20 with unique keys: part of the object (set by create and update, read with it), so tags edited in the console show as drift on refresh.");

/** §1.2 DESC: the characters HiLens refuses in descriptions. */
export const DESCRIPTION_FORBIDDEN = /^[^\^~#$%&*<>()[\]{}'"\\]*$/;
export const descriptionField = (section: string) =>
  z
    .string()
    .max(255, { message: `must be at most 255 characters (HiLens ${section})` })
    .regex(DESCRIPTION_FORBIDDEN, { message: `must not contain ^ ~ # $ % & * < > ( ) [ ] { } ' " \\ (HiLens ${section})` })
    .optional()
    .describe(`Description: at most 255 characters, none of ^ ~ # $ % & * < > ( ) [ ] { } ' " \\ (HiLens ${section}).`);

export const workspaceIdField = z.string().min(1).optional().describe("Workspace ID; the account's default workspace when omitted. Changing it replaces the object.");

export const hilensClient = (ctx: { hilens: import("../client/huawei").HuaweiServiceClient }) => ctx.hilens;

/**
 * The live value seen through the shape of what the program declared: object keys the program
 * left unset (server defaults such as `privileged: false`) are dropped, arrays are matched item by
 * item. Without it, every default the service echoes would be drift.
 */
export function projectOnto(declared: unknown, live: unknown): unknown {
  // An item past the declared ones meets `undefined`, which keeps it whole.
  if (Array.isArray(declared) && Array.isArray(live)) return live.map((item, i) => projectOnto(declared[i], item));
  if (isObject(declared) && isObject(live)) {
    const out: Record<string, unknown> = {};
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, a key kept with a null or undefined value is pruned from the outputs (runtime outputsOf), the only place a projection goes.
    for (const key of Object.keys(declared)) if (live[key] !== undefined && live[key] !== null) out[key] = projectOnto(declared[key], live[key]);
    return out;
  }
  return live;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/**
 * IDs of the objects of a HiLens list whose name is exactly `name` (the lists' `name` filters
 * match substrings, §5.1.3, §5.3.1, §5.4.1), optionally only those of one workspace.
 */
export async function idsByName(ctx: { hilens: import("../client/huawei").HuaweiServiceClient }, route: string, itemsKey: string, name: string, options: { params?: Record<string, string>; workspaceId?: string; idKey?: string; nameFilter?: boolean } = {}): Promise<string[]> {
  const query = { ...(options.nameFilter === false ? {} : { name }), ...(options.workspaceId ? { workspace_id: options.workspaceId } : {}) };
  const items = await ctx.hilens.listAll<Record<string, unknown>>(route, itemsKey, { params: options.params, query });
  return items.filter((item) => item.name === name && (!options.workspaceId || item.workspace_id === undefined || item.workspace_id === options.workspaceId)).map((item) => String(item[options.idKey ?? "id"]));
}
