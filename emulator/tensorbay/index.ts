import type { Route } from "../http";

/** TensorBay open API under /gatewayv2/tensorbay-open-api/v1/: routes are added here. */
export const tensorbayRoutes: Route[] = [];
