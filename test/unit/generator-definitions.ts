import { z } from "zod";
import { defineResource, type ResourceDefinition } from "../../provider/framework/definition";
import type { LookupDefinition } from "../../provider/framework/lookup";

/**
 * A registry of purpose-built definitions for test/unit/generators.test.ts: shapes no real resource
 * has yet (nullable, one-member and object unions, mixed and numeric enums, several patterns, keys
 * that are not identifiers, records, empty objects), so every branch of the generators is reached.
 * The lists are mutable: a test may add a definition and take it out again.
 */
const notServed = () => Promise.reject(new Error("not served: the generators never call the API"));
const api = { create: notServed, read: notServed, delete: notServed };

export const widget = defineResource({
  service: "hilens",
  name: "Widget",
  description: "A widget.",
  inputs: z.object({
    name: z.string().regex(/^[a-z]/).regex(/[a-z0-9]$/).describe("Name of the widget.\nShown in the console."),
    size: z.literal([1, 2]).describe("Size in units."),
    mode: z.enum(["fast", "slow"]).describe("Speed."),
    level: z.literal(["auto", 0]).optional().describe("Level, or auto."),
    note: z.string().nullable().optional().describe("A note, or null to clear it."),
    "2d": z.boolean().optional().describe("Flat."),
    "x-y": z.string().optional().describe("Coordinates."),
    password: z.string().optional().describe("Admin password."),
    labels: z.record(z.string(), z.string()).optional().describe("Labels."),
    extra: z.object({}).optional().describe("Free-form settings."),
    routes: z.record(z.string(), z.object({ target: z.string().describe("Target host.") })).optional().describe("Routes by path."),
    prefix: z.intersection(z.string().regex(/^p/), z.string().min(2)).optional().describe("Prefix."),
    tags: z.array(z.string()).default([]).describe("Tags."),
    payload: z.unknown().optional().describe("Any value."),
    target: z.union([z.object({ host: z.string().describe("Host.") }), z.object({ port: z.number().describe("Port.") })]).optional().describe("Host or port."),
    source: z.union([z.object({ path: z.string().describe("Path.") })]).optional().describe("Where from."),
    glob: z.string().optional().describe("Files to watch, e.g. `logs/*/`."),
    __meta: z.object({ owner: z.string().describe("Owner.") }).optional().describe("Metadata."),
    weight: z.number().optional(),
  }),
  outputs: z.object({
    urn: z.string().describe("The service's own URN."),
    spec: z.object({ replicas: z.number().describe("Replicas.") }).describe("The applied spec."),
  }),
  immutable: ["name"],
  secrets: ["password"],
  identity: { by: "name", doc: "its name", find: notServed },
  api,
});

export const gadget = defineResource({
  service: "octopus",
  name: "Gadget",
  description: "A gadget.",
  inputs: z.object({ name: z.string().describe("Name.") }),
  outputs: z.object({}),
  immutable: [],
  identity: { by: "name", doc: "its name", find: notServed },
  api,
});

/** A resource whose class name is the interface name of Widget's `spec` output. */
export const widgetSpec = defineResource({ ...gadget, service: "hilens", name: "WidgetSpec" });

export const getWidgets: LookupDefinition<any, unknown> = {
  service: "hilens",
  name: "getWidgets",
  description: "Lists widgets.",
  args: z.object({ prefix: z.string().transform((s) => s.trim()).optional().describe("Name prefix.") }),
  result: z.array(z.object({ name: z.string().describe("Name.") })),
  run: notServed,
};

export const getWidgetCount: LookupDefinition<any, unknown> = {
  service: "hilens",
  name: "getWidgetCount",
  description: "Counts widgets.",
  args: z.object({}),
  result: z.object({ count: z.number().default(0).describe("How many.") }),
  run: notServed,
};

export const definitions: ResourceDefinition<any, any>[] = [widget, gadget];
export const lookups: LookupDefinition<any, unknown>[] = [getWidgets, getWidgetCount];
