import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import { restApi } from "../framework/rest";
import { resourceClass } from "../framework/resource";
import { compact, toCamel } from "../framework/case";
import { rules } from "../framework/validate";
import { hilensClient, tagsField, workspaceIdField } from "./common";
import { withTagApi } from "./tags";

/** Name rule from §5.3 (table 5-71, how deployments reference a config map); §5.4 itself states none. */
export const CONFIG_MAP_NAME = /^[a-z][\u4e00-\u9fa5A-Za-z0-9_-]{2,62}[\u4e00-\u9fa5A-Za-z0-9_]$/;

const inputs = z.object({
  name: rules.pattern(CONFIG_MAP_NAME, "4-64 characters: starts with a lowercase letter; Chinese characters, letters, digits, '_' and '-'; does not end with '-' (HiLens §5.3 table 5-71)").describe("Config map name. Changing it replaces the config map."),
  configs: z
    .array(
      z.object({
        key: rules.pattern(/^[A-Za-z0-9_-]{1,63}$/, "1-63 letters, digits, '-' and '_' (HiLens §5.4 table 5-306)").describe("Key."),
        value: rules.pattern(/^[A-Za-z0-9_-]{1,10000}$/, "1-10000 letters, digits, '-' and '_' (HiLens §5.4 table 5-306)").describe("Value."),
      }),
    )
    .min(1, { message: "at least one config is required (HiLens §5.4.2)" })
    .describe("The key/value pairs. Deployments that read this config map roll when it changes."),
  description: z.string().optional().describe("Description."),
  tags: tagsField,
  workspaceId: workspaceIdField,
  importId: importIdField,
});

const outputs = z.object({
  id: z.string().describe("Config map ID."),
  projectId: z.string().optional().describe("Project ID."),
  type: z.string().optional().describe("Type."),
  createdAt: z.string().optional().describe("Creation time."),
  updatedAt: z.string().optional().describe("Last update time."),
});

type Inputs = z.infer<typeof inputs>;
const body = (i: Inputs) => compact({ configmap: compact({ name: i.name, configs: i.configs, description: i.description, tags: i.tags }), workspace_id: i.workspaceId });

export const configMapDefinition = defineResource({
  service: "hilens",
  name: "ConfigMap",
  description: "A HiLens config map (§5.4): key/value configuration that deployments read as environment variables or volumes.",
  inputs,
  outputs,
  immutable: ["name", "workspaceId"],
  uniqueName: "name",
  api: withTagApi("configmap", restApi<Inputs>({
    client: hilensClient,
    create: "POST /v3/{project_id}/ai-mgr/configmaps",
    read: "GET /v3/{project_id}/ai-mgr/configmaps/{id}",
    update: "PUT /v3/{project_id}/ai-mgr/configmaps/{id}",
    delete: "DELETE /v3/{project_id}/ai-mgr/configmaps/{id}",
    createBody: body,
    idOf: (res) => res.configmap.id,
    fromBody: (res) => {
      const c = toCamel(res.configmap);
      return {
        inputs: { name: c.name, configs: c.configs ?? [], description: c.description ?? undefined, tags: c.tags ?? [], workspaceId: res.workspace_id ?? c.workspaceId ?? undefined },
        state: compact({ id: c.id, projectId: c.projectId, type: c.type, createdAt: c.createdAt, updatedAt: c.updatedAt }),
      };
    },
  })),
});

export const ConfigMap = resourceClass(configMapDefinition);
