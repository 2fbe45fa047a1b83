import { describe, expect, it, vi } from "vitest";
import { packageSchema } from "../../provider/framework/schema";
import { referenceMarkdown } from "../../provider/framework/docs";
import { generatedTypescript, serviceTypescript } from "../../provider/framework/typescript";
import { definitions, widgetSpec } from "./generator-definitions";

// The generators read the registry: here it holds purpose-built definitions whose shapes no real
// resource has yet, so the branches for them are checked by what a user reads in the output.
vi.mock("../../provider/registry", () => import("./generator-definitions"));
// A configuration key with two environment variables (every real key has one).
vi.mock("../../provider/config", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../provider/config")>()),
  CONFIG_KEYS: [{ key: "region", env: ["HW_REGION_NAME", "OS_REGION_NAME"], secret: false, doc: "Region." }],
}));

/** The lines of `text` from the one that starts with `start` to the first that is `end`. */
function block(text: string, start: string, end = "}"): string {
  const lines = text.split("\n");
  const from = lines.findIndex((l) => l.startsWith(start));
  expect(from, start).toBeGreaterThanOrEqual(0);
  return lines.slice(from, lines.indexOf(end, from) + 1).join("\n");
}

describe("schema.json of shapes no real resource has", () => {
  // Generated in each test, so a generator that throws fails the tests rather than the file.
  const schema = () => packageSchema();
  const widget = () => schema().resources["edgeai:hilens:Widget"];

  it("types a nullable field as its value's type", () => {
    expect(widget().inputProperties.note).toEqual({ type: "string", description: "A note, or null to clear it." });
  });

  it("documents each object of a union as a type of its own", () => {
    expect(widget().inputProperties.target.oneOf).toEqual([{ $ref: "#/types/edgeai:hilens:WidgetTarget0" }, { $ref: "#/types/edgeai:hilens:WidgetTarget1" }]);
    expect(Object.keys(schema().types["edgeai:hilens:WidgetTarget0"].properties)).toEqual(["host"]);
    expect(Object.keys(schema().types["edgeai:hilens:WidgetTarget1"].properties)).toEqual(["port"]);
  });

  it("types an enum by its first value: numbers as number, strings and a mixed list as string", () => {
    expect(widget().inputProperties.size.type).toBe("number");
    expect(widget().inputProperties.mode.type).toBe("string");
    expect(widget().inputProperties.level.type).toBe("string");
  });

  it("types a record by its values' type, and a field of any value as pulumi.json#/Any", () => {
    expect(widget().inputProperties.labels).toEqual({ type: "object", additionalProperties: { type: "string" }, description: "Labels." });
    expect(widget().inputProperties.routes.additionalProperties).toEqual({ $ref: "#/types/edgeai:hilens:WidgetRoutes" });
    expect(widget().inputProperties.payload).toEqual({ $ref: "pulumi.json#/Any", description: "Any value." });
  });

  it("spells out every pattern of a field, and none for the parts of an intersection that have none", () => {
    expect(widget().inputProperties.name.description).toBe("Name of the widget.\nShown in the console. (Rules: pattern `^[a-z]`; pattern `[a-z0-9]$`.)");
    expect(widget().inputProperties.prefix.description).toBe("Prefix. (Rules: pattern `^p`.)");
  });

  it("records a scalar default, not a list's", () => {
    expect(widget().inputProperties.tags).toEqual({ type: "array", items: { type: "string" }, description: "Tags." });
    expect(schema().functions["edgeai:hilens:getWidgetCount"].outputs.properties.count.default).toBe(0);
  });

  it("lists the required inputs: those without a default", () => {
    expect(widget().requiredInputs).toEqual(["name", "size", "mode"]);
  });

  it("documents a function's arguments as the program passes them (before a transform)", () => {
    expect(schema().functions["edgeai:hilens:getWidgets"].inputs).toEqual({ properties: { prefix: { type: "string", description: "Name prefix." } }, required: [] });
  });

  it("lists a result's field with a default as required, as the typed result has it", () => {
    expect(schema().functions["edgeai:hilens:getWidgetCount"].outputs.required).toEqual(["count"]);
    expect(block(serviceTypescript("hilens"), "export interface GetWidgetCountResult")).toContain("    count: number;");
  });

  it("names every environment variable a configuration key falls back to", () => {
    expect(schema().config.variables.region).toEqual({ type: "string", description: "Region. Environment: HW_REGION_NAME, OS_REGION_NAME." });
  });
});

describe("docs/reference.md of shapes no real resource has", () => {
  const markdown = () => referenceMarkdown();

  it("shows a field of any value as `any`", () => {
    expect(markdown()).toContain("| `payload` | any |  |  | Any value. |");
  });

  it("keeps a description of several lines on its table row", () => {
    expect(markdown()).toContain("| `name` | string | yes | replaces on change | Name of the widget. Shown in the console. (Rules: pattern `^[a-z]`; pattern `[a-z0-9]$`.) |");
  });

  it("links a type to its heading's anchor, a run of punctuation being one dash", () => {
    expect(markdown()).toContain("| `__meta` | [edgeai:hilens:Widget__meta](#edgeai-hilens-widget-meta) |");
  });
});

