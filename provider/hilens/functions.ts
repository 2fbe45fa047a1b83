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
/** §5.9.1 / §5.9.2 SkillInfo. */
const skill = z.object({
  skillId: z.string().describe("Skill ID (a SkillOrder's `skillId`)."),
  name: z.string().describe("Skill name."),
  version: z.string().optional().describe("Latest version (getSkill: the version asked for)."),
  chargeModel: z.number().optional().describe("0 free for ever (orderable with a SkillOrder), 1 charged, 2 30-day trial, 3 365-day trial, 4 charged for permanent use."),
  type: z.string().optional().describe("standard, or lite (for HiSilicon chips)."),
  format: z.string().optional().describe("file or image."),
  platform: z.string().optional().describe("Operating system: Linux, Android, iOS, LiteOS or Windows."),
  chip: z.string().optional().describe("Chip, e.g. Ascend 310."),
  description: z.string().optional().describe("Description."),
  summary: z.string().optional().describe("Summary."),
  developer: z.string().optional().describe("Developer."),
  mainScenes: z.string().optional().describe("Main scenario."),
  subScenes: z.string().optional().describe("Application scenario."),
  scenes: z.array(z.string()).optional().describe("Scenarios."),
  deviceTypes: z.array(z.string()).optional().describe("Supported device types."),
  appTemplateId: z.string().optional().describe("Its ModelBox deployment template, when it has one."),
  measureUnit: z.string().optional().describe("Unit charged: qps, road (camera channels) or instance."),
  channelLimit: z.number().optional().describe("Channels."),
  status: z.number().optional().describe("Review status: 1 approved, 2 rejected, 0 pending."),
  versionNum: z.number().optional().describe("Number of versions."),
  versions: z.array(z.string()).optional().describe("Every version (getSkill only)."),
  updateTime: z.string().optional().describe("Last update."),
  publishTime: z.string().optional().describe("Publication time."),
});
export type Skill = z.infer<typeof skill>;
const SKILL_NAME = /^[\u4e00-\u9fa5A-Za-z0-9_-]{1,60}$/;
const skillName = z.string().regex(SKILL_NAME, { message: "must be 1-60 Chinese characters, letters, digits, '_' or '-' (HiLens §5.9.1)" });
const skillForm = z.enum(["no_template", "support_template"]);
/** §5.9.1 list parameters: at most `max` items of 1-100 characters, sent separated by spaces (so an item holds none). */
const spacedItems = (max: number, pattern: RegExp, forbidden: string) =>
  z
    .array(z.string().min(1).max(100).regex(pattern, { message: `must not contain spaces or ${forbidden} (HiLens §5.9.1)` }))
    .max(max, { message: `must list at most ${max} (HiLens §5.9.1)` })
    .optional();
/** §5.9.1 lists several values of one parameter separated by spaces. */
const spaced = (list: readonly (string | number)[] | undefined) => list?.join(" ");
const asSkill = (s: any) => compact(toCamel<Record<string, unknown>>({ ...s, skill_id: String(s.skill_id) })) as unknown as Skill;

