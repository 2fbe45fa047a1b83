import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import { rules } from "../framework/validate";
import { descriptionField, idsByName, tagsField, workspaceIdField } from "./common";
import { keyValueApi } from "./keyValue";

const FORBIDDEN_VALUE = /^[^\^~#$%&<>()[\]{}'"\\]*$/;

// §5.6.2's prose (key/value rules, 20480) is more specific than its table 5-390 (10000, [A-Za-z0-9_-]);
// we validate by the prose, the rule the service states for this request body.
const inputs = z.object({
  name: rules.pattern(/^[a-z][a-z0-9-]{2,62}[a-z0-9]$/, "4-64 characters: lowercase letters, digits and '-', starting with a letter and not ending with '-' (HiLens §5.6.2)").describe("Secret name. Changing it replaces the secret."),
  secrets: z
    .array(
      z.object({
        key: rules.pattern(/^[A-Za-z-][A-Za-z0-9._-]{0,62}$/, "1-63 characters: starts with a letter or '-', then letters, digits, '.', '-', '_' (HiLens §5.6.2)").describe("Key."),
        value: z
          .string()
          .min(1, { message: "must not be empty" })
          .max(20480, { message: "must be at most 20480 characters (HiLens §5.6.2)" })
          .regex(FORBIDDEN_VALUE, { message: "must not contain ^ ~ # $ % & < > ( ) [ ] { } ' \" \\ (HiLens §5.6.2)" })
          .describe("Value (secret)."),
      }),
    )
    .min(1, { message: "at least one secret is required" })
    .max(100, { message: "at most 100 secrets (HiLens §5.6.2)" })
    .describe("The key/value pairs; always secret in state and previews."),
  description: descriptionField("§5.6.2"),
  tags: tagsField,
  workspaceId: workspaceIdField,
  importId: importIdField,
});

const outputs = z.object({
  id: z.string().describe("Secret ID."),
  projectId: z.string().optional().describe("Project ID."),
  createdAt: z.string().optional().describe("Creation time."),
  updatedAt: z.string().optional().describe("Last update time."),
});

type Inputs = z.infer<typeof inputs>;

export const secretDefinition = defineResource({
  service: "hilens",
  name: "Secret",
  description: "A HiLens secret (§5.6): key/value pairs delivered decrypted to the containers of deployments that reference them.",
  inputs,
  outputs,
  immutable: ["name", "workspaceId"],
  uniqueName: "name",
  identity: { by: "name", doc: "its name, unique in its workspace (§5.6.2)", find: async (ctx, i) => (await idsByName(ctx, "GET /v3/{project_id}/ai-mgr/secrets", "secrets", i.name, { workspaceId: i.workspaceId }))[0] },
  secrets: ["secrets"],
  api: keyValueApi<Inputs>({ collection: "secrets", wrapper: "secret", entriesKey: "secrets" }),
});

