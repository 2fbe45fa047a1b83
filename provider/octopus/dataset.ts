import { z } from "zod";
import { OCTOPUS_BASE } from "../client/octopus";
import { defineResource, importIdField } from "../framework/definition";
import { restApi } from "../framework/rest";
import { fieldIssue } from "../framework/validate";
import { compact, toCamel, toSnake } from "../framework/case";
import { DATASET_FORMS, DATA_SOURCES, DATA_TYPES, LABEL_FORMATS } from "./enums";
import { idByName, octopusClient, oneOf, text } from "./common";

export const DATASETS = `${OCTOPUS_BASE}/common/datasets`;

const inputs = z
  .object({
    name: text({ min: 1, max: 64, section: "§4.3.2" }).describe("Dataset name, unique in the project: 1-64 characters (Octopus §4.3.2)."),
    dataType: oneOf(DATA_TYPES, "§4.3 data_type").optional().describe(`Kind of data: ${DATA_TYPES.join(", ")} (§4.3.2). Required unless datasetForm is SUBSET (a subset inherits it).`),
    datasetForm: oneOf(DATASET_FORMS, "§4.3 dataset_form").describe("DATASET or SUBSET (a subset of sourceDatasetId) (§4.3.2)."),
    sourceDatasetId: z.string().min(1).optional().describe("ID of the dataset a SUBSET is taken from; required when datasetForm is SUBSET (§4.3.2)."),
    dataSource: oneOf(DATA_SOURCES, "§4.3 data_source").describe(`Where the data comes from: ${DATA_SOURCES.join(", ")} (annotation task, local upload, OBS, data warehouse, another dataset) (§4.3.2).`),
    description: text({ max: 256, section: "§4.3.2" }).optional().describe("Description: at most 256 characters (Octopus §4.3.2)."),
    labelFormat: oneOf(LABEL_FORMATS, "§4.3 label_format").optional().describe("OCTOPUS or USER_DEFINE (§4.3.2). Required unless datasetForm is SUBSET (a subset inherits it)."),
    dataSourceInfo: z
      .object({
        labelProjectPackageId: z.string().min(1).optional().describe("Annotation package ID; required when dataSource is LABEL."),
        labelProjectPackageName: text({ min: 1, max: 64, section: "§4.3.2" }).optional().describe("Annotation package name (at most 64 characters); required when dataSource is LABEL."),
        dataWarehouseId: z.string().min(1).optional().describe("Data warehouse ID; required when dataSource is HOUSE."),
      })
      .optional()
      .describe("Source details (§4.3.2 DataSourceInfoRequest): required for LABEL and HOUSE sources."),
    labelTaged: z.boolean().optional().describe("Whether the data is annotated (the document's spelling `label_taged`, §4.3.2)."),
    importId: importIdField,
  })
  // §4.3.2 marks data_type, label_format and data_source_info required, but its examples show what each form and source really needs (§Inconsistencies 13).
  .superRefine((d, ctx) => {
    const need = (ok: unknown, path: string[], when: string) => ok || fieldIssue(ctx, path, `is required when ${when} (Octopus §4.3.2)`);
    if (d.datasetForm === "SUBSET") need(d.sourceDatasetId, ["sourceDatasetId"], "datasetForm is SUBSET");
    else {
      need(d.dataType, ["dataType"], "datasetForm is DATASET");
      need(d.labelFormat, ["labelFormat"], "datasetForm is DATASET");
    }
    if (d.dataSource === "LABEL") {
      need(d.dataSourceInfo?.labelProjectPackageId, ["dataSourceInfo", "labelProjectPackageId"], "dataSource is LABEL");
      need(d.dataSourceInfo?.labelProjectPackageName, ["dataSourceInfo", "labelProjectPackageName"], "dataSource is LABEL");
    }
    if (d.dataSource === "HOUSE") need(d.dataSourceInfo?.dataWarehouseId, ["dataSourceInfo", "dataWarehouseId"], "dataSource is HOUSE");
  });

