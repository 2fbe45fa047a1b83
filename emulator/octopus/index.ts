import type { Route } from "../http";
import { timingRoute } from "./common";
import { datasetRoutes } from "./datasets";
import { imageRepoRoutes } from "./imageRepos";
import { processorRoutes } from "./processors";
import { resourceSpecRoutes } from "./resourceSpecs";
import { tagRoutes } from "./tags";
import { dataPackageRoutes, dataSeedRoute } from "./dataPackages";
import { sceneRoutes } from "./scenes";

/** Octopus (document 000): §4.1–§4.9, §4.11.1–§4.11.3, §4.13, §4.16–§4.19, guarded by the §6 IAM actions. */
export const octopusRoutes: Route[] = [...imageRepoRoutes, ...processorRoutes, ...tagRoutes, ...datasetRoutes, ...resourceSpecRoutes, ...dataPackageRoutes, ...sceneRoutes, timingRoute, dataSeedRoute];
