import type { ResourceDefinition } from "../framework/definition";
import { imageRepoDefinition } from "./imageRepo";
import { imageRepoVersionDefinition } from "./imageRepoVersion";
import { operatorDefinition } from "./operator";
import { dataTagDefinition } from "./dataTag";
import { datasetDefinition } from "./dataset";
import { datasetVersionDefinition } from "./datasetVersion";

export { ImageRepo, imageRepoDefinition } from "./imageRepo";
export { ImageRepoVersion, imageRepoVersionDefinition } from "./imageRepoVersion";
export { Operator, operatorDefinition } from "./operator";
export { DataTag, dataTagDefinition } from "./dataTag";
export { Dataset, datasetDefinition } from "./dataset";
export { DatasetVersion, datasetVersionDefinition } from "./datasetVersion";
export * from "./functions";

export const definitions: ResourceDefinition<any, any>[] = [imageRepoDefinition, imageRepoVersionDefinition, operatorDefinition, dataTagDefinition, datasetDefinition, datasetVersionDefinition];
