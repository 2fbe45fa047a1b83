import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Emulator, DEFAULTS } from "../../emulator";
import { cleanup, consoleClient, createStack, expectImportedElsewhere, forEachDelivery, startEmulatorForTests, TestStack, ResourceSpec } from "./harness";
import { huaweiGet, huaweiRead } from "./server-state";

/**
 * Deployment instances (§5.3.7, §5.3.8), device activation (§5.1.7, §5.1.8) and free skill
 * orders (§5.9.3) through the real pulumi CLI, on one stack. Server state is read by raw HTTP on
 * the documented paths; out-of-band changes are made the same way (or by the emulator's control
 * routes where the document has no call: buying a run-service-fee order, freezing a skill order).
 */

interface Shape {
  nodes: string[];
  paused: string[];
  dev2Activated: boolean;
  orderAmount: number;
  extra?: ResourceSpec[];
}

const app = { name: "detector", appUrl: "swr.cn-north-4.myhuaweicloud.com/vision/detector:1.0", resources: { limits: { cpu: 0.5, memory: 256 } } };

const EXPORTS = { dev1: ["id", "activeStatus"], dev2: ["id", "activeStatus"], dev3: ["id"], dep: ["id", "state", "readyReplicas", "deployedNodeIds", "pausedNodeIds"], order: ["id", "status", "skillName"] };
const BASE: Shape = { nodes: ["dev1", "dev2", "dev3"], paused: [], dev2Activated: false, orderAmount: 2 };

const changes = (summary: Record<string, number>) => Object.fromEntries(Object.entries(summary).filter(([k, v]) => k !== "same" && v > 0));
const values = (outputs: Record<string, { value: unknown }>) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])) as Record<string, any>;

