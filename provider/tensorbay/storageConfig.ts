import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import { compact } from "../framework/case";
import { fieldIssue } from "../framework/validate";

export const STORAGE_TYPES = ["oss", "s3", "azure", "local"] as const;
type StorageType = (typeof STORAGE_TYPES)[number];

/** The body fields besides `name` and `filePath` of each CreateStorageConfig* call (wire format §8); all required. */
const FIELDS_BY_TYPE: Record<StorageType, readonly string[]> = {
  oss: ["endpoint", "accesskeyId", "accesskeySecret", "bucketName"],
  s3: ["endpoint", "accesskeyId", "accesskeySecret", "bucketName"],
  azure: ["accesskeyId", "accesskeySecret", "containerName", "accountType"],
  local: ["endpoint"],
};
const OPTIONAL_FIELDS = ["endpoint", "accesskeyId", "accesskeySecret", "bucketName", "containerName", "accountType"] as const;

const text = (rule: string) => z.string().min(1, { message: "must not be empty" }).optional().describe(rule);

const inputs = z
  .object({
    name: z
      .string()
      .min(1, { message: "is required" })
      .regex(/^[^/?#]+$/, { message: "must not contain '/', '?' or '#' (the name is a path segment of DeleteStorageConfig)" })
      .describe("Config name, unique per account; datasets refer to it as `configName`. Changing it replaces the config."),
    type: z.enum(STORAGE_TYPES).describe('Kind of storage, the CreateStorageConfig* call used: "oss" (Alibaba Cloud OSS), "s3" (AWS S3), "azure" (Azure Blob) or "local" (a self-hosted local storage). Changing it replaces the config.'),
    filePath: z.string().min(1, { message: "is required" }).describe("Dataset storage path in the bucket, container or local storage. Changing it replaces the config."),
    endpoint: text('Storage endpoint, e.g. "oss-cn-qingdao.aliyuncs.com", "s3.cn-northwest-1.amazonaws.com" or "http://192.168.0.1:9000": required for oss, s3 and local.'),
    accesskeyId: text("Access key ID (for azure: the account name): required for oss, s3 and azure. Secret in state."),
    accesskeySecret: text("Access key secret (for azure: the account key): required for oss, s3 and azure. Secret in state; TensorBay never returns it."),
    bucketName: text("Bucket name: required for oss and s3."),
    containerName: text("Container name: required for azure."),
    accountType: z.enum(["China", "Global"]).optional().describe('Azure account type, "China" or "Global": required for azure.'),
    importId: importIdField,
  })
  .superRefine((config, issues) => {
    const required = FIELDS_BY_TYPE[config.type];
    for (const field of OPTIONAL_FIELDS) {
      const given = config[field] !== undefined;
      if (!given && required.includes(field)) fieldIssue(issues, [field], `is required for type "${config.type}" (CreateStorageConfig ${config.type} body)`);
      if (given && !required.includes(field)) fieldIssue(issues, [field], `does not apply to type "${config.type}" (it takes ${required.join(", ")})`);
    }
  });

const outputs = z.object({
  isGravitiStorage: z.boolean().describe("Whether this is Graviti's own storage."),
});

type Inputs = z.infer<typeof inputs>;

const LIST = "GET /v1/storage-configs";

async function find(client: import("../client/tensorbay").TensorbayClient, name: string) {
  const found = await client.findByName<{ name: string; type: string; filePath: string; isGravitiStorage: boolean }>(LIST, "configs", name);
  return found && { inputs: { name: found.name, type: found.type as StorageType, filePath: found.filePath }, state: { isGravitiStorage: found.isGravitiStorage } };
}

/**
 * One resource for the four kinds, with `type` as discriminator: they share one list, one
 * delete and one name space, and the list answers `type`, so a config can be found, adopted and
 * checked for drift without knowing its kind beforehand.
 */
export const storageConfigDefinition = defineResource({
  service: "tensorbay",
  name: "StorageConfig",
  description:
    "A TensorBay storage config (Open API CreateStorageConfigOSS/S3/Azure/LocalFs, ListStorageConfigs, DeleteStorageConfig): where a dataset's files live. `type` picks the kind and the fields it takes. There is no update call, so every change replaces the config. Credentials are secret and never read back. The ID is the config name; `importId` takes a name.",
  inputs,
  outputs,
  immutable: ["name", "type", "filePath", ...OPTIONAL_FIELDS],
  uniqueName: "name",
  secrets: ["accesskeyId", "accesskeySecret"],
  identity: { by: "name", doc: "its name, unique for the account (one name space for every kind of config)", find: async (ctx, config) => ((await find(ctx.tensorbay, config.name)) ? config.name : undefined) },
  api: {
    async create(ctx, config) {
      const body = compact({ name: config.name, filePath: config.filePath, ...Object.fromEntries(FIELDS_BY_TYPE[config.type].map((f) => [f, config[f as keyof Inputs]])) });
      await ctx.tensorbay.call(`POST /v1/storage-configs/${config.type}`, {}, { body });
      const live = await find(ctx.tensorbay, config.name);
      if (!live) throw new Error(`tensorbay: storage config "${config.name}" was not listed right after it was created`);
      return { id: config.name, state: live.state };
    },
    read: (ctx, id) => find(ctx.tensorbay, id),
    async delete(ctx, id) {
      await ctx.tensorbay.call("DELETE /v1/storage-configs/{name}", { name: id });
    },
  },
});

