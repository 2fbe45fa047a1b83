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
export interface Firmware {
  id: string;
  name: string;
  version: string;
  description?: string;
  versionType?: string;
  expireTime?: string;
  firmwareWhitelist?: string[];
  type?: string;
  series?: string;
  deviceType?: string;
  arch?: string;
  osName?: string;
  osType?: string;
  osVersion?: string;
  size?: number;
  createTime?: number;
  updateTime?: number;
}

const firmwares = lookup({
  service: "hilens",
  name: "getFirmwares",
  description: "§5.2.1: the firmware versions for a device type (for a Device's `firmwareVersion`).",
  args: firmwareArgs,
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
export interface DeviceSummary {
  id: string;
  name: string;
  state: string;
  description?: string;
  createdAt?: string;
  type?: string;
  activeStatus?: string;
  firmwareName?: string;
  firmwareStatus?: number;
  upgradeFirmwareVersion?: string;
  cpu?: number;
  gpuNum?: number;
  npuNum?: number;
  hostIps?: string[];
  tags: { key: string; value: string }[];
  deploymentNum?: number;
}

const devices = lookup({
  service: "hilens",
  name: "getDevices",
  description: "§5.1.1: devices, filtered. Tags come back as a list whether the service answers a map or a list.",
  args: deviceArgs,
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
export interface DeploymentInstance {
  id: string;
  name: string;
  deploymentId: string;
  nodeId: string;
  status: string;
  reason?: string;
  hostIp?: string;
  createdAt?: string;
  updatedAt?: string;
  apps?: unknown[];
  configs?: unknown;
}

const instances = lookup({
  service: "hilens",
  name: "getDeploymentInstances",
  description: "§5.3.9: instances (pods), one per device a deployment runs on, with its status (Pending, Running, Failed, ...).",
  args: instanceArgs,
  async run(ctx, a): Promise<{ instances: DeploymentInstance[] }> {
    const rows = await ctx.hilens.listAll<any>("GET /v3/{project_id}/ai-mgr/pods", "pods", { query: { deployment_id: a.deploymentId, node_id: a.nodeId, workspace_id: a.workspaceId } });
    return { instances: rows.map((p) => compact(toCamel<Record<string, unknown>>(p)) as unknown as DeploymentInstance) };
  },
});
export const lookups = [firmwares.definition, devices.definition, instances.definition];
/** The plain and Output forms of each look-up; `generated.ts` exports them typed and documented. */
export const lookupFunctions = { getFirmwares: firmwares, getDevices: devices, getDeploymentInstances: instances };
