/**
 * The HiLens Device (§5.1) and the device look-ups: the documented requests the definition sends
 * (register, update, activate, start/stop, firmware upgrade) and how it reads a device back into
 * inputs and outputs. Against the in-process emulator, whose server state is read by raw HTTP on
 * the documented paths; answers the emulator never gives (a field left out) come from a scripted
 * server.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULTS, ManualClock } from "../../emulator";
import { handlers } from "../../provider/framework/runtime";
import { contextFor } from "../../provider/framework/context";
import { NotReadyError, Props } from "../../provider/framework/definition";
import { resolveConfig } from "../../provider/config";
import { deviceDefinition } from "../../provider/hilens/device";
import { lookupFunctions } from "../../provider/hilens/functions";
import { invokeLookup } from "../../provider/framework/lookup";
import { emulatorSettings, runtimeAgainstEmulator } from "./runtime-emulator";
import { iamToken, send, withToken } from "./raw-http";
import { ScriptedServer, startScriptedServer } from "./scripted-server";

const DEVICE = "edgeai:hilens:Device";
const PROVIDER = { __provider: "serialized provider" };
const P = DEFAULTS.projectId;
/** The emulator's time: firmware upgrades move when a test advances it, never while it sleeps. */
const clock = new ManualClock();
const env = runtimeAgainstEmulator("hilens-devices", { clock });
/** Devices connect only when a test says so; an upgrade takes 600 ms of the emulator's clock. */
const TIMING = { deviceConnectMs: null, firmwareUpgradeMs: 600 };
let token: string;
let scripted: ScriptedServer;

beforeAll(async () => {
  token = await iamToken(env.emu);
  await env.emu.control("PUT", "/__emulator/hilens/timing", TIMING);
});

// A scripted server per test: answers a failing test left unread never reach the next one.
beforeEach(async () => {
  scripted = await startScriptedServer();
});

afterEach(async () => {
  await scripted.close();
  await env.emu.control("PUT", "/__emulator/hilens/timing", TIMING);
});

/** The provider's context against the emulator, or against another HiLens endpoint (the scripted server). */
const contextAt = (hilensEndpoint?: string) => {
  const settings: Record<string, string> = { ...emulatorSettings(env.emu), ...(hilensEndpoint ? { hilensEndpoint } : {}) };
  return contextFor(resolveConfig((key) => settings[key], {}));
};

/** The inputs as the engine hands them to the definition: validated, defaults applied. */
const declared = (args: Record<string, unknown>) => deviceDefinition.inputs.parse(args) as any;

