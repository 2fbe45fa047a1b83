/** examples/octopus-pipeline, run as a user would: `pulumi up` of the TypeScript program against the emulator. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "@pulumi/pulumi/automation";
import { Emulator } from "../../emulator";
import { cleanup, consoleClient, exampleStack, startEmulatorForTests } from "./harness";
import { changes, setOctopusTiming, values } from "./octopus-steps";

let emulator: Emulator;
let dir: string;
let stack: Stack;

beforeAll(async () => {
  emulator = await startEmulatorForTests("octopus-example");
  ({ stack, dir } = await exampleStack(emulator, "octopus-pipeline"));
  // The OBS key pair the import reads the bucket with, set as a user sets it (secret config).
  await stack.setAllConfig({ obsAccessKey: { value: "ABCTUKMSXXXXXXXXXOKY", secret: true }, obsSecretKey: { value: "012345jPI3YpmVRVTIbExxxxxxxxx4Pvmkhp0L1s", secret: true } });
  // The import and the job take 300 ms of the emulator's time each.
  await setOctopusTiming(emulator, { duration_ms: 300 });
});
afterAll(async () => {
  await emulator?.close();
  if (dir) cleanup(dir);
});

describe("examples/octopus-pipeline", () => {
  it("pulumi up creates the image repository, its version, two operators running it and the weather tags, then imports the drives, runs the marking job over them and versions the frames it tagged", async () => {
    const result = await stack.up();
    const out = values(result.outputs);
    expect(result.summary.resourceChanges).toMatchObject({ create: 12 });
    expect(out.importStatus).toBe("SUCCESS");
    expect(out.markingJob).toMatchObject({ status: "FINISHED", resourceSpec: "4Core_16GiB" });
    expect(out.datasetVersion.name).toBe("V1");
    const client = consoleClient(emulator, "octopus");
    const job = (await client.call("GET /v1.0/{project_id}/data/jobs/{id}", { id: out.markingJob.id })).item;
    expect(job).toMatchObject({ processor_name: "lidar-mark-weather", data_id: "lidar-warehouse", warehouse_filters: { data_process_task_ids: [expect.stringMatching(/^DCL\d{13}$/)] } });
    const datasets = (await client.call("GET /v1.0/{project_id}/common/datasets", {}, { query: { name: "lidar-bad-weather" } })).list;
    const version = (await client.call("GET /v1.0/{project_id}/common/datasets/{d}/versions/{v}", { d: datasets[0].id, v: out.datasetVersion.id })).item;
    expect(version.warehouse_params).toMatchObject({ data_process_task_ids: [out.markingJob.id], or_tags: [out.weatherTagIds.rain, out.weatherTagIds.fog] });
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
