import { randomUUID } from "node:crypto";
import { EmuError, EmuRequest, Route, page, route } from "../http";
import type { Store } from "../store";
import { DEVICE_KIND, devicesWithTags, isOnline, settleDevice } from "./devices";
import { isDeepStrictEqual } from "node:util";
import { APP_NAME, APP_VERSION, deploymentRequest, envs } from "./deploymentTemplate";
import { hilensTime, timingOf } from "./timing";
import { DESCRIPTION, TAG_RULES, conflict, invalid, notFound, oneOf, optionalBool, optionalInt, optionalString, requireArray, requireInt, requireString, tags } from "./validation";
import { nowOf } from "../clock";

export const DEPLOYMENT_KIND = "deployment";
type Row = Record<string, any>;

/** Deployment operations answer errors as `{request_id, error_code, error_message}` (§5.3.1-5.3.5, 5.3.10). */
export function deploymentErrorBody(err: EmuError): unknown {
  return err.body ?? { request_id: randomUUID().replace(/-/g, ""), error_code: err.code, error_message: err.message };
}

function deploymentRoute(spec: string, handler: (req: EmuRequest) => any): Route {
  return { ...route(spec, handler), errorBody: deploymentErrorBody };
}

/**
 * Where the deployment is heading: CREATING/STARTING until `ready_at`, then RUNNING when every
 * target device is online (the emulator then counts all replicas ready) or CREATE_FAILED /
 * START_FAILED with the reason; DELETING until `gone_at`, then removed.
 */
export function settleDeployment(store: Store, project: string, d: Row, now = nowOf(store)): Row | undefined {
  const emu = d.emu;
  if (d.state === "DELETING") {
    if (now < emu.gone_at) return d;
    store.delete(project, DEPLOYMENT_KIND, d.id);
    return undefined;
  }
  const targets = d.node_ids.map((id: string) => {
    const node = store.get(project, DEVICE_KIND, id);
    return { id, node: node && settleDevice(store, project, node, now) };
  });
  const problems = targets.flatMap(({ id, node }: Row) => (!node ? [{ node_id: id, error_code: "HIL.0404", error_message: `The device ${id} does not exist.` }] : !isOnline(node, now) ? [{ node_id: id, error_code: "HIL.0503", error_message: `The device ${id} is offline.` }] : []));
  if ((d.state === "CREATING" || d.state === "STARTING") && now >= emu.ready_at) {
    const failure = emu.failure ?? (problems.length ? problems.map((p: Row) => p.error_message).join(" ") : null);
    Object.assign(d, {
      state: failure ? (d.state === "CREATING" ? "CREATE_FAILED" : "START_FAILED") : "RUNNING",
      reason: failure,
      ready_replicas: failure ? 0 : readyReplicas(d, []),
      result: d.node_ids.map((id: string) => problems.find((p: Row) => p.node_id === id) ?? { node_id: id }),
    });
    return store.put(project, DEPLOYMENT_KIND, d.id, d);
  }
  if (d.state === "RUNNING") {
    // A device that went offline takes its instance with it; it comes back with the device.
    const ready = readyReplicas(d, problems.map((p: Row) => p.node_id));
    if (ready !== d.ready_replicas) return store.put(project, DEPLOYMENT_KIND, d.id, { ...d, ready_replicas: ready });
  }
  return d;
}

/** Instances stopped with `pause` (§5.3.8), by device: they keep their place in the deployment but are not ready. */
function pausedOf(d: Row): string[] {
  return d.emu.paused ?? [];
}

/** Replicas minus the instances that are down: on an offline or missing device, or paused. */
function readyReplicas(d: Row, downNodeIds: string[]): number {
  const down = new Set([...downNodeIds, ...pausedOf(d)].filter((id) => d.node_ids.includes(id)));
  return Math.max(0, d.replicas - down.size);
}

function render(d: Row): Row {
  const { emu: _internal, tags: _tags, ...shown } = d;
  return shown;
}

