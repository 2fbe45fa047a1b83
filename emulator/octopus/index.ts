import type { Route } from "../http";

/** Octopus (document 000): routes are added here. */
export const octopusRoutes: Route[] = [];
