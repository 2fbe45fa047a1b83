import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as pulumi from "@pulumi/pulumi";

const created: pulumi.runtime.MockResourceArgs[] = [];
beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push(args);
        return { id: `${args.name}-id`, state: { ...args.inputs, id: `${args.name}-id`, createdAt: "2026-11-22T00:00:00Z" } };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
});
afterAll(() => pulumi.runtime.resetOptions("project", "stack"));

function output<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe("resource classes (mocked engine)", () => {
  it("register custom type names under edgeai:<service>:<Type>", async () => {
    const { hilens } = await import("../../provider");
    const ws = new hilens.Workspace("ws", { name: "fleet" });
    const cm = new hilens.ConfigMap("cm", { name: "app-config", configs: [{ key: "MODEL", value: "yolo" }], workspaceId: ws.workspaceId });
    expect(await output(cm.urn)).toMatch(/::pulumi-nodejs:dynamic\/edgeai:hilens:ConfigMap::cm$/);
    expect(await output(ws.urn)).toMatch(/edgeai:hilens:Workspace::ws$/);
    expect(await output(cm.createdAt)).toBe("2026-11-22T00:00:00Z");
  });

  it("marks secret inputs secret even when given as plain values", async () => {
    const { hilens } = await import("../../provider");
    const s = new hilens.Secret("s", { name: "db-creds", secrets: [{ key: "password", value: "plain-text" }] });
    expect(await pulumi.isSecret(s.secrets)).toBe(true);
    await output(s.id);
    const registered = created.find((r) => r.name === "s")!;
    expect(registered.type).toBe("pulumi-nodejs:dynamic/edgeai:hilens:Secret");
  });

  it("stores a small provider that only requires the installed runtime, capturing no credential", async () => {
    // Credentials are everywhere a careless closure could pick them up: the environment (read at
    // import) and a configured runtime in the same process.
    process.env.HW_SECRET_KEY = "env-secret-must-not-be-captured";
    try {
      vi.resetModules();
      const runtime = await import("../../provider/framework/runtime");
      await runtime.configure({ config: { get: (key: string) => (key === "edgeai:secretKey" ? "config-secret-must-not-be-captured" : undefined) } } as never);
      const { hilens } = await import("../../provider");
      const cm = new hilens.ConfigMap("cm2", { name: "other-config", configs: [{ key: "k", value: "v" }] });
      await output(cm.id);
      const provider = String(created.find((r) => r.name === "cm2")!.inputs.__provider);
      expect(provider).toContain('require("pulumi-edgeai/runtime")');
      expect(provider).not.toMatch(/must-not-be-captured/);
      // Pulumi's serialized provider objects take ~2.6 KB, stored twice in every resource.
      expect(provider.length).toBeLessThan(120);
      // Loaded as the engine's dynamic-provider host loads it, it serves this resource type.
      const loaded = require("require-from-string")(provider).handler();
      const checked = await loaded.check({}, { name: "Bad Name", configs: [{ key: "k", value: "v" }] });
      expect(checked.failures[0].reason).toContain('edgeai:hilens:ConfigMap: field "name"');
    } finally {
      delete process.env.HW_SECRET_KEY;
    }
  });

  it("warns when a deployment reads config maps or secrets without configHash, and only then", async () => {
    const warnings: string[] = [];
    const spy = vi.spyOn(pulumi.log, "warn").mockImplementation(async (message: string) => void warnings.push(message));
    try {
      const { hilens } = await import("../../provider");
      const app = (extra: object) => ({ name: "detector", appUrl: "swr.example.com/vision/detector:1.0", resources: { limits: { cpu: 0.5, memory: 256 } }, ...extra });
      const reads = app({ envs: [{ name: "MODEL", valueFrom: { configmap: { name: "app-config", key: "MODEL" } } }] });
      const unrolled = new hilens.Deployment("unrolled", { name: "unrolled", nodeIds: ["n1"], replicas: 1, template: { apps: [reads] } });
      const rolled = new hilens.Deployment("rolled", { name: "rolled", nodeIds: ["n1"], replicas: 1, configHash: "h1", template: { apps: [reads] } });
      const plain = new hilens.Deployment("plain", { name: "plain", nodeIds: ["n1"], replicas: 1, template: { apps: [app({ envs: [{ name: "A", value: "b" }] })] } });
      await Promise.all([unrolled, rolled, plain].map((d) => output(d.id)));
      expect(warnings).toEqual([expect.stringContaining("reads config maps or secrets but has no configHash")]);
    } finally {
      spy.mockRestore();
    }
  });
});
