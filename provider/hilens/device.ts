import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { Context, NotReadyError, Props, defineResource, importIdField } from "../framework/definition";
import { compact, toCamel, toSnake } from "../framework/case";
import { AwaitInputs, awaitTimeoutsField, skipAwaitField, timeoutFor, waitFor } from "../framework/await";
import { InputError } from "../client/errors";
import { fieldIssue } from "../framework/validate";
import { descriptionField, hilensClient, idsByName, workspaceIdField } from "./common";
import { liveTags, nodeTagsField, reconcileTags } from "./tags";

export const DEVICE_NAME = /^[\u4e00-\u9fa5A-Za-z0-9_-]{1,64}$/;
const FIRMWARE_VERSION = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;
const DEFAULT_FIRMWARE_TIMEOUT_MS = 30 * 60_000;

const logConfig = z.object({
  component: z.enum(["app", "system"]).describe("`app` (application log) or `system` (system log) (HiLens §5.1.2 LogConfig)."),
  type: z.enum(["LTS", "local"]).describe("`LTS` sends the logs to Log Tank Service, `local` keeps them on the device."),
  level: z.enum(["error", "warning", "info", "debug"]).default("info").describe("System log level (default info)."),
  rotateNum: z.number().int().min(1).max(30, { message: "must be 1-30 (HiLens §5.1.2; 1-10 for provider ief)" }).default(5).describe("Rotated log files kept: 1-30 (ief: 1-10), default 5."),
  rotatePeriod: z.enum(["daily", "monthly", "weekly", "yearly"]).optional().describe("Rotation period; provider ief only."),
  // §5.1.2 types it a number but its example sends "50": both are accepted, the number is sent.
  size: z.coerce.number().int().min(10).max(1000, { message: "must be 10-1000 MB (HiLens §5.1.2)" }).default(50).describe("Application log file size limit in MB: 10-1000, default 50."),
});

/** §5.1.7 body: the run-service-fee order(s) that activate the device. */
const activation = z
  .object({
    orderId: z.string().min(1).optional().describe("Order for a lite or small device (`order_id`, §5.1.7): a `lite_device` or `small_device` order of `hilens.getRunServiceOrders`."),
    cpuOrderId: z.string().min(1).optional().describe("Order for a large device using its CPU (`cpu_order_id`, §5.1.7)."),
    npuGpuOrderId: z.string().min(1).optional().describe("Order for a large device using its GPU/NPU (`npu_gpu_order_id`, §5.1.7)."),
  })
  .refine((a) => !!(a.orderId || a.cpuOrderId || a.npuGpuOrderId), { message: "set at least one of orderId, cpuOrderId and npuGpuOrderId (HiLens §5.1.7)" });
type Activation = z.infer<typeof activation>;
// Stryker disable next-line BooleanLiteral,ArrayDeclaration: equivalent, the filter keeps what its callback answers truthy, `id` as `!!id`; and no activation's IDs are only compared with the orders a device holds (none: nothing is sent either way; some: never the mutant's made-up ID).
const orderIdsOf = (a: Activation | undefined) => (a ? [a.orderId, a.cpuOrderId, a.npuGpuOrderId].filter((id): id is string => !!id) : []);

