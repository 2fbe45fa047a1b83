/**
 * The package as a user gets it: the `npm pack` tarball installed into a fresh TypeScript project.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { FreshProject, freshProject } from "./fresh-project";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { hilens, octopus, tensorbay } from "pulumi-edgeai";

// Resource classes are types: variables, parameters and fields are typed with them.
let cm: hilens.ConfigMap;
const args: hilens.ConfigMapArgs = {
    name: "detector-settings",
    configs: [{ key: "MODEL_NAME", value: "yolov8n" }],
};
cm = new hilens.ConfigMap("settings", args);
function settingsOf(c: hilens.ConfigMap): pulumi.Output<hilens.ConfigMapConfigs[]> {
    return c.configs;
}
class Site extends pulumi.ComponentResource {
    readonly workspace: hilens.Workspace;
    constructor(name: string) {
        super("acme:site:Site", name);
        this.workspace = new hilens.Workspace(name, { name }, { parent: this });
    }
}
const site = new Site("plant-a");
const repoArgs: octopus.ImageRepoArgs = { name: "lidar-images", scope: "TRAINING_TRAIN" };
const dsArgs: tensorbay.DatasetArgs = { name: "street-scenes" };
const devicesArgs: hilens.GetDevicesArgs = { name: "cam" };
async function count(): Promise<number> {
    const result: hilens.GetDevicesResult = await hilens.getDevices(devicesArgs);
    return result.devices.length;
}
const firmwares: pulumi.Output<hilens.GetFirmwaresResult> = hilens.getFirmwaresOutput({ deviceType: site.workspace.name });
export const ids = [cm.id, settingsOf(cm), repoArgs, dsArgs, count, firmwares];
export const isConfigMap = hilens.ConfigMap.isInstance(cm);
`;

let project: FreshProject;
beforeAll(() => {
  project = freshProject("types", "3.259.0");
});
afterAll(() => {
  if (project) rmSync(project.dir, { recursive: true, force: true });
});

describe("a fresh TypeScript project using the npm pack tarball", () => {
  it("compiles resource classes used as types, Args interfaces, output types and function Args/Result types", () => {
    project.write("index.ts", PROGRAM);
    const result = project.tsc();
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  it("rejects a wrong argument at compile time, naming the field", () => {
    project.write("index.ts", `import { hilens } from "pulumi-edgeai";\nnew hilens.ConfigMap("cm", { name: "x", configs: "MODEL_NAME=yolo" });\n`);
    const result = project.tsc();
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/index\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type .*ConfigMapConfigsArgs/);
  });

  it("shows each argument's documented text on hover, for every argument of every resource and function", () => {
    project.write("index.ts", PROGRAM);
    const file = join(project.dir, "index.ts");
    const config = ts.getParsedCommandLineOfConfigFile(join(project.dir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => config.options,
      getScriptFileNames: () => [file],
      getScriptVersion: () => "1",
      getScriptSnapshot: (f) => (ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!) : undefined),
      getCurrentDirectory: () => project.dir,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    };
    const service = ts.createLanguageService(host);
    const hover = (needle: string, offset = 0) => {
      const info = service.getQuickInfoAtPosition(file, PROGRAM.indexOf(needle) + offset)!;
      return { type: ts.displayPartsToString(info.displayParts), doc: ts.displayPartsToString(info.documentation) };
    };
    // Hovering an argument where the user types it.
    expect(hover('name: "detector-settings"')).toMatchObject({ type: "(property) ConfigMapArgs.name: pulumi.Input<string>", doc: expect.stringContaining("Config map name. Changing it replaces the config map.") });
    expect(hover("configs: [{", 0).doc).toContain("Deployments that read this config map roll when it changes.");
    // Hovering the class shows its description, not zod internals.
    const cls = hover("new hilens.ConfigMap(", "new hilens.".length);
    expect(cls.doc).toContain("A HiLens config map");
    expect(cls.type).not.toMatch(/Zod|ArgsOf/);
    const asType = hover("let cm: hilens.ConfigMap", "let cm: hilens.".length);
    expect(asType).toMatchObject({ type: "class ConfigMap", doc: expect.stringContaining("A HiLens config map") });

    // Every argument of every Args interface the package exports is documented.
    const program = service.getProgram()!;
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file)!;
    const importDecl = source.statements.filter(ts.isImportDeclaration).find((d) => (d.moduleSpecifier as ts.StringLiteral).text === "pulumi-edgeai")!;
    const moduleSymbol = checker.getSymbolAtLocation(importDecl.moduleSpecifier)!;
    let argsInterfaces = 0;
    const undocumented: string[] = [];
    for (const namespace of checker.getExportsOfModule(moduleSymbol).filter((s) => ["hilens", "octopus", "tensorbay"].includes(s.name))) {
      const nsSymbol = namespace.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(namespace) : namespace;
      for (const exported of checker.getExportsOfModule(nsSymbol)) {
        if (!/Args$/.test(exported.name)) continue;
        argsInterfaces++;
        const type = checker.getDeclaredTypeOfSymbol(exported);
        for (const prop of type.getProperties()) if (!ts.displayPartsToString(prop.getDocumentationComment(checker)).trim()) undocumented.push(`${namespace.name}.${exported.name}.${prop.name}`);
      }
    }
    expect(undocumented).toEqual([]);
    // 18 resources, 9 functions (each with Args and OutputArgs), plus nested argument shapes.
    expect(argsInterfaces).toBeGreaterThanOrEqual(18 + 9 * 2);
  });
});
