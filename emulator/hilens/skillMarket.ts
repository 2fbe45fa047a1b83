import { createHash, randomUUID } from "node:crypto";
import { EmuError, EmuRequest, page, route } from "../http";
import { nowOf } from "../clock";
import { invalid, notFound, oneOf, optionalInt, optionalString, requireInt, requireString } from "./validation";

/**
 * §5.9 the skill market: the service's catalog of skills (the same for every project, like the
 * firmware catalog) and each project's skill orders. Only free skills can be ordered through the
 * API (§5.9.3 "创建免费技能订单"); the document has no call to change or cancel an order.
 */
export const SKILL_ORDER_KIND = "skill_order";
type Row = Record<string, any>;

const FREE = 0;
/** §5.9.1 charge_model: 0 free for ever, 1 charged, 2 30-day trial, 3 365-day trial, 4 charged (permanent use). */
const CHARGE_MODELS = [0, 1, 2, 3, 4];
const PLATFORMS = ["Linux", "Android", "iOS", "LiteOS", "Windows"] as const;
/** §5.9.1 skill_name and §5.9.4 skill_name: 1-60 Chinese characters, letters, digits, '_', '-'. */
const SKILL_NAME = { pattern: /^[\u4e00-\u9fa5A-Za-z0-9_-]{1,60}$/, max: 60, rule: "must be 1-60 Chinese characters, letters, digits, '_' or '-'" };
/** §5.9.1: the characters each item of device_types, and of scenes (which also forbids '\'), may not hold. */
const DEVICE_TYPE_ITEM = { pattern: /^[^#~^$%&*<>{}[\]"]+$/, forbidden: '# ~ ^ $ % & * < > { } [ ] "' };
const SCENE_ITEM = { pattern: /^[^#~^$%&*<>{}[\]"\\]+$/, forbidden: '# ~ ^ $ % & * < > { } [ ] " \\' };

interface SkillSeed {
  name: string;
  charge_model: number;
  versions: string[];
  chip: string;
  type: "standard" | "lite";
  format: "file" | "image";
  main_scenes: string;
  sub_scenes: string;
  scenes: string[];
  device_types: string[];
  template: boolean;
  template_source: "hilens" | "ma_pro" | "studio";
  permission: "public" | "whitelist";
  measure_unit: "qps" | "road" | "instance";
}

/** Device types hold no spaces: §5.9.1 queries several separated by spaces. */
const SEEDS: SkillSeed[] = [
  { name: "people-counting", charge_model: 0, versions: ["1.0.0", "1.1.0"], chip: "Ascend 310", type: "standard", format: "image", main_scenes: "园区", sub_scenes: "客流统计", scenes: ["park", "retail"], device_types: ["HiLens_Kit", "Atlas_500"], template: true, template_source: "hilens", permission: "public", measure_unit: "road" },
  { name: "helmet-detection", charge_model: 0, versions: ["2.0.1"], chip: "Ascend 310", type: "standard", format: "file", main_scenes: "工地", sub_scenes: "安全帽检测", scenes: ["construction"], device_types: ["HiLens_Kit"], template: false, template_source: "hilens", permission: "public", measure_unit: "road" },
  { name: "mask-detection-lite", charge_model: 0, versions: ["0.3.0"], chip: "3516CV500", type: "lite", format: "file", main_scenes: "园区", sub_scenes: "口罩检测", scenes: ["park"], device_types: ["HiLens_Lite"], template: false, template_source: "studio", permission: "public", measure_unit: "instance" },
  { name: "pedestrian-tracking", charge_model: 1, versions: ["1.0.0"], chip: "Ascend 310", type: "standard", format: "image", main_scenes: "园区", sub_scenes: "行人轨迹", scenes: ["park"], device_types: ["Atlas_500"], template: true, template_source: "ma_pro", permission: "public", measure_unit: "qps" },
  { name: "vehicle-plate-trial", charge_model: 2, versions: ["1.2.0"], chip: "x86", type: "standard", format: "image", main_scenes: "交通", sub_scenes: "车牌识别", scenes: ["traffic"], device_types: ["General_x86_Device"], template: true, template_source: "hilens", permission: "whitelist", measure_unit: "road" },
];

const CATALOG_TIME = "2022-06-30 17:22:48 GMT+08:00";

/** §5.9.2 SkillInfo with `versions`; ids are stable across restarts. The list (§5.9.1) shows the latest version without `versions`. */
export const SKILLS: Row[] = SEEDS.map((s, i) => ({
  sub_scenes: s.sub_scenes,
  app_template_id: s.template ? createHash("sha256").update(`template/${s.name}`).digest("hex").slice(0, 32) : null,
  icon: null,
  version_num: s.versions.length,
  description: `${s.name} (emulator catalog).`,
  product_info: [],
  type: s.type,
  platform: "Linux",
  self_dev_flag: 1,
  measure_type: "physical_src",
  approval_result: "ok",
  update_time: CATALOG_TIME,
  channel_limit: 16,
  publish_time: CATALOG_TIME,
  resource_step_size: 1,
  approval_time: CATALOG_TIME,
  cloud_service_type: null,
  summary: null,
  test_status: 0,
  chip: s.chip,
  is_verify_model: false,
  format: s.format,
  resource_type: null,
  version: s.versions[s.versions.length - 1],
  measure_unit: s.measure_unit,
  tags: [],
  size: 1439 + i * 100,
  test_result: null,
  install_times: 0,
  privacy_policy: [],
  name: s.name,
  scenes: s.scenes,
  charge_model: s.charge_model,
  resource_spec_code: null,
  skill_id: createHash("sha256").update(`skill/${s.name}`).digest("hex").slice(0, 32),
  developer: "EI_HiLens_1",
  main_scenes: s.main_scenes,
  device_types: s.device_types,
  status: 1,
  versions: s.versions,
  // Not in SkillInfo: what the list's permission and template_source filters match.
  emu: { permission: s.permission, template_source: s.template_source },
}));

function shown(skill: Row, withVersions: boolean): Row {
  const { emu: _filters, versions, ...rest } = skill;
  return withVersions ? { ...rest, versions } : rest;
}

function skillOf(id: string): Row {
  return SKILLS.find((s) => s.skill_id === id) ?? notFound("skill", id);
}

/** §5.9.1 `skill_form`: a skill supports a ModelBox template when it has an app template. */
function formOf(skill: Row): "support_template" | "no_template" {
  return skill.app_template_id ? "support_template" : "no_template";
}

/** A multi-value query parameter: items separated by spaces (§5.9.1 "例如输入为1 2 3"). */
function multi(req: EmuRequest, name: string, max: number, item?: { pattern: RegExp; forbidden: string }): string[] | undefined {
  const text = req.query.get(name);
  if (text === null || text.trim() === "") return undefined;
  const items = text.trim().split(/\s+/);
  if (items.length > max) invalid(name, `must list at most ${max} items`);
  if (item) for (const value of items) if (value.length > 100 || !item.pattern.test(value)) invalid(name, `items must be 1-100 characters, none of ${item.forbidden}`);
  return items;
}

function intQuery(req: EmuRequest, name: string, allowed: number[]): number | undefined {
  const text = req.query.get(name);
  if (text === null || text === "") return undefined;
  const n = Number(text);
  if (!allowed.includes(n)) invalid(name, `must be one of ${allowed.join(", ")}`);
  return n;
}

/** §5.9.4 SkillOrderInfo, from the order and its skill. */
function renderOrder(order: Row): Row {
  const skill = SKILLS.find((s) => s.skill_id === order.skill_id);
  return {
    expiration_stop_flag: null,
    package_order_id: null,
    icon: null,
    commission_flag: order.commission_flag,
    product_info: [],
    package_id: null,
    measure_type: skill?.measure_type ?? null,
    update_time: order.update_time,
    channel_limit: 0,
    resource_step_size: skill?.resource_step_size ?? 1,
    cloud_service_type: null,
    developer_id: "07e463f65280d2d62f2ec010fcd10f1c",
    amount: order.amount,
    format: skill?.format ?? null,
    resource_type: null,
    // A free order does not expire.
    expire_time: null,
    measure_unit: skill?.measure_unit ?? null,
    skill_chip: skill?.chip ?? null,
    versions: skill?.versions ?? [],
    skill_name: order.skill_name,
    skill_type: skill?.type ?? null,
    used_amount: order.used_amount,
    charge_model: FREE,
    resource_spec_code: null,
    skill_id: order.skill_id,
    skill_platform: skill?.platform ?? null,
    order_limit: null,
    order_id: order.order_id,
    status: order.status,
  };
}

const orders = "/v1/{project_id}/skill-market/skill-order";

export const skillMarketRoutes = [
  route("GET /v1/skill-market/skills", (req) => {
    const q = req.query;
    const name = optionalString(q.get("skill_name") ?? undefined, "skill_name", SKILL_NAME);
    const form = oneOf(q.get("skill_form") ?? undefined, "skill_form", ["no_template", "support_template"]);
    const permission = oneOf(q.get("permission") ?? undefined, "permission", ["public", "whitelist"]);
    const source = oneOf(q.get("template_source") ?? undefined, "template_source", ["hilens", "ma_pro", "studio"]);
    const status = intQuery(req, "status", [0, 1, 2]);
    const chargeModel = intQuery(req, "charge_model", CHARGE_MODELS);
    const chargeModels = multi(req, "charge_models", CHARGE_MODELS.length)?.map((m) => (CHARGE_MODELS.includes(Number(m)) ? Number(m) : invalid("charge_models", `must list values of ${CHARGE_MODELS.join(", ")}`)));
    const platform = oneOf(q.get("platform") ?? undefined, "platform", PLATFORMS);
    const type = oneOf(q.get("type") ?? undefined, "type", ["lite", "standard"]);
    const chip = q.get("chip");
    const deviceTypes = multi(req, "device_types", 50, DEVICE_TYPE_ITEM);
    const scenes = multi(req, "scenes", 20, SCENE_ITEM);
    const rows = SKILLS.filter(
      (s) =>
        (!name || s.name.includes(name)) &&
        (!form || formOf(s) === form) &&
        (!permission || s.emu.permission === permission) &&
        (!source || s.emu.template_source === source) &&
        (status === undefined || s.status === status) &&
        (chargeModel === undefined || s.charge_model === chargeModel) &&
        (!chargeModels || chargeModels.includes(s.charge_model)) &&
        (!platform || s.platform === platform) &&
        (!type || s.type === type) &&
        (!chip || s.chip === chip) &&
        (!deviceTypes || deviceTypes.some((d) => s.device_types.includes(d))) &&
        (!scenes || scenes.some((d) => s.scenes.includes(d))),
    );
    // §5.9.1: at most 100 per page, 10 by default.
    return { body: { data: page(rows, q, { max: 100, default: 10 }).map((s) => shown(s, false)), total: rows.length } };
  }),
  route("GET /v1/skill-market/skills/{skill_id}", (req) => {
    const skill = skillOf(req.params.skill_id);
    const status = intQuery(req, "status", [0, 1, 2]);
    if (status !== undefined && skill.status !== status) notFound("skill", `${skill.skill_id} with status ${status}`);
    const version = req.query.get("version");
    if (version && !skill.versions.includes(version)) notFound("skill version", `${skill.skill_id}@${version}`);
    return { body: { ...shown(skill, true), ...(version ? { version } : {}) } };
  }),
  route(`POST ${orders}`, (req) => {
    const b = req.body ?? {};
    const skill = skillOf(requireString(b.skill_id, "skill_id"));
    // Integer in the table; 2^31-1 bounds it. §5.9.3 names no upper limit.
    const amount = requireInt(b.amount, "amount", 1, 2147483647);
    // "定制技能标识" (customised-skill flag): 0 or 1, as its example sends 0.
    const commissionFlag = requireInt(b.commission_flag, "commission_flag", 0, 1);
    if (skill.charge_model !== FREE) invalid("skill_id", `skill ${skill.skill_id} (${skill.name}) is not free (charge_model ${skill.charge_model}); only free skills can be ordered through the API`);
    const id = randomUUID().replace(/-/g, "");
    const order = { order_id: id, project_id: req.principal, skill_id: skill.skill_id, skill_name: skill.name, amount, commission_flag: commissionFlag, used_amount: 0, status: 0, update_time: nowOf(req.store) };
    req.store.put(req.principal, SKILL_ORDER_KIND, id, order);
    return { body: { order_id: id } };
  }),
  route(`GET ${orders}`, (req) => {
    const q = req.query;
    const name = optionalString(q.get("skill_name") ?? undefined, "skill_name", SKILL_NAME);
    const form = oneOf(q.get("skill_form") ?? undefined, "skill_form", ["no_template", "support_template"]);
    const rows = req.store
      .list(req.principal, SKILL_ORDER_KIND)
      .filter((o) => (!name || o.skill_name.includes(name)) && (!form || formOf(skillOf(o.skill_id)) === form))
      .map(renderOrder);
    // §5.9.4: at most 100 per page, 10 by default.
    return { body: { total: rows.length, data: page(rows, q, { max: 100, default: 10 }) } };
  }),
  route(`GET ${orders}/{order_id}`, (req) => ({ body: renderOrder(req.store.get(req.principal, SKILL_ORDER_KIND, req.params.order_id) ?? notFound("skill order", req.params.order_id)) })),
];

/**
 * Control route: the service changes an order's `status` (0 normal, 1 frozen, 2 restricted,
 * §5.9.4) or `used_amount` (deployments using it), which no documented call does.
 */
export const skillMarketControlRoutes = [
  route(
    "PUT /__emulator/hilens/{project}/skill-orders/{order_id}",
    (req) => {
      const order = req.store.get(req.params.project, SKILL_ORDER_KIND, req.params.order_id) ?? notFound("skill order", req.params.order_id);
      const status = optionalInt(req.body?.status, "status", 0, 2);
      const used = optionalInt(req.body?.used_amount, "used_amount", 0, order.amount);
      if (status === undefined && used === undefined) throw new EmuError(400, "EMU.0400", 'body must set "status" and/or "used_amount"');
      const next = { ...order, ...(status === undefined ? {} : { status }), ...(used === undefined ? {} : { used_amount: used }), update_time: nowOf(req.store) };
      return { body: renderOrder(req.store.put(req.params.project, SKILL_ORDER_KIND, order.order_id, next)) };
    },
    "none",
  ),
];