const skills = lookup({
  service: "hilens",
  name: "getSkills",
  description: "§5.9.1: the skills of the HiLens skill market, filtered (a free one, `chargeModel` 0, can be ordered with a SkillOrder).",
  args: z.object({
    skillName: skillName.optional().describe("Name contains this: 1-60 Chinese characters, letters, digits, '_', '-'."),
    skillForm: skillForm.optional().describe("support_template: has a ModelBox deployment template; no_template: has none."),
    permission: z.enum(["public", "whitelist"]).optional().describe("Visible to everyone (public) or to a whitelist."),
    templateSource: z.enum(["hilens", "ma_pro", "studio"]).optional().describe("Where the skill was made."),
    status: z.number().int().min(0).max(2).optional().describe("Review status: 1 approved, 2 rejected, 0 pending."),
    chargeModels: z.array(z.number().int().min(0).max(4)).optional().describe("Any of these charge models (0 free for ever, 1 charged, 2 30-day trial, 3 365-day trial, 4 charged, permanent)."),
    platform: z.enum(["Linux", "Android", "iOS", "LiteOS", "Windows"]).optional().describe("Operating system."),
    chip: z.string().optional().describe("Chip, e.g. `Ascend 310`."),
    type: z.enum(["lite", "standard"]).optional().describe("lite (HiSilicon chips) or standard."),
    deviceTypes: spacedItems(50, /^[^#~^$%&*<>{}[\]"\s]+$/, "# ~ ^ $ % & * < > { } [ ] \"").describe("Supports any of these device types."),
    scenes: spacedItems(20, /^[^#~^$%&*<>{}[\]"\\\s]+$/, "# ~ ^ $ % & * < > { } [ ] \" \\").describe("Suits any of these scenarios."),
  }),
  result: z.object({ skills: z.array(skill).describe("The matching skills, every page.") }),
  async run(ctx, a): Promise<{ skills: Skill[] }> {
    const query = { skill_name: a.skillName, skill_form: a.skillForm, permission: a.permission, template_source: a.templateSource, status: a.status, charge_models: spaced(a.chargeModels), platform: a.platform, chip: a.chip, type: a.type, device_types: spaced(a.deviceTypes), scenes: spaced(a.scenes) };
    const rows = await ctx.hilens.listAll<any>("GET /v1/skill-market/skills", "data", { query, countKey: "total" });
    return { skills: rows.map(asSkill) };
  },
});

const skillDetail = lookup({
  service: "hilens",
  name: "getSkill",
  description: "§5.9.2: one skill of the market with every version.",
  args: z.object({
    skillId: z.string().min(1).describe("Skill ID (required)."),
    version: z.string().optional().describe("This version of it."),
  }),
  result: skill,
  async run(ctx, a): Promise<Skill> {
    return asSkill(await ctx.hilens.call("GET /v1/skill-market/skills/{skill_id}", { skill_id: a.skillId }, { query: { version: a.version } }));
  },
});

/** §5.9.4 SkillOrderInfo. */
const skillOrder = z.object({
  orderId: z.string().describe("Order ID (a SkillOrder's `id`)."),
  skillId: z.string().describe("The skill ordered."),
  skillName: z.string().optional().describe("Its name."),
  amount: z.number().describe("Units ordered."),
  usedAmount: z.number().optional().describe("Units in use."),
  status: z.number().describe("0 normal, 1 frozen, 2 restricted."),
  chargeModel: z.number().optional().describe("Charge model."),
  commissionFlag: z.number().optional().describe("Customised-skill flag."),
  versions: z.array(z.string()).optional().describe("Versions covered."),
  format: z.string().optional().describe("file or image."),
  measureUnit: z.string().optional().describe("Unit of the amount: qps, road or instance."),
  expireTime: z.number().optional().describe("Expiry (ms since epoch), when it expires."),
  updateTime: z.number().optional().describe("Last change (ms since epoch)."),
});
export type SkillOrderInfo = z.infer<typeof skillOrder>;

const skillOrders = lookup({
  service: "hilens",
  name: "getSkillOrders",
  description: "§5.9.4: the project's skill orders (free ones placed with SkillOrder included).",
  args: z.object({
    skillName: skillName.optional().describe("Skill name contains this: 1-60 Chinese characters, letters, digits, '_', '-'."),
    skillForm: skillForm.optional().describe("support_template or no_template (ModelBox deployment template)."),
  }),
  result: z.object({ orders: z.array(skillOrder).describe("The orders, every page.") }),
  async run(ctx, a): Promise<{ orders: SkillOrderInfo[] }> {
    const rows = await ctx.hilens.listAll<any>("GET /v1/{project_id}/skill-market/skill-order", "data", { query: { skill_name: a.skillName, skill_form: a.skillForm }, countKey: "total" });
    return { orders: rows.map((o) => compact(toCamel<Record<string, unknown>>({ ...o, skill_id: String(o.skill_id), order_id: String(o.order_id) })) as unknown as SkillOrderInfo) };
  },
});

const activationRecord = z.object({
  activeStatus: z.string().describe("ACTIVATED or INACTIVE from then on."),
  updateTime: z.string().describe("When."),
  nodeId: z.string().describe("The device."),
  projectId: z.string().optional().describe("Project ID."),
});
export type ActivationRecord = z.infer<typeof activationRecord>;

const activationRecords = lookup({
  service: "hilens",
  name: "getActivationRecords",
  description: "§5.1.11: a device's activation history (each activation and deactivation with a run-service-fee order, oldest first).",
  args: z.object({ nodeId: z.string().min(1).describe("Device ID (a Device's `id`; required).") }),
  result: z.object({ records: z.array(activationRecord).describe("The records, every page.") }),
  async run(ctx, a): Promise<{ records: ActivationRecord[] }> {
    const rows = await ctx.hilens.listAll<any>("GET /v3/{project_id}/ai-mgr/nodes/{node_id}/activation/records", "records", { params: { node_id: a.nodeId } });
    return { records: rows.map((r) => compact(toCamel<Record<string, unknown>>(r)) as unknown as ActivationRecord) };
  },
});

const DEVICE_CLASSES = ["lite_device", "small_device", "large_device", "large_device_cpu", "large_device_gpu_npu"] as const;
const runServiceOrder = z.object({
  id: z.string().describe("Order ID: what a Device's `activation` takes."),
  deviceType: z.string().describe("Device class it activates: lite_device, small_device, large_device, large_device_cpu or large_device_gpu_npu."),
  amount: z.number().describe("Devices it can activate."),
  usedAmount: z.number().describe("Devices activated with it."),
  status: z.number().describe("Order status (0: usable)."),
  cbcOrderId: z.string().optional().describe("Billing (CBC) order ID."),
  orderUpdateTime: z.string().optional().describe("Last change."),
});
export type RunServiceOrder = z.infer<typeof runServiceOrder>;

const runServiceOrders = lookup({
  service: "hilens",
  name: "getRunServiceOrders",
  description: "§5.1.12: the project's run-service-fee orders (bought in the console), with the units left for activating devices.",
  args: z.object({
    id: z.string().optional().describe("Only this order."),
    deviceType: z.enum(DEVICE_CLASSES).optional().describe("Orders for this device class."),
    type: z.enum(["running_service", "development_service"]).optional().describe("running_service (professional edition) or development_service (standard edition)."),
  }),
  result: z.object({ orders: z.array(runServiceOrder).describe("The orders, every page.") }),
  async run(ctx, a): Promise<{ orders: RunServiceOrder[] }> {
    const rows = await ctx.hilens.listAll<any>("GET /v1/{project_id}/platform-manager/orders", "data", { query: { id: a.id, device_type: a.deviceType, type: a.type }, countKey: "total" });
    return { orders: rows.map((o) => compact(toCamel<Record<string, unknown>>(o)) as unknown as RunServiceOrder) };
  },
});

export const lookups = [firmwares.definition, devices.definition, instances.definition, skills.definition, skillDetail.definition, skillOrders.definition, activationRecords.definition, runServiceOrders.definition];
/** The plain and Output forms of each look-up; `generated.ts` exports them typed and documented. */
export const lookupFunctions = {
  getFirmwares: firmwares,
  getDevices: devices,
  getDeploymentInstances: instances,
  getSkills: skills,
  getSkill: skillDetail,
  getSkillOrders: skillOrders,
  getActivationRecords: activationRecords,
  getRunServiceOrders: runServiceOrders,
};
