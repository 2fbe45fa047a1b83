import { randomUUID } from "node:crypto";
import { EmuError, EmuRequest, page, route } from "../http";
import type { Store } from "../store";
import { nowOf } from "../clock";
import { hilensTime } from "./timing";
import { invalid, notFound, oneOf, optionalInt, optionalString } from "./validation";

/**
 * Run-service-fee orders (§5.1.12) and device activation with them (§5.1.7, §5.1.8, §5.1.11).
 * Orders are bought in the console, not through the API: the emulator's control route
 * `POST /__emulator/hilens/{project}/platform-orders` stands for that purchase.
 */
export const PLATFORM_ORDER_KIND = "platform_order";
const DEVICE_TYPES = ["lite_device", "small_device", "large_device", "large_device_cpu", "large_device_gpu_npu"] as const;
const FEE_TYPES = ["running_service", "development_service"] as const;
type Row = Record<string, any>;

/**
 * §5.1.7 body: which order field fits which order kind. `order_id` is for lite/small devices,
 * the other two for large ones (a `large_device` order fits either).
 */
const ORDER_FIELDS = {
  order_id: ["lite_device", "small_device"],
  cpu_order_id: ["large_device", "large_device_cpu"],
  npu_gpu_order_id: ["large_device", "large_device_gpu_npu"],
} as const;

/** The orders a device is activated with (its `active_content`, §5.1.3). */
export function activationOf(node: Row): string[] {
  return node.emu.activation ?? [];
}

/** §5.1.11: one record per activation state change; registration starts it INACTIVE (as the document's example begins). */
export function activationRecord(node: Row, activeStatus: "ACTIVATED" | "INACTIVE", now: number): Row {
  return { update_time: hilensTime(now), active_status: activeStatus, project_id: node.project_id, node_id: node.id };
}

function changeUse(store: Store, project: string, orderIds: string[], delta: 1 | -1, now: number): void {
  for (const id of orderIds) {
    const order = store.get(project, PLATFORM_ORDER_KIND, id);
    // An order that was removed meanwhile has nothing to give back.
    if (order) store.put(project, PLATFORM_ORDER_KIND, id, { ...order, used_amount: Math.max(0, order.used_amount + delta), order_update_time: hilensTime(now) });
  }
}

/** A deleted device gives its orders' units back. */
export function releaseActivation(store: Store, project: string, node: Row): void {
  changeUse(store, project, activationOf(node), -1, nowOf(store));
}

/** The device row of `node_id`, with the activation fields rows written before them lack. */
function deviceOf(req: EmuRequest, kind: string): Row {
  const node = req.store.get(req.principal, kind, req.params.node_id) ?? notFound("device", req.params.node_id);
  return { ...node, activation_records: node.activation_records ?? [] };
}

/** §5.1.7, §5.1.8, §5.1.11 on devices of store kind `deviceKind`. */
export function activationRoutes(deviceKind: string) {
  const node = "/v3/{project_id}/ai-mgr/nodes/{node_id}";
  return [
    route(`POST ${node}/activate`, (req) => {
      const existing = deviceOf(req, deviceKind);
      const b = req.body ?? {};
      const chosen = (Object.keys(ORDER_FIELDS) as (keyof typeof ORDER_FIELDS)[]).flatMap((field) => {
        const id = optionalString(b[field], field);
        return id ? [{ field, id }] : [];
      });
      // The three fields are optional each; activating with none has nothing to bind.
      if (!chosen.length) invalid("order_id", "set one of order_id, cpu_order_id and npu_gpu_order_id");
      if (activationOf(existing).length) throw new EmuError(409, "HIL.0409", `The device ${existing.id} is already activated (orders ${activationOf(existing).join(", ")}); deactivate it first.`);
      for (const { field, id } of chosen) {
        const order = req.store.get(req.principal, PLATFORM_ORDER_KIND, id) ?? notFound("order", id);
        if (!(ORDER_FIELDS[field] as readonly string[]).includes(order.device_type)) invalid(field, `order ${id} is a ${order.device_type} order; ${field} takes ${ORDER_FIELDS[field].join(" or ")} orders`);
        if (order.status !== 0) invalid(field, `order ${id} is not usable (status ${order.status})`);
        if (order.used_amount >= order.amount) invalid(field, `order ${id} has no unit left (${order.used_amount} of ${order.amount} used)`);
      }
      const now = nowOf(req.store);
      const ids = chosen.map((c) => c.id);
      changeUse(req.store, req.principal, ids, 1, now);
      req.store.put(req.principal, deviceKind, existing.id, { ...existing, emu: { ...existing.emu, activation: ids }, activation_records: [...existing.activation_records, activationRecord(existing, "ACTIVATED", now)], updated_at: hilensTime(now) });
      return { body: { node_id: existing.id } };
    }),
    route(`POST ${node}/deactivate`, (req) => {
      const existing = deviceOf(req, deviceKind);
      if (!activationOf(existing).length) throw new EmuError(409, "HIL.0409", `The device ${existing.id} is not activated.`);
      const now = nowOf(req.store);
      changeUse(req.store, req.principal, activationOf(existing), -1, now);
      req.store.put(req.principal, deviceKind, existing.id, { ...existing, emu: { ...existing.emu, activation: [] }, activation_records: [...existing.activation_records, activationRecord(existing, "INACTIVE", now)], updated_at: hilensTime(now) });
      return { body: { node_id: existing.id } };
    }),
    route(`GET ${node}/activation/records`, (req) => {
      const records = deviceOf(req, deviceKind).activation_records;
      return { body: { count: records.length, records: page(records, req.query, { max: 100, default: 100 }) } };
    }),
  ];
}

export const platformOrderRoutes = [
  route("GET /v1/{project_id}/platform-manager/orders", (req) => {
    const q = req.query;
    const deviceType = oneOf(q.get("device_type") ?? undefined, "device_type", DEVICE_TYPES);
    const type = oneOf(q.get("type") ?? undefined, "type", FEE_TYPES);
    const id = q.get("id");
    const rows = req.store
      .list(req.principal, PLATFORM_ORDER_KIND)
      .filter((o) => (!id || o.id === id) && (!deviceType || o.device_type === deviceType) && (!type || o.type === type))
      .map(({ type: _feeType, ...shown }) => shown);
    return { body: { total: rows.length, data: page(rows, q, { max: 100, default: 100 }) } };
  }),
];

/** Control route: a run-service-fee order bought in the console (`{amount, device_type, type?}`). */
export const platformOrderControlRoutes = [
  route(
    "POST /__emulator/hilens/{project}/platform-orders",
    (req) => {
      const b = req.body ?? {};
      const amount = optionalInt(b.amount, "amount", 1, 100000) ?? invalid("amount", "is required");
      const deviceType = oneOf(b.device_type, "device_type", DEVICE_TYPES) ?? invalid("device_type", "is required");
      const type = oneOf(b.type, "type", FEE_TYPES) ?? "running_service";
      const status = optionalInt(b.status, "status", 0, 2) ?? 0;
      const id = randomUUID().replace(/-/g, "");
      const order = { amount, used_amount: 0, cbc_order_id: `CS${id.slice(0, 18).toUpperCase()}`, device_type: deviceType, id, order_update_time: hilensTime(nowOf(req.store)), status, type };
      return { body: req.store.put(req.params.project, PLATFORM_ORDER_KIND, id, order) };
    },
    "none",
  ),
];
