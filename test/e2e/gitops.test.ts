/**
 * examples/gitops-fleet through the real CLI: devices whose entry is deleted stay registered,
 * `retired: true` then deleting the entry deregisters; manifests in fleet.d/ are merged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Emulator } from "../../emulator";
import { cleanup, consoleClient, exampleStack, startEmulatorForTests } from "./harness";

let emulator: Emulator;
const dirs: string[] = [];
beforeAll(async () => {
  emulator = await startEmulatorForTests("gitops");
});
afterAll(async () => {
  await emulator?.close();
  for (const dir of dirs) cleanup(dir);
});

async function registered(): Promise<string[]> {
  const nodes = await consoleClient(emulator).listAll<{ name: string }>("GET /v3/{project_id}/ai-mgr/nodes", "nodes");
  return nodes.map((n) => n.name).sort();
}

describe("examples/gitops-fleet: devices are hardware", () => {
  it("deleting a device's entry keeps it registered; retired: true and then deleting the entry deregisters it", async () => {
    const { stack, dir } = await exampleStack(emulator, "gitops-fleet");
    dirs.push(dir);
    const site2 = join(dir, "fleet.d", "store2.yaml");
    const manifest = (...devices: string[]) => writeFileSync(site2, ["# yaml-language-server: $schema=../fleet.schema.json", "devices:", ...devices, ""].join("\n"));
    // A second site's file, merged with the shipped ones.
    manifest("  - name: store2-entrance", "    runs: people-counter@1.4.0", "  - name: store2-spare", "  - name: store2-old");
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 7 + 3 + 1 });
    expect(await registered()).toEqual(["store1-aisle3", "store1-checkout", "store1-entrance", "store2-entrance", "store2-old", "store2-spare"]);

    // The spare's entry is deleted: it leaves the stack, and stays registered. The old one is retired.
    manifest("  - name: store2-entrance", "    runs: people-counter@1.4.0", "  - name: store2-old", "    retired: true");
    await stack.up();
    expect(await registered()).toContain("store2-spare");
    expect(await registered()).toContain("store2-old");
    expect(JSON.stringify((await stack.exportStack()).deployment)).not.toContain("store2-spare");

    // The retired device's entry is deleted: now it is deregistered.
    manifest("  - name: store2-entrance", "    runs: people-counter@1.4.0");
    const last = await stack.up();
    expect(last.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(await registered()).not.toContain("store2-old");

    // Destroying the stack removes deployments and config maps; the devices stay registered.
    await stack.destroy();
    expect(await registered()).toEqual(["store1-aisle3", "store1-checkout", "store1-entrance", "store2-entrance", "store2-spare"]);
    expect(readFileSync(join(dir, "fleet.d", "models.yaml"), "utf8")).toContain("models:");
  });

  it("a bad manifest fails the preview with file:line:column and no stack trace", async () => {
    const { stack, dir } = await exampleStack(emulator, "gitops-fleet");
    dirs.push(dir);
    writeFileSync(join(dir, "fleet.d", "store9.yaml"), ["devices:", "  - name: store9-cam", "    runs: people-counter", "    colour: red", ""].join("\n"));
    const err = await stack.preview().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain('fleet.d/store9.yaml:3:11: devices[0].runs: must be "<model>@<version>"');
    expect(err?.message).toContain("fleet.d/store9.yaml:4:5: devices[0].colour: unknown key");
    expect(err?.message).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
