import { z } from "zod";
import { CONFIG_KEYS } from "../config";
import { definitions, lookups } from "../registry";
import { ResourceDefinition, token } from "./definition";
import type { LookupDefinition } from "./lookup";

/**
 * `schema.json` in the Pulumi package schema format, generated from the resource definitions:
 * the same zod schemas that validate inputs document them.
 */
type Json = Record<string, any>;

interface SchemaBuilder {
  types: Record<string, Json>;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A JSON Schema node (from zod) → a Pulumi property spec; nested objects become named types. */
function propertyOf(node: Json, typeName: string, b: SchemaBuilder, secret = false): Json {
  const description = node.description;
  const base: Json = {};
  const variants: Json[] | undefined = node.anyOf ?? node.oneOf ?? (Array.isArray(node.type) ? node.type.map((type: string) => ({ type })) : undefined);
  if (variants) {
    const kinds = variants.filter((v) => v.type !== "null");
    // Each member of a union has a type name of its own (numbered, as its TypeScript interface), so object members do not overwrite each other's type.
    Object.assign(base, kinds.length === 1 ? propertyOf(kinds[0], typeName, b) : { oneOf: kinds.map((v, i) => propertyOf(v, `${typeName}${i}`, b)) });
  } else if (node.enum) {
    Object.assign(base, { type: typeof node.enum[0] === "number" ? "number" : "string" });
  } else if (node.type === "array") {
    Object.assign(base, { type: "array", items: propertyOf(node.items ?? {}, typeName, b) });
  } else if (node.properties) {
    // Only an object's JSON schema has properties.
    b.types[typeName] = objectType(node, typeName, b);
    Object.assign(base, { $ref: `#/types/${typeName}` });
  } else if (node.type === "object") {
    // A record: zod gives the schema of its values (`{}` for any value, which comes out as `pulumi.json#/Any`); an object, even one without fields, has `properties`.
    Object.assign(base, { type: "object", additionalProperties: propertyOf(node.additionalProperties, typeName, b) });
  } else if (node.type === "integer" || node.type === "number" || node.type === "boolean" || node.type === "string") {
    Object.assign(base, { type: node.type });
  } else {
    Object.assign(base, { $ref: "pulumi.json#/Any" });
  }
  const rules = constraintsOf(node);
  if (description || rules) base.description = [description, rules].filter(Boolean).join(" ");
  if (secret) base.secret = true;
  if (typeof node.default !== "object") {
    // Stryker disable next-line ConditionalExpression: equivalent, an undefined default is left out of schema.json as an absent one is.
    if (node.default !== undefined) base.default = node.default;
  }
  return base;
}

/** The validation rules, spelled out in the docs: users read them before `check` enforces them. */
export function constraintsOf(node: Json): string {
  const parts: string[] = [];
  const patterns: string[] = node.allOf ? node.allOf.map((n: Json) => n.pattern).filter(Boolean) : node.pattern ? [node.pattern] : [];
  for (const p of patterns) parts.push(`pattern \`${p}\``);
  if (node.minLength !== undefined) parts.push(`min length ${node.minLength}`);
  if (node.maxLength !== undefined) parts.push(`max length ${node.maxLength}`);
  if (node.minItems !== undefined) parts.push(`min items ${node.minItems}`);
  if (node.maxItems !== undefined) parts.push(`max items ${node.maxItems}`);
  if (node.enum) parts.push(`one of ${node.enum.map((v: unknown) => JSON.stringify(v)).join(", ")}`);
  return parts.length ? `(Rules: ${parts.join("; ")}.)` : "";
}

function objectType(node: Json, typeName: string, b: SchemaBuilder): Json {
  const properties: Json = {};
  for (const [key, child] of Object.entries<Json>(node.properties)) properties[key] = propertyOf(child, typeName + pascal(key), b);
  return { type: "object", ...(node.description ? { description: node.description } : {}), properties, required: node.required ?? [] };
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  return z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
}

function resourceSpec(def: ResourceDefinition, b: SchemaBuilder): Json {
  const prefix = `edgeai:${def.service}:${def.name}`;
  const typeName = (key: string) => `${prefix}${pascal(key)}`;
  // Stryker disable next-line ArrayDeclaration: equivalent, an element no property is named after marks no property secret.
  const secrets = new Set<string>([...(def.secrets ?? []), ...(def.secretOutputs ?? [])]);
  const inputs = jsonSchema(def.inputs, "input");
  // Stryker disable next-line StringLiteral: equivalent, zod reads any io but "input" as the output schema, less the `additionalProperties: false` that reads as "any value" like its absence.
  const outputs = jsonSchema(def.outputs, "output");
  const inputProperties: Json = {};
  for (const [key, node] of Object.entries<Json>(inputs.properties)) {
    inputProperties[key] = propertyOf(node, typeName(key), b, secrets.has(key));
    if ((def.immutable as readonly string[]).includes(key)) inputProperties[key].willReplaceOnChanges = true;
  }
  const properties: Json = { ...inputProperties };
  for (const [key, node] of Object.entries<Json>(outputs.properties)) properties[key] = propertyOf(node, typeName(key), b, secrets.has(key));
  // zod's input schema leaves a field with a default out of `required`.
  // Stryker disable next-line ArrayDeclaration: equivalent, an element no property is named after is no required input.
  const requiredInputs: string[] = inputs.required ?? [];
  return { description: def.description, inputProperties, requiredInputs, properties, required: [...new Set([...(outputs.required ?? []), ...requiredInputs])] };
}

/**
 * A look-up as a Pulumi function: its arguments and its result. An object result is the function's
 * `outputs` object; any other (a list) is its return type, which an invoke answers as a single
 * property (`INVOKE_RESULT_KEY`) that `fn::invoke` and `invokeSingle` unwrap.
 */
function functionSpec(def: LookupDefinition<any, unknown>, b: SchemaBuilder): Json {
  const prefix = `edgeai:${def.service}:${def.name}`;
  const object = (node: Json, suffix: string, secret = false) => {
    const properties: Json = {};
    for (const [key, child] of Object.entries<Json>(node.properties ?? {})) properties[key] = propertyOf(child, `${prefix}${suffix}${pascal(key)}`, b, secret);
    // Stryker disable next-line ArrayDeclaration: equivalent, an element no property is named after is no required property.
    return { properties, required: node.required ?? [] };
  };
  // Stryker disable next-line StringLiteral: equivalent, zod reads any io but "input" as the output schema, less the `additionalProperties: false` that reads as "any value" like its absence.
  const result = jsonSchema(def.result, "output");
  const outputs = def.result instanceof z.ZodObject ? object(result, "Result", def.secret) : propertyOf(result, `${prefix}ResultItem`, b);
  return { description: def.description, inputs: object(jsonSchema(def.args, "input"), "Args"), outputs };
}

export function packageSchema(): Json {
  const b: SchemaBuilder = { types: {} };
  const resources: Json = {};
  for (const def of [...definitions].sort((x, y) => token(x).localeCompare(token(y)))) resources[token(def)] = resourceSpec(def, b);
  const functions: Json = {};
  for (const def of [...lookups].sort((x, y) => `${x.service}:${x.name}`.localeCompare(`${y.service}:${y.name}`))) functions[`edgeai:${def.service}:${def.name}`] = functionSpec(def, b);
  const variables: Json = {};
  for (const row of CONFIG_KEYS) variables[row.key] = { type: row.key === "maxRetries" ? "integer" : "string", description: `${row.doc} Environment: ${row.env.join(", ")}.`, ...(row.secret ? { secret: true } : {}) };
  const types: Json = {};
  for (const key of Object.keys(b.types).sort()) types[key] = b.types[key];
  return {
    name: "edgeai",
    displayName: "pulumi-edgeai",
    description: "Huawei HiLens, Huawei Octopus and Graviti TensorBay as code (TypeScript dynamic resources, or the `edgeai` provider plugin `pulumi-resource-edgeai`).",
    keywords: ["pulumi", "huawei", "hilens", "octopus", "tensorbay", "edge-ai"],
    language: { nodejs: { packageName: "pulumi-edgeai" } },
    config: { variables },
    types,
    resources,
    functions,
  };
}
