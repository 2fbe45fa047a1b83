import { randomUUID } from "node:crypto";
import { EmuError, page, route } from "../http";
import { conflict, notFound, optionalString, requireString } from "./validation";
import { nowOf } from "../clock";

const KIND = "workspace";

/** §5.8 workspaces. Names are unique per project (§5.8.2); a workspace that still holds resources cannot be deleted (§5.8.5). */
export const workspaceRoutes = [
  route("GET /v3/{project_id}/ai-mgr/workspaces", (req) => {
    const all = req.store.list(req.principal, KIND);
    return { body: { count: all.length, workspaces: page(all, req.query, { max: 100, default: 100 }) } };
  }),
  route("POST /v3/{project_id}/ai-mgr/workspaces", (req) => {
    const b = req.body ?? {};
    const name = requireString(b.name, "name");
    // §5.8.2 types these String but its example sends the number 0: both are accepted and stored as strings.
    const epId = b.enterprise_project_id;
    if (epId === undefined || epId === null || epId === "") throw new EmuError(400, "HIL.0400", "Invalid parameter enterprise_project_id: is required.");
    const epName = requireString(b.enterprise_project_name, "enterprise_project_name");
    if (req.store.findBy(req.principal, KIND, "name", name).length) conflict("workspace", name);
    const now = nowOf(req.store);
    const id = randomUUID().replace(/-/g, "");
    req.store.put(req.principal, KIND, id, {
      workspace_id: id,
      ma_workspace_id: null,
      project_id: req.principal,
      name,
      description: optionalString(b.description, "description") ?? null,
      enterprise_project_id: String(epId),
      enterprise_project_name: epName,
      create_time: now,
      update_time: now,
      owner: "emulator",
      user_id: "emulator-user",
      used_flag: null,
    });
    return { body: { workspace_id: id } };
  }),
  route("GET /v3/{project_id}/ai-mgr/workspaces/{workspace_id}", (req) => ({ body: req.store.get(req.principal, KIND, req.params.workspace_id) ?? notFound("workspace", req.params.workspace_id) })),
  route("PUT /v3/{project_id}/ai-mgr/workspaces/{workspace_id}", (req) => {
    const w = req.store.get(req.principal, KIND, req.params.workspace_id) ?? notFound("workspace", req.params.workspace_id);
    const description = req.body?.description;
    if (typeof description !== "string") throw new EmuError(400, "HIL.0400", "Invalid parameter description: is required.");
    req.store.put(req.principal, KIND, w.workspace_id, { ...w, description, update_time: nowOf(req.store) });
    return { body: { workspace_id: w.workspace_id } };
  }),
  route("DELETE /v3/{project_id}/ai-mgr/workspaces/{workspace_id}", (req) => {
    const id = req.params.workspace_id;
    if (!req.store.get(req.principal, KIND, id)) notFound("workspace", id);
    const holders = ["configmap", "secret", "device", "deployment"].flatMap((kind) => req.store.list(req.principal, kind).filter((r) => r.workspace_id === id));
    if (holders.length) throw new EmuError(409, "HIL.0409", `The workspace ${id} still holds ${holders.length} resource(s) and cannot be deleted.`);
    req.store.delete(req.principal, KIND, id);
    return { body: { workspace_id: id } };
  }),
];
