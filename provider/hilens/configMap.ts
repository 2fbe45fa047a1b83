import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import { rules } from "../framework/validate";
import { idsByName, tagsField, workspaceIdField } from "./common";
import { keyValueApi } from "./keyValue";

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

export const configMapDefinition = defineResource({
  service: "hilens",
  name: "ConfigMap",
  description: "A HiLens config map (§5.4): key/value configuration that deployments read as environment variables or volumes.",
  inputs,
  outputs,
  immutable: ["name", "workspaceId"],
  uniqueName: "name",
  identity: { by: "name", doc: "its name, unique in its workspace (§5.4.2)", find: async (ctx, i) => (await idsByName(ctx, "GET /v3/{project_id}/ai-mgr/configmaps", "configmaps", i.name, { workspaceId: i.workspaceId }))[0] },
  api: keyValueApi<Inputs>({ collection: "configmaps", wrapper: "configmap", entriesKey: "configs" }),
});