const inputs = z
  .object({
    name: z
      .string()
      .regex(DEVICE_NAME, { message: "must be 1-64 Chinese characters, letters, digits, '_' or '-' (HiLens §5.1.2; the service answers HIL.0055)" })
      .describe("Device name: 1-64 Chinese characters, letters, digits, '_', '-' (§5.1.2). Not updatable (§5.1.4): changing it registers a new device."),
    description: descriptionField("§5.1.2"),
    enableGpu: z.boolean().default(false).describe("Enable the GPU (§5.1.2, updatable §5.1.4)."),
    enableNpu: z.boolean().default(false).describe("Enable the NPU (§5.1.2, updatable §5.1.4)."),
    npuType: z.enum(["D310", "D910"]).optional().describe("NPU type when the NPU is enabled: D310 (service default) or D910 (§5.1.2)."),
    logConfigs: z.array(logConfig).default([]).describe("Log collection settings (§5.1.2 LogConfig, updatable §5.1.4)."),
    tags: nodeTagsField.describe("Device tags, at most 20 (§5.1.2): reconciled with the tag API (§5.7) and read from it, so tags edited in the console show as drift on refresh. Deployments can target devices by tag."),
    workspaceId: workspaceIdField,
    iamUserId: z.string().min(1).optional().describe("Register the device under this sub-account (default: the caller, §5.1.2). Changing it registers a new device."),
    eventValidityPeriod: z.number().int().min(0).optional().describe("Event validity period in minutes (§5.1.2, updatable §5.1.4)."),
    provider: z.enum(["hilens", "ief"]).default("hilens").describe("Platform that manages the device: hilens (default) or ief (§5.1.2 query `provider`). Changing it registers a new device."),
    activation: activation
      .optional()
      .describe(
        "Activate the device with run-service-fee orders (§5.1.7; one unit of each order per device). Changing it unbinds the old orders (§5.1.8) and activates with the new ones; removing it unbinds them, leaving the device INACTIVE. Changed in place. The history is `hilens.getActivationRecords`.",
      ),
    enabled: z.boolean().default(true).describe("Whether the device is started: false stops it (it can no longer connect to the cloud), true starts it again (§5.1.6). Changed in place."),
    firmwareVersion: z
      .string()
      .regex(FIRMWARE_VERSION, { message: "must be X.Y.Z with parts of at most 3 digits and no leading zeros (HiLens §5.1.3)" })
      .optional()
      .describe(
        "Desired agent firmware version (X.Y.Z, one of `getFirmwares` for the device's type). When the connected device runs another version, create/update upgrades it (§5.1.9) and waits on the progress (§5.1.10) within the create/update timeout, failing with the reported cause. A device that has not connected yet is upgraded by the first `up` after it connects (its version shows as drift on refresh).",
      ),
    awaitTimeouts: awaitTimeoutsField,
    skipAwait: skipAwaitField,
    importId: importIdField,
  })
  .superRefine((d, issue) => {
    d.logConfigs.forEach((c, i) => {
      if (c.rotatePeriod && d.provider !== "ief") fieldIssue(issue, ["logConfigs", i, "rotatePeriod"], "is only supported with provider ief (HiLens §5.1.2)");
      if (d.provider === "ief" && c.rotateNum > 10) fieldIssue(issue, ["logConfigs", i, "rotateNum"], "must be 1-10 with provider ief (HiLens §5.1.2)");
    });
    if (d.npuType && !d.enableNpu) fieldIssue(issue, ["npuType"], "is only meaningful with enableNpu: true (HiLens §5.1.4)");
  });

const outputs = z.object({
  package: z.string().describe("The registration package: base64 of a .tar.gz holding node.conf, the device certificate and its private key (§5.1.2). Returned only at registration, so it is kept in state (secret) across refresh and update; install it on the device."),
  state: z.string().describe("UNCONNECTED, RUNNING, FAIL, STOPPED, UPGRADING or FREEZE (§5.1.3)."),
  activeStatus: z.string().optional().describe("INACTIVE or ACTIVATED."),
  activeContent: z.array(z.string()).optional().describe("The orders the device is activated with (§5.1.3 active_content)."),
  type: z.string().optional().describe("Device type, e.g. `General ARM Device`: the `deviceType` of `getFirmwares`."),
  arch: z.string().optional().describe("Architecture, e.g. aarch64 (once connected)."),
  hostIps: z.array(z.string()).optional().describe("Host IP addresses (once connected)."),
  firmwareName: z.string().optional().describe("Agent firmware name (once connected)."),
  runningFirmwareVersion: z.string().optional().describe("The firmware version the device reports (once connected)."),
  firmwareStatus: z.string().optional().describe("Last upgrade: 1 upgrading, 2 failed, 3 succeeded."),
  deploymentNum: z.number().optional().describe("Deployments on the device."),
  createdAt: z.string().optional().describe("Registration time."),
  updatedAt: z.string().optional().describe("Last update time."),
});

type Inputs = z.infer<typeof inputs>;

const node = "/v3/{project_id}/ai-mgr/nodes/{id}";

/** The §5.1.4 body: the updatable fields. npu_type is sent as null when the NPU is off, as the document asks. */
const updatableBody = (i: Inputs) => ({
  description: i.description ?? "",
  log_configs: toSnake(i.logConfigs),
  tags: i.tags,
  event_validity_period: i.eventValidityPeriod,
  enable_gpu: i.enableGpu,
  enable_npu: i.enableNpu,
  npu_type: i.enableNpu ? (i.npuType ?? null) : null,
});

async function detail(ctx: Context, id: string): Promise<any> {
  return ctx.hilens.call(`GET ${node}`, { id });
}