function getDeployment(req: EmuRequest, id: string): Row {
  const d = req.store.get(req.principal, DEPLOYMENT_KIND, id);
  return (d && settleDeployment(req.store, req.principal, d)) ?? notFound("deployment", id);
}

/** A deployment that can still be changed: one being deleted answers 409. */
function changeableDeployment(req: EmuRequest): Row {
  const d = getDeployment(req, req.params.deployment_id);
  if (d.state === "DELETING") throw new EmuError(409, "HIL.0409", `The deployment ${d.id} is being deleted.`);
  return d;
}

function nodeIds(value: unknown, field: string): string[] {
  const ids = requireArray(value, field).map((id, i) => requireString(id, `${field}[${i}]`));
  return [...new Set(ids)];
}

/**
 * The devices picked by `node_tags` + `node_num`. Too few matching devices is not a request error:
 * the deployment fails with the reason, as a device that is offline would.
 */
function devicesByTags(req: EmuRequest, value: unknown, count: number | undefined, field: string, exclude: string[] = []): { ids: string[]; failure: string | null } {
  const wanted = tags(value, field, TAG_RULES.deployment);
  const matching = devicesWithTags(req.store, req.principal, wanted).filter((n) => !exclude.includes(n.id));
  const want = count ?? matching.length;
  const failure = matching.length < want || want === 0 ? `${matching.length} device(s) carry the tags ${wanted.map((t) => `${t.key}=${t.value}`).join(", ")}; ${want || "at least one"} needed.` : null;
  return { ids: matching.slice(0, want).map((n) => n.id), failure };
}

/** Starts (or restarts) the rollout: instances go Pending and come up after `deploymentReadyMs`; paused ones (§5.3.8) stay paused. */
function rollout(store: Store, d: Row, state: "CREATING" | "STARTING", failure: string | null, now = nowOf(store)): Row {
  return { ...d, state, reason: null, ready_replicas: 0, result: d.node_ids.map((id: string) => ({ node_id: id })), updated_at: hilensTime(now), emu: { ...d.emu, ready_at: now + timingOf(store).deploymentReadyMs, started_ms: now, failure } };
}

const base = "/v3/{project_id}/ai-mgr/deployments";
const item = `${base}/{deployment_id}`;

