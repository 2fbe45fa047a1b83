import type { ResourceDefinition } from "../framework/definition";

export const definitions: ResourceDefinition<any, any>[] = [];
