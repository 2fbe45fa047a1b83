import type { ResourceDefinition } from "./framework/definition";
import type { LookupDefinition } from "./framework/lookup";
import * as hilens from "./hilens";
import * as octopus from "./octopus";
import * as tensorbay from "./tensorbay";

/** Every resource definition: the runtime dispatches on these and schema.json is generated from them. */
export const definitions: ResourceDefinition<any, any>[] = [...hilens.definitions, ...octopus.definitions, ...tensorbay.definitions];

/** Every look-up, documented in schema.json. */
export const lookups: LookupDefinition<any, unknown>[] = [...hilens.lookups, ...octopus.lookups, ...tensorbay.lookups];
