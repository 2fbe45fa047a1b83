import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import { configure, handlers } from "../../provider/framework/runtime";
import { iamToken, send, withToken } from "./raw-http";

/**
 * Exactly-once create: a create whose answer is lost (the emulator commits, then drops the
 * connection), answered 5xx, or reset before it ran, is resolved by the definition's identity,
 * and the emulator's request log shows how many creates were really sent.
 */
const CONFIG_MAP = "edgeai:hilens:ConfigMap";
const SECRET = "edgeai:hilens:Secret";
const DEVICE = "edgeai:hilens:Device";
const REPO = "edgeai:octopus:ImageRepo";
const VERSION = "edgeai:octopus:ImageRepoVersion";
const DATASET = "edgeai:tensorbay:Dataset";
const COMMIT = "edgeai:tensorbay:Commit";

let emu: Emulator;
let dataDir: string;
let logged: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-exactly-once-"));
  emu = await startEmulator({ dataDir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }] });
  const values: Record<string, string> = {
    hilensEndpoint: emu.url,
    octopusEndpoint: emu.url,
    tensorbayEndpoint: `${emu.url}/gatewayv2/tensorbay-open-api`,
    tensorbayAccessKey: DEFAULTS.tensorbayAccessKey,
    projectId: DEFAULTS.projectId,
    accessKey: DEFAULTS.accessKey,
    secretKey: DEFAULTS.secretKey,
    maxRetries: "2",
  };
  await configure({ config: { get: (key: string) => values[key.replace(/^edgeai:/, "")] } } as never);
  vi.spyOn(console, "log").mockImplementation((message: string) => void logged.push(message));
});
afterEach(() => {
  logged = [];
});
afterAll(async () => {
  vi.restoreAllMocks();
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The requests answered since `from`, as `METHOD path` (control routes are not logged). */
function sentSince(from: number, pattern: RegExp): string[] {
  return emu.requests.slice(from).filter((r) => pattern.test(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.status}`);
}

async function create(type: string, args: Record<string, unknown>) {
  const checked = await handlers.check(type, {}, { ...args, __provider: "p" });
  expect(checked.failures ?? []).toEqual([]);
  return handlers.create(type, checked.inputs);
}

/** A HiLens collection as the server holds it, read by raw HTTP on its documented path (§5.1.3, §5.4.1). */
async function hilensList(collection: "configmaps" | "nodes"): Promise<any[]> {
  const res = await send(emu.url, "GET", `/v3/${DEFAULTS.projectId}/ai-mgr/${collection}`, { headers: withToken(await iamToken(emu)) });
  expect(res.status).toBe(200);
  return JSON.parse(res.text!)[collection];
}

describe("a create whose answer is lost", () => {
  it("is found by its name and adopted: one POST, one object, and the run's output says so", async () => {
    const from = emu.requests.length;
    emu.inject({ pathPattern: "/ai-mgr/configmaps$", method: "POST", kind: "lost", count: 1 });
    const created = await create(CONFIG_MAP, { name: "lost-answer", configs: [{ key: "k", value: "v" }], tags: [{ key: "team", value: "a" }] });
    const onServer = (await hilensList("configmaps")).filter((c) => c.name === "lost-answer");
    expect(onServer.map((c) => c.id)).toEqual([created.id]);
    // The lost POST was logged by the emulator once (it ran); no second POST was sent.
    expect(emu.requests.slice(from).filter((r) => r.method === "POST" && r.path.endsWith("/configmaps"))).toHaveLength(1);
    expect(created.outs).toMatchObject({ name: "lost-answer", tags: [{ key: "team", value: "a" }] });
    expect(logged.join("\n")).toMatch(new RegExp(`edgeai:hilens:ConfigMap: object "lost-answer": no answer to POST /v3/.*/ai-mgr/configmaps \\(.*\\); found it \\(id ${created.id}\\), adopting`));
  });

  it("in the default workspace is told apart from a same-named config map in another workspace", async () => {
    const token = await iamToken(emu);
    const post = async (path: string, body: unknown) => JSON.parse((await send(emu.url, "POST", `/v3/${DEFAULTS.projectId}/ai-mgr/${path}`, { headers: withToken(token), body: JSON.stringify(body) })).text!);
    const other = await post("workspaces", { name: "other-team", enterprise_project_id: "0", enterprise_project_name: "default" });
    const elsewhere = await post("configmaps", { configmap: { name: "shared-name", configs: [{ key: "k", value: "theirs" }] }, workspace_id: other.workspace_id });
    emu.inject({ pathPattern: "/ai-mgr/configmaps$", method: "POST", kind: "lost", count: 1 });
    const created = await create(CONFIG_MAP, { name: "shared-name", configs: [{ key: "k", value: "ours" }] });
    expect(created.id).not.toBe(elsewhere.configmap.id);
    expect(created.outs).toMatchObject({ configs: [{ key: "k", value: "ours" }] });
    // §5.4.1: a list without workspace_id is the default workspace's, which is what the look-up relies on.
    expect((await hilensList("configmaps")).filter((c) => c.name === "shared-name").map((c) => c.id)).toEqual([created.id]);
  });

  it("whose name was already taken is not taken over: the other object is left as it was and named", async () => {
    const token = await iamToken(emu);
    const theirs = JSON.parse(
      (await send(emu.url, "POST", `/v3/${DEFAULTS.projectId}/ai-mgr/configmaps`, { headers: withToken(token), body: JSON.stringify({ configmap: { name: "taken-name", configs: [{ key: "k", value: "theirs" }] } }) })).text!,
    ).configmap;
    // The create is answered 409 (name taken), and that answer is lost.
    emu.inject({ pathPattern: "/ai-mgr/configmaps$", method: "POST", kind: "lost", count: 1 });
    const err = await create(CONFIG_MAP, { name: "taken-name", configs: [{ key: "k", value: "ours" }] }).catch((e) => e);
    expect(err.message).toContain(`differs from the program ("configs"), so it is not the one this create made`);
    expect(err.message).toContain(`importId "${theirs.id}"`);
    const onServer = (await hilensList("configmaps")).filter((c) => c.name === "taken-name");
    expect(onServer).toEqual([expect.objectContaining({ id: theirs.id, configs: [{ key: "k", value: "theirs" }] })]);
  });

  it("answered 5xx without being carried out, is looked up, not found, and sent again once", async () => {
    const from = emu.requests.length;
    emu.inject({ pathPattern: "/ai-mgr/secrets$", method: "POST", status: 503, count: 1 });
    const created = await create(SECRET, { name: "after-503", secrets: [{ key: "K", value: "v" }] });
    expect(sentSince(from, /^POST .*\/secrets$/)).toEqual(["POST 503", "POST 200"]);
    expect(logged.join("\n")).toContain('edgeai:hilens:Secret: object "after-503": no answer to POST');
    expect(logged.join("\n")).toContain("it was not created");
    expect(created.id).toBeTruthy();
  });

  it("reset before it ran is sent again; the object exists once", async () => {
    emu.inject({ pathPattern: "/ai-mgr/configmaps$", method: "POST", kind: "reset", count: 1 });
    const created = await create(CONFIG_MAP, { name: "after-reset", configs: [{ key: "k", value: "v" }] });
    const onServer = (await hilensList("configmaps")).filter((c) => c.name === "after-reset");
    expect(onServer.map((c) => c.id)).toEqual([created.id]);
  });

  it("of an object without a unique field (an image version) adopts the one version that is new", async () => {
    const repo = await create(REPO, { name: "exactly-once-repo", scope: "DATA_CONVERSION", visibility: "TEAM" });
    await create(VERSION, { repoId: repo.id, description: "same text" });
    const from = emu.requests.length;
    emu.inject({ pathPattern: "/versions$", method: "POST", kind: "lost", count: 1 });
    const second = await create(VERSION, { repoId: repo.id, description: "same text" });
    expect(second.id).toBe("2");
    expect(sentSince(from, /^POST .*\/versions$/)).toHaveLength(1);
    expect(logged.join("\n")).toContain("found it (id 2), adopting");
  });

  it("of a TensorBay commit adopts the new branch head; a lost draft answer reuses the draft made", async () => {
    const dataset = await create(DATASET, { name: "exactly-once-ds" });
    const from = emu.requests.length;
    emu.inject({ pathPattern: "/drafts$", method: "POST", kind: "lost", count: 1 });
    emu.inject({ pathPattern: "/commits$", method: "POST", kind: "lost", count: 1 });
    const commit = await create(COMMIT, { datasetId: dataset.id, branchName: "main", title: "first" });
    expect(sentSince(from, /^POST .*\/(drafts|commits)$/).length).toBe(2);
    expect(commit.outs).toMatchObject({ commitId: commit.id, title: "first" });
    expect(logged.join("\n")).toContain(`found it (id ${commit.id}), adopting`);
  });

  it("of a device registration is deleted and registered again, since its one-time package was in the lost answer", async () => {
    emu.inject({ pathPattern: "/ai-mgr/nodes$", method: "POST", kind: "lost", count: 1 });
    const device = await create(DEVICE, { name: "cam-lost", enabled: true });
    expect(device.outs?.package).toBeTruthy();
    expect(logged.join("\n")).toMatch(/found it \(id [\w-]+\), but what the answer carried cannot be read again: deleting it/);
    const nodes = (await hilensList("nodes")).filter((n: { name: string }) => n.name === "cam-lost");
    expect(nodes.map((n: { id: string }) => n.id)).toEqual([device.id]);
  });
});

describe("other steps under faults", () => {
  it("a delete whose answer is lost is retried, and the 404 that follows means done", async () => {
    const created = await create(CONFIG_MAP, { name: "lost-delete", configs: [{ key: "k", value: "v" }] });
    const from = emu.requests.length;
    emu.inject({ pathPattern: `/configmaps/${created.id}$`, method: "DELETE", kind: "lost", count: 1 });
    await handlers.delete(CONFIG_MAP, created.id, created.outs!);
    expect(sentSince(from, /^DELETE /).length).toBe(2);
    expect((await hilensList("configmaps")).some((c) => c.name === "lost-delete")).toBe(false);
  });

  it("a name taken by an object the stack does not know names the ID that importId adopts, for a secret too", async () => {
    const first = await create(SECRET, { name: "taken-name", secrets: [{ key: "K", value: "v" }] });
    const err = await create(SECRET, { name: "taken-name", secrets: [{ key: "K", value: "v" }] }).catch((e) => e);
    expect(err.message).toContain(`already exists (id ${first.id}): set \`importId: "${first.id}"\``);
  });
});
