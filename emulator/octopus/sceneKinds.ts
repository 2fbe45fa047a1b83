/**
 * Store kinds of data packages (§4.9) and what refers to them or lives beside them: warehouses
 * (§4.5), custom attributes (§4.6), scene segments (§4.16), simulation scenes (§4.18), scene maps
 * (§4.19) and their files. In a module of their own, so tags (§4.17) can check what uses a tag.
 */
export const PACKAGE_KIND = "octopus.dataPackage";
export const WAREHOUSE_KIND = "octopus.dataWarehouse";
export const ATTRIBUTE_KIND = "octopus.customAttribute";
export const SEGMENT_KIND = "octopus.sceneSegment";
export const SCENARIO_KIND = "octopus.simScenario";
export const MAP_KIND = "octopus.sceneMap";
/** Uploaded files, by sha256: the service knows a file once by its content (§4.18.3, §4.19.1). */
export const FILE_KIND = "octopus.simFile";
