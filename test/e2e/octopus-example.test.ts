/** examples/octopus-pipeline, run as a user would: `pulumi up` of the TypeScript program against the emulator. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { DEFAULTS, Emulator } from "../../emulator";
import { cleanup, consoleClient, startEmulatorForTests } from "./harness";
import { changes, values } from "./octopus-steps";

const ROOT = resolve(__dirname, "../..");
let emulator: Emulator;
let dir: string;
let stack: Stack;

beforeAll(async () => {
  emulator = await startEmulatorForTests("octopus-example");
  // A copy, so the stack's settings file is not written into the repository; pulumi-edgeai and
  // @pulumi/pulumi still resolve from the repository's node_modules.
  dir = mkdtempSync(join(ROOT, ".pulumi-test", "octopus-pipeline-"));
  for (const file of ["Pulumi.yaml", "package.json", "index.ts"]) cpSync(join(ROOT, "examples/octopus-pipeline", file), join(dir, file));
  const ws = await LocalWorkspace.create({
    workDir: dir,
    envVars: {
      PULUMI_BACKEND_URL: `file://${dir}`,
      PULUMI_HOME: join(dir, ".pulumi-home"),
      PULUMI_CONFIG_PASSPHRASE: "octopus-example",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      // Credentials the way a workstation passes them: the Huawei Terraform provider's variables.
      HW_OCTOPUS_ENDPOINT: emulator.url,
      HW_PROJECT_ID: DEFAULTS.projectId,
      HW_ACCESS_KEY: DEFAULTS.accessKey,
      HW_SECRET_KEY: DEFAULTS.secretKey,
    },
  });
  stack = await Stack.create("emulator", ws);
});
afterAll(async () => {
  await emulator?.close();
  if (dir) cleanup(dir);
});

describe("examples/octopus-pipeline", () => {
  it("pulumi up creates the image repository, its version, two operators running it and the weather tags", async () => {
    const result = await stack.up();
    const out = values(result.outputs);
    expect(result.summary.resourceChanges).toMatchObject({ create: 8 });
    expect(out.imageStatus).toBe("INIT");
    expect(out.imageUrl).toContain(`image-${out.imageRepoId}:v1.0`);
    expect(out.processingSpecs).toEqual(["4 cores, 16 GiB"]);
    const operators = await consoleClient(emulator, "octopus").call("GET /v1.0/{project_id}/data/processors");
    expect(operators.list.map((p: any) => [p.name, p.image_repo_id, p.image_version]).sort()).toEqual([
      ["lidar-clean", Number(out.imageRepoId), 1],
      ["lidar-mark-weather", Number(out.imageRepoId), 1],
    ]);
    const mark = operators.list.find((p: any) => p.name === "lidar-mark-weather");
    expect(mark.config.command).toBe(`python /app/mark.py --tags ${out.weatherTagIds.rain},${out.weatherTagIds.fog}`);
  });

  it("a second preview shows no changes, and destroy removes everything", async () => {
    expect(changes((await stack.preview()).changeSummary)).toEqual({});
    await stack.destroy();
    expect(emulator.store.count()).toBe(0);
  });
});
