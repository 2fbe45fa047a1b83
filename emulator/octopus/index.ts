import type { Route } from "../http";
import { timingRoute } from "./common";
import { datasetRoutes } from "./datasets";
import { imageRepoRoutes } from "./imageRepos";
import { importRoutes } from "./imports";
import { jobRoutes } from "./jobs";
import { processorRoutes } from "./processors";
import { resourceSpecRoutes } from "./resourceSpecs";
import { tagRoutes } from "./tags";

/** Octopus (document 000): §4.1–§4.4, §4.7.1, §4.10, §4.12–§4.14, §4.17, guarded by the §6 IAM actions. */
export const octopusRoutes: Route[] = [...imageRepoRoutes, ...processorRoutes, ...tagRoutes, ...datasetRoutes, ...resourceSpecRoutes, ...jobRoutes, ...importRoutes, timingRoute];
