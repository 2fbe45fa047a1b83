/** The examples users copy from, run as users run them: `pulumi up`, a no-op preview, destroy. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Emulator } from "../../emulator";
import { cleanup, consoleClient, exampleStack, startEmulatorForTests } from "./harness";

let emulator: Emulator;
const dirs: string[] = [];

beforeAll(async () => {
  emulator = await startEmulatorForTests("examples");
});
afterAll(async () => {
  await emulator?.close();
  for (const dir of dirs) cleanup(dir);
});

const EXAMPLES: [string, number][] = [
  ["hilens-basics", 3],
  ["hilens-fleet", 8],
  ["gitops-fleet", 7],
  ["tensorbay-datasets", 6],
];
// Every example runs with its state in the file backend and in PostgreSQL, as a team's would be.
const RUNS = EXAMPLES.flatMap(([example, resources]) => (["file", "postgres"] as const).map((backend) => [example, backend, resources] as const));

describe.each(RUNS)("examples/%s, state in %s", (example, backend, resources) => {
  it(`pulumi up creates its ${resources} resources, a second preview shows no changes, destroy removes them`, async () => {
    const { stack, dir } = await exampleStack(emulator, example, backend);
    dirs.push(dir);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: resources + 1 });
    const preview = await stack.preview();
    expect(Object.entries(preview.changeSummary).filter(([kind, n]) => kind !== "same" && n > 0)).toEqual([]);
    await stack.destroy();
    if (example === "gitops-fleet") {
      // Devices are hardware: the fleet keeps them registered (retainOnDelete) when the stack goes.
      const client = consoleClient(emulator);
      const kept = await client.listAll<{ id: string; name: string }>("GET /v3/{project_id}/ai-mgr/nodes", "nodes");
      expect(kept.map((n) => n.name).sort()).toEqual(["store1-aisle3", "store1-checkout", "store1-entrance"]);
      for (const node of kept) await client.call("DELETE /v3/{project_id}/ai-mgr/nodes/{node_id}", { node_id: node.id });
    }
    expect(emulator.store.count()).toBe(0);
  });
});