export const deploymentRoutes: Route[] = [
  deploymentRoute(`GET ${base}`, (req) => {
    const q = req.query;
    if (q.get("cluster_id") && q.get("node_id")) invalid("node_id", "is mutually exclusive with cluster_id");
    const name = q.get("name");
    const nodeId = q.get("node_id");
    const sort = oneOf(q.get("sort"), "sort", ["created_at:desc", "created_at:asc"]) ?? "created_at:desc";
    oneOf(q.get("provider"), "provider", ["hilens", "ief"]);
    const rows = req.store
      .list(req.principal, DEPLOYMENT_KIND)
      .map((d) => settleDeployment(req.store, req.principal, d))
      .filter((d): d is Row => !!d)
      .filter((d) => (!name || d.name.includes(name)) && (!nodeId || d.node_ids.includes(nodeId)) && !q.get("cluster_id"))
      .sort((a, b) => (sort === "created_at:asc" ? 1 : -1) * (a.emu.created_ms - b.emu.created_ms));
    // §5.3.1: this list defaults to 10 per page, unlike the others.
    return { body: { count: rows.length, deployments: page(rows, q, { max: 100, default: 10 }).map(render) } };
  }),
  deploymentRoute(`POST ${base}`, (req) => {
    const b = req.body ?? {};
    optionalInt(req.headers["x-expired-time"], "X-Expired-Time", 1, 86400);
    const name = requireString(b.name, "name", APP_NAME);
    const source = oneOf(b.source, "source", ["hlm", "aig", "userdefined"]) ?? invalid("source", "is required");
    const spec = deploymentRequest(req, b.deployment);
    if (b.cluster_id) invalid("cluster_id", "node groups (clusters) are not supported by the emulator; deploy to node_ids or node_tags");
    const byIds = b.node_ids !== undefined && b.node_ids !== null;
    const byTags = b.node_tags !== undefined && b.node_tags !== null;
    if (byIds === byTags) invalid("node_ids", "set exactly one of node_ids, node_tags and cluster_id");
    const nodeNum = optionalInt(b.node_num, "node_num", 1, Number.MAX_SAFE_INTEGER);
    const target = byIds ? { ids: nodeIds(b.node_ids, "node_ids"), failure: null } : devicesByTags(req, b.node_tags, nodeNum, "node_tags");
    if (byIds && !target.ids.length) invalid("node_ids", "must name at least one device");
    if (req.store.findBy(req.principal, DEPLOYMENT_KIND, "name", name).length) conflict("deployment", name);
    const now = nowOf(req.store);
    const id = "hilens-" + randomUUID().replace(/-/g, "");
    const row: Row = {
      template: spec.template,
      reason: null,
      ready_replicas: 0,
      replicas: spec.replicas,
      description: optionalString(b.description, "description", DESCRIPTION) ?? "",
      created_at: hilensTime(now),
      source,
      api_version: null,
      node_ids: target.ids,
      node_num: target.ids.length,
      result: [],
      cluster_id: "",
      updated_at: hilensTime(now),
      project_id: req.principal,
      name,
      id,
      state: "CREATING",
      license_quota: optionalInt(b.license_quota, "license_quota", 0, Number.MAX_SAFE_INTEGER) ?? null,
      svc_order_id: optionalString(b.svc_order_id, "svc_order_id") ?? null,
      tags: tags(b.tags, "tags", TAG_RULES.deployment),
      emu: { created_ms: now, affinity: spec.affinity, node_tags: byTags ? b.node_tags : null },
    };
    return { body: render(req.store.put(req.principal, DEPLOYMENT_KIND, id, rollout(req.store, row, "CREATING", target.failure, now))) };
  }),
  deploymentRoute(`GET ${item}`, (req) => ({ body: render(getDeployment(req, req.params.deployment_id)) })),
  deploymentRoute(`PUT ${item}`, (req) => {
    const d = changeableDeployment(req);
    optionalInt(req.headers["x-expired-time"], "X-Expired-Time", 1, 86400);
    const b = req.body ?? {};
    const next: Row = { ...d, updated_at: hilensTime(nowOf(req.store)) };
    if (b.description !== undefined) next.description = optionalString(b.description, "description", DESCRIPTION) ?? "";
    if (b.tags !== undefined) next.tags = tags(b.tags, "tags", TAG_RULES.deployment);
    let saved = next;
    // §5.3.4: a new `deployment` replaces the spec and restarts the instances; description and tags alone do not.
    if (b.deployment !== undefined) {
      const spec = deploymentRequest(req, b.deployment);
      saved = rollout(req.store, { ...next, template: spec.template, replicas: spec.replicas, emu: { ...next.emu, affinity: spec.affinity } }, "STARTING", null);
    }
    return { body: render(req.store.put(req.principal, DEPLOYMENT_KIND, d.id, saved)) };
  }),
  deploymentRoute(`DELETE ${item}`, (req) => {
    const d = getDeployment(req, req.params.deployment_id);
    optionalInt(req.headers["x-expired-time"], "X-Expired-Time", 1, 86400);
    if (d.state !== "DELETING") {
      const now = nowOf(req.store);
      const force = req.query.get("force_delete") === "true";
      req.store.put(req.principal, DEPLOYMENT_KIND, d.id, { ...d, state: "DELETING", updated_at: hilensTime(now), emu: { ...d.emu, gone_at: force ? now : now + timingOf(req.store).deploymentReadyMs / 2 } });
      for (const task of req.store.list(req.principal, "task").filter((t) => t.deployment_id === d.id)) req.store.delete(req.principal, "task", task.task_id);
    }
    return { body: { deployment_id: d.id } };
  }),
  deploymentRoute(`PUT ${item}/nodes`, (req) => {
    const d = getDeployment(req, req.params.deployment_id);
    const b = req.body ?? {};
    const bodyId = requireString(b.deployment_id, "deployment_id");
    if (bodyId !== d.id) invalid("deployment_id", "must equal the deployment in the path");
    const nodeNum = requireInt(b.node_num, "node_num", 1, Number.MAX_SAFE_INTEGER);
    const byIds = b.node_ids !== undefined && b.node_ids !== null;
    if (byIds === (b.node_tags !== undefined && b.node_tags !== null)) invalid("node_ids", "set exactly one of node_ids and node_tags");
    const added = byIds ? { ids: nodeIds(b.node_ids, "node_ids").filter((id) => !d.node_ids.includes(id)), failure: null } : devicesByTags(req, b.node_tags, nodeNum, "node_tags", d.node_ids);
    if (byIds && nodeNum !== nodeIds(b.node_ids, "node_ids").length) invalid("node_num", "must equal the number of node_ids");
    const nodes = [...d.node_ids, ...added.ids];
    const next = rollout(req.store, { ...d, node_ids: nodes, node_num: nodes.length }, "STARTING", added.failure);
    return { body: render(req.store.put(req.principal, DEPLOYMENT_KIND, d.id, next)) };
  }),
];