describe("generated TypeScript of shapes no real resource has", () => {
  const hilens = () => serviceTypescript("hilens");
  const args = () => block(hilens(), "export interface WidgetArgs");

  it("writes the dynamic and the native file of every service", () => {
    expect(Object.keys(generatedTypescript()).sort()).toEqual(
      ["hilens", "octopus", "tensorbay"].flatMap((s) => [`provider/${s}/generated.ts`, `provider/native/${s}.ts`]).sort(),
    );
  });

  it("quotes a key that is not an identifier", () => {
    expect(args()).toContain('    "2d"?: pulumi.Input<boolean>;');
    expect(args()).toContain('    "x-y"?: pulumi.Input<string>;');
    expect(args()).toContain("    __meta?: pulumi.Input<Widget__metaArgs>;");
  });

  it("escapes the end of a comment inside a description", () => {
    expect(args()).toContain("     * Files to watch, e.g. `logs/*\\/`.\n     */\n    glob?: pulumi.Input<string>;");
  });

  it("gives a field without description or rules no comment", () => {
    expect(args()).toContain("    __meta?: pulumi.Input<Widget__metaArgs>;\n    weight?: pulumi.Input<number>;\n}");
  });

  it("types a nullable field as its type or null", () => {
    expect(args()).toContain("    note?: pulumi.Input<string | null>;");
    expect(block(hilens(), "export interface WidgetOutputs")).toContain("    readonly note: pulumi.Output<string | null | undefined>;");
  });

  it("names the interfaces of a union's objects by their position, and a one-member union's after the field", () => {
    expect(args()).toContain("    target?: pulumi.Input<WidgetTarget0Args | WidgetTarget1Args>;");
    expect(args()).toContain("    source?: pulumi.Input<WidgetSourceArgs>;");
    expect(block(hilens(), "export interface WidgetTarget1Args")).toContain("    port: pulumi.Input<number>;");
  });

  it("types an object without fields as a map of any values, and a record of objects by an interface for its values", () => {
    expect(args()).toContain("    extra?: pulumi.Input<{ [key: string]: pulumi.Input<any> }>;");
    expect(args()).toContain("    routes?: pulumi.Input<{ [key: string]: pulumi.Input<WidgetRoutesValueArgs> }>;");
    expect(block(hilens(), "export interface WidgetRoutesValueArgs")).toContain("    target: pulumi.Input<string>;");
  });

  it("types a string with several patterns as a string and documents each pattern", () => {
    expect(args()).toContain("     * (Rules: pattern `^[a-z]`; pattern `[a-z0-9]$`.)\n     *\n     * Changing it replaces the resource.\n     */\n    name: pulumi.Input<string>;");
  });

  it("declares no output for the members every resource has (id, urn)", () => {
    const outputs = block(hilens(), "export interface WidgetOutputs");
    expect(outputs).not.toMatch(/readonly (id|urn):/);
    expect(outputs).toContain("    readonly spec: pulumi.Output<WidgetSpec>;");
  });

  it("says a list result without description is a list", () => {
    expect(hilens()).toContain("/**\n * What {@link getWidgets} returns: a list\n */\nexport type GetWidgetsResult = GetWidgetsItem[];");
  });

  it("imports and declares no look-ups for a service without functions", () => {
    const header = "// Generated by `npm run types` (provider/framework/typescript.ts) from the definitions. Do not edit.\n";
    const dynamic = `${header}import * as pulumi from "@pulumi/pulumi";\nimport { isEdgeResource, resourceClass } from "../framework/resource";\nimport { gadgetDefinition } from "./gadget";\n\n/**`;
    expect(serviceTypescript("octopus").slice(0, dynamic.length)).toBe(dynamic);
    const native = `${header}import * as pulumi from "@pulumi/pulumi";\nimport type { GadgetArgs, GadgetOutputs } from "../octopus/generated";\nexport type { GadgetArgs, GadgetOutputs } from "../octopus/generated";\nimport { isEdgeResource, resourceClass } from "../framework/resource";\nimport { gadgetDefinition } from "../octopus/gadget";\n\nexport interface Gadget extends`;
    expect(serviceTypescript("octopus", "native").slice(0, native.length)).toBe(native);
  });

  it("refuses a field whose interface would take another resource's class name", () => {
    definitions.push(widgetSpec);
    try {
      expect(() => serviceTypescript("hilens")).toThrow("generated TypeScript: the name WidgetSpec is used twice; rename a field or a type");
    } finally {
      definitions.splice(definitions.indexOf(widgetSpec), 1);
    }
  });
});
