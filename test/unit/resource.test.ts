import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { configureRequest } from "./runtime-emulator";

const created: pulumi.runtime.MockResourceArgs[] = [];
beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push(args);
        // A device's create answer carries its one-time registration package (§5.1.2).
        const server = args.type.endsWith(":hilens:Device") ? { package: "one-time-registration-package" } : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...server, id: `${args.name}-id`, createdAt: "2026-11-22T00:00:00Z" } };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
});
afterAll(() => pulumi.runtime.resetOptions("project", "stack"));

/**
 * The mock monitor drops `additionalSecretOutputs`; the engine honours it by marking those output
 * properties secret. This wraps the mock's registerResource to do the same, and records each
 * request's list by resource name.
 */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const secretOutputs = new Map<string, string[]>();
/** Each request's inputs as the engine receives them (secrets still sealed), by resource name. */
const sentInputs = new Map<string, Record<string, unknown>>();
beforeAll(() => {
  const monitor = (pulumi.runtime as any).getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
    const listed: string[] = req.getAdditionalsecretoutputsList();
    secretOutputs.set(req.getName(), listed);
    sentInputs.set(req.getName(), req.getObject().toJavaScript());
    return register(req, (err: unknown, res: any) => {
      if (!err && res && listed.length) {
        const object = res.getObject().toJavaScript();
        for (const key of listed) if (key in object) object[key] = { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: object[key] };
        res.setObject(require("google-protobuf/google/protobuf/struct_pb").Struct.fromJavaScript(object));
      }
      callback(err, res);
    });
  };
});

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

  it("asks the engine to keep secret inputs secret in its outputs, with the program's own list kept", async () => {
    const { hilens, tensorbay } = await import("../../provider");
    const s = new hilens.Secret("s2", { name: "db-creds", secrets: [{ key: "password", value: "plain-text" }] }, { additionalSecretOutputs: ["description"] });
    const store = new tensorbay.StorageConfig("store", { name: "raw", type: "s3", filePath: "p", endpoint: "https://s3.example.com", accesskeyId: "AKID", accesskeySecret: "plain-secret", bucketName: "b" });
    await Promise.all([output(s.id), output(store.id)]);
    expect(secretOutputs.get("s2")).toEqual(expect.arrayContaining(["description", "secrets"]));
    expect(secretOutputs.get("store")).toEqual(expect.arrayContaining(["accesskeyId", "accesskeySecret"]));
    // What the engine then answers is secret.
    expect(await pulumi.isSecret(store.accesskeySecret)).toBe(true);
    expect(await pulumi.isSecret(store.name)).toBe(false);
  });

  it("marks a device's one-time registration package secret, and nothing else of the device", async () => {
    const { hilens } = await import("../../provider");
    const dev = new hilens.Device("camera", { name: "camera-01" });
    await output(dev.id);
    expect(secretOutputs.get("camera")).toEqual(["package"]);
    expect(await pulumi.isSecret(dev.package)).toBe(true);
    expect(await pulumi.isSecret(dev.name)).toBe(false);
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

  it("declaring a resource leaves the program's stack traces as it found them and maps few frames", async () => {
    const { hilens } = await import("../../provider");
    const previous = { limit: Error.stackTraceLimit, prepare: Error.prepareStackTrace };
    let framesMapped = 0;
    // What source-map support does on every capture: visit each frame.
    Error.prepareStackTrace = (error, frames) => ((framesMapped += frames.length), String(error));
    Error.stackTraceLimit = 25;
    try {
      const cm = new hilens.ConfigMap("traced", { name: "traced-cm", configs: [{ key: "K", value: "v" }], workspaceId: "ws-1" });
      // The SDK's own source-position capture (one full stack) and little else.
      expect(framesMapped).toBeLessThan(120);
      expect(Error.stackTraceLimit).toBe(25);
      expect(() => new hilens.ConfigMap("", { name: "nameless-cm", configs: [{ key: "K", value: "v" }] })).toThrow(/name/);
      expect(Error.stackTraceLimit).toBe(25);
      await output(cm.id);
    } finally {
      Error.stackTraceLimit = previous.limit;
      Error.prepareStackTrace = previous.prepare;
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
  it("a resource that waits takes its wait limits from customTimeouts, unless awaitTimeouts is set", async () => {
    const { octopus } = await import("../../provider");
    const version = (name: string, args: object, opts?: pulumi.CustomResourceOptions) => new octopus.ImageRepoVersion(name, { repoId: "1", version: "v1", waitForStatus: "PUSHED", ...args }, opts);
    const waits = [version("waits", {}, { customTimeouts: { create: "20m", delete: "" } }), version("explicit", { awaitTimeouts: { create: "1m" } }, { customTimeouts: { create: "20m" } }), version("default", {})];
    await Promise.all(waits.map((v) => output(v.id)));
    const inputs = (name: string) => created.find((r) => r.name === name)!.inputs;
    expect(inputs("waits").awaitTimeouts).toEqual({ create: "20m" });
    expect(inputs("explicit").awaitTimeouts).toEqual({ create: "1m" });
    expect(inputs("default").awaitTimeouts).toBeUndefined();
  });

  it("tells its own resources apart by type and delivery, also across copies of the package", async () => {
    const { hilens } = await import("../../provider");
    const native = await import("../../provider/native");
    const ws = new hilens.Workspace("ws-kind", { name: "kind" });
    const nativeWs = new native.hilens.Workspace("ws-native", { name: "kind-native" });
    await Promise.all([output(ws.id), output(nativeWs.id)]);
    expect(hilens.Workspace.isInstance(ws)).toBe(true);
    expect(hilens.Workspace.isInstance(nativeWs)).toBe(false);
    expect(native.hilens.Workspace.isInstance(nativeWs)).toBe(true);
    expect(hilens.ConfigMap.isInstance(ws)).toBe(false);
    expect(hilens.Workspace.isInstance(null)).toBe(false);
    expect(hilens.Workspace.isInstance({ [Symbol.for("pulumi-edgeai:type")]: "edgeai:hilens:Workspace" })).toBe(true);
    // The native resource registers the plugin's own type and carries no provider code or name.
    const registered = created.find((r) => r.name === "ws-native")!;
    expect(registered.type).toBe("edgeai:hilens:Workspace");
    expect(Object.keys(registered.inputs)).not.toContain("__provider");
    expect(Object.keys(registered.inputs)).not.toContain("__edgeaiName");
    expect(created.find((r) => r.name === "ws-kind")!.inputs.__edgeaiName).toBe("ws-kind");
    expect(hilens.Workspace.name).toBe("Workspace");
    expect(await output(ws.workspaceId)).toBe("ws-kind-id");
  });

  /**
   * A copy of the package loaded afresh, so that its module-level code (the classes, their marks)
   * runs inside the test that uses it: what a program gets when two copies of the package are installed.
   */
  async function freshCopy() {
    vi.resetModules();
    return { ...(await import("../../provider")), native: await import("../../provider/native") };
  }

  it("a copy of the package recognises another copy's resources by type and delivery, and nothing else", async () => {
    const { hilens } = await import("../../provider");
    const copy = await freshCopy();
    const ws = new hilens.Workspace("ws-other-copy", { name: "other-copy" });
    const nativeWs = new copy.native.hilens.Workspace("ws-native-copy", { name: "native-copy" });
    await Promise.all([output(ws.id), output(nativeWs.id)]);
    expect(copy.hilens.Workspace.isInstance(ws)).toBe(true);
    expect(copy.hilens.Workspace.isInstance(new copy.hilens.Workspace("ws-same-copy", { name: "same-copy" }))).toBe(true);
    expect(copy.hilens.Workspace.isInstance(nativeWs)).toBe(false);
    expect(copy.native.hilens.Workspace.isInstance(nativeWs)).toBe(true);
    expect(copy.native.hilens.Workspace.isInstance(ws)).toBe(false);
    expect(copy.hilens.ConfigMap.isInstance(ws)).toBe(false);
    for (const notOne of [undefined, null, "edgeai:hilens:Workspace", 42]) expect(copy.hilens.Workspace.isInstance(notOne)).toBe(false);
    // Copies of other versions mark their resources with the same registered symbols.
    expect(copy.hilens.Workspace.isInstance({ [Symbol.for("pulumi-edgeai:type")]: "edgeai:hilens:Workspace" })).toBe(true);
    expect(copy.native.hilens.Workspace.isInstance({ [Symbol.for("pulumi-edgeai:native-type")]: "edgeai:hilens:Workspace" })).toBe(true);
  });

  it("sends the engine each declared input, secret ones sealed, the resource's name, and the exact list of outputs to keep secret", async () => {
    const { hilens, tensorbay } = await freshCopy();
    const cm = new hilens.ConfigMap("cm-sent", { name: "sent-config", configs: [{ key: "A", value: "b" }] }, { customTimeouts: { create: "5m" } });
    const secret = new hilens.Secret("secret-sent", { name: "sent-creds", secrets: [{ key: "password", value: "plain-text" }] });
    const device = new hilens.Device("device-sent", { name: "camera-02" });
    // A local storage needs no access key: the one given is sealed, the absent one is not sent.
    const store = new tensorbay.StorageConfig("store-sent", { name: "local-store", type: "local", filePath: "p", accesskeySecret: "plain-secret" });
    await Promise.all([cm, secret, device, store].map((r) => output(r.id)));
    // A resource that does not wait takes no wait limits from customTimeouts.
    expect(sentInputs.get("cm-sent")).toEqual({ name: "sent-config", configs: [{ key: "A", value: "b" }], __edgeaiName: "cm-sent", __provider: expect.any(String) });
    expect(sentInputs.get("store-sent")).toEqual({ name: "local-store", type: "local", filePath: "p", accesskeySecret: { [SECRET_SIG]: expect.any(String), value: "plain-secret" }, __edgeaiName: "store-sent", __provider: expect.any(String) });
    expect(sentInputs.get("secret-sent")!.secrets).toEqual({ [SECRET_SIG]: expect.any(String), value: [{ key: "password", value: "plain-text" }] });
    expect(secretOutputs.get("cm-sent")).toEqual([]);
    expect(secretOutputs.get("secret-sent")).toEqual(["secrets"]);
    expect(secretOutputs.get("device-sent")).toEqual(["package"]);
    expect(secretOutputs.get("store-sent")).toEqual(["accesskeyId", "accesskeySecret"]);
  });

  it("shows a stack export of the resource its declared properties: the ID a definition names as an output, nothing made up", async () => {
    const { hilens } = await freshCopy();
    const ws = new hilens.Workspace("ws-exported", { name: "exported" });
    const cm = new hilens.ConfigMap("cm-exported", { name: "exported-config", configs: [{ key: "A", value: "b" }] });
    await Promise.all([output(ws.id), output(cm.id)]);
    // A stack export of a resource lists its enumerable properties (but those starting with "__").
    expect(Object.keys(ws)).toContain("workspaceId");
    expect(await output(ws.workspaceId)).toBe("ws-exported-id");
    expect(Object.keys(cm)).not.toContain("undefined");
  });

  it("a stack trace through a resource's constructor names the resource's class", async () => {
    const { hilens } = await freshCopy();
    // A JavaScript program that forgets the arguments.
    const error = (() => {
      try {
        new hilens.Workspace("ws-no-args", undefined as never);
      } catch (err) {
        return err as Error;
      }
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.stack).toMatch(/at new Workspace /);
    expect(error!.stack).not.toMatch(/EdgeResource/);
  });
});

describe("adopting an existing object (our `pulumi import`)", () => {
  it("builds the import ID a user types from the object's scope inputs, nested ones included", async () => {
    const { importIdOf } = await import("../../provider/framework/definition");
    const { definitions } = await import("../../provider/registry");
    const definition = (name: string) => definitions.find((d) => d.name === name)!;
    expect(importIdOf(definition("Sensor"), "lidar", { datasetId: "ds-1", branchName: "main", segmentName: "drive" })).toBe("ds-1/main/drive/lidar");
    expect(importIdOf(definition("SceneMap"), "42", { file: { sha256: "ab12" } })).toBe("ab12/42");
  });

  it("importId takes any non-empty ID and is documented as adopting the object", async () => {
    // A fresh copy of the package: the shared field is built inside this test.
    vi.resetModules();
    const { configure, handlers } = await import("../../provider/framework/runtime");
    // Checking builds the clients, so it needs credentials; it sends nothing.
    await configure(configureRequest({ accessKey: "AK", secretKey: "SK", projectId: "project", octopusEndpoint: "http://127.0.0.1:9" }));
    const { packageSchema } = await import("../../provider/framework/schema");
    const repo = { name: "adopted-repo", scope: "DATA_CONVERSION" };
    const adopted = await handlers.check("edgeai:octopus:ImageRepo", {}, { ...repo, importId: "repo-1234" });
    expect(adopted.failures ?? []).toEqual([]);
    const empty = await handlers.check("edgeai:octopus:ImageRepo", {}, { ...repo, importId: "" });
    expect(empty.failures).toEqual([expect.objectContaining({ property: "importId" })]);
    const importId = (packageSchema() as any).resources["edgeai:octopus:ImageRepo"].inputProperties.importId;
    expect(importId.description).toMatch(/^ID of an existing object to adopt instead of creating one \(our `pulumi import`\)/);
  });
});
