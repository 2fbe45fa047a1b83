import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { Props, ResourceDefinition } from "./definition";
import { token } from "./definition";

/** The engine's stand-in for a value not known during preview, from the installed `@pulumi/pulumi` (runtime/rpc). */
export const UNKNOWN: string = pulumi.runtime.unknownValue;

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  // Arrays too: their values are their elements.
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * Reports a rule between fields broken at `path` (a superRefine's issue): the user sees the path
 * and the message.
 */
export function fieldIssue(issues: z.RefinementCtx, path: (string | number)[], message: string): void {
  // Stryker disable next-line StringLiteral: equivalent, the failure shown is the path and message; zod reports a custom issue with any code the same way
  issues.addIssue({ code: "custom", path, message });
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v: any = root;
  for (const key of path) {
    // Stryker disable next-line ConditionalExpression,OptionalChaining: equivalent, zod reports an issue at the value that fails, never below a string (the unknown marker) or a missing value.
    if (v === UNKNOWN) return UNKNOWN;
    // Stryker disable next-line OptionalChaining: as above.
    v = v?.[key as any];
  }
  return v;
}

function pathText(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") || "(inputs)";
}

export interface Failure {
  property: string;
  reason: string;
}

/**
 * Validates the known part of the inputs. An issue at (or under) a value that is still unknown in
 * preview is not a failure: a name that is not known yet is not invalid.
 */
export function validateInputs(def: ResourceDefinition, inputs: Props): { failures: Failure[]; parsed?: Props } {
  const result = def.inputs.safeParse(inputs);
  if (result.success) return { failures: [], parsed: result.data as Props };
  const failures: Failure[] = [];
  for (const issue of result.error.issues) {
    if (containsUnknown(valueAt(inputs, issue.path))) continue;
    const property = pathText(issue.path);
    failures.push({ property, reason: `${token(def)}: field "${property}": ${issue.message}` });
  }
  return { failures };
}

/** Shorthands for documented rules, so each message names the rule as the document states it. */
export const rules = {
  pattern: (re: RegExp, rule: string) => z.string().regex(re, { message: `must match ${re} (${rule})` }),
};
