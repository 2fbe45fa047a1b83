import type { EmuRequest } from "../http";
import { invalid, oneOf, optionalBool, optionalInt, optionalString, requireArray, requireString } from "./validation";

/**
 * §5.3.2 DeploymentRequest validation (create, update and batch use the same objects). Returns
 * the template as the service echoes it: request fields plus the defaults its examples show.
 */
type Row = Record<string, any>;

export const APP_NAME = { pattern: /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, max: 32, rule: "must be 1-32 lowercase letters, digits or '-', starting and ending with a letter or digit" };
const ENV_NAME = { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, max: 2048, rule: "must start with a letter or '_' and contain only letters, digits and '_'" };
/** ConfigsMap/DeploymentSecrets (§5.3.2): by their rules, `name` is the config map or secret, `key` the entry in it. */
export const APP_VERSION = { max: 128, pattern: /^[A-Za-z0-9_.-]*$/, rule: "may only contain letters, digits, '_', '.' and '-'" };
const REF_NAME = { pattern: /^[a-z][\u4e00-\u9fa5A-Za-z0-9_-]{2,62}[\u4e00-\u9fa5A-Za-z0-9_]$/, max: 64, rule: "must be 4-64 characters, start with a lowercase letter and not end with '-'" };
const REF_KEY = { pattern: /^[A-Za-z-][A-Za-z0-9._-]{0,62}$/, max: 63, rule: "must start with a letter or '-' and contain only letters, digits, '.', '-' and '_'" };
/** The create/update tables forbid these in args and command (the list tables also forbid quotes and brackets); space is allowed. */
const ARG_FORBIDDEN = /[\^#~$%&*<>(){}]/;

function object(value: unknown, field: string): Row {
  if (!value || typeof value !== "object" || Array.isArray(value)) invalid(field, "is required and must be an object");
  return value as Row;
}

function number(value: unknown, field: string, min: number, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if ((typeof value !== "string" && typeof value !== "number") || value === "" || !Number.isFinite(n) || n < min || n > max) invalid(field, `must be a number in [${min}, ${max}] (sent as a string)`);
  return String(value);
}

function res(value: unknown, field: string, memoryMin: number): Row {
  if (value === undefined || value === null) return {};
  const r = object(value, field);
  const out: Row = {};
  const fields: [string, number, number][] = [["cpu", 0.01, 1000], ["gpu", 0, 1000], ["memory", memoryMin, 1024000], ["npu", 0, 1000]];
  for (const [k, min, max] of fields) {
    const v = number(r[k], `${field}.${k}`, min, max);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function resources(value: unknown, field: string, required: boolean): Row | undefined {
  if ((value === undefined || value === null) && !required) return undefined;
  const r = object(value, field);
  return { limits: res(r.limits, `${field}.limits`, 4), requests: res(r.requests, `${field}.requests`, 0.01) };
}

function strings(value: unknown, field: string): string[] {
  const list = requireArray(value ?? [], field).map((s, i) => requireString(s, `${field}[${i}]`));
  if (list.join("").length > 65536) invalid(field, "must total at most 65536 characters");
  if (list.some((s) => ARG_FORBIDDEN.test(s))) invalid(field, "must not contain ^ # ~ $ % & * < > ( ) { }");
  return list;
}

/** The config maps and secrets a template reads must exist when it is submitted. */
function refExists(req: EmuRequest, kind: "configmap" | "secret", name: string, field: string): void {
  if (!req.store.findBy(req.principal, kind, "name", name).length) invalid(field, `${kind === "configmap" ? "config map" : "secret"} ${name} does not exist`);
}

/** Env (§5.3.2, also the §5.3.6 patch): each variable set exactly one way; config maps and secrets it reads must exist. */
export function envs(req: EmuRequest, value: unknown, field: string): Row[] {
  const seen = new Set<string>();
  return requireArray(value ?? [], field).map((e, i) => {
    const at = `${field}[${i}]`;
    const name = requireString(e?.name, `${at}.name`, ENV_NAME);
    if (seen.has(name)) invalid(`${at}.name`, `duplicates ${name}`);
    seen.add(name);
    const set = ["value", "value_from", "field_path"].filter((k) => e[k] !== undefined && e[k] !== null);
    if (set.length !== 1) invalid(at, "must set exactly one of value, value_from and field_path");
    if (e.value !== undefined && e.value !== null) return { name, value: optionalString(e.value, `${at}.value`, { max: 20480 }) ?? "" };
    if (e.field_path !== undefined && e.field_path !== null) {
      if (e.field_path !== "status.hostIP") invalid(`${at}.field_path`, 'only "status.hostIP" is supported');
      return { name, field_path: e.field_path };
    }
    const from = object(e.value_from, `${at}.value_from`);
    const kinds = (["configmap", "secret"] as const).filter((k) => from[k] !== undefined && from[k] !== null);
    if (kinds.length !== 1) invalid(`${at}.value_from`, "must set exactly one of configmap and secret");
    const kind = kinds[0];
    const ref = object(from[kind], `${at}.value_from.${kind}`);
    const refName = requireString(ref.name, `${at}.value_from.${kind}.name`, REF_NAME);
    const refKey = requireString(ref.key, `${at}.value_from.${kind}.key`, REF_KEY);
    refExists(req, kind, refName, `${at}.value_from.${kind}.name`);
    return { name, value_from: { [kind]: { name: refName, key: refKey } } };
  });
}

function volumes(req: EmuRequest, value: unknown, field: string): Row[] {
  return requireArray(value ?? [], field).map((v, i) => {
    const at = `${field}[${i}]`;
    const type = oneOf(v?.type, `${at}.type`, ["configMap", "secret", "emptyDir", "hostPath"]) ?? invalid(`${at}.type`, "is required");
    // `key` is documented as required and described as the volume type again; any string is accepted and it is not echoed.
    requireString(v.key, `${at}.key`);
    const name = requireString(v.name, `${at}.name`, { pattern: /^[a-z0-9-]{1,63}$/, rule: "must be 1-63 lowercase letters or digits" });
    const destination = requireString(v.destination, `${at}.destination`, { pattern: /^\/\S*$/, rule: "must be an absolute path" });
    const readOnly = optionalBool(v.read_only, `${at}.read_only`) ?? invalid(`${at}.read_only`, "is required");
    let source: string;
    if (type === "hostPath") source = requireString(v.source, `${at}.source`, { pattern: /^\/[A-Za-z0-9\\/_.-]*$/, rule: "must be a path starting with '/' of letters, digits, '-', '\\', '_', '.'" });
    else if (type === "emptyDir") source = oneOf(v.source, `${at}.source`, ["disk", "memory"]) ?? invalid(`${at}.source`, "is required");
    else {
      source = requireString(v.source, `${at}.source`, REF_NAME);
      if (!readOnly) invalid(`${at}.read_only`, `${type} volumes are read-only`);
      refExists(req, type === "configMap" ? "configmap" : "secret", source, `${at}.source`);
    }
    return { name, type, source, destination, read_only: readOnly };
  });
}

function ports(value: unknown, field: string): Row[] {
  return requireArray(value ?? [], field).map((p, i) => {
    const at = `${field}[${i}]`;
    const out: Row = { container_port: optionalInt(p?.container_port, `${at}.container_port`, 1, 65535) ?? invalid(`${at}.container_port`, "is required") };
    const hostIp = optionalString(p.host_ip, `${at}.host_ip`);
    if (hostIp) out.host_ip = hostIp;
    if (p.host_port !== undefined && p.host_port !== null && p.host_port_range) invalid(at, "must set host_port or host_port_range, not both");
    const hostPort = optionalInt(p.host_port, `${at}.host_port`, 1, 65535);
    if (hostPort !== undefined) out.host_port = hostPort;
    if (p.host_port_range) {
      const r = object(p.host_port_range, `${at}.host_port_range`);
      const min = optionalInt(r.min_port, `${at}.host_port_range.min_port`, 1, 65535) ?? invalid(`${at}.host_port_range.min_port`, "is required");
      const max = optionalInt(r.max_port, `${at}.host_port_range.max_port`, 1, 65535) ?? invalid(`${at}.host_port_range.max_port`, "is required");
      if (max <= min) invalid(`${at}.host_port_range.max_port`, "must be greater than min_port");
      out.host_port_range = { min_port: min, max_port: max };
    }
    return out;
  });
}

function probe(value: unknown, field: string): Row | undefined {
  if (value === undefined || value === null) return undefined;
  const p = object(value, field);
  if (!!p.exec === !!p.http_get) invalid(field, "must set exactly one of exec and http_get");
  const out: Row = {
    initial_delay_seconds: optionalInt(p.initial_delay_seconds, `${field}.initial_delay_seconds`, 1, 3600) ?? 10,
    timeout_seconds: optionalInt(p.timeout_seconds, `${field}.timeout_seconds`, 1, 3600) ?? 1,
  };
  if (p.exec) out.exec = { command: requireString(object(p.exec, `${field}.exec`).command, `${field}.exec.command`, { max: 10240 }) };
  else {
    const h = object(p.http_get, `${field}.http_get`);
    out.http_get = {
      ...(h.host ? { host: requireString(h.host, `${field}.http_get.host`) } : {}),
      path: requireString(h.path, `${field}.http_get.path`, { pattern: /^\//, rule: "must start with '/'" }),
      port: optionalInt(h.port, `${field}.http_get.port`, 1, 65535) ?? invalid(`${field}.http_get.port`, "is required"),
      scheme: oneOf(h.scheme, `${field}.http_get.scheme`, ["HTTP", "HTTPS"]) ?? "HTTP",
    };
  }
  return out;
}

function app(req: EmuRequest, a: unknown, field: string): Row {
  const x = object(a, field);
  const out: Row = {
    name: requireString(x.name, `${field}.name`, APP_NAME),
    app_url: requireString(x.app_url, `${field}.app_url`),
    version: optionalString(x.version, `${field}.version`, APP_VERSION) ?? null,
    args: strings(x.args, `${field}.args`),
    command: strings(x.command, `${field}.command`),
    envs: envs(req, x.envs, `${field}.envs`),
    msgs: envs(req, x.msgs, `${field}.msgs`),
    ports: ports(x.ports, `${field}.ports`),
    privileged: optionalBool(x.privileged, `${field}.privileged`) ?? false,
    volumes: volumes(req, x.volumes, `${field}.volumes`),
    resources: resources(x.resources, `${field}.resources`, true),
    is_modelbox: optionalBool(x.is_modelbox, `${field}.is_modelbox`) ?? false,
  };
  const optional: Row = {
    app_order_id: optionalString(x.app_order_id, `${field}.app_order_id`),
    channel_limit: optionalInt(x.channel_limit, `${field}.channel_limit`, 0, 1000),
    channel_upper_limit: optionalInt(x.channel_upper_limit, `${field}.channel_upper_limit`, 0, 1000),
    npu_type: oneOf(x.npu_type, `${field}.npu_type`, ["D310", "D910"]),
    liveness_probe: probe(x.liveness_probe, `${field}.liveness_probe`),
    readiness_probe: probe(x.readiness_probe, `${field}.readiness_probe`),
    start_resources: resources(x.start_resources, `${field}.start_resources`, false),
    channel_resources: resources(x.channel_resources, `${field}.channel_resources`, false),
    skill_project_id: optionalString(x.skill_project_id, `${field}.skill_project_id`),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) out[k] = v;
  return out;
}

function matchExpressions(value: unknown, field: string): Row[] {
  return requireArray(value ?? [], field).map((m, i) => {
    const at = `${field}[${i}]`;
    const operator = oneOf(m?.operator, `${at}.operator`, ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]);
    const values = requireArray(m?.values ?? [], `${at}.values`).map((v, j) => requireString(v, `${at}.values[${j}]`));
    if ((operator === "In" || operator === "NotIn") && values.length === 0) invalid(`${at}.values`, `must not be empty for ${operator}`);
    if ((operator === "Exists" || operator === "DoesNotExist") && values.length) invalid(`${at}.values`, `must be empty for ${operator}`);
    if ((operator === "Gt" || operator === "Lt") && (values.length !== 1 || !/^-?\d+$/.test(values[0]))) invalid(`${at}.values`, `must be exactly one integer for ${operator}`);
    return { key: optionalString(m?.key, `${at}.key`) ?? null, operator: operator ?? null, values };
  });
}

/** The `deployment` object: `{replicas, template}`. */
export function deploymentRequest(req: EmuRequest, value: unknown, field = "deployment"): { replicas: number; template: Row; affinity: Row | null } {
  const d = object(value, field);
  const replicas = optionalInt(d.replicas, `${field}.replicas`, 1, 99) ?? invalid(`${field}.replicas`, "is required (an integer less than 100)");
  const t = object(d.template, `${field}.template`);
  const c = object(t.configs, `${field}.template.configs`);
  const configs = {
    migration: optionalBool(c.migration, `${field}.template.configs.migration`) ?? false,
    host_network: optionalBool(c.host_network, `${field}.template.configs.host_network`) ?? invalid(`${field}.template.configs.host_network`, "is required"),
    host_pid: optionalBool(c.host_pid, `${field}.template.configs.host_pid`) ?? false,
    restart_policy: oneOf(c.restart_policy, `${field}.template.configs.restart_policy`, ["Always", "OnFailure", "Never"]) ?? invalid(`${field}.template.configs.restart_policy`, "is required"),
    toleration_seconds: optionalInt(c.toleration_seconds, `${field}.template.configs.toleration_seconds`, 0, Number.MAX_SAFE_INTEGER) ?? 0,
  };
  const apps = requireArray(t.apps, `${field}.template.apps`, { min: 1 }).map((a, i) => app(req, a, `${field}.template.apps[${i}]`));
  const names = apps.map((a) => a.name);
  if (new Set(names).size !== names.length) invalid(`${field}.template.apps`, "app names must be unique");
  if (t.init_containers !== undefined && t.init_containers !== null && requireArray(t.init_containers, `${field}.template.init_containers`).length) invalid(`${field}.template.init_containers`, "is reserved and not supported yet");
  let affinity: Row | null = null;
  if (t.affinity) {
    const a = object(t.affinity, `${field}.template.affinity`);
    affinity = { node_affinity: matchExpressions(a.node_affinity, `${field}.template.affinity.node_affinity`), pod_affinity: matchExpressions(a.pod_affinity, `${field}.template.affinity.pod_affinity`) };
  }
  // The response template holds configs and apps only (§5.3.3); affinity is kept for the instances (§5.3.9).
  return { replicas, template: { configs, apps }, affinity };
}
