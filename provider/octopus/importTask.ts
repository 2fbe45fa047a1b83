import { z } from "zod";
import { ApiError, unlessNotFound } from "../client/errors";
import { OCTOPUS_BASE, idText, listAllOctopus } from "../client/octopus";
import { type Context, NotReadyError, type Props, type ResourceApi, afterCreate, defineResource, importIdField } from "../framework/definition";
import { awaitTimeoutsField, timeoutFor, waitFor } from "../framework/await";
import { restApi } from "../framework/rest";
import { compact, toCamel, toSnake } from "../framework/case";
import { IMPORT_SOURCE_TYPES, IMPORT_STATUSES } from "./enums";
import { numericId, octopusClient, oneOf, text } from "./common";
import { envsField, resourceSpecField } from "./job";

const RECORDS = `${OCTOPUS_BASE}/data/import-records`;
/** Importing many large rosbag packages takes a while; `customTimeouts` override this. */
const DEFAULT_WAIT_MS = 60 * 60_000;

const processorConfig = (section: string) =>
  z
    .object({
      processorId: numericId(`processor_id, Octopus ${section}`).describe("ID of the operator that processes each imported package (`octopus.Operator` id)."),
      resourceSpec: resourceSpecField(`${section} resource_spec`).describe('Resource spec it runs on, e.g. "4Core_16GiB" (see `octopus.getResourceSpecs`).'),
      envs: envsField(`${section} envs`).optional().describe("Environment variables of its container: at most 10, keys unique."),
    })
    .describe(`An operator run on the imported packages (${section} DataProcessorConfig).`);

const inputs = z.object({
  type: oneOf(IMPORT_SOURCE_TYPES, "§4.10.2 type").default("OBS").describe("How the data travels: OBS (object storage), the only documented way (§4.10.2). Changing it replaces the task."),
  path: text({ min: 1, max: 255, section: "§4.10.2" }).describe("OBS path of the data packages, e.g. \"octopus-user-<project>/rosbag/DO2023…\": at most 255 characters (§4.10.2). Changing it replaces the task."),
  ak: z
    .string()
    .regex(/^[A-Z0-9]{20}$/, { message: "must be 20 uppercase letters or digits (Octopus §4.10.2 ak)" })
    .describe("Access key the service reads the OBS path with: 20 uppercase letters or digits (§4.10.2). Secret. Used only when the task is created (the service never returns it): a new key is recorded and changes nothing."),
  sk: z
    .string()
    .regex(/^[A-Za-z0-9]{40}$/, { message: "must be 40 letters or digits (Octopus §4.10.2 sk)" })
    .describe("Secret key of `ak`: 40 letters or digits (§4.10.2). Secret; like `ak`, used only at creation."),
  packages: z
    .array(z.string().min(1, { message: "must not be empty (Octopus §4.10.2 packages)" }))
    .min(1, { message: "at least one package (Octopus §4.10.2)" })
    .max(10, { message: "at most 10 packages (Octopus §4.10.2)" })
    .describe("Names of the data packages under `path` to import: 1-10 (§4.10.2). Changing them replaces the task."),
  agreementConfirm: z
    .literal(true, { message: "must be true: importing requires agreeing to the service's data agreement (Octopus §4.10.2; the service refuses false with octopus.102004)" })
    .describe("Agreement to the data agreement; must be true (§4.10.2)."),
  opendataProcessorConfig: processorConfig("§4.10.2 opendata_processor_config").optional().describe("Operator converting the packages to OpenData for replay (§4.10.2). Changing it replaces the task."),
  desensitizeProcessorConfig: processorConfig("§4.10.2 desensitize_processor_config").optional().describe("Operator desensitizing the packages (§4.10.2). Changing it replaces the task."),
  awaitTimeouts: awaitTimeoutsField,
  importId: importIdField.describe('ID of an existing import task ("DCL" + 13 digits) to adopt instead of creating one (our `pulumi import`).'),
});

