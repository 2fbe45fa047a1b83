import type { ResourceDefinition } from "./framework/definition";
import * as hilens from "./hilens";
import * as octopus from "./octopus";
import * as tensorbay from "./tensorbay";

/** Every resource definition: the runtime dispatches on these and schema.json is generated from them. */
export const definitions: ResourceDefinition<any, any>[] = [...hilens.definitions, ...octopus.definitions, ...tensorbay.definitions];