forEachDelivery((delivery) => {
  let emulator: Emulator;
  let t: TestStack;
  let freeSkill: string;
  let otherFreeSkill: string;
  let smallOrder: string;

  function program(s: Shape): ResourceSpec[] {
    return [
      { name: "dev1", type: "hilens.Device", args: { name: "lane-1", activation: { orderId: smallOrder } } },
      { name: "dev2", type: "hilens.Device", args: { name: "lane-2", ...(s.dev2Activated ? { activation: { orderId: smallOrder } } : {}) } },
      { name: "dev3", type: "hilens.Device", args: { name: "lane-3" } },
      {
        name: "dep",
        type: "hilens.Deployment",
        args: {
          name: "lane-counter",
          replicas: 3,
          nodeIds: s.nodes.map((n) => ({ $ref: `${n}.id` })),
          pausedNodeIds: s.paused.map((n) => ({ $ref: `${n}.id` })),
          template: { configs: { restartPolicy: "Always" }, apps: [app] },
        },
      },
      { name: "order", type: "hilens.SkillOrder", args: { skillId: freeSkill, amount: s.orderAmount } },
      ...(s.extra ?? []),
    ];
  }

  const pods = async (deploymentId: string) => (await huaweiRead(emulator, "/v3/{project_id}/ai-mgr/pods", { deployment_id: deploymentId })).pods as any[];
  /** A resource's outputs as the state holds them (refresh updates those, not the stack outputs). */
  const stateOutputs = async (name: string) => JSON.parse(await t.exportState()).deployment.resources.find((r: any) => r.urn.endsWith(`::${name}`)).outputs;
  const skillOrder = (id: string) => huaweiGet(emulator, `/v1/{project_id}/skill-market/skill-order/${id}`);

  beforeAll(async () => {
    emulator = await startEmulatorForTests(`hilens-instances-${delivery}`);
    await emulator.control("PUT", "/__emulator/hilens/timing", { deviceConnectMs: 300, deploymentReadyMs: 1000 });
    // Bought in the console: the document has no call that buys one.
    smallOrder = (await emulator.control("POST", `/__emulator/hilens/${DEFAULTS.projectId}/platform-orders`, { amount: 3, device_type: "small_device" })).id;
    const skills = (await huaweiRead(emulator, "/v1/skill-market/skills", { charge_models: "0" })).data;
    [freeSkill, otherFreeSkill] = skills.map((s: any) => s.skill_id);
    t = await createStack(emulator, "hilens-instances", {}, { delivery });
  });
  afterAll(async () => {
    await emulator?.close();
    if (t) cleanup(t.dir);
  });

  describe("HiLens deployment instances, activation and skill orders through the real pulumi CLI", () => {
    let first: Record<string, any>;

    it("up deploys to three devices, activates one with a run-service-fee order and orders a free skill; a second preview shows no changes", async () => {
      t.declare(program(BASE), EXPORTS, [{ name: "freeSkills", fn: "hilens.getSkills", args: { chargeModels: [0] } }]);
      first = values(await t.up());
      expect(first).toMatchObject({ "dep.state": "RUNNING", "dep.readyReplicas": 3, "dev1.activeStatus": "ACTIVATED", "dev2.activeStatus": "INACTIVE", "order.status": 0 });
      expect(first.freeSkills.skills.map((s: any) => s.skillId)).toContain(freeSkill);
      expect(await huaweiRead(emulator, `/v3/{project_id}/ai-mgr/nodes/${first["dev1.id"]}`)).toMatchObject({ active_status: "ACTIVATED", active_content: [smallOrder] });
      expect((await skillOrder(first["order.id"])).json).toMatchObject({ skill_id: freeSkill, amount: 2 });
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("dropping a device is an in-place update that deletes its instance only; activating another device is in place too", async () => {
      const before = await pods(first["dep.id"]);
      // The functions run while the program runs, before this up's changes: one unit in use, one skill order.
      const calls = [
        { name: "runServiceOrders", fn: "hilens.getRunServiceOrders", args: { id: smallOrder } },
        { name: "skillOrders", fn: "hilens.getSkillOrders", args: {} },
      ];
      t.declare(program({ ...BASE, nodes: ["dev1", "dev3"], dev2Activated: true }), EXPORTS, calls);
      expect(changes(await t.previewChanges())).toEqual({ update: 2 });
      const outputs = values(await t.up());
      expect(outputs.runServiceOrders.orders).toEqual([expect.objectContaining({ id: smallOrder, deviceType: "small_device", amount: 3, usedAmount: 1 })]);
      expect(outputs.skillOrders.orders).toEqual([expect.objectContaining({ orderId: first["order.id"], skillId: freeSkill, amount: 2, status: 0 })]);
      expect(outputs).toMatchObject({ "dep.id": first["dep.id"], "dep.state": "RUNNING", "dep.deployedNodeIds": [first["dev1.id"], first["dev3.id"]], "dev2.activeStatus": "ACTIVATED" });
      const after = await pods(first["dep.id"]);
      const kept = before.filter((p) => p.node_id !== first["dev2.id"]);
      // The instances on the devices kept are the same ones, never restarted.
      expect(after.map((p) => [p.id, p.created_at])).toEqual(kept.map((p) => [p.id, p.created_at]));
      const orders = await huaweiRead(emulator, "/v1/{project_id}/platform-manager/orders", { id: smallOrder });
      expect(orders.data[0].used_amount).toBe(2);
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("stopping one instance: pausedNodeIds pauses it in place; a resume made in the console shows on refresh and up pauses it again", async () => {
      const shape = { ...BASE, nodes: ["dev1", "dev3"], dev2Activated: true, paused: ["dev3"] };
      t.declare(program(shape), EXPORTS);
      expect(changes(await t.previewChanges())).toEqual({ update: 1 });
      const outputs = values(await t.up());
      expect(outputs).toMatchObject({ "dep.id": first["dep.id"], "dep.pausedNodeIds": [first["dev3.id"]] });
      const paused = (await pods(first["dep.id"])).find((p) => p.node_id === first["dev3.id"]);
      expect(paused).toMatchObject({ status: "Succeeded" });
      expect((await pods(first["dep.id"])).find((p) => p.node_id === first["dev1.id"])).toMatchObject({ status: "Running" });

      await consoleClient(emulator).call("POST /v3/{project_id}/ai-mgr/deployments/{id}/{pod_id}/action/{action}", { id: first["dep.id"], pod_id: paused.id, action: "resume" });
      await t.refresh();
      expect((await stateOutputs("dep")).pausedNodeIds).toEqual([]);
      expect(changes(await t.previewChanges())).toEqual({ update: 1 });
      await t.up();
      expect((await pods(first["dep.id"])).find((p) => p.node_id === first["dev3.id"])).toMatchObject({ id: paused.id, status: "Succeeded" });
    });

    it("SkillOrder: a new amount replaces it with a new order; the old one stays in the project (no cancel call in §5.9)", async () => {
      const shape = { ...BASE, nodes: ["dev1", "dev3"], dev2Activated: true, paused: ["dev3"], orderAmount: 3 };
      t.declare(program(shape), EXPORTS);
      expect(changes(await t.previewChanges())).toEqual({ replace: 1 });
      const outputs = values(await t.up());
      expect(outputs["order.id"]).not.toBe(first["order.id"]);
      expect((await skillOrder(outputs["order.id"])).json).toMatchObject({ amount: 3, status: 0 });
      expect((await skillOrder(first["order.id"])).status).toBe(200);
      expect(t.output.join("")).toMatch(/will be replaced: "amount" \(changes; cannot change in place\)/);
      expect(t.output.join("")).toMatch(/order \w+ stays in the project: the skill market has no call to cancel an order/);
      first = { ...first, ...outputs };
    });

    it("refresh shows an order the service froze; importId adopts an order placed in the console", async () => {
      await emulator.control("PUT", `/__emulator/hilens/${DEFAULTS.projectId}/skill-orders/${first["order.id"]}`, { status: 1 });
      await t.refresh();
      expect(await stateOutputs("order")).toMatchObject({ status: 1, skillName: expect.any(String) });

      const placed = await consoleClient(emulator).call("POST /v1/{project_id}/skill-market/skill-order", {}, { body: { skill_id: otherFreeSkill, amount: 1, commission_flag: 0 } });
      const before = (await huaweiRead(emulator, "/v1/{project_id}/skill-market/skill-order", { limit: "100" })).total;
      const shape = { ...BASE, nodes: ["dev1", "dev3"], dev2Activated: true, paused: ["dev3"], orderAmount: 3 };
      t.declare(program({ ...shape, extra: [{ name: "adopted", type: "hilens.SkillOrder", args: { skillId: otherFreeSkill, amount: 1, importId: placed.order_id } }] }), { ...EXPORTS, adopted: ["id", "skillName"] });
      const outputs = values(await t.up());
      expect(outputs["adopted.id"]).toBe(placed.order_id);
      expect((await huaweiRead(emulator, "/v1/{project_id}/skill-market/skill-order", { limit: "100" })).total).toBe(before);
      expect(changes(await t.previewChanges())).toEqual({});
    });

    it("invalid input fails in preview, naming resource, field and rule, and sends no request", async () => {
      const shape = { ...BASE, nodes: ["dev1", "dev3"], dev2Activated: true, paused: ["dev3"], orderAmount: 0 };
      t.declare(program(shape), EXPORTS);
      const requests = t.mark();
      const err = await t.previewChanges().catch((e) => e);
      expect(String(err?.message ?? err)).toMatch(/edgeai:hilens:SkillOrder: field "amount": must be at least 1 \(HiLens §5\.9\.3\)/);
      expect(requests()).toEqual([]);
    });

    if (delivery === "native")
      it("pulumi import brings the devices, the deployment and both skill orders into another stack by their IDs, with the program's inputs", async () => {
        await expectImportedElsewhere(t, "hilens-instances-import", { sameInputs: true });
      });

    it("destroy deletes devices and deployment, gives the order units back, and leaves only the skill orders (they cannot be cancelled)", async () => {
      await t.destroy();
      expect((await huaweiRead(emulator, "/v3/{project_id}/ai-mgr/nodes")).count).toBe(0);
      expect((await huaweiRead(emulator, "/v3/{project_id}/ai-mgr/deployments")).count).toBe(0);
      expect((await huaweiRead(emulator, "/v1/{project_id}/platform-manager/orders", { id: smallOrder })).data[0].used_amount).toBe(0);
      const kinds = new Set(emulator.store.list(DEFAULTS.projectId, "skill_order").map((o) => o.skill_id));
      expect(emulator.store.count(DEFAULTS.projectId)).toBe(emulator.store.list(DEFAULTS.projectId, "skill_order").length + 1);
      expect([...kinds].sort()).toEqual([freeSkill, otherFreeSkill].sort());
    });
  });
});
