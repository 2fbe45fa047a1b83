import { z } from "zod";
import { ApiError } from "../client/errors";
import { listAllOctopus } from "../client/octopus";
import { defineResource, importIdField, ResourceApi } from "../framework/definition";
import { waitFor } from "../framework/await";
import { restApi } from "../framework/rest";
import { compact, toCamel, toSnake } from "../framework/case";
import { FILE_TYPES } from "./enums";
import { octopusClient, oneOf, text } from "./common";
import { DATASETS } from "./dataset";

const VERSIONS = `${DATASETS}/{dataset_id}/versions`;
/** How long a delete waits for newer versions (deleted by the same `up`, in parallel) to go first. */
const NEWER_VERSIONS_WAIT_MS = 2 * 60_000;

const ids = (what: string) => z.array(z.string().min(1)).max(5, { message: `at most 5 ${what} (Octopus §4.4.2 WarehouseParam)` });
/** Tag ids are typed [String] but the document's example sends numbers (§Inconsistencies 18): both are taken, strings are sent. */
const tagIds = (what: string) => z.array(z.union([z.string().min(1), z.number().int().transform(String)])).max(5, { message: `at most 5 ${what} (Octopus §4.4.2 WarehouseParam)` });

const warehouseParams = z
  .object({
    dataProcessTaskIds: ids("data process task ids").optional().describe("Data process task IDs (any of; at most 5)."),
    rawDataIds: ids("raw data ids").optional().describe("Raw data IDs (any of; at most 5)."),
    startTime: z.number().int().min(0).optional().describe("Start of the time range (ms since epoch, >= 0)."),
    endTime: z.number().int().min(0).optional().describe("End of the time range (ms since epoch, >= 0, not before startTime)."),
    fileName: text({ max: 64, section: "§4.4.2" }).optional().describe("File name filter (fuzzy, at most 64 characters)."),
    fileTypes: z.array(oneOf(FILE_TYPES, "§4.4.2 file_types")).max(6).optional().describe(`File types: ${FILE_TYPES.join(", ")} (at most 6).`),
    andTags: tagIds("tags").optional().describe("Data tag IDs the data must all carry (`octopus.DataTag` ids; at most 5)."),
    orTags: tagIds("tags").optional().describe("Data tag IDs of which the data carries any (at most 5)."),
    andCustomAttributes: ids("custom attributes").optional().describe("Custom attributes the data must all carry (at most 5)."),
    orCustomAttributes: ids("custom attributes").optional().describe("Custom attributes of which the data carries any (at most 5)."),
  })
  .refine((w) => w.startTime === undefined || w.endTime === undefined || w.endTime >= w.startTime, { path: ["endTime"], message: "must not be before startTime (Octopus §4.4.2; the service answers octopus.108002)" });

const inputs = z
  .object({
    datasetId: z.string().min(1).describe("ID of the dataset (`octopus.Dataset` id). Versions cannot be edited: every change replaces the version."),
    agreementConfirm: z
      .literal(true, { message: "must be true: creating a version requires agreeing to the privacy statement (Octopus §4.4.2; the service refuses false with octopus.102004)" })
      .describe("Agreement to the privacy statement; must be true (Octopus §4.4.2)."),
    description: text({ max: 256, section: "§4.4.2" }).optional().describe("Description: at most 256 characters (Octopus §4.4.2)."),
    batchTaskId: z.string().min(1).optional().describe("Annotation batch task ID; required when the dataset's source is LABEL (§4.4.2)."),
    labelMetaNames: z.array(z.string().min(1)).optional().describe("Labels to take; required when the dataset's source is LABEL (§4.4.2)."),
    onlyValid: z.boolean().optional().describe("LABEL only: true takes valid annotated frames, false invalid ones, unset all (§4.4.2)."),
    hardMining: z.boolean().optional().describe("LABEL only: true takes hard examples, false the others, unset all (§4.4.2)."),
    searchStatus: z
      .enum(["all", "labeled"], { message: "must be all or labeled (Octopus §4.4.2)" })
      .optional()
      .describe("Which frames to take, all or labeled; required when the dataset's source is LABEL. Sent as the body's `status` (the answer calls it `search_status`; `status` here is the build status)."),
    bucketName: z.string().min(1).optional().describe("OBS bucket; required (with bucketPath) when the dataset's source is OBS (§4.4.2)."),
    bucketPath: z.string().min(1).optional().describe("OBS folder; required (with bucketName) when the dataset's source is OBS (§4.4.2)."),
    warehouseParams: warehouseParams.optional().describe("Data warehouse query; required when the dataset's source is HOUSE (§4.4.2 WarehouseParam)."),
    customImage: z
      .string()
      .regex(/^\d+:\d+$/, { message: 'must be "<imageRepoId>:<version>", e.g. "10293:1" (Octopus §4.4.2)' })
      .optional()
      .describe('Custom processing image as "<imageRepoId>:<version>" (§4.4.2), e.g. pulumi.interpolate`${repo.id}:${version.version}`.'),
    command: z.string().min(1).optional().describe("Script the custom image runs (§4.4.2)."),
    tags: z.array(z.string().min(1).max(64)).optional().describe("Filter tags for a SUBSET dataset (§4.4.2)."),
    customAttributes: z.array(z.string().min(1)).optional().describe("Filter attributes for a SUBSET dataset (§4.4.2)."),
    importId: importIdField,
  })
  .refine((v) => (v.bucketName === undefined) === (v.bucketPath === undefined), { path: ["bucketPath"], message: "bucketName and bucketPath go together (Octopus §4.4.2)" });