/** A documented HiLens call by raw HTTP with an IAM token (`{p}`: the project): the JSON answered. */
async function documented(method: string, path: string): Promise<any> {
  const res = await send(env.emu.url, method, path.replace("{p}", P), { headers: withToken(token) });
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status ?? res.error} ${res.text ?? ""}`);
  return res.json;
}

const rawDevice = (id: string) => documented("GET", `/v3/{p}/ai-mgr/nodes/${id}`);

async function checked(args: Record<string, unknown>) {
  const result = await handlers.check(DEVICE, {}, { ...args, ...PROVIDER });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs;
}

async function setOnline(id: string, online: boolean) {
  await env.emu.control("PUT", `/__emulator/hilens/${P}/nodes/${id}/connection`, { online });
}

/** The requests the emulator got since index `start`, as `METHOD path?query`. */
const sentSince = (start: number) => env.emu.requests.since(start).map((r) => `${r.method} ${r.path}${r.query}`);

/** What the scripted server got, with JSON bodies parsed; the record is emptied for the next test. */
function scriptedRequests() {
  const seen = scripted.seen.splice(0).map((r) => ({ request: `${r.method} ${r.url.replace(`/${P}/`, "/{p}/")}`, body: r.body ? JSON.parse(r.body) : undefined }));
  return seen;
}

const everyField = {
  name: "cam-full",
  description: "north gate",
  enableGpu: true,
  enableNpu: true,
  npuType: "D910",
  logConfigs: [{ component: "app", type: "LTS", level: "debug", rotateNum: 7, size: 100 }],
  tags: [{ key: "site", value: "north" }],
  eventValidityPeriod: 30,
};

describe("Device: check", () => {
  const failures = async (args: Record<string, unknown>) => (await handlers.check(DEVICE, {}, { name: "cam", ...args, ...PROVIDER })).failures ?? [];

  it("a log rotation period needs provider ief, which keeps at most 10 rotated files (§5.1.2)", async () => {
    const rotated = { component: "system", type: "local", rotatePeriod: "daily" };
    expect(await failures({ logConfigs: [{ component: "app", type: "LTS" }, rotated] })).toEqual([
      { property: "logConfigs[1].rotatePeriod", reason: 'edgeai:hilens:Device: field "logConfigs[1].rotatePeriod": is only supported with provider ief (HiLens §5.1.2)' },
    ]);
    expect(await failures({ provider: "ief", logConfigs: [{ ...rotated, rotateNum: 10 }] })).toEqual([]);
    expect(await failures({ provider: "ief", logConfigs: [{ component: "app", type: "LTS" }, { component: "app", type: "LTS", rotateNum: 11 }] })).toEqual([
      { property: "logConfigs[1].rotateNum", reason: 'edgeai:hilens:Device: field "logConfigs[1].rotateNum": must be 1-10 with provider ief (HiLens §5.1.2)' },
    ]);
    expect(await failures({ logConfigs: [{ component: "app", type: "LTS", rotateNum: 30 }] })).toEqual([]);
  });

  it("an NPU type needs the NPU enabled (§5.1.4)", async () => {
    expect(await failures({ npuType: "D310" })).toEqual([{ property: "npuType", reason: 'edgeai:hilens:Device: field "npuType": is only meaningful with enableNpu: true (HiLens §5.1.4)' }]);
    expect(await failures({ npuType: "D310", enableNpu: true })).toEqual([]);
  });
});

describe("Device: what registration and update send", () => {
  it("registration sends every field of the §5.1.2 body in the document's names, the platform as the `provider` query", async () => {
    scripted.answer({ body: { id: "dev-1", name: "cam-full", package: "UEtH" } }, { body: { id: "dev-1", name: "cam-full", state: "UNCONNECTED" } });
    const logConfigs = [{ component: "system", type: "local", level: "warning", rotateNum: 3, rotatePeriod: "weekly", size: 20 }];
    const inputs = declared({ ...everyField, logConfigs, provider: "ief", iamUserId: "sub-user", workspaceId: "ws-1" });
    const created = await deviceDefinition.api.create(contextAt(scripted.url), inputs);
    expect(scriptedRequests()).toEqual([
      {
        request: "POST /v3/{p}/ai-mgr/nodes?provider=ief",
        body: {
          node: {
            name: "cam-full",
            description: "north gate",
            enable_gpu: true,
            enable_npu: true,
            npu_type: "D910",
            iam_user_id: "sub-user",
            log_configs: [{ component: "system", type: "local", level: "warning", rotate_num: 3, rotate_period: "weekly", size: 20 }],
            tags: [{ key: "site", value: "north" }],
            workspace_id: "ws-1",
            event_validity_period: 30,
          },
        },
      },
      { request: "GET /v3/{p}/ai-mgr/nodes/dev-1", body: undefined },
    ]);
    // A detail that leaves the optional fields out reads as no orders and nothing else.
    expect(created).toEqual({ id: "dev-1", state: { package: "UEtH", state: "UNCONNECTED", activeContent: [] } });
  });

  it("a device declared stopped and activated is activated with its orders (§5.1.7), then stopped on its platform (§5.1.6)", async () => {
    scripted.answer({ body: { id: "dev-2", name: "cam-off", package: "UEtH" } }, { body: { node_id: "dev-2" } }, { body: {} }, { body: { id: "dev-2", name: "cam-off", state: "STOPPED", active_content: ["cpu-1", "npu-1"] } });
    const inputs = declared({ name: "cam-off", provider: "ief", enabled: false, activation: { cpuOrderId: "cpu-1", npuGpuOrderId: "npu-1" } });
    const created = await deviceDefinition.api.create(contextAt(scripted.url), inputs);
    expect(scriptedRequests().slice(1)).toEqual([
      { request: "POST /v3/{p}/ai-mgr/nodes/dev-2/activate", body: { cpu_order_id: "cpu-1", npu_gpu_order_id: "npu-1" } },
      { request: "POST /v3/{p}/ai-mgr/nodes/dev-2/action/stop?provider=ief", body: undefined },
      { request: "GET /v3/{p}/ai-mgr/nodes/dev-2", body: undefined },
    ]);
    expect(created.state).toEqual({ package: "UEtH", state: "STOPPED", activeContent: ["cpu-1", "npu-1"] });
  });

  it("a registered device whose activation is refused is kept with its package, and the error says it was registered", async () => {
    const orderError = { error_code: "HIL.0400", error_msg: "order o-1 has no unit left" };
    scripted.answer({ body: { id: "dev-3", name: "cam-unpaid", package: "UEtH" } }, { status: 400, body: orderError });
    const err = await deviceDefinition.api.create(contextAt(scripted.url), declared({ name: "cam-unpaid", activation: { orderId: "o-1" } })).catch((e) => e);
    expect(scriptedRequests().map((r) => r.request)).toEqual(["POST /v3/{p}/ai-mgr/nodes?provider=hilens", "POST /v3/{p}/ai-mgr/nodes/dev-3/activate"]);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toMatch(/^edgeai:hilens:Device "cam-unpaid" \(dev-3\) was registered but not configured: .*order o-1 has no unit left/);
    expect(err).toMatchObject({ id: "dev-3", state: { package: "UEtH" } });
  });

  it("an update sends the §5.1.4 body: the declared values, and an empty description and no NPU type once they are removed", async () => {
    const detail = { body: { id: "dev-4", name: "cam-full", state: "RUNNING", active_content: [] } };
    const sameTags = { body: { tags: [{ key: "site", value: "north" }] } };
    scripted.answer({ body: {} }, sameTags, detail, detail);
    const full = declared(everyField);
    await deviceDefinition.api.update!(contextAt(scripted.url), "dev-4", full, full, {});
    expect(scriptedRequests()[0]).toEqual({
      request: "PUT /v3/{p}/ai-mgr/nodes/dev-4",
      body: { node: { description: "north gate", log_configs: [{ component: "app", type: "LTS", level: "debug", rotate_num: 7, size: 100 }], tags: [{ key: "site", value: "north" }], event_validity_period: 30, enable_gpu: true, enable_npu: true, npu_type: "D910" } },
    });

    // A detail without active_content: the device holds no orders, and none are declared.
    const noOrders = { body: { id: "dev-4", name: "cam-full", state: "RUNNING" } };
    scripted.answer({ body: {} }, { body: { tags: [] } }, noOrders, noOrders);
    await deviceDefinition.api.update!(contextAt(scripted.url), "dev-4", full, declared({ name: "cam-full", enableNpu: true }), {});
    expect(scriptedRequests()).toEqual([
      { request: "PUT /v3/{p}/ai-mgr/nodes/dev-4", body: { node: { description: "", log_configs: [], tags: [], enable_gpu: false, enable_npu: true, npu_type: null } } },
      { request: "GET /v3/{p}/node/dev-4/tags", body: undefined },
      { request: "GET /v3/{p}/ai-mgr/nodes/dev-4", body: undefined },
      { request: "GET /v3/{p}/ai-mgr/nodes/dev-4", body: undefined },
    ]);
  });

  it("an update moves the device to the new orders (§5.1.8 then §5.1.7) and stops it on its platform when `enabled` turns false", async () => {
    const detail = { body: { id: "dev-5", name: "cam-moved", state: "RUNNING", active_content: ["o-1"] } };
    scripted.answer({ body: {} }, { body: { tags: [] } }, detail, { body: {} }, { body: {} }, { body: {} }, detail);
    const olds = declared({ name: "cam-moved", provider: "ief", activation: { orderId: "o-1" } });
    await deviceDefinition.api.update!(contextAt(scripted.url), "dev-5", olds, declared({ name: "cam-moved", provider: "ief", activation: { orderId: "o-2" }, enabled: false }), {});
    expect(scriptedRequests().slice(2)).toEqual([
      { request: "GET /v3/{p}/ai-mgr/nodes/dev-5", body: undefined },
      { request: "POST /v3/{p}/ai-mgr/nodes/dev-5/deactivate", body: undefined },
      { request: "POST /v3/{p}/ai-mgr/nodes/dev-5/activate", body: { order_id: "o-2" } },
      { request: "POST /v3/{p}/ai-mgr/nodes/dev-5/action/stop?provider=ief", body: undefined },
      { request: "GET /v3/{p}/ai-mgr/nodes/dev-5", body: undefined },
    ]);
  });

  it("an update leaves the orders alone when the device holds exactly the declared ones, in whatever order", async () => {
    for (const [held, activation] of [
      [["b-2", "a-1"], { cpuOrderId: "a-1", npuGpuOrderId: "b-2" }],
      [["a-1", "b-2"], { cpuOrderId: "b-2", npuGpuOrderId: "a-1" }],
    ] as const) {
      const detail = { body: { id: "dev-5", name: "cam-paid", state: "RUNNING", active_content: held } };
      scripted.answer({ body: {} }, { body: { tags: [] } }, detail, detail);
      const inputs = declared({ name: "cam-paid", activation });
      await deviceDefinition.api.update!(contextAt(scripted.url), "dev-5", inputs, inputs, {});
      expect(scriptedRequests().map((r) => r.request)).toEqual(["PUT /v3/{p}/ai-mgr/nodes/dev-5", "GET /v3/{p}/node/dev-5/tags", "GET /v3/{p}/ai-mgr/nodes/dev-5", "GET /v3/{p}/ai-mgr/nodes/dev-5"]);
    }
  });

  it("a start or stop answered 503 is sent again: starting a started device changes nothing", async () => {
    const detail = { body: { id: "dev-5", name: "cam-restarted", state: "RUNNING", active_content: [] } };
    scripted.answer({ body: {} }, { body: { tags: [] } }, detail, { status: 503, headers: { "Retry-After": "0" }, body: { error_code: "HIL.5000", error_msg: "busy" } }, { body: {} }, detail);
    const settings: Record<string, string> = { ...emulatorSettings(env.emu), hilensEndpoint: scripted.url, maxRetries: "1" };
    const olds = declared({ name: "cam-restarted", enabled: false });
    expect(await deviceDefinition.api.update!(contextFor(resolveConfig((key) => settings[key], {})), "dev-5", olds, declared({ name: "cam-restarted" }), {})).toEqual({ state: "RUNNING", activeContent: [] });
    expect(scriptedRequests().map((r) => r.request).slice(3, 5)).toEqual(["POST /v3/{p}/ai-mgr/nodes/dev-5/action/start?provider=hilens", "POST /v3/{p}/ai-mgr/nodes/dev-5/action/start?provider=hilens"]);
  });

  it("delete unbinds a declared activation's orders first, when the device still holds any (§5.1.8)", async () => {
    const remove = async (inputs: Record<string, unknown>, ...answers: object[]) => {
      scripted.answer(...answers.map((body) => ({ body })));
      await deviceDefinition.api.delete(contextAt(scripted.url), "dev-6", declared({ name: "cam-gone", ...inputs }), {});
      return scriptedRequests().map((r) => r.request);
    };
    const activation = { orderId: "o-1" };
    expect(await remove({ activation }, { id: "dev-6", active_content: ["o-1"] })).toEqual(["GET /v3/{p}/ai-mgr/nodes/dev-6", "POST /v3/{p}/ai-mgr/nodes/dev-6/deactivate", "DELETE /v3/{p}/ai-mgr/nodes/dev-6"]);
    expect(await remove({ activation }, { id: "dev-6" })).toEqual(["GET /v3/{p}/ai-mgr/nodes/dev-6", "DELETE /v3/{p}/ai-mgr/nodes/dev-6"]);
    expect(await remove({})).toEqual(["DELETE /v3/{p}/ai-mgr/nodes/dev-6"]);
  });
});

describe("Device: identity", () => {
  it("after a lost registration answer, the candidates are the devices of its workspace with exactly its name", async () => {
    const nodes = [
      { id: "n-1", name: "cam", workspace_id: "ws-1" },
      { id: "n-2", name: "cam-2", workspace_id: "ws-1" },
      { id: "n-3", name: "cam", workspace_id: "ws-2" },
    ];
    scripted.answer({ body: { count: 3, nodes } });
    const identity = deviceDefinition.identity as { candidates: (ctx: unknown, inputs: unknown) => Promise<string[]> };
    expect(await identity.candidates(contextAt(scripted.url), declared({ name: "cam", workspaceId: "ws-1" }))).toEqual(["n-1"]);
    expect(scriptedRequests().map((r) => r.request)).toEqual(["GET /v3/{p}/ai-mgr/nodes?name=cam&workspace_id=ws-1&limit=100&offset=0"]);
  });
});

describe("Device: read back from the emulator", () => {
  it("every declared input reads back as declared, and the outputs show the connected device", async () => {
    const inputs = await checked(everyField);
    const created = await handlers.create(DEVICE, inputs);
    await setOnline(created.id, true);
    const live = await deviceDefinition.api.read(contextAt(), created.id, declared(everyField));
    const { name, description, enableGpu, enableNpu, npuType, tags, eventValidityPeriod } = everyField;
    expect(live!.inputs).toEqual({ name, description, enableGpu, enableNpu, npuType, tags, eventValidityPeriod, logConfigs: everyField.logConfigs, enabled: true, firmwareVersion: "1.0.0", provider: "hilens" });
    const raw = await rawDevice(created.id);
    expect(live!.state).toEqual({
      state: "RUNNING",
      activeStatus: "INACTIVE",
      activeContent: [],
      type: "General ARM Device",
      arch: "aarch64",
      hostIps: raw.host_ips,
      firmwareName: "HiLens_Device_Agent",
      runningFirmwareVersion: "1.0.0",
      deploymentNum: 0,
      createdAt: raw.created_at,
      updatedAt: raw.updated_at,
    });
    expect(raw.host_ips).toHaveLength(1);
    await handlers.delete(DEVICE, created.id, created.outs!);
  });

  it("a removed description is cleared on the device and reads back as unset, as do the NPU type and a stopped device's `enabled`", async () => {
    const inputs = await checked(everyField);
    const created = await handlers.create(DEVICE, inputs);
    const bare = await checked({ name: everyField.name, enabled: false });
    await handlers.update(DEVICE, created.id, created.outs!, bare);
    const raw = await rawDevice(created.id);
    expect(raw).toMatchObject({ description: "", enable_gpu: false, enable_npu: false, npu_type: null, log_configs: [], state: "STOPPED" });
    const live = await deviceDefinition.api.read(contextAt(), created.id, declared({ name: everyField.name, enabled: false }));
    // The event validity period is not cleared: §5.1.4 has no way to unset it.
    expect(live!.inputs).toEqual({ name: everyField.name, enableGpu: false, enableNpu: false, logConfigs: [], tags: [], eventValidityPeriod: 30, enabled: false, provider: "hilens" });
    await handlers.delete(DEVICE, created.id, created.outs!);
  });

  it("an import reads the managing platform from the ief list by the device's name: ief for an ief device, hilens otherwise", async () => {
    const onIef = await handlers.create(DEVICE, await checked({ name: "cam-imported", provider: "ief" }));
    const onHilens = await handlers.create(DEVICE, await checked({ name: "cam-imported" }));
    const start = env.emu.requests.length;
    expect((await handlers.read(DEVICE, onIef.id, {})).inputs).toMatchObject({ name: "cam-imported", provider: "ief" });
    expect(sentSince(start).filter((r) => r.startsWith(`GET /v3/${P}/ai-mgr/nodes?`))).toEqual([`GET /v3/${P}/ai-mgr/nodes?name=cam-imported&provider=ief&limit=100&offset=0`]);
    expect((await handlers.read(DEVICE, onHilens.id, {})).inputs).toMatchObject({ name: "cam-imported", provider: "hilens" });
    for (const d of [onIef, onHilens]) await handlers.delete(DEVICE, d.id, d.outs!);
  });

  it("an import finds the device among the ief devices of its name, or reads it as a hilens device", async () => {
    for (const [iefDevices, provider] of [
      [[{ id: "dev-other" }, { id: "dev-8" }], "ief"],
      [[{ id: "dev-other" }], "hilens"],
    ] as const) {
      scripted.answer({ body: { id: "dev-8", name: "cam-found", state: "RUNNING" } }, { body: { tags: [] } }, { body: { count: iefDevices.length, nodes: iefDevices } });
      const live = await deviceDefinition.api.read(contextAt(scripted.url), "dev-8", {} as never);
      expect(live!.inputs.provider).toBe(provider);
      expect(scriptedRequests().map((r) => r.request)[2]).toBe("GET /v3/{p}/ai-mgr/nodes?name=cam-found&provider=ief&limit=100&offset=0");
    }
  });

  it("a detail that leaves every optional field out reads as no description, logs, orders or firmware, and a running device", async () => {
    scripted.answer({ body: { id: "dev-5", name: "cam-sparse", state: "UNCONNECTED" } }, { body: {} });
    const live = await deviceDefinition.api.read(contextAt(scripted.url), "dev-5", declared({ name: "cam-sparse", activation: { orderId: "o-1" } }));
    expect(scriptedRequests().map((r) => r.request)).toEqual(["GET /v3/{p}/ai-mgr/nodes/dev-5", "GET /v3/{p}/node/dev-5/tags"]);
    expect(live).toEqual({ inputs: { name: "cam-sparse", logConfigs: [], tags: [], enabled: true, provider: "hilens" }, state: { state: "UNCONNECTED", activeContent: [] } });
  });
});

describe("Device: activation read back", () => {
  /** Reads a device bound to `orders` (§5.1.3 active_content) against the program's declared activation. */
  async function activationRead(orders: string[], activation?: Record<string, string>) {
    scripted.answer({ body: { id: "dev-6", name: "cam-paid", state: "RUNNING", active_content: orders } }, { body: { tags: [] } });
    const live = await deviceDefinition.api.read(contextAt(scripted.url), "dev-6", declared({ name: "cam-paid", ...(activation ? { activation } : {}) }));
    scripted.seen.splice(0);
    return live!.inputs.activation;
  }

  it("the declared orders read back as declared, whatever order the device lists them in", async () => {
    expect(await activationRead(["o-1"], { orderId: "o-1" })).toEqual({ orderId: "o-1" });
    expect(await activationRead(["b-2", "a-1"], { cpuOrderId: "a-1", npuGpuOrderId: "b-2" })).toEqual({ cpuOrderId: "a-1", npuGpuOrderId: "b-2" });
    expect(await activationRead(["a-1", "b-2"], { cpuOrderId: "b-2", npuGpuOrderId: "a-1" })).toEqual({ cpuOrderId: "b-2", npuGpuOrderId: "a-1" });
  });

  it("other orders read back as drift: one as orderId, two as cpuOrderId and npuGpuOrderId; none as no activation", async () => {
    expect(await activationRead(["o-9"], { orderId: "o-1" })).toEqual({ orderId: "o-9" });
    expect(await activationRead(["c-1", "n-1"])).toEqual({ cpuOrderId: "c-1", npuGpuOrderId: "n-1" });
    expect(await activationRead([], { orderId: "o-1" })).toBeUndefined();
  });
});

describe("Device: firmware upgrade (§5.2.1, §5.1.9, §5.1.10)", () => {
  const connected = { id: "dev-7", name: "cam-fw", state: "RUNNING", type: "General ARM Device", arch: "aarch64", firmware_name: "HiLens_Device_Agent", firmware_version: "1.0.0" };
  const catalog = (...rows: object[]) => ({ body: { count: rows.length, firmwares: rows } });
  const agent = (id: string, version: string, name = "HiLens_Device_Agent") => ({ id, name, version });

  /** The progress lines the last registration printed while it waited. */
  let progress: string[] = [];

  /** Registers `cam-fw` on the scripted server wanting `firmwareVersion`, the device answering `detail`, then the firmware list and the progress answers given. */
  async function registerWanting(extra: Record<string, unknown>, detail: object, ...answers: object[]) {
    scripted.answer({ body: { id: "dev-7", name: "cam-fw", package: "UEtH" } }, { body: detail }, ...answers.map((body) => ("body" in body ? body : { body })));
    const ctx = contextAt(scripted.url);
    progress = [];
    ctx.log = (line) => progress.push(line);
    return deviceDefinition.api.create(ctx, declared({ name: "cam-fw", firmwareVersion: "2.0.0", ...extra })).catch((e) => e);
  }

  it("picks the version of the device's own agent, for its type and architecture, and follows the upgrade to the end", async () => {
    // Were the finished upgrade missed, the wait would go on to the last answer, a failed one.
    const finished = { ...connected, firmware_version: "2.0.0", firmware_status: 3 };
    const created = await registerWanting({}, connected, catalog(agent("f-other", "2.0.0", "Other_Agent"), agent("f-old", "1.1.0"), agent("f-mine", "2.0.0")), {}, { status: 3, progress: "100" }, finished, { status: 2, cause: "missed" });
    expect(scriptedRequests().map((r) => r.request)).toEqual([
      "POST /v3/{p}/ai-mgr/nodes?provider=hilens",
      "GET /v3/{p}/ai-mgr/nodes/dev-7",
      "GET /v3/ai-mgr/firmwares?device_type=General+ARM+Device&arch=aarch64&limit=100&offset=0",
      "PUT /v3/{p}/node-manager/node/dev-7/firmware/f-mine",
      "GET /v3/{p}/node-manager/node/dev-7/firmware/upgrade-progress",
      "GET /v3/{p}/ai-mgr/nodes/dev-7",
    ]);
    expect(created.state).toMatchObject({ runningFirmwareVersion: "2.0.0", firmwareStatus: "3" });
    expect(progress).toEqual(["device cam-fw: firmware 1.0.0 → 2.0.0: upgraded (0s)"]);
  });

  it("a device reporting no architecture or agent name is upgraded with the first firmware of that version for its type; skipAwait does not follow the upgrade", async () => {
    // Were the upgrade followed, its progress would be read: the last answer, a finished upgrade.
    const created = await registerWanting({ skipAwait: true }, { ...connected, arch: null, firmware_name: null }, catalog(agent("f-other", "2.0.0", "Other_Agent"), agent("f-mine", "2.0.0")), {}, { ...connected, state: "UPGRADING" }, { status: 3 });
    expect(scriptedRequests().map((r) => r.request)).toEqual([
      "POST /v3/{p}/ai-mgr/nodes?provider=hilens",
      "GET /v3/{p}/ai-mgr/nodes/dev-7",
      "GET /v3/ai-mgr/firmwares?device_type=General+ARM+Device&limit=100&offset=0",
      "PUT /v3/{p}/node-manager/node/dev-7/firmware/f-other",
      "GET /v3/{p}/ai-mgr/nodes/dev-7",
    ]);
    expect(created.state).toMatchObject({ state: "UPGRADING" });
  });

  it("nothing is upgraded on a device that runs that version, or has not connected yet", async () => {
    for (const detail of [{ ...connected, firmware_version: "2.0.0" }, { ...connected, firmware_version: null }]) {
      await registerWanting({}, detail, detail);
      expect(scriptedRequests().map((r) => r.request)).toEqual(["POST /v3/{p}/ai-mgr/nodes?provider=hilens", "GET /v3/{p}/ai-mgr/nodes/dev-7", "GET /v3/{p}/ai-mgr/nodes/dev-7"]);
    }
  });

  it("a version the catalog lacks for the device is refused, naming the versions there are (or none)", async () => {
    const missing = await registerWanting({}, connected, catalog(agent("f-old", "1.1.0"), agent("f-new", "3.0.0")));
    expect(missing.message).toMatch(/was registered but not configured: edgeai:hilens:Device "cam-fw": field "firmwareVersion": no firmware 2\.0\.0 for a General ARM Device \(aarch64\); available: 1\.1\.0, 3\.0\.0 \(see hilens\.getFirmwares\)$/);
    const none = await registerWanting({}, connected, catalog());
    expect(none.message).toMatch(/no firmware 2\.0\.0 for a General ARM Device \(aarch64\); available: none \(see hilens\.getFirmwares\)$/);
  });

  it.each([
    [{ status: "1", progress: "40" }, "40%"],
    [{ status: 1 }, "0%"],
  ])("an upgrade still under way when the create timeout passes says how far it got (%j: %s)", async (answer, shown) => {
    // Were the create timeout not applied, the wait would go on to the last answer, a finished upgrade.
    const err = await registerWanting({ awaitTimeouts: { create: "0s", update: "1h" } }, connected, catalog(agent("f-mine", "2.0.0")), {}, answer, { ...connected, state: "UPGRADING" }, { status: 3 });
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.message).toBe(`edgeai:hilens:Device "cam-fw" (dev-7): firmware upgrade to 2.0.0 did not complete: timed out after 0s waiting (last seen: upgrading, ${shown})`);
    expect(err.state).toMatchObject({ package: "UEtH", state: "UPGRADING" });
    expect(progress).toEqual([`device cam-fw: firmware 1.0.0 → 2.0.0: upgrading, ${shown} (0s)`]);
  });

  it("an update waits for the upgrade within the update timeout, keeping the state it was given", async () => {
    const answers = [{}, { tags: [] }, connected, connected, catalog(agent("f-mine", "2.0.0")), {}, { status: 1, progress: "40" }, { ...connected, state: "UPGRADING" }, { status: 3 }];
    scripted.answer(...answers.map((body) => ("body" in body ? body : { body })));
    const wanted = declared({ name: "cam-fw", firmwareVersion: "2.0.0", awaitTimeouts: { create: "1h", update: "0s" } });
    const err = await deviceDefinition.api.update!(contextAt(scripted.url), "dev-7", declared({ name: "cam-fw" }), wanted, { package: "UEtH" }).catch((e) => e);
    expect(err.message).toBe('edgeai:hilens:Device "cam-fw" (dev-7): firmware upgrade to 2.0.0 did not complete: timed out after 0s waiting (last seen: upgrading, 40%)');
    expect(err.state).toMatchObject({ package: "UEtH", state: "UPGRADING" });
  });

  it.each([
    [{ status: 2, cause: "Not enough disk space." }, "Not enough disk space."],
    [{ status: "2", cause: "" }, "the upgrade failed"],
  ])("a failed upgrade is reported with the cause the device gives, or as failed when it gives none (%j)", async (answer, cause) => {
    // Were the failure missed, the wait would go on to the last answer, a finished upgrade.
    const err = await registerWanting({}, connected, catalog(agent("f-mine", "2.0.0")), {}, answer, connected, { status: 3 });
    expect(err.message).toBe(`edgeai:hilens:Device "cam-fw" (dev-7): firmware upgrade to 2.0.0 did not complete: ${cause}`);
    expect(progress).toEqual(["device cam-fw: firmware 1.0.0 → 2.0.0: failed (0s)"]);
  });
});

describe("functions: the documented queries they send and the results they map", () => {
  /** Runs look-up `name` against the scripted server, which answers `answers`: the result and the requests it got. */
  async function invoke(name: keyof typeof lookupFunctions, args: Record<string, unknown>, ...answers: object[]) {
    scripted.answer(...answers.map((body) => ({ body })));
    const { result, failures } = await invokeLookup(lookupFunctions[name].definition as never, contextAt(scripted.url), args);
    expect(failures).toEqual([]);
    return { result: result as any, requests: scriptedRequests().map((r) => r.request) };
  }

  it("getFirmwares asks for the device type, architecture and OS, and maps every field, leaving out the null ones", async () => {
    const row = { id: "f-1", name: "HiLens_Device_Agent", version: "2.0.0", description: "agent", version_type: "release", expire_time: null, firmware_whitelist: ["1.0.0"], type: "incremental", series: "HiLens", device_type: "General ARM Device", arch: "aarch64", os_name: "Linux", os_type: "Linux", os_version: "5.10", size: 4, create_time: 1, update_time: 2 };
    const { result, requests } = await invoke("getFirmwares", { deviceType: "General ARM Device", arch: "aarch64", osName: "Linux", osVersion: "5.10" }, { count: 1, firmwares: [row] });
    expect(requests).toEqual(["GET /v3/ai-mgr/firmwares?device_type=General+ARM+Device&arch=aarch64&os_name=Linux&os_version=5.10&limit=100&offset=0"]);
    expect(result).toEqual({
      firmwares: [{ id: "f-1", name: "HiLens_Device_Agent", version: "2.0.0", description: "agent", versionType: "release", firmwareWhitelist: ["1.0.0"], type: "incremental", series: "HiLens", deviceType: "General ARM Device", arch: "aarch64", osName: "Linux", osType: "Linux", osVersion: "5.10", size: 4, createTime: 1, updateTime: 2 }],
    });
  });

  it("getDevices sends every filter (tags as key.value pairs) and answers tags as a list, whether the service gives a map, a list or none", async () => {
    const args = { name: "cam", workspaceId: "ws-1", appName: "detector", tags: [{ key: "site", value: "north" }, { key: "role", value: "gate" }], provider: "ief", status: "RUNNING", activeStatus: "ACTIVATED" };
    const nodes = [
      { id: "n-1", name: "cam-1", state: "RUNNING", description: null, tags: { site: "north", floor: 3 }, firmware_status: 3, host_ips: ["10.0.0.5"] },
      { id: "n-2", name: "cam-2", state: "RUNNING", tags: [{ key: "site", value: "north" }] },
      { id: "n-3", name: "cam-3", state: "OFFLINE" },
    ];
    const { result, requests } = await invoke("getDevices", args, { count: 3, nodes });
    expect(requests).toEqual([`GET /v3/{p}/ai-mgr/nodes?name=cam&workspace_id=ws-1&app_name=detector&tags=site.north%2Crole.gate&provider=ief&status=RUNNING&active_status=ACTIVATED&limit=100&offset=0`]);
    expect(result).toEqual({
      devices: [
        { id: "n-1", name: "cam-1", state: "RUNNING", firmwareStatus: 3, hostIps: ["10.0.0.5"], tags: [{ key: "site", value: "north" }, { key: "floor", value: "3" }] },
        { id: "n-2", name: "cam-2", state: "RUNNING", tags: [{ key: "site", value: "north" }] },
        { id: "n-3", name: "cam-3", state: "OFFLINE", tags: [] },
      ],
    });
    expect((await invoke("getDevices", {}, { count: 0, nodes: [] })).requests).toEqual(["GET /v3/{p}/ai-mgr/nodes?limit=100&offset=0"]);
  });

  it("getDeploymentInstances asks by deployment, device and workspace and maps the pods", async () => {
    const pod = { id: "p-1", name: "detector-1", deployment_id: "d-1", node_id: "n-1", status: "Running", reason: null, host_ip: "10.0.0.5", created_at: "t1", updated_at: "t2", apps: [{ name: "a" }], configs: { restart_policy: "Always" } };
    const { result, requests } = await invoke("getDeploymentInstances", { deploymentId: "d-1", nodeId: "n-1", workspaceId: "ws-1" }, { count: 1, pods: [pod] });
    expect(requests).toEqual(["GET /v3/{p}/ai-mgr/pods?deployment_id=d-1&node_id=n-1&workspace_id=ws-1&limit=100&offset=0"]);
    expect(result).toEqual({ instances: [{ id: "p-1", name: "detector-1", deploymentId: "d-1", nodeId: "n-1", status: "Running", hostIp: "10.0.0.5", createdAt: "t1", updatedAt: "t2", apps: [{ name: "a" }], configs: { restartPolicy: "Always" } }] });
  });

  it("getSkills sends every filter, lists separated by spaces (§5.9.1); getSkill asks for a version; getSkillOrders filters by name and form (§5.9.4); their numeric IDs read as text", async () => {
    const args = { skillName: "people", skillForm: "support_template", permission: "public", templateSource: "studio", status: 1, chargeModels: [0, 2], platform: "Linux", chip: "Ascend 310", type: "standard", deviceTypes: ["HiLens_Lite", "Atlas_500"], scenes: ["retail", "traffic"] };
    const skill = { skill_id: 12, name: "people-counting", version: "1.1.0", charge_model: 0, chip: null, versions: ["1.0.0", "1.1.0"] };
    const skills = await invoke("getSkills", args, { total: 1, data: [skill] });
    expect(skills.requests).toEqual(["GET /v1/skill-market/skills?skill_name=people&skill_form=support_template&permission=public&template_source=studio&status=1&charge_models=0+2&platform=Linux&chip=Ascend+310&type=standard&device_types=HiLens_Lite+Atlas_500&scenes=retail+traffic&limit=100&offset=0"]);
    const asRead = { skillId: "12", name: "people-counting", version: "1.1.0", chargeModel: 0, versions: ["1.0.0", "1.1.0"] };
    expect(skills.result).toEqual({ skills: [asRead] });
    const detail = await invoke("getSkill", { skillId: "12", version: "1.1.0" }, skill);
    expect(detail.requests).toEqual(["GET /v1/skill-market/skills/12?version=1.1.0"]);
    expect(detail.result).toEqual(asRead);
    const order = { order_id: 7, skill_id: 12, skill_name: "people-counting", amount: 1, used_amount: null, status: 0 };
    const orders = await invoke("getSkillOrders", { skillName: "people", skillForm: "no_template" }, { total: 1, data: [order] });
    expect(orders.requests).toEqual(["GET /v1/{p}/skill-market/skill-order?skill_name=people&skill_form=no_template&limit=100&offset=0"]);
    expect(orders.result).toEqual({ orders: [{ orderId: "7", skillId: "12", skillName: "people-counting", amount: 1, status: 0 }] });
  });

  it("the skill market and order lists stop at their `total`: a full page of 100 that is all of them is read once", async () => {
    const hundred = (row: (i: number) => object) => ({ total: 100, data: Array.from({ length: 100 }, (_, i) => row(i)) });
    expect((await invoke("getSkills", {}, hundred((i) => ({ skill_id: i, name: `skill-${i}` })))).requests).toEqual(["GET /v1/skill-market/skills?limit=100&offset=0"]);
    expect((await invoke("getSkillOrders", {}, hundred((i) => ({ order_id: i, skill_id: 1, amount: 1, status: 0 })))).requests).toEqual(["GET /v1/{p}/skill-market/skill-order?limit=100&offset=0"]);
    expect((await invoke("getRunServiceOrders", {}, hundred((i) => ({ id: `o-${i}`, device_type: "small_device", amount: 1, used_amount: 0, status: 0 })))).requests).toEqual(["GET /v1/{p}/platform-manager/orders?limit=100&offset=0"]);
  });

  it("getActivationRecords reads the device's records (§5.1.11) and getRunServiceOrders the orders by id, class and edition (§5.1.12)", async () => {
    const records = await invoke("getActivationRecords", { nodeId: "n-1" }, { count: 1, records: [{ active_status: "ACTIVATED", update_time: "t1", node_id: "n-1", project_id: null }] });
    expect(records.requests).toEqual(["GET /v3/{p}/ai-mgr/nodes/n-1/activation/records?limit=100&offset=0"]);
    expect(records.result).toEqual({ records: [{ activeStatus: "ACTIVATED", updateTime: "t1", nodeId: "n-1" }] });
    const order = { id: "o-1", device_type: "small_device", amount: 2, used_amount: 1, status: 0, cbc_order_id: null, order_update_time: "t2" };
    const orders = await invoke("getRunServiceOrders", { id: "o-1", deviceType: "small_device", type: "running_service" }, { total: 1, data: [order] });
    expect(orders.requests).toEqual(["GET /v1/{p}/platform-manager/orders?id=o-1&device_type=small_device&type=running_service&limit=100&offset=0"]);
    expect(orders.result).toEqual({ orders: [{ id: "o-1", deviceType: "small_device", amount: 2, usedAmount: 1, status: 0, orderUpdateTime: "t2" }] });
  });
});
