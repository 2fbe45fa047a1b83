import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Emulator } from "../../emulator";
import { cleanup, consoleClient, createStack, expectImportedElsewhere, forEachDelivery, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { huaweiRead } from "./server-state";

const SECRET_VALUE = "pa55-SENTINEL-value-7f3a";

function resources(v: { suffix: string; description: string }): ResourceSpec[] {
  return [
    { name: "ws", type: "hilens.Workspace", args: { name: `fleet-${v.suffix}`, description: v.description } },
    {
      name: "cm",
      type: "hilens.ConfigMap",
      args: { name: `app-config-${v.suffix}`, configs: [{ key: "MODEL", value: "yolo-v8" }], description: v.description, tags: [{ key: "team", value: "vision" }], workspaceId: { $ref: "ws.workspaceId" } },
    },
    { name: "sec", type: "hilens.Secret", args: { name: `db-creds-${v.suffix}`, secrets: [{ key: "PASSWORD", value: SECRET_VALUE }], description: v.description, workspaceId: { $ref: "ws.workspaceId" } } },
  ];
}
const EXPORTS = { ws: ["id", "workspaceId"], cm: ["id", "updatedAt"], sec: ["id", "secrets"] };

const noChanges = (summary: Record<string, number>) => Object.keys(summary).filter((k) => k !== "same" && summary[k] > 0);

forEachDelivery((delivery) => {
  let emulator: Emulator;
  let t: TestStack;

  beforeAll(async () => {
    emulator = await startEmulatorForTests(`hilens-basics-${delivery}`);
    t = await createStack(emulator, "hilens-basics", {}, { delivery });
  });
  afterAll(async () => {
    await emulator?.close();
    if (t) cleanup(t.dir);
  });

  describe("HiLens workspace, config map and secret through the real pulumi CLI", () => {
    let first: Record<string, string>;

    it("up creates all three; a second preview shows no changes", async () => {
      t.declare(resources({ suffix: "a", description: "first" }), EXPORTS);
      const outputs = await t.up();
      first = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
      expect(emulator.store.count()).toBe(3);
      const cm = await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/configmaps/${first["cm.id"]}`);
      expect(cm).toMatchObject({ configmap: { name: "app-config-a", configs: [{ key: "MODEL", value: "yolo-v8" }], description: "first" }, workspace_id: first["ws.workspaceId"] });
      expect(outputs["sec.secrets"].secret).toBe(true);
      expect(noChanges(await t.previewChanges())).toEqual([]);
    });

    it("a description change updates all three in place", async () => {
      t.declare(resources({ suffix: "a", description: "second" }), EXPORTS);
      expect(await t.previewChanges()).toMatchObject({ update: 3 });
      const outputs = await t.up();
      expect(outputs["cm.id"].value).toBe(first["cm.id"]);
      expect(outputs["ws.workspaceId"].value).toBe(first["ws.workspaceId"]);
      const ws = await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/workspaces/${first["ws.workspaceId"]}`);
      expect(ws.description).toBe("second");
    });

    it("an immutable change (the name) replaces, and the old objects are gone", async () => {
      t.declare(resources({ suffix: "b", description: "second" }), EXPORTS);
      expect(await t.previewChanges()).toMatchObject({ replace: 3 });
      const outputs = await t.up();
      expect(outputs["cm.id"].value).not.toBe(first["cm.id"]);
      expect(outputs["sec.id"].value).not.toBe(first["sec.id"]);
      expect(emulator.store.count()).toBe(3);
      expect(t.output.join("")).toMatch(/will be replaced: "name" \(changes; cannot change in place\)/);
      first = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    });

    it("refresh drops what was deleted out of band, and the next up recreates it", async () => {
      await consoleClient(emulator).call("DELETE /v3/{project_id}/ai-mgr/configmaps/{id}", { id: first["cm.id"] });
      await consoleClient(emulator).call("DELETE /v3/{project_id}/ai-mgr/secrets/{id}", { id: first["sec.id"] });
      await consoleClient(emulator).call("DELETE /v3/{project_id}/ai-mgr/workspaces/{id}", { id: first["ws.workspaceId"] });
      await t.refresh();
      const resourcesInState = JSON.parse(await t.exportState()).deployment.resources.map((r: { urn: string }) => r.urn.split("::").pop());
      expect(resourcesInState).not.toContain("ws");
      expect(resourcesInState).not.toContain("cm");
      expect(resourcesInState).not.toContain("sec");
      expect(await t.previewChanges()).toMatchObject({ create: 3 });
      await t.up();
      expect(emulator.store.count()).toBe(3);
    });

    it("refresh shows a description changed in the console as drift, and up puts it back", async () => {
      const outputs = await t.stack.outputs();
      await consoleClient(emulator).call("PUT /v3/{project_id}/ai-mgr/workspaces/{id}", { id: outputs["ws.workspaceId"].value }, { body: { description: "edited in console" } });
      await t.refresh();
      expect(await t.previewChanges()).toMatchObject({ update: 1 });
      await t.up();
      const ws = await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/workspaces/${outputs["ws.workspaceId"].value}`);
      expect(ws.description).toBe("second");
    });

    it("invalid input fails in preview, naming resource, field and rule, and sends no request", async () => {
      const badKey = resources({ suffix: "b", description: "second" });
      badKey[1].args.configs = [{ key: "K".repeat(64), value: "v" }];
      const badName = resources({ suffix: "b", description: "second" });
      badName[2].args.name = "Bad_Name";
      const badWorkspace = resources({ suffix: "b", description: "second" });
      badWorkspace[0].args.name = "";
      const cases: [ResourceSpec[], RegExp][] = [
        [badKey, /edgeai:hilens:ConfigMap resource 'cm'.*field "configs\[0\]\.key": must match .*1-63 letters, digits, '-' and '_'/],
        [badName, /edgeai:hilens:Secret resource 'sec'.*field "name": must match .*starting with a letter and not ending with '-' \(HiLens §5\.6\.2\)/],
        [badWorkspace, /edgeai:hilens:Workspace resource 'ws'.*field "name": is required/],
      ];
      for (const [spec, message] of cases) {
        t.declare(spec, EXPORTS);
        const requests = t.mark();
        const err = await t.previewChanges().catch((e) => e);
        expect(String(err?.message ?? err)).toMatch(message);
        expect(requests()).toEqual([]);
      }
      t.declare(resources({ suffix: "b", description: "second" }), EXPORTS);
    });

    it("no secret value appears in plain text in the state or in any CLI output", async () => {
      const state = await t.exportState();
      expect(state).toContain("ciphertext");
      expect(state).not.toContain(SECRET_VALUE);
      expect(t.output.join("")).not.toContain(SECRET_VALUE);
      expect(state).not.toContain("emulator-secret-key");
    });

    if (delivery === "native")
      it("pulumi import brings the workspace, config map and secret into another stack by their IDs", async () => {
        await expectImportedElsewhere(t, "hilens-basics-import", { sameInputs: true });
      });

    it("destroy leaves the emulator empty", async () => {
      await t.destroy();
      expect(emulator.store.count()).toBe(0);
    });

    it("importId adopts existing objects instead of creating new ones, and converges them", async () => {
      const api = consoleClient(emulator);
      const ws = await api.call("POST /v3/{project_id}/ai-mgr/workspaces", {}, { body: { name: "fleet-c", description: "made by hand", enterprise_project_id: "0", enterprise_project_name: "default" } });
      const cm = await api.call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: { configmap: { name: "app-config-c", configs: [{ key: "MODEL", value: "old" }], tags: [] }, workspace_id: ws.workspace_id } });
      const sec = await api.call("POST /v3/{project_id}/ai-mgr/secrets", {}, { body: { secret: { name: "db-creds-c", secrets: [{ key: "PASSWORD", value: "old" }], tags: [] }, workspace_id: ws.workspace_id } });
      const adopted = resources({ suffix: "c", description: "adopted" });
      adopted[0].args.importId = ws.workspace_id;
      adopted[1].args.importId = cm.configmap.id;
      adopted[2].args.importId = sec.secret.id;
      t.declare(adopted, EXPORTS);
      const outputs = await t.up();
      expect(outputs["ws.workspaceId"].value).toBe(ws.workspace_id);
      expect(outputs["cm.id"].value).toBe(cm.configmap.id);
      expect(outputs["sec.id"].value).toBe(sec.secret.id);
      expect(emulator.store.count()).toBe(3);
      const after = await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/configmaps/${cm.configmap.id}`);
      expect(after.configmap).toMatchObject({ description: "adopted", configs: [{ key: "MODEL", value: "yolo-v8" }] });
      expect(noChanges(await t.previewChanges())).toEqual([]);
      await t.destroy();
      expect(emulator.store.count()).toBe(0);
    });

    it("importId refuses an object whose immutable fields differ from the program", async () => {
      const api = consoleClient(emulator);
      const other = await api.call("POST /v3/{project_id}/ai-mgr/configmaps", {}, { body: { configmap: { name: "someone-elses", configs: [{ key: "A", value: "b" }], tags: [] } } });
      t.declare([{ name: "cm2", type: "hilens.ConfigMap", args: { name: "not-the-same-name", configs: [{ key: "A", value: "b" }], importId: other.configmap.id } }]);
      const err = await t.up().catch((e) => e);
      expect(String(err?.message)).toMatch(/importId ".*": immutable field\(s\) "name" differ/);
      expect(emulator.store.count()).toBe(1);
      await api.call("DELETE /v3/{project_id}/ai-mgr/configmaps/{id}", { id: other.configmap.id });
    });
  });
});
