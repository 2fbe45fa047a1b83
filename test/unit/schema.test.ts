import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageSchema } from "../../provider/framework/schema";
import { referenceMarkdown } from "../../provider/framework/docs";
import { definitions, lookups } from "../../provider/registry";
import { token } from "../../provider/framework/definition";
import { generatedTypescript } from "../../provider/framework/typescript";

describe("schema.json", () => {
  const committed = JSON.parse(readFileSync(join(__dirname, "../../schema.json"), "utf8"));

  it("is generated from the current definitions (run `npm run schema` after changing one)", () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(packageSchema())));
  });

  it("documents every resource, every input, and marks immutable and secret fields", () => {
    for (const def of definitions) {
      const spec = committed.resources[token(def)];
      expect(spec, token(def)).toBeDefined();
      expect(Object.keys(spec.inputProperties).sort()).toEqual(Object.keys(def.inputs.shape).sort());
      for (const [key, prop] of Object.entries<{ description?: string; willReplaceOnChanges?: boolean; secret?: boolean }>(spec.inputProperties)) {
        expect(prop.description, `${token(def)}.${key} has no description`).toBeTruthy();
        expect(Boolean(prop.willReplaceOnChanges), `${token(def)}.${key} immutability`).toBe((def.immutable as readonly string[]).includes(key));
      }
      for (const key of def.secrets ?? []) expect(spec.properties[key].secret, `${token(def)}.${key}`).toBe(true);
    }
  });

  it("types a field that must be true (a confirmation) as a boolean, as the program passes it", () => {
    expect(committed.resources["edgeai:octopus:DatasetVersion"].inputProperties.agreementConfirm.type).toBe("boolean");
  });

  it("documents every function with its arguments and its result (what YAML's fn::invoke and codegen read)", () => {
    expect(Object.keys(committed.functions).length).toBe(lookups.length);
    for (const def of lookups) {
      const spec = committed.functions[`edgeai:${def.service}:${def.name}`];
      expect(spec?.description, def.name).toBeTruthy();
      expect(Object.keys(spec.inputs.properties).sort()).toEqual(Object.keys(def.args.shape).sort());
      // An object's properties, or a return type (a list of a named type).
      expect(spec.outputs?.properties ?? spec.outputs?.items?.$ref, `${def.name} documents no result`).toBeTruthy();
    }
    const specs = committed.functions["edgeai:octopus:getResourceSpecs"].outputs;
    expect(specs).toMatchObject({ type: "array", items: { $ref: "#/types/edgeai:octopus:getResourceSpecsResultItem" } });
    expect(committed.types["edgeai:octopus:getResourceSpecsResultItem"].properties.spec.description).toMatch(/as jobs take it/);
    // A secret look-up's result is secret property by property.
    expect(committed.functions["edgeai:octopus:getImageVersionAccount"].outputs.properties.password.secret).toBe(true);
  });

  it("lists every configuration key with its environment fallback", () => {
    expect(committed.config.variables.secretKey).toMatchObject({ secret: true, description: expect.stringContaining("HW_SECRET_KEY") });
    expect(committed.config.variables.maxRetries.type).toBe("integer");
  });
});

describe("docs/reference.md", () => {
  it("is generated from the current definitions (run `npm run docs` after changing one)", () => {
    expect(readFileSync(join(__dirname, "../../docs/reference.md"), "utf8")).toBe(referenceMarkdown());
  });
});

describe("generated TypeScript (provider/*/generated.ts)", () => {
  it("is generated from the current definitions (run `npm run types` after changing one)", () => {
    for (const [path, text] of Object.entries(generatedTypescript())) expect(readFileSync(join(__dirname, "../..", path), "utf8"), path).toBe(text);
  });

  it("declares a class and an Args interface for every resource, and Args/Result types for every function", () => {
    const files = generatedTypescript();
    for (const def of definitions) {
      const text = files[`provider/${def.service}/generated.ts`];
      expect(text).toContain(`export class ${def.name} extends`);
      expect(text).toContain(`export interface ${def.name}Args {`);
      // Every argument carries its description as JSDoc.
      const args = text.slice(text.indexOf(`export interface ${def.name}Args {`));
      const body = args.slice(0, args.indexOf("\n}\n"));
      for (const key of Object.keys(def.inputs.shape)) expect(body, `${def.name}Args.${key}`).toMatch(new RegExp(`\\*/\\n    ${key}\\??: `));
    }
    for (const fn of lookups) {
      const text = files[`provider/${fn.service}/generated.ts`];
      const base = fn.name.charAt(0).toUpperCase() + fn.name.slice(1);
      expect(text).toMatch(new RegExp(`export (interface|type) ${base}Result\\b`));
      expect(text).toContain(`export interface ${base}Args {`);
      expect(text).toContain(`export function ${fn.name}(`);
      expect(text).toContain(`export function ${fn.name}Output(`);
    }
  });
});
