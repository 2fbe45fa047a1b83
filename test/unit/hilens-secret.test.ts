/**
 * HiLens secrets (§5.6): the create and update answers carry `workspace_id` beside `secret`
 * (tables 5-392/5-393, 5-408/5-409), the show answer inside it (table 5-399); the provider's
 * Secret resource works against the documented shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import { configure, handlers } from "../../provider/framework/runtime";
import { HuaweiServiceClient, huaweiAuth } from "../../provider/client/huawei";
import { resolveConfig } from "../../provider/config";

const SECRET = "edgeai:hilens:Secret";
const PROVIDER = { __provider: "serialized provider" };
let emu: Emulator;
let dataDir: string;
let api: HuaweiServiceClient;
let workspaceId: string;

const body = (name: string, extra: Record<string, unknown> = {}) => ({ secret: { name, secrets: [{ key: "TOKEN", value: "s3cr3t" }], tags: [{ key: "team", value: "vision" }], ...extra } });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-hilens-secret-"));
  emu = await startEmulator({ dataDir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }] });
  const values: Record<string, string> = { hilensEndpoint: emu.url, projectId: DEFAULTS.projectId, accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries: "0" };
  await configure({ config: { get: (key: string) => values[key.replace(/^edgeai:/, "")] } } as never);
  const cfg = resolveConfig((key) => values[key], {});
  api = new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg));
  const ws = await api.call("POST /v3/{project_id}/ai-mgr/workspaces", {}, { body: { name: "secret-ws", enterprise_project_id: "0", enterprise_project_name: "default" } });
  workspaceId = ws.workspace_id ?? ws.id;
});
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const DOCUMENTED_SECRET = ["id", "name", "description", "project_id", "created_at", "updated_at", "secrets", "tags"];

describe("secret answers (§5.6)", () => {
  it("create answers {workspace_id, secret} with workspace_id beside the secret, not inside (tables 5-392, 5-393)", async () => {
    const created = await api.call("POST /v3/{project_id}/ai-mgr/secrets", {}, { body: { ...body("beside-create"), workspace_id: workspaceId } });
    expect(Object.keys(created).sort()).toEqual(["secret", "workspace_id"]);
    expect(created.workspace_id).toBe(workspaceId);
    expect(created.secret).not.toHaveProperty("workspace_id");
    expect(created.secret).toMatchObject({ name: "beside-create", project_id: DEFAULTS.projectId, secrets: [{ key: "TOKEN", value: "s3cr3t" }], tags: [{ key: "team", value: "vision" }] });
    // Exactly the documented fields: a secret has no `type`, unlike a config map (table 5-393 vs 5-315).
    expect(Object.keys(created.secret).sort()).toEqual([...DOCUMENTED_SECRET].sort());
  });

  it("update answers the same shape (tables 5-408, 5-409); show has workspace_id inside the secret (table 5-399)", async () => {
    const created = await api.call("POST /v3/{project_id}/ai-mgr/secrets", {}, { body: { ...body("beside-update"), workspace_id: workspaceId } });
    const id = created.secret.id;
    const updated = await api.call("PUT /v3/{project_id}/ai-mgr/secrets/{id}", { id }, { body: body("beside-update", { description: "rotated" }) });
    expect(Object.keys(updated).sort()).toEqual(["secret", "workspace_id"]);
    expect(updated.workspace_id).toBe(workspaceId);
    expect(updated.secret).not.toHaveProperty("workspace_id");
    expect(updated.secret).toMatchObject({ id, description: "rotated" });
    const shown = await api.call("GET /v3/{project_id}/ai-mgr/secrets/{id}", { id });
    expect(Object.keys(shown)).toEqual(["secret"]);
    expect(shown.secret).toMatchObject({ id, workspace_id: workspaceId, description: "rotated" });
  });

  it("a secret in the default workspace answers workspace_id \"0\" beside it", async () => {
    const created = await api.call("POST /v3/{project_id}/ai-mgr/secrets", {}, { body: body("default-ws") });
    expect(created.workspace_id).toBe("0");
    expect(created.secret).not.toHaveProperty("workspace_id");
  });
});

describe("the Secret resource against the documented answers", () => {
  it("creates, reads, updates and deletes; workspaceId round-trips", async () => {
    const checked = await handlers.check(SECRET, {}, { name: "resource-secret", secrets: [{ key: "TOKEN", value: "one" }], workspaceId, ...PROVIDER });
    expect(checked.failures ?? []).toEqual([]);
    const created = await handlers.create(SECRET, checked.inputs!);
    expect(created.id).toMatch(/\S/);
    expect(created.outs).toMatchObject({ id: created.id, projectId: DEFAULTS.projectId, workspaceId });
    const read = await handlers.read(SECRET, created.id, created.outs!);
    expect(read.props).toMatchObject({ name: "resource-secret", workspaceId });
    const changed = await handlers.check(SECRET, {}, { name: "resource-secret", secrets: [{ key: "TOKEN", value: "two" }], workspaceId, description: "rotated", ...PROVIDER });
    const updated = await handlers.update(SECRET, created.id, read.props!, changed.inputs!);
    expect(updated.outs).toMatchObject({ id: created.id, description: "rotated", workspaceId });
    const shown = await api.call("GET /v3/{project_id}/ai-mgr/secrets/{id}", { id: created.id });
    expect(shown.secret.secrets).toEqual([{ key: "TOKEN", value: "two" }]);
    await handlers.delete(SECRET, created.id, updated.outs!);
    expect(await api.call("GET /v3/{project_id}/ai-mgr/secrets/{id}", { id: created.id }).catch((e) => e.status)).toBe(404);
  });
});