const outputs = z.object({
  status: z.enum(IMPORT_STATUSES).describe(`Import status, live on refresh: ${IMPORT_STATUSES.join(", ")} (§4.10).`),
  recordId: z.number().describe("The record's numeric id (the task's ID is its `dcl_id`, §4.10.3)."),
  totalNum: z.number().describe("Number of packages to import."),
  successNum: z.number().describe("Packages imported."),
  failedNum: z.number().describe("Packages that failed to import."),
  importingNum: z.number().describe("Packages being imported."),
  userId: z.string().describe("ID of the user who created the task."),
  userName: z.string().describe("Name of that user."),
  projectId: z.string().describe("Project ID."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;

const rest = restApi<Inputs>({
  client: octopusClient,
  create: `POST ${RECORDS}`,
  read: `GET ${RECORDS}/{id}`,
  delete: `DELETE ${RECORDS}/{id}`,
  createBody: ({ importId, awaitTimeouts, ...body }) => toSnake(body),
  idOf: (res) => String(res.item),
  fromBody: ({ item: r }) => {
    const config = toCamel(r.import_config ?? {});
    const progress = toCamel(r.import_progress ?? {});
    return {
      inputs: compact({ type: config.type, path: config.path, packages: config.packages, opendataProcessorConfig: config.opendataProcessorConfig, desensitizeProcessorConfig: config.desensitizeProcessorConfig }),
      state: compact({
        status: progress.status,
        recordId: Number(r.id),
        totalNum: progress.totalNum ?? 0,
        successNum: progress.successNum ?? 0,
        failedNum: progress.failedNum ?? 0,
        importingNum: progress.importingNum ?? 0,
        userId: r.user_id,
        userName: r.user_name,
        projectId: r.project_id,
        createAt: r.create_at,
        updateAt: r.update_at,
      }),
    };
  },
});

const statusOf = async (ctx: Context, id: string, i: Inputs) => {
  // A task that is gone answers 404 (§4.10.3 status codes), which says what happened less clearly than this.
  const live = await unlessNotFound(rest.read(ctx, id, i));
  if (!live) throw new Error(`edgeai:octopus:ImportTask: import task ${id} was deleted while waiting for it`);
  return live.state;
};

/** Waits until the import is over: SUCCESS, or FAILED (the task stays in state as not ready). */
async function awaitImported(ctx: Context, id: string, i: Inputs, op: "create" | "update"): Promise<Props> {
  const what = `import task ${id} (${i.packages.length} package(s) from ${i.path})`;
  const result = await waitFor(ctx, what, timeoutFor(i, op, DEFAULT_WAIT_MS), async () => {
    const state = await statusOf(ctx, id, i);
    const status = `${state.status} (${state.successNum}/${state.totalNum} imported)`;
    return { done: state.status === "SUCCESS", failure: state.status === "FAILED" ? `${state.failedNum} of ${state.totalNum} package(s) failed to import` : undefined, status, value: state };
  });
  if (!result.ok) throw new NotReadyError(`edgeai:octopus:ImportTask ${what} did not succeed: ${result.reason}; the next \`pulumi up\` starts it again.`, id, result.value);
  return result.value;
}

const startable = (status: unknown) => status === "WAITING_IMPORT" || status === "FAILED";

/**
 * Starts the import (§4.10.5) unless it already runs or ran; a FAILED import is started again. A
 * start whose answer was lost is sent again, and refused (409 octopus.102006) if the first one
 * started it: an import under way or done counts as started.
 */
async function startUnlessStarted(ctx: Context, id: string, i: Inputs): Promise<void> {
  if (!startable((await statusOf(ctx, id, i)).status)) return;
  try {
    await ctx.octopus.call(`POST ${RECORDS}/{id}/import`, { id }, { body: {}, idempotent: true });
  } catch (err) {
    if (!(err instanceof ApiError && err.errorCode === "octopus.102006") || startable((await statusOf(ctx, id, i)).status)) throw err;
    ctx.log(`import task ${id}: the start was refused as started already: an earlier attempt whose answer was lost started it`);
  }
}

const api: ResourceApi<Inputs> = {
  ...rest,
  // §4.10.2 only records the task; it imports once started (§4.10.5). The configs given here are the task's: §4.10.5's `desensitization` is not sent again.
  async create(ctx, i) {
    const { id, state } = await rest.create(ctx, i);
    return {
      id,
      state: await afterCreate(id, state, async () => {
        await startUnlessStarted(ctx, id, i);
        return awaitImported(ctx, id, i, "create");
      }),
    };
  },
  // Every documented field is immutable; an update finishes what a create left: a task never started or FAILED is started (again) and awaited.
  async update(ctx, id, _olds, news) {
    await startUnlessStarted(ctx, id, news);
    return awaitImported(ctx, id, news, "update");
  },
  /** An import under way cannot be deleted (409 octopus.102006): the delete waits for it to end. */
  async delete(ctx, id, i, state) {
    const ended = await waitFor(ctx, `import task ${id}`, timeoutFor(i, "delete", DEFAULT_WAIT_MS), async () => {
      const { status } = await statusOf(ctx, id, i).catch(() => ({ status: "gone" }));
      return { done: status !== "IMPORTING", status: status === "IMPORTING" ? "IMPORTING: waiting for it to end before deleting" : String(status), value: undefined };
    });
    if (!ended.ok) throw new Error(`edgeai:octopus:ImportTask: import task ${id} cannot be deleted while it imports: ${ended.reason}`);
    await rest.delete(ctx, id, i, state);
  },
};

export const importTaskDefinition = defineResource({
  service: "octopus",
  name: "ImportTask",
  description:
    "An Octopus data import task (§4.10): data packages copied from an OBS path into the project, optionally converted to OpenData and desensitized by operators. `up` creates it (§4.10.2), starts it (§4.10.5) and waits until it is SUCCESS; a FAILED import fails `up` and stays in state, and the next `up` starts it again. Deleting it (§4.10.4) removes the task and the data packages it imported.",
  inputs,
  outputs,
  immutable: ["type", "path", "packages", "agreementConfirm", "opendataProcessorConfig", "desensitizeProcessorConfig"],
  unreadable: ["agreementConfirm", "ak", "sk"],
  secrets: ["ak", "sk"],
  identity: {
    by: "new",
    doc: "the import tasks of the same OBS path, listed before creating (§4.10.1; tasks have no name, nothing in the request is unique): after a lost answer, the new one is the task made",
    candidates: async (ctx, i) => (await listAllOctopus(ctx.octopus, `GET ${RECORDS}`, { query: { source_type: i.type } })).filter((r) => r.data_source === i.path).map((r) => idText(r.dcl_id)),
  },
  api,
});
