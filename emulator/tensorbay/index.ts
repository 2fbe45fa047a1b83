import type { Route } from "../http";
import { datasetRoutes } from "./datasets";
import { storageConfigRoutes } from "./storageConfigs";
import { versionRoutes } from "./versions";

/** TensorBay open API under /gatewayv2/tensorbay-open-api/v1/ (X-Token auth, `{code, message}` errors). */
export const tensorbayRoutes: Route[] = [...storageConfigRoutes, ...datasetRoutes, ...versionRoutes];
