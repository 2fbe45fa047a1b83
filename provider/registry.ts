import type { ResourceDefinition } from "./framework/definition";
import * as hilens from "./hilens";

/** Every resource definition: the runtime dispatches on these and schema.json is generated from them. */
export const definitions: ResourceDefinition<any, any>[] = [hilens.workspaceDefinition, hilens.configMapDefinition, hilens.secretDefinition];
