import { createHash, generateKeyPairSync, randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { EmuError, EmuRequest, page, route } from "../http";
import type { Store } from "../store";
import { DEFAULT_WORKSPACE } from "./keyValue";
import { hilensTime, timingOf } from "./timing";
import { DESCRIPTION, TAG_RULES, invalid, notFound, oneOf, optionalBool, optionalInt, optionalString, requireArray, requireString, tags } from "./validation";
import { nowOf } from "../clock";
import { activationOf, activationRecord, activationRoutes, releaseActivation } from "./activation";

export const DEVICE_KIND = "device";
const DEVICE_NAME = /^[\u4e00-\u9fa5A-Za-z0-9_-]{1,64}$/;
const AGENT = "HiLens_Device_Agent";
/** The agent version a freshly connected device reports. */
const INITIAL_FIRMWARE = "1.0.0";
const DEVICE_TYPE = "General ARM Device";

type Row = Record<string, any>;

/** §5.2.1: the firmware catalog (the service's own, not per project). Ids are stable across restarts. */
export const FIRMWARES = ["1.0.0", "1.1.0", "2.0.0"].flatMap((version, i) =>
  [
    { device_type: DEVICE_TYPE, arch: "aarch64" },
    { device_type: "General x86 Device", arch: "x86_64" },
  ].map((target) => ({
    id: createHash("sha256").update(`${target.device_type}/${version}`).digest("hex").slice(0, 32),
    name: AGENT,
    description: `HiLens device agent ${version}.`,
    version,
    version_type: "release",
    expire_time: null,
    firmware_whitelist: [],
    type: "incremental",
    series: "HiLens",
    ...target,
    os_name: "Linux",
    os_type: "Linux",
    os_version: "#1 SMP Mon Mar 16 00:02:15 UTC 2020",
    size: 46301864 + i * 1024,
    create_time: 1627302463397 + i * 86_400_000,
    update_time: 1627302463397 + i * 86_400_000,
  })),
);

/** §5.1.2: HIL.0055 is the documented answer to a bad device name. */
function deviceName(value: unknown): string {
  if (typeof value !== "string" || !DEVICE_NAME.test(value)) throw new EmuError(400, "HIL.0055", "Invalid device name.");
  return value;
}

/** §5.1.2 LogConfig; the register example sends `"size":"50"`, so numbers may come as strings. */
function logConfigs(value: unknown, field: string, provider: string): Row[] | undefined {
  if (value === undefined || value === null) return undefined;
  return requireArray(value, field).map((c, i) => {
    const at = `${field}[${i}]`;
    const rotatePeriod = oneOf(c?.rotate_period, `${at}.rotate_period`, ["daily", "monthly", "weekly", "yearly"]);
    if (rotatePeriod && provider !== "ief") invalid(`${at}.rotate_period`, "is only supported for provider ief");
    return {
      component: oneOf(c?.component, `${at}.component`, ["app", "system"]) ?? invalid(`${at}.component`, "is required"),
      level: oneOf(c?.level, `${at}.level`, ["error", "warning", "info", "debug"]) ?? "info",
      rotate_num: optionalInt(c?.rotate_num, `${at}.rotate_num`, 1, provider === "ief" ? 10 : 30) ?? 5,
      ...(rotatePeriod ? { rotate_period: rotatePeriod } : {}),
      size: optionalInt(c?.size, `${at}.size`, 10, 1000) ?? 50,
      type: oneOf(c?.type, `${at}.type`, ["LTS", "local"]) ?? invalid(`${at}.type`, "is required"),
    };
  });
}

/** Register says D310|D910; update says "Ascend 310 / Ascend 710" and null when the GPU is used (§5.1.4). */
function npuType(value: unknown, field: string): string | null | undefined {
  if (value === null || value === "null") return null;
  return oneOf(value, field, ["D310", "D910", "Ascend 310", "Ascend 710"]);
}

/** A tar archive (ustar) of the given files, as the registration package holds (§5.1.2). */
function tar(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const content = Buffer.from(text);
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write("0000600\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(content.length.toString(8).padStart(11, "0") + "\0", 124);
    header.write(Math.floor(Date.now() / 1000).toString(8).padStart(11, "0") + "\0", 136);
    header.write("        ", 148);
    header.write("0", 156);
    header.write("ustar\0" + "00", 257);
    const sum = header.reduce((n, b) => n + b, 0);
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** The one-time registration package: base64 of a .tar.gz with node.conf, certificate and private_key. */
function registrationPackage(node: Row): string {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const files = {
    "node.conf": JSON.stringify({ node_id: node.id, node_name: node.name, project_id: node.project_id }),
    certificate: publicKey.export({ type: "spki", format: "pem" }).toString(),
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
  return gzipSync(tar(files)).toString("base64");
}

/** Connected: the agent has come online and the device is not stopped. */
export function isOnline(node: Row, now: number): boolean {
  return !node.emu.stopped && node.emu.online_at !== null && now >= node.emu.online_at;
}

/**
 * Applies what happened since the row was last read: the firmware upgrade advances (or fails
 * when the device went offline meanwhile) and completes into the upgrade record.
 */
export function settleDevice(store: Store, project: string, node: Row, now = nowOf(store)): Row {
  const upgrade = node.emu.upgrade;
  if (!upgrade || upgrade.status !== 1) return node;
  const done = now >= upgrade.started + timingOf(store).firmwareUpgradeMs;
  if (!isOnline(node, now)) Object.assign(upgrade, { status: 2, cause: "The device went offline during the upgrade." });
  else if (done) {
    Object.assign(upgrade, { status: 3, progress: 100 });
    node.emu.firmware_version = upgrade.version;
  } else return node;
  node.firmware_upgrade_record = [
    ...(node.firmware_upgrade_record ?? []),
    { firmware_name: upgrade.name, firmware_version: upgrade.version, firmware_size: upgrade.size, firmware_upgrade_time: hilensTime(now), status: upgrade.status },
  ];
  return store.put(project, DEVICE_KIND, node.id, node);
}

function stateOf(node: Row, now: number): string {
  if (node.emu.stopped) return "STOPPED";
  if (!isOnline(node, now)) return "UNCONNECTED";
  return node.emu.upgrade?.status === 1 ? "UPGRADING" : "RUNNING";
}

/** Deployments on the device; one being deleted no longer holds it. */
function deploymentsOn(store: Store, project: string, nodeId: string): Row[] {
  return store.list(project, "deployment").filter((d) => d.node_ids.includes(nodeId) && d.state !== "DELETING");
}

/** §5.1.3 detail; the list (§5.1.1) shows a subset. What a device reports exists only once its agent connected. */
function renderDetail(store: Store, project: string, node: Row, now = nowOf(store)): Row {
  const online = isOnline(node, now);
  const connected = node.emu.online_at !== null && now >= node.emu.online_at;
  const upgrade = node.emu.upgrade;
  return {
    id: node.id,
    arch: connected ? "aarch64" : null,
    memory: connected ? 15880352 : null,
    name: node.name,
    description: node.description,
    created_at: node.created_at,
    updated_at: node.updated_at,
    user_name: "emulator",
    cluster_id: null,
    cluster_node_state: null,
    cluster_node_type: null,
    firmware_name: connected ? AGENT : null,
    firmware_version: connected ? node.emu.firmware_version : null,
    upgrade_firmware_version: upgrade?.status === 1 ? upgrade.version : null,
    // §5.1.3 types firmware_status as String (the list's is Integer).
    firmware_status: upgrade ? String(upgrade.status) : null,
    firmware_upgrade_record: node.firmware_upgrade_record ?? null,
    state: stateOf(node, now),
    type: DEVICE_TYPE,
    // Activated while bound to a run-service-fee order (§5.1.7); the emulator does not refuse deployments to inactive devices.
    active_status: activationOf(node).length ? "ACTIVATED" : "INACTIVE",
    cpu: connected ? 4 : 0,
    gpu_num: 0,
    npu_num: connected ? 1 : 0,
    npu_type: node.npu_type,
    os_name: connected ? "linux" : null,
    os_type: connected ? "Linux" : null,
    os_version: connected ? "#1 SMP Mon Mar 16 00:02:15 UTC 2020" : null,
    enable_container: true,
    enable_gpu: node.enable_gpu,
    enable_npu: node.enable_npu,
    host_ips: online ? [node.emu.host_ip] : [],
    // The tables call this an object of key/value pairs and the examples show `{}`: a map.
    tags: Object.fromEntries(node.tags.map((t: Row) => [t.key, t.value])),
    npu_info: {},
    active_content: activationOf(node),
    log_configs: node.log_configs,
    event_validity_period: node.event_validity_period,
    deployment_num: deploymentsOn(store, project, node.id).length,
  };
}

const LIST_FIELDS = ["id", "name", "description", "created_at", "cluster_id", "cluster_node_state", "cluster_node_type", "firmware_name", "upgrade_firmware_version", "firmware_upgrade_record", "state", "type", "active_status", "cpu", "gpu_num", "npu_num", "host_ips", "tags", "deployment_num"];

function renderListItem(store: Store, project: string, node: Row): Row {
  const detail = renderDetail(store, project, node);
  const item: Row = Object.fromEntries(LIST_FIELDS.map((k) => [k, detail[k]]));
  item.firmware_status = detail.firmware_status === null ? null : Number(detail.firmware_status);
  return item;
}

export function getDevice(req: EmuRequest, id: string): Row {
  const node = req.store.get(req.principal, DEVICE_KIND, id) ?? notFound("device", id);
  return settleDevice(req.store, req.principal, node);
}

/** `key1.value1,key2.value2` (§5.1.1); node tag values hold no '.', so the first '.' splits. */
function tagFilter(text: string): { key: string; value: string }[] {
  return text.split(",").map((pair) => {
    const dot = pair.indexOf(".");
    return dot < 0 ? { key: pair, value: "" } : { key: pair.slice(0, dot), value: pair.slice(dot + 1) };
  });
}

function hasTags(node: Row, wanted: { key: string; value: string }[]): boolean {
  return wanted.every((w) => node.tags.some((t: Row) => t.key === w.key && (w.value === "" || t.value === w.value)));
}

/** The devices carrying every tag (deployment targeting by `node_tags`, §5.3.2), oldest first. */
export function devicesWithTags(store: Store, project: string, wanted: { key: string; value: string }[]): Row[] {
  return store
    .list(project, DEVICE_KIND)
    .filter((n) => hasTags(n, wanted))
    .sort((a, b) => a.emu.created_ms - b.emu.created_ms);
}

const nodes = "/v3/{project_id}/ai-mgr/nodes";
const node = `${nodes}/{node_id}`;
const firmwarePath = "/v3/{project_id}/node-manager/node/{node_id}/firmware";

export const deviceRoutes = [
  route(`GET ${nodes}`, (req) => {
    const q = req.query;
    const name = optionalString(q.get("name"), "name", { max: 64 });
    const appName = q.get("app_name");
    const wanted = q.get("tags") ? tagFilter(q.get("tags")!) : [];
    const provider = oneOf(q.get("provider"), "provider", ["hilens", "ief"]);
    const activeStatus = oneOf(q.get("active_status"), "active_status", ["INACTIVE", "ACTIVATED", "EXPIRED"]);
    const workspace = q.get("workspace_id");
    const status = q.get("status");
    const rows = req.store
      .list(req.principal, DEVICE_KIND)
      .map((n) => settleDevice(req.store, req.principal, n))
      .filter((n) => !name || n.name.includes(name))
      .filter((n) => !workspace || n.workspace_id === workspace)
      .filter((n) => !provider || n.provider === provider)
      .filter((n) => hasTags(n, wanted))
      .filter((n) => !appName || deploymentsOn(req.store, req.principal, n.id).some((d) => d.name.includes(appName)))
      .sort((a, b) => b.emu.created_ms - a.emu.created_ms)
      .map((n) => renderListItem(req.store, req.principal, n))
      .filter((n) => (!status || n.state === status) && (!activeStatus || n.active_status === activeStatus));
    return { body: { count: rows.length, nodes: page(rows, q, { max: 100, default: 100 }) } };
  }),
  route(`POST ${nodes}`, (req) => {
    const provider = oneOf(req.query.get("provider"), "provider", ["hilens", "ief"]) ?? "hilens";
    const b = req.body?.node;
    if (!b || typeof b !== "object") invalid("node", "is required");
    const name = deviceName(b.name);
    const batch = optionalInt(b.batch, "node.batch", 1, 100000) ?? 1;
    // §5.1.2 documents one {id, name, package} answer even for batch > 1; the emulator registers one device at a time.
    if (batch > 1) invalid("node.batch", "batch registration is not supported by the emulator");
    const workspaceId = optionalString(b.workspace_id, "node.workspace_id") || DEFAULT_WORKSPACE;
    if (workspaceId !== DEFAULT_WORKSPACE && !req.store.get(req.principal, "workspace", workspaceId)) notFound("workspace", workspaceId);
    const now = nowOf(req.store);
    const connectMs = timingOf(req.store).deviceConnectMs;
    const id = "hilens-" + randomUUID().replace(/-/g, "");
    const row = req.store.put(req.principal, DEVICE_KIND, id, {
      activation_records: [activationRecord({ id, project_id: req.principal }, "INACTIVE", now)],
      id,
      project_id: req.principal,
      name,
      description: optionalString(b.description, "node.description", DESCRIPTION) ?? null,
      enable_gpu: optionalBool(b.enable_gpu, "node.enable_gpu") ?? false,
      enable_npu: optionalBool(b.enable_npu, "node.enable_npu") ?? false,
      npu_type: oneOf(b.npu_type, "node.npu_type", ["D310", "D910"]) ?? null,
      iam_user_id: optionalString(b.iam_user_id, "node.iam_user_id") ?? "emulator-user",
      log_configs: logConfigs(b.log_configs, "node.log_configs", provider) ?? [],
      tags: tags(b.tags, "node.tags", TAG_RULES.node),
      workspace_id: workspaceId,
      event_validity_period: optionalInt(b.event_validity_period, "node.event_validity_period", 0, Number.MAX_SAFE_INTEGER) ?? null,
      provider,
      created_at: hilensTime(now),
      updated_at: hilensTime(now),
      firmware_upgrade_record: null,
      emu: { created_ms: now, online_at: connectMs === null ? null : now + connectMs, stopped: false, firmware_version: INITIAL_FIRMWARE, host_ip: `192.168.0.${(now % 250) + 2}`, upgrade: null },
    });
    return { body: { id, name, package: registrationPackage(row) } };
  }),
  route(`GET ${node}`, (req) => ({ body: renderDetail(req.store, req.principal, getDevice(req, req.params.node_id)) })),
  route(`PUT ${node}`, (req) => {
    const existing = getDevice(req, req.params.node_id);
    const b = req.body?.node;
    if (!b || typeof b !== "object") invalid("node", "is required");
    const patch: Row = {
      description: optionalString(b.description, "node.description", DESCRIPTION),
      log_configs: logConfigs(b.log_configs, "node.log_configs", existing.provider),
      tags: b.tags === undefined ? undefined : tags(b.tags, "node.tags", TAG_RULES.node),
      event_validity_period: optionalInt(b.event_validity_period, "node.event_validity_period", 0, Number.MAX_SAFE_INTEGER),
      enable_gpu: optionalBool(b.enable_gpu, "node.enable_gpu"),
      enable_npu: optionalBool(b.enable_npu, "node.enable_npu"),
    };
    if ("npu_type" in b) patch.npu_type = npuType(b.npu_type, "node.npu_type");
    const updated = { ...existing };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) updated[k] = v;
    req.store.put(req.principal, DEVICE_KIND, existing.id, { ...updated, updated_at: hilensTime(nowOf(req.store)) });
    return {};
  }),
  route(`DELETE ${node}`, (req) => {
    const existing = getDevice(req, req.params.node_id);
    const force = req.query.get("force_delete") === "true";
    const running = deploymentsOn(req.store, req.principal, existing.id);
    if (running.length && !force) throw new EmuError(409, "HIL.0409", `The device ${existing.id} still runs ${running.length} deployment(s); delete them first or pass force_delete=true.`);
    releaseActivation(req.store, req.principal, existing);
    req.store.delete(req.principal, DEVICE_KIND, existing.id);
    return { status: 204 };
  }),
  route(`POST ${node}/action/{action}`, (req) => {
    const existing = getDevice(req, req.params.node_id);
    const action = oneOf(req.params.action, "action", ["start", "stop"]);
    // §5.1.6: `provider` picks the platform the device is managed on, hilens when absent; a device
    // registered on the other platform is not found there.
    const provider = oneOf(req.query.get("provider"), "provider", ["hilens", "ief"]) ?? "hilens";
    if (existing.provider !== provider) notFound("device", existing.id);
    req.store.put(req.principal, DEVICE_KIND, existing.id, { ...existing, emu: { ...existing.emu, stopped: action === "stop" }, updated_at: hilensTime(nowOf(req.store)) });
    return {};
  }),
  route(`PUT ${firmwarePath}/{firmware_id}`, (req) => {
    const existing = getDevice(req, req.params.node_id);
    const firmware = FIRMWARES.find((f) => f.id === req.params.firmware_id) ?? notFound("firmware", req.params.firmware_id);
    optionalInt(req.headers["x-expired-time"], "X-Expired-Time", 1, 86400);
    if (firmware.device_type !== DEVICE_TYPE) invalid("firmware_id", `firmware ${firmware.id} is for ${firmware.device_type}, the device is a ${DEVICE_TYPE}`);
    if (!isOnline(existing, nowOf(req.store))) throw new EmuError(400, "HIL.0400", `The device ${existing.id} is not online (state ${stateOf(existing, nowOf(req.store))}); firmware can only be upgraded on a connected device.`);
    if (existing.emu.upgrade?.status === 1) throw new EmuError(409, "HIL.0409", `The device ${existing.id} is already upgrading.`);
    const upgrade = { firmware_id: firmware.id, name: firmware.name, version: firmware.version, size: firmware.size, started: nowOf(req.store), status: 1, progress: 0, cause: null };
    req.store.put(req.principal, DEVICE_KIND, existing.id, { ...existing, emu: { ...existing.emu, upgrade } });
    // §5.1.9 documents firmware_id and firmware_name as response headers; they are sent as a body too.
    return { headers: { firmware_id: firmware.id, firmware_name: firmware.name }, body: { firmware_id: firmware.id, firmware_name: firmware.name } };
  }),
  route(`GET ${firmwarePath}/upgrade-progress`, (req) => {
    const existing = getDevice(req, req.params.node_id);
    const upgrade = existing.emu.upgrade ?? notFound("firmware upgrade of device", existing.id);
    const elapsed = nowOf(req.store) - upgrade.started;
    const progress = upgrade.status === 1 ? Math.min(99, Math.floor((100 * elapsed) / Math.max(1, timingOf(req.store).firmwareUpgradeMs))) : upgrade.status === 3 ? 100 : upgrade.progress;
    return { body: { version: upgrade.version, status: upgrade.status, progress: String(progress), cause: upgrade.cause } };
  }),
  route("GET /v3/ai-mgr/firmwares", (req) => {
    const deviceType = requireString(req.query.get("device_type") ?? undefined, "device_type");
    const filters = ["arch", "os_name", "os_version"] as const;
    const rows = FIRMWARES.filter((f) => f.device_type === deviceType && filters.every((k) => !req.query.get(k) || f[k] === req.query.get(k)));
    return { body: { count: rows.length, firmwares: page(rows, req.query, { max: 100, default: 100 }) } };
  }),
  ...activationRoutes(DEVICE_KIND),
];

/** Control route: the device agent goes online (`{"online": true}`) or offline. */
export const deviceControlRoutes = [
  route(
    "PUT /__emulator/hilens/{project}/nodes/{node_id}/connection",
    (req) => {
      const online = req.body?.online;
      if (typeof online !== "boolean") throw new EmuError(400, "EMU.0400", 'body must be {"online": true|false}');
      const existing = req.store.get(req.params.project, DEVICE_KIND, req.params.node_id) ?? notFound("device", req.params.node_id);
      settleDevice(req.store, req.params.project, existing);
      req.store.put(req.params.project, DEVICE_KIND, existing.id, { ...existing, emu: { ...existing.emu, online_at: online ? nowOf(req.store) : null } });
      return { body: { online } };
    },
    "none",
  ),
];
