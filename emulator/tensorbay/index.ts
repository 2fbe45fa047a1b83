import type { Route } from "../http";
import { cloudFileRoutes, cloudFilesControlRoute } from "./cloudFiles";
import { contentRoutes } from "./content";
import { datasetRoutes } from "./datasets";
import { diffRoutes } from "./diffs";
import { jobRoutes } from "./jobs";
import { benchmarkControlRoute, sextantRoutes } from "./sextant";
import { storageConfigRoutes } from "./storageConfigs";
import { userRoutes } from "./user";
import { versionRoutes } from "./versions";

/** TensorBay open API under /gatewayv2/tensorbay-open-api/v1/ and the Sextant app's under /gatewayv2/apps-sextant/v1/ (X-Token auth, `{code, message}` errors). */
export const tensorbayRoutes: Route[] = [...storageConfigRoutes, ...datasetRoutes, ...versionRoutes, ...contentRoutes, ...diffRoutes, ...jobRoutes, ...userRoutes, ...cloudFileRoutes, ...sextantRoutes, cloudFilesControlRoute, benchmarkControlRoute];
