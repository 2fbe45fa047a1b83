/**
 * Octopus image repositories, versions and operators through the real pulumi CLI: one stack per
 * delivery (dynamic resources, the edgeai plugin), every lifecycle step, plus the push wait
 * (including a failed push kept in state); through the plugin, every object is also `pulumi
 * import`ed by ID into another stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, Emulator } from "../../emulator";
import { cleanup, consoleClient, createStack, expectImportedElsewhere, forEachDelivery, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { changes, setOctopusTiming, stateOf, upWithChanges } from "./octopus-steps";

const REPOS = "/v1.0/{project_id}/common/image-registry/image-repos";
const PROCESSORS = "/v1.0/{project_id}/data/processors";

interface Shape {
  repoName: string;
  description: string;
  command: string;
  operatorName?: string;
  visibility?: string;
  scope?: string;
  outputType?: string;
  waitForStatus?: string;
}

/** A repository, a version of it and an operator running it; `suffix` names a second such set. */
function resources(s: Shape, suffix = ""): ResourceSpec[] {
  return [
    { name: `repo${suffix}`, type: "octopus.ImageRepo", args: { name: s.repoName, scope: s.scope ?? "DATA_CONVERSION", description: s.description, ...(s.visibility ? { visibility: s.visibility } : {}) } },
    { name: `v${suffix}`, type: "octopus.ImageRepoVersion", args: { repoId: { $ref: `repo${suffix}.id` }, description: "cleaner image", ...(s.waitForStatus ? { waitForStatus: s.waitForStatus } : {}) } },
    {
      name: `op${suffix}`,
      type: "octopus.Operator",
      args: {
        name: s.operatorName ?? "lidar-cleaner",
        outputType: s.outputType ?? "DATA_SET",
        visibility: "PRIVATE",
        description: s.description,
        imageRepoId: { $ref: `repo${suffix}.id` },
        imageVersion: { $ref: `v${suffix}.version` },
        config: { command: s.command },
      },
    },
  ];
}
const EXPORTS = { repo: ["id", "name"], v: ["id", "version", "status", "url"], op: ["id", "imageRepoId", "imageVersion"] };
const FIRST: Shape = { repoName: "pipeline-images", description: "first", command: "python clean.py" };
const UPDATED: Shape = { repoName: "pipeline-images-2", description: "second", command: "python clean.py --fast" };
const REPLACED: Shape = { ...UPDATED, repoName: "pipeline-images-3", visibility: "PUBLIC", outputType: "DATA_MARK" };

