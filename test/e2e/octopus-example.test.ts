/** examples/octopus-pipeline, run as a user would: `pulumi up` of the TypeScript program against the emulator. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "@pulumi/pulumi/automation";
import { Emulator } from "../../emulator";
import { cleanup, consoleClient, exampleStack, startEmulatorForTests } from "./harness";
import { changes, values } from "./octopus-steps";

let emulator: Emulator;
let dir: string;
let stack: Stack;

beforeAll(async () => {
  emulator = await startEmulatorForTests("octopus-example");
  ({ stack, dir } = await exampleStack(emulator, "octopus-pipeline"));
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
