/**
 * The package as a user gets it: the `npm pack` tarball installed into a fresh TypeScript project.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { DEFAULTS, Emulator } from "../../emulator";
import { FreshProject, ROOT, freshProject, tarballFiles } from "./fresh-project";
import { startEmulatorForTests } from "./harness";
import { definitions, lookups } from "../../provider/registry";

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
const dirs: string[] = [];
beforeAll(() => {
  project = freshProject("types", "3.259.0");
  dirs.push(project.dir);
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
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
    // The class merges with its outputs interface (ConfigMapOutputs, shared by both deliveries): the hover names the class first.
    expect(asType).toMatchObject({ type: expect.stringMatching(/^class ConfigMap\b/), doc: expect.stringContaining("A HiLens config map") });
    expect(hover("c.configs", "c.".length)).toMatchObject({ type: expect.stringMatching(/^\(property\) ConfigMapOutputs\.configs: pulumi\.Output</), doc: expect.stringContaining("Deployments that read this config map roll when it changes.") });

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
    // Every resource, every function (with Args and OutputArgs), plus nested argument shapes.
    expect(argsInterfaces).toBeGreaterThanOrEqual(definitions.length + lookups.length * 2);
  });
});

describe("the tarball", () => {
  it("holds only what runs: compiled provider and emulator, their declarations, schema.json and the docs", () => {
    const files = tarballFiles();
    const runtime = /^(dist\/(provider|emulator)\/.+\.(js|d\.ts)|package\.json|README\.md|schema\.json|docs\/reference\.md|pulumi-resource-edgeai)$/;
    expect(files.filter((f) => !runtime.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|scripts|examples|\.github)\//.test(f) || /\.map$|-cli\.js$/.test(f))).toEqual([]);
    expect(files).toContain("dist/provider/framework/runtime.js");
    expect(files).toContain("dist/provider/hilens/generated.d.ts");
    expect(files).toContain("dist/emulator/cli.js");
    expect(files).toContain("dist/provider/native/plugin.js");
    // Nothing compiled from a source that no longer exists (a stale dist/ would ship it).
    expect(files.filter((f) => f.startsWith("dist/") && !existsSync(join(ROOT, f.slice("dist/".length).replace(/\.(d\.ts|js)$/, ".ts"))))).toEqual([]);
  });

  it("declares @pulumi/pulumi as a peer dependency, not a dependency", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.dependencies["@pulumi/pulumi"]).toBeUndefined();
    expect(pkg.peerDependencies["@pulumi/pulumi"]).toBe(">=3.216.0 <4.0.0");
  });

  it("the README's first TypeScript snippet compiles in a fresh project", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const snippet = /```ts\n([\s\S]*?)```/.exec(readme)![1];
    project.write("index.ts", snippet);
    const result = project.tsc();
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });
});

/** Both ends of the peer range, each in its own fresh project, driven by the pinned CLI against the emulator. */
describe.each(["3.216.0", "3.276.0"])("a fresh project on @pulumi/pulumi %s", (sdk) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulatorForTests(`sdk-${sdk}`);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  let p: FreshProject;
  const envVars = () => ({
    PULUMI_BACKEND_URL: `file://${p.dir}`,
    PULUMI_HOME: join(p.dir, ".pulumi-home"),
    PULUMI_CONFIG_PASSPHRASE: "fresh",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    HW_HILENS_ENDPOINT: emulator.url,
    HW_PROJECT_ID: DEFAULTS.projectId,
    HW_ACCESS_KEY: DEFAULTS.accessKey,
    HW_SECRET_KEY: DEFAULTS.secretKey,
  });
  beforeAll(() => {
    p = freshProject(`sdk-${sdk}`, sdk);
    dirs.push(p.dir);
  });

  it("has one copy of the SDK, compiles, and runs up, a no-op preview, refresh and destroy", async () => {
    expect(JSON.parse(readFileSync(join(p.dir, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version).toBe(sdk);
    expect(existsSync(join(p.dir, "node_modules/pulumi-edgeai/node_modules/@pulumi/pulumi"))).toBe(false);
    writeFileSync(join(p.dir, "Pulumi.yaml"), "name: fresh\nruntime: nodejs\n");
    p.write(
      "index.ts",
      `import { hilens } from "pulumi-edgeai";
const ws: hilens.Workspace = new hilens.Workspace("ws", { name: "fresh-${sdk.replace(/\./g, "-")}" });
const cm = new hilens.ConfigMap("settings", { name: "fresh-settings", configs: [{ key: "MODEL", value: "yolo" }], workspaceId: ws.workspaceId });
export const configMapId = cm.id;
export const devices = hilens.getDevicesOutput({ workspaceId: ws.workspaceId }).apply((r) => r.devices.length);
`,
    );
    expect(p.tsc()).toEqual({ ok: true, output: "" });
    const ws = await LocalWorkspace.create({ workDir: p.dir, envVars: envVars() });
    const stack = await Stack.create("dev", ws);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 3 });
    expect(up.outputs.devices.value).toBe(0);
    const preview = await stack.preview();
    expect(Object.entries(preview.changeSummary).filter(([kind, n]) => kind !== "same" && n > 0)).toEqual([]);
    await stack.refresh();
    const again = await stack.preview();
    expect(Object.entries(again.changeSummary).filter(([kind, n]) => kind !== "same" && n > 0)).toEqual([]);
    await stack.destroy();
    expect(emulator.store.count()).toBe(0);
  });

  it("pulumi-edgeai/native runs on the package's bin pulumi-resource-edgeai: up, a no-op preview, destroy, and no code in state", async () => {
    writeFileSync(join(p.dir, "Pulumi.yaml"), "name: fresh-native\nruntime: nodejs\n");
    p.write(
      "index.ts",
      `import { hilens } from "pulumi-edgeai/native";
const ws: hilens.Workspace = new hilens.Workspace("ws", { name: "native-${sdk.replace(/\./g, "-")}" });
export const configMapId = new hilens.ConfigMap("settings", { name: "native-settings", configs: [{ key: "MODEL", value: "yolo" }], workspaceId: ws.workspaceId }).id;
`,
    );
    expect(p.tsc()).toEqual({ ok: true, output: "" });
    // As npm installed it: the bin is where `npm exec` and package scripts put PATH.
    const ws = await LocalWorkspace.create({ workDir: p.dir, envVars: { ...envVars(), PATH: `${join(p.dir, "node_modules/.bin")}:${process.env.PATH}` } });
    const stack = await Stack.create("native", ws);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 3 });
    const state = JSON.stringify((await stack.exportStack()).deployment);
    expect(state).toContain('"type":"edgeai:hilens:ConfigMap"');
    expect(state).not.toMatch(/__provider|pulumi-nodejs:dynamic/);
    const preview = await stack.preview();
    expect(Object.entries(preview.changeSummary).filter(([kind, n]) => kind !== "same" && n > 0)).toEqual([]);
    await stack.destroy();
    expect(emulator.store.count()).toBe(0);
  });
});