forEachDelivery((delivery) => {
  let emulator: Emulator;
  let t: TestStack;

  const api = () => consoleClient(emulator, "octopus");
  const versions = () => emulator.store.list(DEFAULTS.projectId, "octopus.imageRepoVersion");

  /** What a CI job does while `up` waits: ask for a PUSH account and push (the emulator lands the push on its timer). */
  async function pushWhen(target: () => { repoId: number; version: number } | undefined): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const found = target();
      if (found) {
        await api().call(`POST ${REPOS}/{id}/versions/{version}/accounts`, { id: found.repoId, version: found.version }, { query: { action: "PUSH" } });
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the version to push never appeared");
  }

  beforeAll(async () => {
    emulator = await startEmulatorForTests("octopus-images");
    t = await createStack(emulator, "octopus-images", {}, { delivery });
  });
  afterAll(async () => {
    await emulator?.close();
    if (t) cleanup(t.dir);
  });

  describe("Octopus image repository, version and operator through the real pulumi CLI", () => {
    let ids: Record<string, any>;

    it("up creates them in dependency order; a second preview shows no changes", async () => {
      t.declare(resources(FIRST), EXPORTS);
      ids = (await upWithChanges(t)).outputs;
      expect(ids["repo.id"]).toMatch(/^\d+$/);
      expect(ids).toMatchObject({ "v.id": "1", "v.version": 1, "v.status": "INIT", "op.imageRepoId": Number(ids["repo.id"]), "op.imageVersion": 1 });
      expect(ids["v.url"]).toContain(`image-${ids["repo.id"]}:v1.0`);
      const op = await api().call(`GET ${PROCESSORS}/{id}`, { id: ids["op.id"] });
      expect(op.item).toMatchObject({ name: "lidar-cleaner", image_repo_id: Number(ids["repo.id"]), image_version: 1, config: { command: "python clean.py" }, visibility: "PRIVATE" });
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("in-place updates: rename and describe the repository, change the command, and wait for a push that CI makes meanwhile", async () => {
      t.declare(resources({ ...UPDATED, waitForStatus: "PUSHED" }), EXPORTS);
      const repoId = Number(ids["repo.id"]);
      // CI pushes once the update has started waiting (its first read of the version).
      const seen = t.mark();
      const pushing = pushWhen(() => (seen().some((r) => r.method === "GET" && r.path.endsWith(`/image-repos/${repoId}/versions/1`)) ? { repoId, version: 1 } : undefined));
      const { outputs, changed } = await upWithChanges(t);
      await pushing;
      expect(changed).toEqual({ update: 3 });
      expect(outputs).toMatchObject({ "repo.id": ids["repo.id"], "repo.name": "pipeline-images-2", "v.id": "1", "v.status": "PUSHED", "op.id": ids["op.id"] });
      expect(t.output.join("")).toMatch(/image version pipeline-images-2:v1: PUSHING/);
      const op = await api().call(`GET ${PROCESSORS}/{id}`, { id: ids["op.id"] });
      expect(op.item).toMatchObject({ description: "second", config: { command: "python clean.py --fast" } });
    });

    it("a new scope (same name) cannot delete the repository while the operator runs its image: the documented 409 names the operator", async () => {
      t.declare(resources({ ...UPDATED, scope: "TRAINING_TRAIN" }), EXPORTS);
      const err = await t.up().catch((e) => e);
      expect(String(err?.message)).toMatch(/used by operator\(s\) "lidar-cleaner"/);
      expect(String(err?.message)).toContain("octopus.000143");
      expect((await api().call(`GET ${REPOS}`, {}, { query: { name: "pipeline-images-2" } })).list).toHaveLength(1);
    });

    it("replacements: a new visibility with a new name replaces the repository and its version, a new output type the operator", async () => {
      t.declare(resources(REPLACED), EXPORTS);
      const { outputs, changed } = await upWithChanges(t);
      expect(changed).toEqual({ replace: 3 });
      expect(outputs["repo.id"]).not.toBe(ids["repo.id"]);
      expect(outputs["op.id"]).not.toBe(ids["op.id"]);
      expect(outputs).toMatchObject({ "v.id": "1", "v.status": "INIT", "op.imageRepoId": Number(outputs["repo.id"]) });
      const repos = await api().call(`GET ${REPOS}`, {}, { query: { name: "pipeline-images" } });
      expect(repos.list.map((r: any) => [r.name, r.visibility])).toEqual([["pipeline-images-3", "PUBLIC"]]);
      expect(emulator.store.count()).toBe(3);
      ids = outputs;
    });

    it("refresh shows changes made in the console and the live push status; up puts the program's values back", async () => {
      await api().call(`PUT ${REPOS}/{id}`, { id: ids["repo.id"] }, { body: { name: "renamed-in-console" } });
      await api().call(`PUT ${PROCESSORS}/{id}`, { id: ids["op.id"] }, { body: { description: "edited in console" } });
      await setOctopusTiming(emulator, { duration_ms: 0 });
      await api().call(`POST ${REPOS}/{id}/versions/1/accounts`, { id: ids["repo.id"] }, { query: { action: "PUSH" } });
      await setOctopusTiming(emulator, { duration_ms: 2000 });
      await t.refresh();
      expect((await stateOf(t, "repo"))?.outputs).toMatchObject({ name: "renamed-in-console" });
      expect((await stateOf(t, "op"))?.outputs).toMatchObject({ description: "edited in console" });
      expect((await stateOf(t, "v"))?.outputs).toMatchObject({ status: "PUSHED" });
      expect((await upWithChanges(t)).changed).toEqual({ update: 2 });
      expect((await api().call(`GET ${REPOS}`, {}, { query: { name: "pipeline-images-3" } })).list).toHaveLength(1);
      expect((await api().call(`GET ${PROCESSORS}/{id}`, { id: ids["op.id"] })).item.description).toBe("second");
    });

    it("invalid input fails in preview, naming resource, field and rule, and sends no request", async () => {
      const bad = resources({ ...REPLACED, command: "x".repeat(501) });
      bad[2].args.visibility = "TEAM";
      t.declare(bad, EXPORTS);
      const requests = t.mark();
      const text = String((await t.previewChanges().catch((e) => e))?.message);
      expect(text).toMatch(/edgeai:octopus:Operator: field "visibility": must be one of PRIVATE, PUBLIC \(Octopus §4\.13 visibility\)/);
      expect(text).toMatch(/edgeai:octopus:Operator: field "config\.command": must be 1-500 characters \(Octopus §4\.13\.2 config\.command\)/);
      expect(requests()).toEqual([]);
    });

    it("a name taken in the console is reported with the importId to use; importId then adopts what was made by hand", async () => {
      const repoId = (await api().call(`POST ${REPOS}`, {}, { body: { name: "ingest-images", scope: "DATA_CONVERSION", description: "made by hand" } })).item;
      await api().call(`POST ${REPOS}/{id}/versions`, { id: repoId }, { body: { description: "cleaner image" } });
      const opId = (await api().call(`POST ${PROCESSORS}`, {}, { body: { name: "lidar-ingest", output_type: "DATA_SET", visibility: "PUBLIC", image_repo_id: repoId, image_version: 1, config: { command: "old" } } })).item;
      const handMade = resources({ ...FIRST, repoName: "ingest-images", operatorName: "lidar-ingest" }, "2");
      t.declare([...resources(REPLACED), ...handMade], EXPORTS);
      const err = await t.up().catch((e) => e);
      expect(String(err?.message)).toContain(`edgeai:octopus:ImageRepo: an object named "ingest-images" already exists (id ${repoId}): set \`importId: "${repoId}"\``);
      expect(emulator.store.count()).toBe(6);

      handMade[0].args.importId = String(repoId);
      handMade[1].args.importId = "1";
      handMade[2].args.importId = String(opId);
      t.declare([...resources(REPLACED), ...handMade], { ...EXPORTS, repo2: ["id"], v2: ["id"], op2: ["id"] });
      const { outputs } = await upWithChanges(t);
      expect(outputs).toMatchObject({ "repo2.id": String(repoId), "v2.id": "1", "op2.id": String(opId) });
      expect(emulator.store.count()).toBe(6);
      expect((await api().call(`GET ${PROCESSORS}/{id}`, { id: opId })).item).toMatchObject({ visibility: "PRIVATE", config: { command: "python clean.py" }, description: "first" });
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("waitForStatus on create: a failed push fails up with the reason and keeps the version; the next up waits for the re-push", async () => {
      const repoId = Number(ids["repo.id"]);
      t.declare([...resources(REPLACED), { name: "next", type: "octopus.ImageRepoVersion", args: { repoId: { $ref: "repo.id" }, description: "next image", waitForStatus: "PUSHED" } }], { ...EXPORTS, next: ["id", "status"] });
      await setOctopusTiming(emulator, { push_outcome: "PUSH_FAILED" });
      const pushing = pushWhen(() => (versions().some((v) => v.repo_id === repoId && v.version === 2) ? { repoId, version: 2 } : undefined));
      const err = await t.up().catch((e) => e);
      await pushing;
      expect(String(err?.message)).toMatch(/image version pipeline-images-3:v2 is not pushed: the push failed \(PUSH_FAILED\)/);
      expect(await stateOf(t, "next")).toMatchObject({ id: "2", outputs: { status: "PUSH_FAILED", version: 2 } });

      // CI pushes again; the engine retries the half-created version with an update, which waits.
      await setOctopusTiming(emulator, { push_outcome: "PUSHED" });
      await api().call(`POST ${REPOS}/{id}/versions/2/accounts`, { id: repoId }, { query: { action: "PUSH" } });
      const { outputs } = await upWithChanges(t);
      expect(outputs).toMatchObject({ "next.id": "2", "next.status": "PUSHED" });
      expect(t.output.join("")).toMatch(/pipeline-images-3:v2: PUSHING/);
    });

    if (delivery === "native") it("pulumi import adopts every repository, version and operator by ID into another stack (versions as <repoId>/<version>)", () => expectImportedElsewhere(t, "octopus-images-import"));

    it("destroy leaves the emulator empty", async () => {
      await t.destroy();
      expect(emulator.store.count()).toBe(0);
    });
  });
});
