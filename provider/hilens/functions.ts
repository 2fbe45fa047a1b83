import { z } from "zod";
import { compact, toCamel } from "../framework/case";
import { lookup } from "../framework/lookup";

/** HiLens look-ups: each a plain async function and an `…Output` form (framework/lookup.ts). */
const firmwareArgs = z.object({
  deviceType: z.string().min(1).describe("Device type, e.g. `General ARM Device` (a Device's `type` output); required (§5.2.1)."),
  arch: z.string().optional().describe("Architecture, e.g. aarch64."),
  osName: z.string().optional().describe("Operating system name."),
  osVersion: z.string().optional().describe("Operating system version."),
});
const firmware = z.object({
  id: z.string().describe("Firmware ID."),
  name: z.string().describe("Firmware name."),
  version: z.string().describe("Firmware version (X.Y.Z): what a Device's `firmwareVersion` takes."),
  description: z.string().optional().describe("Description."),
  versionType: z.string().optional().describe("Version type (e.g. a release or a beta)."),
  expireTime: z.string().optional().describe("When the version stops being offered."),
  firmwareWhitelist: z.array(z.string()).optional().describe("Versions that may upgrade to this one."),
  type: z.string().optional().describe("Firmware type."),
  series: z.string().optional().describe("Device series."),
  deviceType: z.string().optional().describe("Device type it is for."),
  arch: z.string().optional().describe("Architecture, e.g. aarch64."),
  osName: z.string().optional().describe("Operating system name."),
  osType: z.string().optional().describe("Operating system type."),
  osVersion: z.string().optional().describe("Operating system version."),
  size: z.number().optional().describe("Package size in bytes."),
  createTime: z.number().optional().describe("Creation time (ms since epoch)."),
  updateTime: z.number().optional().describe("Last update time (ms since epoch)."),
});
export type Firmware = z.infer<typeof firmware>;
const firmwaresResult = z.object({ firmwares: z.array(firmware).describe("The firmware versions, in the service's order.") });

const firmwares = lookup({
  service: "hilens",
  name: "getFirmwares",
  description: "§5.2.1: the firmware versions for a device type (for a Device's `firmwareVersion`).",
  args: firmwareArgs,
  result: firmwaresResult,
  async run(ctx, a): Promise<{ firmwares: Firmware[] }> {
      const rows = await ctx.hilens.listAll<any>("GET /v3/ai-mgr/firmwares", "firmwares", { query: { device_type: a.deviceType, arch: a.arch, os_name: a.osName, os_version: a.osVersion } });
      return { firmwares: rows.map((f) => compact(toCamel<Record<string, unknown>>(f)) as unknown as Firmware) };
  },
});

const TAG_PART = /^[A-Za-z0-9_-]{1,43}$/;
const deviceArgs = z.object({
  name: z.string().max(64).optional().describe("Name contains this (§5.1.1)."),
  workspaceId: z.string().optional().describe("Workspace ID (default: the account's default workspace)."),
  appName: z.string().max(32).optional().describe("Runs a deployment whose name contains this."),
  tags: z
    .array(z.object({ key: z.string().regex(TAG_PART), value: z.string().regex(TAG_PART) }))
    .optional()
    .describe("Carries every one of these tags."),
  provider: z.enum(["hilens", "ief"]).optional().describe("Managing platform (default: all)."),
  status: z.string().optional().describe("Device state, e.g. RUNNING."),
  activeStatus: z.enum(["INACTIVE", "ACTIVATED", "EXPIRED"]).optional().describe("Activation status."),
});
const deviceSummary = z.object({
  id: z.string().describe("Device ID (a Device's `id`)."),
  name: z.string().describe("Device name."),
  state: z.string().describe("Device state, e.g. RUNNING or OFFLINE."),
  description: z.string().optional().describe("Description."),
  createdAt: z.string().optional().describe("Registration time."),
  type: z.string().optional().describe("Device type, e.g. `General ARM Device` (for `getFirmwares`)."),
  activeStatus: z.string().optional().describe("Activation status: INACTIVE, ACTIVATED or EXPIRED."),
  firmwareName: z.string().optional().describe("Installed firmware."),
  firmwareStatus: z.number().optional().describe("Firmware upgrade status code."),
  upgradeFirmwareVersion: z.string().optional().describe("Firmware version being upgraded to."),
  cpu: z.number().optional().describe("CPU cores."),
  gpuNum: z.number().optional().describe("GPUs."),
  npuNum: z.number().optional().describe("NPUs."),
  hostIps: z.array(z.string()).optional().describe("The device's IP addresses."),
  tags: z.array(z.object({ key: z.string().describe("Tag key."), value: z.string().describe("Tag value.") })).describe("Tags, as a list whatever shape the service answers."),
  deploymentNum: z.number().optional().describe("Deployments running on it."),
});
export type DeviceSummary = z.infer<typeof deviceSummary>;
const devicesResult = z.object({ devices: z.array(deviceSummary).describe("The matching devices, every page.") });

