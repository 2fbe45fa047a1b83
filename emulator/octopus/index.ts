import type { Route } from "../http";
import { timingRoute } from "./common";
import { datasetRoutes } from "./datasets";
import { imageRepoRoutes } from "./imageRepos";
import { importRoutes } from "./imports";
import { jobRoutes } from "./jobs";
import { processorRoutes } from "./processors";
import { resourceSpecRoutes } from "./resourceSpecs";
import { tagRoutes } from "./tags";
import { dataPackageRoutes, dataSeedRoute } from "./dataPackages";
import { replayRoutes } from "./replay";
import { sceneRoutes } from "./scenes";

/** Octopus (document 000): §4.1–§4.14, §4.16–§4.19 (§4.11 in full), guarded by the §6 IAM actions. */
export const octopusRoutes: Route[] = [...imageRepoRoutes, ...processorRoutes, ...tagRoutes, ...datasetRoutes, ...resourceSpecRoutes, ...dataPackageRoutes, ...replayRoutes, ...sceneRoutes, ...jobRoutes, ...importRoutes, timingRoute, dataSeedRoute];