const outputs = z.object({
  latestVersion: z.number().describe("Number of the latest version (0 before the first)."),
  versionCount: z.number().describe("Number of versions."),
  versionSuccessCount: z.number().describe("Number of versions that built successfully."),
  hasFinished: z.boolean().describe("Whether no version is still being built."),
  owner: z.string().describe("CUSTOMER or SYSTEM (built-in)."),
  frameNum: z.number().describe("Number of files."),
  frameSize: z.number().describe("Size in bytes."),
  labelCount: z.number().describe("Number of labels."),
  labelNames: z.array(z.string()).describe("Label names."),
  labelAssociated: z.boolean().describe("Whether an annotation task is linked."),
  sourceDatasetName: z.string().optional().describe("Name of the source dataset (subsets)."),
  projectId: z.string().describe("Project ID."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;

/** The request's part of the answered DataSourceInfoList (which also lists batch tasks, raw data, …): only that can drift. */
function requestedSourceInfo(info: Record<string, string> | undefined) {
  const picked = compact({ labelProjectPackageId: info?.labelProjectPackageId, labelProjectPackageName: info?.labelProjectPackageName, dataWarehouseId: info?.dataWarehouseId });
  return Object.keys(picked).length ? picked : undefined;
}

export const datasetDefinition = defineResource({
  service: "octopus",
  name: "Dataset",
  description:
    "An Octopus dataset (§4.3): data gathered from annotation tasks, uploads, OBS, the data warehouse or another dataset (a subset). The API cannot edit a dataset, so every change replaces it (deleting it deletes its versions). Its contents are `octopus.DatasetVersion`s.",
  inputs,
  outputs,
  immutable: ["name", "dataType", "datasetForm", "sourceDatasetId", "dataSource", "description", "labelFormat", "dataSourceInfo", "labelTaged"],
  // §4.3.2 label_taged: true only for datasets made from the annotation service; otherwise false.
  serverDefaults: { labelTaged: [false] },
  uniqueName: "name",
  identity: { by: "name", doc: "its name, unique in the project (a duplicate is refused with octopus.202201, Octopus §4.3.2, table 7-6)", find: (ctx, i) => idByName(ctx.octopus, `GET ${DATASETS}`, i.name) },
  api: restApi<Inputs>({
    client: octopusClient,
    create: `POST ${DATASETS}`,
    read: `GET ${DATASETS}/{id}`,
    delete: `DELETE ${DATASETS}/{id}`,
    createBody: (i) => toSnake({ ...i, importId: undefined }),
    // Unlike the other Octopus creates, §4.3.2 answers the whole dataset.
    idOf: (res) => res.item.id,
    fromBody: (res) => {
      const d = toCamel(res.item);
      return {
        inputs: compact({
          name: d.name,
          dataType: d.dataType,
          datasetForm: d.datasetForm,
          sourceDatasetId: d.sourceDatasetId,
          dataSource: d.dataSource,
          description: d.description,
          labelFormat: d.labelFormat,
          dataSourceInfo: requestedSourceInfo(d.dataSourceInfo),
          labelTaged: d.labelTaged,
        }),
        state: compact({
          latestVersion: d.latestVersion ?? 0,
          versionCount: d.versionCount ?? 0,
          versionSuccessCount: d.versionSuccessCount ?? 0,
          hasFinished: d.hasFinished ?? true,
          owner: d.owner,
          frameNum: Number(d.frameNum ?? 0),
          frameSize: Number(d.frameSize ?? 0),
          labelCount: Number(d.labelCount ?? 0),
          labelNames: d.labelNames ?? [],
          labelAssociated: d.labelAssociated ?? false,
          sourceDatasetName: d.sourceDatasetName,
          projectId: d.projectId,
          createAt: d.createAt,
          updateAt: d.updateAt,
        }),
      };
    },
  }),
});