const outputs = z.object({
  name: z.string().describe('Version name, assigned in order: "V1", "V2", … (§4.4).'),
  status: z.string().describe("Build status: INITIALIZING at creation, then SUCCESS or a failure (§4.3 status)."),
  hasFinished: z.boolean().describe("Whether the build is over."),
  labelFormat: z.string().optional().describe("Label format, from the dataset."),
  frameNum: z.number().describe("Number of files."),
  frameSize: z.number().describe("Size in bytes."),
  labelCount: z.number().describe("Number of labels."),
  labelNames: z.array(z.string()).describe("Label names."),
  sourceVersionId: z.string().optional().describe("Version it was derived from."),
  projectId: z.string().describe("Project ID."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;

const rest = restApi<Inputs>({
  client: octopusClient,
  create: `POST ${VERSIONS}`,
  read: `GET ${VERSIONS}/{id}`,
  delete: `DELETE ${VERSIONS}/{id}`,
  params: (i) => ({ dataset_id: i.datasetId }),
  createBody: ({ datasetId, importId, searchStatus, ...body }) => toSnake({ ...body, status: searchStatus }),
  idOf: (res) => res.item.id,
  // The detail answer (§4.4.3) lists these request fields; OBS, warehouse and LABEL filters are not echoed, so they cannot drift.
  fromBody: (res) => {
    const v = toCamel(res.item);
    const number = (x: unknown) => Number(x ?? 0);
    return {
      inputs: compact({ datasetId: v.labelDatasetId, description: v.description, batchTaskId: v.batchTaskId, labelMetaNames: v.labelMetaNames, customImage: v.customImage, command: v.command, agreementConfirm: v.agreementConfirm }),
      state: compact({
        name: v.name,
        status: v.status,
        hasFinished: v.hasFinished ?? false,
        labelFormat: v.labelFormat,
        frameNum: number(v.frameNum),
        frameSize: number(v.frameSize),
        labelCount: number(v.labelCount),
        labelNames: v.labelNames ?? [],
        sourceVersionId: v.sourceVersionId,
        projectId: v.projectId,
        createAt: number(v.createAt),
        updateAt: number(v.updateAt),
      }),
    };
  },
});

const notLatest = (err: unknown) => err instanceof ApiError && err.errorCode === "octopus.202207";

const api: ResourceApi<Inputs> = {
  ...rest,
  /**
   * Versions are deleted newest first (400 octopus.202207). A destroy deletes all versions of a
   * dataset at once, so an older one waits for the newer ones to go.
   */
  async delete(ctx, id, i, state) {
    let lastError: unknown;
    const attempt = async () => {
      try {
        await rest.delete(ctx, id, i, state);
        return true;
      } catch (err) {
        if (!notLatest(err)) throw err;
        lastError = err;
        return false;
      }
    };
    if (await attempt()) return;
    const result = await waitFor(ctx, `dataset version ${state.name ?? id}`, NEWER_VERSIONS_WAIT_MS, async () => {
      const done = await attempt();
      return { done, status: done ? "deleted" : "waiting for newer versions to be deleted first", value: undefined };
    });
    if (!result.ok) throw lastError;
  },
};

export const datasetVersionDefinition = defineResource({
  service: "octopus",
  name: "DatasetVersion",
  description:
    "A version of an Octopus dataset (§4.4), built from the dataset's source: an annotation batch (LABEL), an OBS folder (OBS) or a data warehouse query (HOUSE). Named V1, V2, … in order; it cannot be edited, so every change replaces it. Versions are deleted newest first.",
  inputs,
  outputs,
  identity: {
    by: "new",
    doc: "the dataset's versions with its description, listed before creating (§4.4.1; versions are named V1, V2, … by the service, nothing in the request is unique): after a lost answer, the new one is the version made",
    // An empty description is none on either side: a version listed with "" or without one matches a program that sets "" or none.
    candidates: async (ctx, i) =>
      (await listAllOctopus(ctx.octopus, `GET ${VERSIONS}`, { params: { dataset_id: i.datasetId } })).filter((v) => (v.description || undefined) === (i.description || undefined)).map((v) => String(v.id)),
  },
  importScope: ["datasetId"],
  immutable: ["datasetId", "agreementConfirm", "description", "batchTaskId", "labelMetaNames", "onlyValid", "hardMining", "searchStatus", "bucketName", "bucketPath", "warehouseParams", "customImage", "command", "tags", "customAttributes"],
  api,
});