const devices = lookup({
  service: "hilens",
  name: "getDevices",
  description: "§5.1.1: devices, filtered. Tags come back as a list whether the service answers a map or a list.",
  args: deviceArgs,
  result: devicesResult,
  async run(ctx, a): Promise<{ devices: DeviceSummary[] }> {
    const query = { name: a.name, workspace_id: a.workspaceId, app_name: a.appName, tags: a.tags?.map((t) => `${t.key}.${t.value}`).join(","), provider: a.provider, status: a.status, active_status: a.activeStatus };
    const rows = await ctx.hilens.listAll<any>("GET /v3/{project_id}/ai-mgr/nodes", "nodes", { query });
    return {
      devices: rows.map((n) => {
        const tags = Array.isArray(n.tags) ? n.tags : Object.entries(n.tags ?? {}).map(([key, value]) => ({ key, value: String(value) }));
        return { ...compact(toCamel({ ...n, tags: undefined })), tags } as DeviceSummary;
      }),
    };
  },
});

const instanceArgs = z.object({
  deploymentId: z.string().optional().describe("Instances of this deployment."),
  nodeId: z.string().optional().describe("Instances on this device."),
  workspaceId: z.string().optional().describe("Workspace (default: the account's default, \"0\")."),
});
const deploymentInstance = z.object({
  id: z.string().describe("Instance (pod) ID."),
  name: z.string().describe("Instance name."),
  deploymentId: z.string().describe("Its deployment."),
  nodeId: z.string().describe("The device it runs on."),
  status: z.string().describe("Pending, Running, Failed, ..."),
  reason: z.string().optional().describe("Why it is not running, when it is not."),
  hostIp: z.string().optional().describe("The device's IP address."),
  createdAt: z.string().optional().describe("Creation time."),
  updatedAt: z.string().optional().describe("Last update time."),
  apps: z.array(z.unknown()).optional().describe("Its apps (containers) and their states, as the service answers them."),
  configs: z.unknown().optional().describe("Its runtime configuration, as the service answers it."),
});
export type DeploymentInstance = z.infer<typeof deploymentInstance>;
const instancesResult = z.object({ instances: z.array(deploymentInstance).describe("The instances, every page.") });

const instances = lookup({
  service: "hilens",
  name: "getDeploymentInstances",
  description: "§5.3.9: instances (pods), one per device a deployment runs on, with its status (Pending, Running, Failed, ...).",
  args: instanceArgs,
  result: instancesResult,
  async run(ctx, a): Promise<{ instances: DeploymentInstance[] }> {
    const rows = await ctx.hilens.listAll<any>("GET /v3/{project_id}/ai-mgr/pods", "pods", { query: { deployment_id: a.deploymentId, node_id: a.nodeId, workspace_id: a.workspaceId } });
    return { instances: rows.map((p) => compact(toCamel<Record<string, unknown>>(p)) as unknown as DeploymentInstance) };
  },
});
export const lookups = [firmwares.definition, devices.definition, instances.definition];
/** The plain and Output forms of each look-up; `generated.ts` exports them typed and documented. */
export const lookupFunctions = { getFirmwares: firmwares, getDevices: devices, getDeploymentInstances: instances };
