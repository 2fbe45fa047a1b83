import type { ResourceDefinition } from "../framework/definition";
import { storageConfigDefinition } from "./storageConfig";
import { datasetDefinition } from "./dataset";
import { commitDefinition } from "./commit";
import { branchDefinition } from "./branch";
import { tagDefinition } from "./tag";
import { datasetNoteDefinition } from "./datasetNote";

export { StorageConfig, storageConfigDefinition } from "./storageConfig";
export { Dataset, datasetDefinition } from "./dataset";
export { Commit, commitDefinition } from "./commit";
export { Branch, branchDefinition } from "./branch";
export { Tag, tagDefinition } from "./tag";
export { DatasetNote, datasetNoteDefinition } from "./datasetNote";
export { getDatasets, getDatasetsOutput, getCommits, getCommitsOutput, lookups } from "./functions";

export const definitions: ResourceDefinition<any, any>[] = [storageConfigDefinition, datasetDefinition, commitDefinition, branchDefinition, tagDefinition, datasetNoteDefinition];