function podStatus(d: Row, node: Row | undefined, now: number): { status: string; reason: string | null } {
  if (d.state === "DELETING") return { status: "Succeeded", reason: null };
  // §5.3.9 has no status for a paused instance: its containers were ended on purpose, which is Succeeded.
  if (node && pausedOf(d).includes(node.id)) return { status: "Succeeded", reason: "The instance was stopped (pause, §5.3.8)." };
  if (d.state === "CREATING" || d.state === "STARTING") return { status: "Pending", reason: null };
  if (d.state === "CREATE_FAILED" || d.state === "START_FAILED") return { status: "Failed", reason: d.reason };
  if (!node || !isOnline(node, now)) return { status: "Unknown", reason: "The device is offline." };
  return { status: "Running", reason: null };
}

/** §5.3.9: one instance per target device, following the deployment's state. */
export function podsOf(store: Store, project: string, d: Row): Row[] {
  return d.node_ids.map((nodeId: string) => {
    const node = store.get(project, DEVICE_KIND, nodeId);
    const name = `${nodeId.replace(/^hilens-/, "").slice(0, 11)}_${d.name}_0`;
    return {
      configs: d.template.configs,
      ...podStatus(d, node, nowOf(store)),
      host_ip: node?.emu.host_ip ?? null,
      created_at: hilensTime(d.emu.started_ms),
      cluster_id: null,
      updated_at: d.updated_at,
      project_id: project,
      name,
      id: `hilens-${name}`,
      deployment_id: d.id,
      affinity: d.emu.affinity,
      apps: d.template.apps,
      node_id: nodeId,
    };
  });
}

/** The instance `pod_id` of a deployment that is not being deleted (§5.3.7, §5.3.8 answer in the deployment error shape). */
function podOf(req: EmuRequest): { d: Row; pod: Row } {
  const d = changeableDeployment(req);
  const pod = podsOf(req.store, req.principal, d).find((p) => p.id === req.params.pod_id) ?? notFound("instance", req.params.pod_id);
  return { d, pod };
}

/**
 * §5.3.6 PATCH: `version` sets the apps' version, `patch.envs` adds or overwrites variables by
 * name. The document names no app, so both apply to every app of the template; a change restarts
 * the instances, as a template change does (§5.3.4). Errors take the deployment shape, as in the
 * rest of §5.3.
 */
