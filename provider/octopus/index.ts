import type { ResourceDefinition } from "../framework/definition";
import { imageRepoDefinition } from "./imageRepo";
import { imageRepoVersionDefinition } from "./imageRepoVersion";
import { operatorDefinition } from "./operator";
import { dataTagDefinition } from "./dataTag";
import { datasetDefinition } from "./dataset";
import { datasetVersionDefinition } from "./datasetVersion";
import { dataSceneDefinition } from "./dataScene";
import { sceneMapDefinition } from "./sceneMap";
import { simulationSceneDefinition } from "./simulationScene";
import { dataPackageTagsDefinition } from "./dataPackageTags";

export { imageRepoDefinition } from "./imageRepo";
export { imageRepoVersionDefinition } from "./imageRepoVersion";
export { operatorDefinition } from "./operator";
export { dataTagDefinition } from "./dataTag";
export { datasetDefinition } from "./dataset";
export { datasetVersionDefinition } from "./datasetVersion";
export { dataSceneDefinition } from "./dataScene";
export { sceneMapDefinition } from "./sceneMap";
export { simulationSceneDefinition } from "./simulationScene";
export { dataPackageTagsDefinition } from "./dataPackageTags";
export { lookups } from "./functions";
export type { ResourceSpec, ImageRepoInfo, DataTagInfo, ImageVersionAccount } from "./functions";
export type { DataWarehouseInfo, WarehouseFile, CustomAttributeInfo, DataOverview, MileageStatistic, DataPackageInfo, DataPackageDetail, ReplayStatistic, ReplayTopic, ReplayEpisode, ReplayEpisodeDetail } from "./functions";
// The classes, their Args and output types, and the typed functions, generated from the definitions.
export * from "./generated";

export const definitions: ResourceDefinition<any, any>[] = [imageRepoDefinition, imageRepoVersionDefinition, operatorDefinition, dataTagDefinition, datasetDefinition, datasetVersionDefinition, dataSceneDefinition, sceneMapDefinition, simulationSceneDefinition, dataPackageTagsDefinition];
