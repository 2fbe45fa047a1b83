import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { resolveConfig } from "../config";
import { HuaweiServiceClient, huaweiAuth } from "../client/huawei";
import { InputError } from "../client/errors";
import { compact, toCamel } from "../framework/case";

/**
 * HiLens look-ups (our Pulumi "functions"): plain async functions, each with an `…Output` form
 * taking Inputs. They call the API from the program process with the stack's `edgeai:` config
 * (or the `HW_*` environment variables), the same settings resources use.
 */
function hilensClient(): HuaweiServiceClient {
  const stackConfig = new pulumi.Config("edgeai");
  const config = resolveConfig((key) => stackConfig.get(key));
  return new HuaweiServiceClient(config, "hilens", huaweiAuth(config));
}

function parseArgs<S extends z.ZodType>(fn: string, schema: S, args: unknown): z.infer<S> {
  const result = schema.safeParse(args ?? {});
  if (result.success) return result.data;
  throw new InputError(result.error.issues.map((i) => `edgeai:hilens:${fn}: field "${i.path.join(".") || "(args)"}": ${i.message}`).join("; "));
}

/** The `…Output` form of a function: Inputs in, an Output out. */
const outputForm =
  <A, R>(fn: (args: A) => Promise<R>) =>
  (args: pulumi.Input<A>): pulumi.Output<R> =>
    pulumi.output(args).apply((plain) => fn(plain as A));

const firmwareArgs = z.object({
  deviceType: z.string().min(1).describe("Device type, e.g. `General ARM Device` (a Device's `type` output); required (§5.2.1)."),
  arch: z.string().optional().describe("Architecture, e.g. aarch64."),
  osName: z.string().optional().describe("Operating system name."),
  osVersion: z.string().optional().describe("Operating system version."),
});
export type GetFirmwaresArgs = z.input<typeof firmwareArgs>;
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

/** §5.2.1: the firmware versions for a device type (for a Device's `firmwareVersion`). */
export async function getFirmwares(args: GetFirmwaresArgs): Promise<{ firmwares: Firmware[] }> {
  const a = parseArgs("getFirmwares", firmwareArgs, args);
  const rows = await hilensClient().listAll<any>("GET /v3/ai-mgr/firmwares", "firmwares", { query: { device_type: a.deviceType, arch: a.arch, os_name: a.osName, os_version: a.osVersion } });
  return { firmwares: rows.map((f) => compact(toCamel<Record<string, unknown>>(f)) as unknown as Firmware) };
}
export const getFirmwaresOutput = outputForm(getFirmwares);

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
export type GetDevicesArgs = z.input<typeof deviceArgs>;
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

/** §5.1.1 devices, filtered. Tags come back as a list whether the service answers a map or a list. */
export async function getDevices(args: GetDevicesArgs = {}): Promise<{ devices: DeviceSummary[] }> {
  const a = parseArgs("getDevices", deviceArgs, args);
  const query = { name: a.name, workspace_id: a.workspaceId, app_name: a.appName, tags: a.tags?.map((t) => `${t.key}.${t.value}`).join(","), provider: a.provider, status: a.status, active_status: a.activeStatus };
  const rows = await hilensClient().listAll<any>("GET /v3/{project_id}/ai-mgr/nodes", "nodes", { query });
  return {
    devices: rows.map((n) => {
      const tags = Array.isArray(n.tags) ? n.tags : Object.entries(n.tags ?? {}).map(([key, value]) => ({ key, value: String(value) }));
      return { ...compact(toCamel({ ...n, tags: undefined })), tags } as DeviceSummary;
    }),
  };
}
export const getDevicesOutput = outputForm(getDevices);

const instanceArgs = z.object({
  deploymentId: z.string().optional().describe("Instances of this deployment."),
  nodeId: z.string().optional().describe("Instances on this device."),
  workspaceId: z.string().optional().describe("Workspace (default: the account's default, \"0\")."),
});
export type GetDeploymentInstancesArgs = z.input<typeof instanceArgs>;
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

/** §5.3.9 instances (pods): one per device a deployment runs on, with its status (Pending, Running, Failed, ...). */
export async function getDeploymentInstances(args: GetDeploymentInstancesArgs = {}): Promise<{ instances: DeploymentInstance[] }> {
  const a = parseArgs("getDeploymentInstances", instanceArgs, args);
  const rows = await hilensClient().listAll<any>("GET /v3/{project_id}/ai-mgr/pods", "pods", { query: { deployment_id: a.deploymentId, node_id: a.nodeId, workspace_id: a.workspaceId } });
  return { instances: rows.map((p) => compact(toCamel<Record<string, unknown>>(p)) as unknown as DeploymentInstance) };
}
export const getDeploymentInstancesOutput = outputForm(getDeploymentInstances);