function patchDeployment(req: EmuRequest): Row {
  const d = changeableDeployment(req);
  const b = req.body ?? {};
  const version = optionalString(b.version, "version", APP_VERSION);
  const patch = b.patch === undefined || b.patch === null ? {} : typeof b.patch === "object" && !Array.isArray(b.patch) ? b.patch : invalid("patch", "must be an object");
  const added = patch.envs === undefined || patch.envs === null ? [] : envs(req, patch.envs, "patch.envs");
  const apps = d.template.apps.map((a: Row) => ({
    ...a,
    ...(version ? { version } : {}),
    envs: [...(a.envs ?? []).filter((e: Row) => !added.some((n) => n.name === e.name)), ...added],
  }));
  if (isDeepStrictEqual(apps, d.template.apps)) return d;
  return req.store.put(req.principal, DEPLOYMENT_KIND, d.id, rollout(req.store, { ...d, template: { ...d.template, apps } }, "STARTING", null));
}

export const instanceRoutes: Route[] = [
  deploymentRoute(`PATCH ${item}`, (req) => ({ body: render(patchDeployment(req)) })),
  // §5.3.7: the instance goes and the deployment no longer targets its device.
  deploymentRoute(`DELETE ${item}/{pod_id}`, (req) => {
    const { d, pod } = podOf(req);
    // The emulator removes the instance at once, so force_delete (validated) changes nothing here.
    optionalBool(req.query.get("force_delete") ?? undefined, "force_delete");
    // §5.3.1: a deployment has at least one device; the last instance goes with the deployment (§5.3.5).
    if (d.node_ids.length === 1) throw new EmuError(409, "HIL.0409", `The instance ${pod.id} is the last of the deployment ${d.id}; delete the deployment instead.`);
    const nodeIds = d.node_ids.filter((id: string) => id !== pod.node_id);
    const next: Row = {
      ...d,
      node_ids: nodeIds,
      node_num: nodeIds.length,
      result: d.result.filter((r: Row) => r.node_id !== pod.node_id),
      updated_at: hilensTime(nowOf(req.store)),
      emu: { ...d.emu, paused: pausedOf(d).filter((id) => id !== pod.node_id) },
    };
    next.ready_replicas = d.state === "RUNNING" ? readyReplicas(next, []) : d.ready_replicas;
    req.store.put(req.principal, DEPLOYMENT_KIND, d.id, next);
    return { body: { pod_id: pod.id } };
  }),
  // §5.3.8: pause stops one instance, resume starts it again; either is a no-op when already so.
  deploymentRoute(`POST ${item}/{pod_id}/action/{action}`, (req) => {
    const { d, pod } = podOf(req);
    const action = oneOf(req.params.action, "action", ["pause", "resume"]);
    const paused = pausedOf(d).filter((id) => id !== pod.node_id);
    if (action === "pause") paused.push(pod.node_id);
    const next: Row = { ...d, updated_at: hilensTime(nowOf(req.store)), emu: { ...d.emu, paused } };
    if (d.state === "RUNNING") next.ready_replicas = readyReplicas(next, []);
    req.store.put(req.principal, DEPLOYMENT_KIND, d.id, next);
    return { body: { pod_id: pod.id } };
  }),
];

export const podRoutes: Route[] = [
  route("GET /v3/{project_id}/ai-mgr/pods", (req) => {
    const q = req.query;
    if (q.get("cluster_id") && q.get("node_id")) invalid("node_id", "is mutually exclusive with cluster_id");
    oneOf(q.get("provider"), "provider", ["hilens", "ief"]);
    const pods = req.store
      .list(req.principal, DEPLOYMENT_KIND)
      .map((d) => settleDeployment(req.store, req.principal, d))
      .filter((d): d is Row => !!d && (!q.get("deployment_id") || d.id === q.get("deployment_id")) && !q.get("cluster_id"))
      .flatMap((d) => podsOf(req.store, req.principal, d))
      .filter((p) => !q.get("node_id") || p.node_id === q.get("node_id"));
    return { body: { count: pods.length, pods: page(pods, q, { max: 100, default: 100 }) } };
  }),
];

export { getDeployment };
