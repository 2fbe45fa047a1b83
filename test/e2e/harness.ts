/**
 * End-to-end harness: the embedded emulator plus real `pulumi` CLI runs (Automation API, local
 * file backend, passphrase secrets) of test/e2e/program against it.
 */
import { mkdtempSync, mkdirSync, copyFileSync, cpSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { LocalWorkspace, Stack, OutputMap } from "@pulumi/pulumi/automation";
import { describe, expect } from "vitest";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import { HuaweiServiceClient, huaweiAuth } from "../../provider/client/huawei";
import { octopusClient } from "../../provider/client/octopus";
import { resolveConfig } from "../../provider/config";
import { token } from "../../provider/framework/definition";
import { importIdOf } from "../../provider/framework/runtime";
import { definitions } from "../../provider/registry";

const ROOT = resolve(__dirname, "../..");
const execFileAsync = promisify(execFile);
const PROGRAM = join(ROOT, "test/e2e/program");
const SCRATCH = join(ROOT, ".pulumi-test");

export interface ResourceSpec {
  name: string;
  /** `service.Type`, e.g. `hilens.ConfigMap`. */
  type: string;
  args: Record<string, unknown>;
  opts?: Record<string, unknown>;
}

export interface TestStack {
  stack: Stack;
  emulator: Emulator;
  dir: string;
  /** Declares the program's resources; `exports` lists outputs to export per resource name; `calls` are function calls exported by name. */
  declare(resources: ResourceSpec[], exports?: Record<string, string[]>, calls?: { name: string; fn: string; args: Record<string, unknown> }[]): void;
  up(): Promise<OutputMap>;
  previewChanges(): Promise<Record<string, number>>;
  refresh(): Promise<void>;
  destroy(): Promise<void>;
  exportState(): Promise<string>;
  /** Which module the program's classes come from from now on: `pulumi-edgeai` (dynamic) or `pulumi-edgeai/native`. */
  setDelivery(delivery: "dynamic" | "native"): void;
  /** Runs the CLI in the stack's directory as a user would (`pulumi import …`, `pulumi preview --diff`): its output, or the error carrying it. */
  cli(...args: string[]): Promise<string>;
  /** Requests the emulator answered since the call to `mark()`. */
  mark(): () => { method: string; path: string; status: number }[];
  /** Combined stdout/stderr of the CLI runs so far (to assert nothing secret was printed). */
  output: string[];
}

function requireCli(): void {
  try {
    execFileSync("pulumi", ["version"], { stdio: "pipe" });
  } catch {
    throw new Error("The real `pulumi` CLI is not on PATH: run the tests with `npm test` (scripts/test.sh builds or finds it).");
  }
}

/** One emulator per test file; each stack gets its own program copy, backend and spec. */
export async function startEmulatorForTests(name: string): Promise<Emulator> {
  mkdirSync(SCRATCH, { recursive: true });
  const dataDir = mkdtempSync(join(SCRATCH, `emu-${name}-`));
  return startEmulator({
    dataDir,
    credentials: [
      { accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId },
      { accessKey: "OTHERPROJECTACCESSKEY", secretKey: "other-secret-key", projectId: "ffffffffffffffffffffffffffffffff" },
    ],
  });
}

/** Where npm links the package's bins (scripts/link-self.js does it for this repository): Pulumi finds `pulumi-resource-edgeai` there on PATH. */
export const NATIVE_PLUGIN_DIR = join(ROOT, "node_modules/.bin");

/** The two ways the same definitions reach a program: `pulumi-edgeai` (dynamic resources) and `pulumi-edgeai/native` (the `edgeai` plugin). */
export const DELIVERIES = ["dynamic", "native"] as const;
export type Delivery = (typeof DELIVERIES)[number];

/**
 * A file's e2e ladder, written once and run once per delivery (as Terraform runs one acceptance
 * test's `Steps` per provider configuration): the story declares its own emulator and stacks
 * inside, with `createStack(…, { delivery })`.
 */
export function forEachDelivery(story: (delivery: Delivery) => void): void {
  for (const delivery of DELIVERIES) describe(delivery === "dynamic" ? "through pulumi-edgeai (dynamic resources)" : "through pulumi-edgeai/native (the edgeai plugin)", () => story(delivery));
}

/**
 * `pulumi import --file` of every edgeai resource of `t` (a native stack) into a new stack, by
 * the IDs a user would give (`<scope>/<id>` for nested objects, see `importScope`): all are
 * imported, with the same IDs and the same inputs the program declared. The new stack's state is
 * dropped after: the objects stay `t`'s. Dynamic resources cannot be imported this way
 * (pulumi/pulumi#16175); they adopt with `importId`.
 */
export async function expectImportedElsewhere(t: TestStack, name: string): Promise<void> {
  const created: { type: string; urn: string; id: string; inputs: Record<string, unknown> }[] = JSON.parse(await t.exportState()).deployment.resources.filter((r: { type: string }) => r.type.startsWith("edgeai:"));
  if (created.length === 0) throw new Error(`${name}: the stack holds no edgeai resource to import (is it a native stack?)`);
  const importId = (r: (typeof created)[number]) => importIdOf(definitions.find((d) => token(d) === r.type)!, r.id, r.inputs);
  const importer = await createStack(t.emulator, name, { "edgeai:tensorbayAccessKey": { value: DEFAULTS.tensorbayAccessKey, secret: true } }, { delivery: "native" });
  try {
    const file = join(importer.dir, "import.json");
    writeFileSync(file, JSON.stringify({ resources: created.map((r) => ({ type: r.type, name: r.urn.split("::").pop(), id: importId(r) })) }));
    const output = await importer.cli("import", "--file", file, "--yes", "--protect=false", "--generate-code=false");
    expect(output).toMatch(new RegExp(`${created.length} imported`));
    const imported: { type: string; id: string }[] = JSON.parse(await importer.exportState()).deployment.resources.filter((r: { type: string }) => r.type.startsWith("edgeai:"));
    expect(imported.map((r) => [r.type, r.id]).sort()).toEqual(created.map((r) => [r.type, r.id]).sort());
  } finally {
    cleanup(importer.dir);
  }
}

/**
 * `native`: the resources are served by the `edgeai` plugin, found on PATH (`plugin: "path"`, the
 * default: the package's bin) or installed into the stack's PULUMI_HOME from the package's
 * launcher (`plugin: "installed"`: `pulumi plugin install resource edgeai <version> --file …`, with
 * no bin on PATH).
 */
export interface StackOptions {
  delivery?: Delivery;
  plugin?: "path" | "installed";
}

/** The PATH a native stack runs with: the plugin's bin directory first, or no bin directory at all when the plugin is installed. */
function nativePath(options: StackOptions): string {
  if (options.plugin !== "installed") return `${NATIVE_PLUGIN_DIR}:${process.env.PATH}`;
  return (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => !dir.endsWith("node_modules/.bin"))
    .join(":");
}

/** Installs the plugin the way the README says, into the stack's own PULUMI_HOME. */
async function installPlugin(env: Record<string, string>): Promise<void> {
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  await execFileAsync("pulumi", ["plugin", "install", "resource", "edgeai", version, "--file", join(ROOT, "pulumi-resource-edgeai")], { env: { ...process.env, ...env } });
}

export async function createStack(emulator: Emulator, name: string, extraConfig: Record<string, { value: string; secret?: boolean }> = {}, options: StackOptions = {}): Promise<TestStack> {
  requireCli();
  const dir = mkdtempSync(join(SCRATCH, `${name}-`));
  copyFileSync(join(PROGRAM, "index.js"), join(dir, "index.js"));
  copyFileSync(join(PROGRAM, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  const specFile = join(dir, "spec.json");
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: backendUrl(dir),
    PULUMI_CONFIG_PASSPHRASE: "edgeai-e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: join(dir, ".pulumi-home"),
    EDGEAI_SPEC_FILE: specFile,
    ...(options.delivery === "native" ? { EDGEAI_DELIVERY: "native", PATH: nativePath(options) } : {}),
  };
  const ws = await LocalWorkspace.create({ workDir: dir, envVars });
  if (options.plugin === "installed") await installPlugin(envVars);
  const stack = await Stack.create("test", ws);
  const config: Record<string, { value: string; secret?: boolean }> = {
    "edgeai:hilensEndpoint": { value: emulator.url },
    "edgeai:octopusEndpoint": { value: emulator.url },
    "edgeai:iamEndpoint": { value: emulator.url },
    "edgeai:tensorbayEndpoint": { value: `${emulator.url}/gatewayv2/tensorbay-open-api` },
    "edgeai:projectId": { value: DEFAULTS.projectId },
    "edgeai:accessKey": { value: DEFAULTS.accessKey, secret: true },
    "edgeai:secretKey": { value: DEFAULTS.secretKey, secret: true },
    "edgeai:maxRetries": { value: "1" },
    ...extraConfig,
  };
  await stack.setAllConfig(config);
  const output: string[] = [];
  const onOutput = (line: string) => output.push(line);
  writeFileSync(specFile, JSON.stringify({ resources: [] }));
  return {
    stack,
    emulator,
    dir,
    output,
    declare(resources, exports, calls) {
      writeFileSync(specFile, JSON.stringify({ resources, exports, calls }));
    },
    async up() {
      return (await stack.up({ onOutput })).outputs;
    },
    async previewChanges() {
      return (await stack.preview({ onOutput, diff: true })).changeSummary as Record<string, number>;
    },
    async refresh() {
      await stack.refresh({ onOutput });
    },
    async destroy() {
      await stack.destroy({ onOutput });
    },
    async exportState() {
      // `pulumi stack export` as a user runs it (Automation's exportStack adds --show-secrets).
      return execFileSync("pulumi", ["stack", "export", "--stack", "test", "--cwd", dir], { env: { ...process.env, ...envVars }, encoding: "utf8", maxBuffer: 1 << 30 });
    },
    setDelivery(delivery) {
      envVars.EDGEAI_DELIVERY = ws.envVars.EDGEAI_DELIVERY = delivery;
    },
    async cli(...args) {
      // Not execFileSync: the emulator answers the CLI's requests from this process's event loop.
      try {
        return (await execFileAsync("pulumi", [...args, "--stack", "test", "--non-interactive", "--cwd", dir], { env: { ...process.env, ...envVars }, encoding: "utf8", maxBuffer: 1 << 30 })).stdout;
      } catch (err) {
        const { stdout, stderr } = err as { stdout?: string; stderr?: string };
        throw new Error(`pulumi ${args.join(" ")} failed:\n${stdout ?? ""}${stderr ?? ""}`);
      }
    },
    mark() {
      const start = emulator.requests.length;
      return () => emulator.requests.slice(start);
    },
  };
}

/** The PostgreSQL state backend that `npm test` starts (scripts/postgres.sh). */
function postgresUrl(): string {
  const url = process.env.EDGEAI_TEST_POSTGRES_URL;
  if (!url) throw new Error("EDGEAI_TEST_POSTGRES_URL is not set: run the tests with `npm test`, which starts a PostgreSQL server (scripts/postgres.sh).");
  return url;
}

/** Each stack directory's file backend: a fresh temporary directory, removed by `cleanup`. */
const backends = new Map<string, string>();
function backendUrl(dir: string): string {
  const backend = mkdtempSync(join(tmpdir(), "edgeai-backend-"));
  backends.set(dir, backend);
  return `file://${backend}`;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  const backend = backends.get(dir);
  if (backend) rmSync(backend, { recursive: true, force: true });
}

/** A direct API client for out-of-band changes (what a colleague would do in the console). */
export function consoleClient(emulator: Emulator, service: "hilens" | "octopus" = "hilens"): HuaweiServiceClient {
  const cfg = resolveConfig(
    (k) => ({ hilensEndpoint: emulator.url, octopusEndpoint: emulator.url, projectId: DEFAULTS.projectId, accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey })[k as string],
    {},
  );
  return service === "octopus" ? octopusClient(cfg) : new HuaweiServiceClient(cfg, service, huaweiAuth(cfg));
}

/**
 * A stack of one of examples/, run as a user would run it (TypeScript through ts-node,
 * credentials from the Huawei Terraform provider's variables) against the emulator. It runs on a
 * copy, so no stack settings file is written into the repository; pulumi-edgeai and
 * @pulumi/pulumi still resolve from the repository's node_modules.
 */
export async function exampleStack(emulator: Emulator, example: string, backend: "file" | "postgres" = "file", options: StackOptions = {}): Promise<{ stack: Stack; dir: string }> {
  requireCli();
  const dir = mkdtempSync(join(SCRATCH, `${example}-`));
  const backendUrl_ = backend === "postgres" ? postgresUrl() : backendUrl(dir);
  for (const file of readdirSync(join(ROOT, "examples", example))) if (!/^Pulumi\..+\.yaml$/.test(file)) cpSync(join(ROOT, "examples", example, file), join(dir, file), { recursive: true });
  const ws = await LocalWorkspace.create({
    workDir: dir,
    envVars: {
      PULUMI_BACKEND_URL: backendUrl_,
      PULUMI_HOME: join(dir, ".pulumi-home"),
      PULUMI_CONFIG_PASSPHRASE: "edgeai-example",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      HW_HILENS_ENDPOINT: emulator.url,
      HW_OCTOPUS_ENDPOINT: emulator.url,
      HW_IAM_ENDPOINT: emulator.url,
      HW_PROJECT_ID: DEFAULTS.projectId,
      HW_ACCESS_KEY: DEFAULTS.accessKey,
      HW_SECRET_KEY: DEFAULTS.secretKey,
      TENSORBAY_ENDPOINT: `${emulator.url}/gatewayv2/tensorbay-open-api`,
      TENSORBAY_ACCESS_KEY: DEFAULTS.tensorbayAccessKey,
      ...(options.delivery === "native" ? { PATH: nativePath(options) } : {}),
    },
  });
  if (options.plugin === "installed") await installPlugin(ws.envVars);
  return { stack: await Stack.create("emulator", ws), dir };
}
