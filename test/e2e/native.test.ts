import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Emulator } from "../../emulator";
import { cleanup, consoleClient, createStack, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { huaweiRead } from "./server-state";

let emulator: Emulator;
let t: TestStack;

const noChanges = (summary: Record<string, number>) => Object.keys(summary).filter((k) => k !== "same" && summary[k] > 0);

function hilens(v: { suffix: string; description: string }): ResourceSpec[] {
  return [
    { name: "ws", type: "hilens.Workspace", args: { name: `fleet-${v.suffix}`, description: v.description } },
    {
      name: "cm",
      type: "hilens.ConfigMap",
      args: { name: `app-config-${v.suffix}`, configs: [{ key: "MODEL", value: "yolo-v8" }], description: v.description, workspaceId: { $ref: "ws.workspaceId" } },
    },
  ];
}
const HILENS_EXPORTS = { ws: ["id", "workspaceId"], cm: ["id"] };

beforeAll(async () => {
  emulator = await startEmulatorForTests("native");
  t = await createStack(emulator, "native", {}, { delivery: "native" });
});
afterAll(async () => {
  await emulator?.close();
  if (t) cleanup(t.dir);
});

describe("the edgeai provider plugin through the real pulumi CLI: HiLens workspace and config map", () => {
  let first: Record<string, string>;

  it("up creates them as edgeai:hilens:* resources; state holds no code; a second preview shows no changes", async () => {
    t.declare(hilens({ suffix: "a", description: "first" }), HILENS_EXPORTS);
    const outputs = await t.up();
    first = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    const cm = await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/configmaps/${first["cm.id"]}`);
    expect(cm).toMatchObject({ configmap: { name: "app-config-a", description: "first" }, workspace_id: first["ws.workspaceId"] });
    const state = await t.exportState();
    const types = JSON.parse(state).deployment.resources.map((r: { type: string }) => r.type);
    expect(types).toEqual(expect.arrayContaining(["edgeai:hilens:Workspace", "edgeai:hilens:ConfigMap", "pulumi:providers:edgeai"]));
    expect(state).not.toContain("__provider");
    expect(state).not.toContain("__edgeaiName");
    expect(noChanges(await t.previewChanges())).toEqual([]);
  });

  it("preview --diff names the changed field, and the one that forces a replacement", async () => {
    t.declare(hilens({ suffix: "b", description: "second" }), HILENS_EXPORTS);
    const diff = t.cli("preview", "--diff");
    console.log(diff);
  });
});
