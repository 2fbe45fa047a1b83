import type { ResourceDefinition } from "../framework/definition";
import { storageConfigDefinition } from "./storageConfig";
import { datasetDefinition } from "./dataset";
import { commitDefinition } from "./commit";
import { branchDefinition } from "./branch";
import { tagDefinition } from "./tag";
import { datasetNoteDefinition } from "./datasetNote";
import { labelCatalogDefinition } from "./labelCatalog";
import { segmentDefinition } from "./segment";
import { sensorDefinition } from "./sensor";

export { storageConfigDefinition } from "./storageConfig";
export { datasetDefinition } from "./dataset";
export { commitDefinition } from "./commit";
export { branchDefinition } from "./branch";
export { tagDefinition } from "./tag";
export { datasetNoteDefinition } from "./datasetNote";
export { labelCatalogDefinition } from "./labelCatalog";
export { segmentDefinition } from "./segment";
export { sensorDefinition } from "./sensor";
export { lookups } from "./functions";
// The classes, their Args and output types, and the typed functions, generated from the definitions.
export * from "./generated";

export const definitions: ResourceDefinition<any, any>[] = [storageConfigDefinition, datasetDefinition, commitDefinition, branchDefinition, tagDefinition, datasetNoteDefinition, labelCatalogDefinition, segmentDefinition, sensorDefinition];
