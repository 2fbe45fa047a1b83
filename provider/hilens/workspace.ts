import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import { restApi } from "../framework/rest";
import { compact, toCamel } from "../framework/case";
import { hilensClient, idsByName } from "./common";

const inputs = z.object({
  // §5.8.2 states no length or character rule for workspace names: only that they are required and unique.
  name: z.string().min(1, { message: "is required" }).describe("Workspace name, unique in the project (HiLens §5.8.2). Changing it replaces the workspace."),
  description: z.string().optional().describe("Description: the only field HiLens lets you change in place (§5.8.4)."),
  // §5.8.2 types these String but its example sends the number 0: accept both, send the documented string.
  enterpriseProjectId: z.union([z.string(), z.number()]).transform(String).meta({ anyOf: [{ type: "string" }, { type: "number" }] }).default("0").describe("Enterprise project ID (default \"0\"). Changing it replaces the workspace."),
  enterpriseProjectName: z.string().min(1).default("default").describe("Enterprise project name (default \"default\"). Changing it replaces the workspace."),
  importId: importIdField,
});

const outputs = z.object({
  workspaceId: z.string().describe("Workspace ID."),
  maWorkspaceId: z.string().optional().describe("ID of the matching ModelArts workspace."),
  projectId: z.string().describe("Project ID."),
  createTime: z.number().describe("Creation time (ms since epoch)."),
  updateTime: z.number().describe("Last update time (ms since epoch)."),
  owner: z.string().optional().describe("Creator."),
  userId: z.string().optional().describe("Creator's user ID."),
});

export const workspaceDefinition = defineResource({
  service: "hilens",
  name: "Workspace",
  description: "A HiLens workspace (§5.8): the scope that devices, deployments, config maps and secrets live in.",
  inputs,
  outputs,
  immutable: ["name", "enterpriseProjectId", "enterpriseProjectName"],
  uniqueName: "name",
  identity: {
    by: "name",
    doc: "its name, unique in the project (§5.8.2)",
    find: async (ctx, i) => (await idsByName(ctx, "GET /v3/{project_id}/ai-mgr/workspaces", "workspaces", i.name, { idKey: "workspace_id", nameFilter: false }))[0],
  },
  idOutput: "workspaceId",
  api: restApi<z.infer<typeof inputs>>({
    client: hilensClient,
    create: "POST /v3/{project_id}/ai-mgr/workspaces",
    read: "GET /v3/{project_id}/ai-mgr/workspaces/{id}",
    update: "PUT /v3/{project_id}/ai-mgr/workspaces/{id}",
    delete: "DELETE /v3/{project_id}/ai-mgr/workspaces/{id}",
    createBody: (i) => compact({ name: i.name, description: i.description, enterprise_project_id: i.enterpriseProjectId, enterprise_project_name: i.enterpriseProjectName }),
    idOf: (res) => res.workspace_id,
    updateBody: (i) => ({ description: i.description ?? "" }),
    fromBody: (res) => {
      const w = toCamel(res);
      return {
        inputs: { name: w.name, description: w.description ?? undefined, enterpriseProjectId: w.enterpriseProjectId, enterpriseProjectName: w.enterpriseProjectName },
        state: compact({ workspaceId: w.workspaceId, maWorkspaceId: w.maWorkspaceId, projectId: w.projectId, createTime: w.createTime, updateTime: w.updateTime, owner: w.owner === undefined || w.owner === null ? undefined : String(w.owner), userId: w.userId }),
      };
    },
  }),
});