function stateOf(d: any): Props {
  const c = toCamel(d);
  return compact({
    state: c.state,
    activeStatus: c.activeStatus,
    activeContent: c.activeContent ?? [],
    type: c.type,
    arch: c.arch,
    hostIps: c.hostIps,
    firmwareName: c.firmwareName,
    runningFirmwareVersion: c.firmwareVersion,
    firmwareStatus: c.firmwareStatus === null || c.firmwareStatus === undefined ? undefined : String(c.firmwareStatus),
    deploymentNum: c.deploymentNum,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });
}

/** §5.2.1 + §5.1.9 + §5.1.10: find the firmware of that version for the device's type, start the upgrade, follow it. */
async function upgradeFirmware(ctx: Context, id: string, inputs: Inputs, timeoutMs: number, carried: Props): Promise<void> {
  const d = await detail(ctx, id);
  const version = inputs.firmwareVersion!;
  if (!d.firmware_version || d.firmware_version === version) return;
  const firmwares = await ctx.hilens.listAll<any>("GET /v3/ai-mgr/firmwares", "firmwares", { query: { device_type: d.type, arch: d.arch ?? undefined } });
  const firmware = firmwares.find((f) => f.version === version && (!d.firmware_name || f.name === d.firmware_name));
  if (!firmware)
    throw new InputError(`edgeai:hilens:Device "${inputs.name}": field "firmwareVersion": no firmware ${version} for a ${d.type} (${d.arch}); available: ${firmwares.map((f) => f.version).join(", ") || "none"} (see hilens.getFirmwares)`);
  await ctx.hilens.call("PUT /v3/{project_id}/node-manager/node/{id}/firmware/{firmware_id}", { id, firmware_id: firmware.id });
  if (inputs.skipAwait) return;
  const result = await waitFor(ctx, `device ${inputs.name}: firmware ${d.firmware_version} → ${version}`, timeoutMs, async () => {
    const p = await ctx.hilens.call("GET /v3/{project_id}/node-manager/node/{id}/firmware/upgrade-progress", { id });
    // The table types status as Integer, the example as a string: both are accepted.
    const status = Number(p.status);
    return { done: status === 3, failure: status === 2 ? p.cause || "the upgrade failed" : undefined, status: status === 3 ? "upgraded" : status === 2 ? "failed" : `upgrading, ${p.progress ?? 0}%`, value: p };
  });
  if (!result.ok) throw new NotReadyError(`edgeai:hilens:Device "${inputs.name}" (${id}): firmware upgrade to ${version} did not complete: ${result.reason}`, id, { ...carried, ...stateOf(await detail(ctx, id)) });
}

/** §5.1.8 then §5.1.7: binds the device to the orders of `next` (none: it stays deactivated). */
async function setActivation(ctx: Context, id: string, live: string[], next: Activation | undefined): Promise<void> {
  if (isDeepStrictEqual([...live].sort(), orderIdsOf(next).sort())) return;
  if (live.length) await ctx.hilens.call(`POST ${node}/deactivate`, { id });
  if (next) await ctx.hilens.call(`POST ${node}/activate`, { id }, { body: compact({ order_id: next.orderId, cpu_order_id: next.cpuOrderId, npu_gpu_order_id: next.npuGpuOrderId }) });
}

/**
 * The activation as the program declared it when the device holds exactly those orders
 * (§5.1.3 `active_content` lists the order IDs, not which field bound each); other orders read
 * back as `orderId` (one) or `cpuOrderId` + `npuGpuOrderId` (two), so they show as drift.
 */
function liveActivation(live: string[], declared: Activation | undefined): Activation | undefined {
  if (!live.length) return undefined;
  if (isDeepStrictEqual([...live].sort(), orderIdsOf(declared).sort())) return declared;
  return live.length === 1 ? { orderId: live[0] } : { cpuOrderId: live[0], npuGpuOrderId: live[1] };
}

/**
 * The platform that manages the device: §5.1.3 does not return it, but §5.1.1 filters by it. Only
 * an import needs this (it reads the device with no previous inputs); otherwise the program's
 * value stands, since changing it registers a new device.
 */
async function providerOf(ctx: Context, id: string, name: string): Promise<Inputs["provider"]> {
  const managedByIef = await ctx.hilens.listAll<any>("GET /v3/{project_id}/ai-mgr/nodes", "nodes", { query: { name, provider: "ief" } });
  return managedByIef.some((n) => n.id === id) ? "ief" : "hilens";
}

async function setEnabled(ctx: Context, id: string, enabled: boolean, provider: Inputs["provider"]): Promise<void> {
  // Starting a started device (or stopping a stopped one) changes nothing: safe to repeat. The
  // `provider` query names the platform managing the device (§5.1.6): without it, hilens is assumed.
  await ctx.hilens.call(`POST ${node}/action/{action}`, { id, action: enabled ? "start" : "stop" }, { idempotent: true, query: { provider } });
}

