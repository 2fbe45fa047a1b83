import { z } from "zod";
import type { HuaweiServiceClient } from "../client/huawei";
import type { Context } from "../framework/definition";
import { rules } from "../framework/validate";

/**
 * Resource tags (§5.7). Device and deployment `tags` inputs are reconciled with the tag API
 * (extra tags deleted, missing ones added) and read back from it, so tags edited in the console
 * show as drift on `refresh`. (Config maps and secrets carry theirs in the object itself.)
 */
export type TagResourceType = "node" | "deployment" | "configmap" | "secret";
export interface Tag {
  key: string;
  value: string;
}

const TAGS = "/v3/{project_id}/{resource_type}/{resource_id}/tags";

/** Tags as the program declares them: at most 20 (§5.1.2), each key unique. */
export function tagList(key: RegExp, keyRule: string, value: RegExp, valueRule: string) {
  return z
    .array(z.object({ key: rules.pattern(key, keyRule).describe("Tag key."), value: rules.pattern(value, valueRule).describe("Tag value.") }))
    .max(20, { message: "at most 20 tags (HiLens §5.1.2)" })
    .refine((tags) => new Set(tags.map((t) => t.key)).size === tags.length, { message: "tag keys must be unique" });
}

/** §5.1.2 TagObject / §5.7: key 1-36 and value 1-43 of letters, digits, '-', '_'. */
export const nodeTagsField = tagList(/^[A-Za-z0-9_-]{1,36}$/, "key: 1-36 letters, digits, '-', '_' (HiLens §5.1.2)", /^[A-Za-z0-9_-]{1,43}$/, "value: 1-43 letters, digits, '-', '_' (HiLens §5.1.2)").default([]);

/** §5.3.2 DeploymentTag/TagRequest: like device tags, but the value may also hold '.'. */
export const deploymentTagList = tagList(/^[A-Za-z0-9_-]{1,36}$/, "key: 1-36 letters, digits, '-', '_' (HiLens §5.3.2)", /^[A-Za-z0-9_.-]{1,43}$/, "value: 1-43 letters, digits, '.', '-', '_' (HiLens §5.3.2)");

export async function readTags(client: HuaweiServiceClient, type: TagResourceType, id: string): Promise<Tag[]> {
  const body = await client.call(`GET ${TAGS}`, { resource_type: type, resource_id: id });
  return (body?.tags ?? []).map((t: { key: string; value?: string | null }) => ({ key: t.key, value: t.value ?? "" }));
}

const sameTag = (a: Tag) => (b: Tag) => a.key === b.key && a.value === b.value;

/** There is no tag update (§5.7): a changed value is a delete then an add. */
export async function reconcileTags(client: HuaweiServiceClient, type: TagResourceType, id: string, desired: Tag[]): Promise<void> {
  const current = await readTags(client, type, id);
  for (const extra of current.filter((c) => !desired.some(sameTag(c)))) await client.call(`DELETE ${TAGS}/{key}`, { resource_type: type, resource_id: id, key: extra.key });
  const missing = desired.filter((d) => !current.some(sameTag(d)));
  // Adding a tag the object already has sets it again: safe to repeat (§5.7.4).
  if (missing.length) await client.call(`POST ${TAGS}`, { resource_type: type, resource_id: id }, { body: { tags: missing }, idempotent: true });
}

/** Live tags in the program's order (extras last), so the same set is never a diff. */
export function inDeclaredOrder(declared: Tag[], live: Tag[]): Tag[] {
  const rank = (t: Tag) => {
    const i = declared.findIndex((d) => d.key === t.key);
    return i < 0 ? declared.length : i;
  };
  return [...live].sort((a, b) => rank(a) - rank(b));
}

// Stryker disable next-line ArrayDeclaration: equivalent, a declared element that is not a tag matches no live key, so every tag ranks alike and keeps the server's order, as with none.
export async function liveTags(ctx: Context, type: TagResourceType, id: string, declared: Tag[] = []): Promise<Tag[]> {
  return inDeclaredOrder(declared, await readTags(ctx.hilens, type, id));
}
