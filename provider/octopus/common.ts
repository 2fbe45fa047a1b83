import { z } from "zod";
import type { HuaweiServiceClient } from "../client/huawei";
import { listAllOctopus } from "../client/octopus";
import type { Context } from "../framework/definition";
import { fieldIssue } from "../framework/validate";

export const octopusClient = (ctx: Context) => ctx.octopus;

/**
 * A numeric Octopus id (Long/Integer): a number, or the string id of another resource
 * (`repo.id`), since Pulumi ids are strings. Sent as the documented number.
 */
export function numericId(rule: string, min = 1) {
  return z
    .union([z.number(), z.string()], { message: `must be a number or a numeric id (${rule})` })
    .transform((value, ctx) => {
      if (typeof value === "number" || /^\d+$/.test(value)) return Number(value);
      fieldIssue(ctx, [], `must be a numeric id (${rule})`);
      return z.NEVER;
    })
    .pipe(z.number().int({ message: `must be an integer (${rule})` }).min(min, { message: `must be >= ${min} (${rule})` }))
    // What the transform accepts, for schema.json (a transform has no JSON Schema of its own).
    .meta({ anyOf: [{ type: "integer", minimum: min }, { type: "string", pattern: "^\\d+$" }] });
}

/** `z.enum` whose message quotes the document's list and section. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, section: string) {
  return z.enum(values, { message: `must be one of ${values.join(", ")} (Octopus ${section})` });
}

/** A string length rule stated by the document. */
export function text(opts: { min?: number; max: number; section: string }) {
  const message = `must be ${opts.min ? `${opts.min}-${opts.max} characters` : `at most ${opts.max} characters`} (Octopus ${opts.section})`;
  const bounded = z.string().max(opts.max, { message });
  return opts.min ? bounded.min(opts.min, { message }) : bounded;
}

/** Finds the id of the object that already holds `name` (list with the API's name filter, then an exact match). */
export async function idByName(client: HuaweiServiceClient, listRoute: string, name: string, query: Record<string, string> = { name }): Promise<string | undefined> {
  const found = (await listAllOctopus(client, listRoute, { query })).find((item) => item.name === name);
  return found === undefined ? undefined : String(found.id);
}