export const deviceDefinition = defineResource({
  service: "hilens",
  name: "Device",
  description:
    "A HiLens edge device (§5.1): registered with its configuration, started or stopped, its agent firmware kept at a version. The registration `package` (certificate and private key) is a secret output, returned once and kept in state.",
  inputs,
  outputs,
  immutable: ["name", "workspaceId", "iamUserId", "provider"],
  identity: {
    by: "new",
    doc: "the devices of its workspace with its name, listed before registering (§5.1.3; names are not documented as unique): after a lost answer, the new one is the device registered. Its one-time registration package (§5.1.1) was in the lost answer and cannot be read again, so that device, never activated without it, is deleted and registered anew",
    candidates: (ctx, i) => idsByName(ctx, "GET /v3/{project_id}/ai-mgr/nodes", "nodes", i.name, { workspaceId: i.workspaceId }),
    whenFound: "recreate",
  },
  secretOutputs: ["package"],
  api: {
    async create(ctx, i) {
      const body = { node: compact({ name: i.name, description: i.description, enable_gpu: i.enableGpu, enable_npu: i.enableNpu, npu_type: i.npuType, iam_user_id: i.iamUserId, log_configs: toSnake(i.logConfigs), tags: i.tags, workspace_id: i.workspaceId, event_validity_period: i.eventValidityPeriod }) };
      const registered = await hilensClient(ctx).call("POST /v3/{project_id}/ai-mgr/nodes", {}, { query: { provider: i.provider }, body });
      const id: string = registered.id;
      // Everything after this point must keep the package: it is never returned again.
      const carried = { package: registered.package };
      try {
        // A new device holds no orders: with no activation declared, nothing is sent.
        await setActivation(ctx, id, [], i.activation);
        if (!i.enabled) await setEnabled(ctx, id, false, i.provider);
        if (i.firmwareVersion) await upgradeFirmware(ctx, id, i, timeoutFor(i as AwaitInputs, "create", DEFAULT_FIRMWARE_TIMEOUT_MS), carried);
        return { id, state: { ...carried, ...stateOf(await detail(ctx, id)) } };
      } catch (err) {
        if (err instanceof NotReadyError) throw err;
        throw new NotReadyError(`edgeai:hilens:Device "${i.name}" (${id}) was registered but not configured: ${(err as Error).message}`, id, carried);
      }
    },
    async read(ctx, id, declared) {
      const d = await detail(ctx, id);
      const c = toCamel(d);
      return {
        inputs: compact({
          name: c.name,
          description: c.description || undefined,
          enableGpu: c.enableGpu,
          enableNpu: c.enableNpu,
          npuType: c.npuType ?? undefined,
          logConfigs: c.logConfigs ?? [],
          tags: await liveTags(ctx, "node", id, declared.tags),
          eventValidityPeriod: c.eventValidityPeriod ?? undefined,
          activation: liveActivation(c.activeContent ?? [], declared.activation),
          enabled: c.state !== "STOPPED",
          // A device that never connected reports no version: nothing to compare yet.
          firmwareVersion: c.firmwareVersion ?? undefined,
          provider: declared.provider ?? (await providerOf(ctx, id, c.name)),
        }),
        state: stateOf(d),
      };
    },
    async update(ctx, id, olds, news, state) {
      await ctx.hilens.call(`PUT ${node}`, { id }, { body: { node: updatableBody(news) } });
      await reconcileTags(ctx.hilens, "node", id, news.tags);
      // Against the live orders, not olds: an update that finishes a partial create (activation failed) has olds equal to news.
      await setActivation(ctx, id, (await detail(ctx, id)).active_content ?? [], news.activation);
      if (olds.enabled !== news.enabled) await setEnabled(ctx, id, news.enabled, news.provider);
      if (news.firmwareVersion) await upgradeFirmware(ctx, id, news, timeoutFor(news as AwaitInputs, "update", DEFAULT_FIRMWARE_TIMEOUT_MS), state);
      return stateOf(await detail(ctx, id));
    },
    async delete(ctx, id, i) {
      // Unbinding first gives the order's unit back (§5.1.8); the document does not say a deleted device does.
      if (i.activation) await setActivation(ctx, id, (await detail(ctx, id)).active_content ?? [], undefined);
      await ctx.hilens.call(`DELETE ${node}`, { id });
    },
  },
});

