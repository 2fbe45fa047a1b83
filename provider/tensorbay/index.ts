import type { ResourceDefinition } from "../framework/definition";
import { storageConfigDefinition } from "./storageConfig";
import { datasetDefinition } from "./dataset";
import { commitDefinition } from "./commit";
import { branchDefinition } from "./branch";
import { tagDefinition } from "./tag";
import { datasetNoteDefinition } from "./datasetNote";

export { storageConfigDefinition } from "./storageConfig";
export { datasetDefinition } from "./dataset";
export { commitDefinition } from "./commit";
export { branchDefinition } from "./branch";
export { tagDefinition } from "./tag";
export { datasetNoteDefinition } from "./datasetNote";
export { lookups } from "./functions";
// The classes, their Args and output types, and the typed functions, generated from the definitions.
export * from "./generated";

export const definitions: ResourceDefinition<any, any>[] = [storageConfigDefinition, datasetDefinition, commitDefinition, branchDefinition, tagDefinition, datasetNoteDefinition];
