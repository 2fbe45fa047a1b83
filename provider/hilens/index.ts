import { workspaceDefinition } from "./workspace";
import { configMapDefinition } from "./configMap";
import { secretDefinition } from "./secret";
import { deviceDefinition } from "./device";
import { deploymentDefinition } from "./deployment";
import { deploymentJobDefinition } from "./deploymentJob";
import { skillOrderDefinition } from "./skillOrder";

export { workspaceDefinition } from "./workspace";
export { configMapDefinition } from "./configMap";
export { secretDefinition } from "./secret";
export { deviceDefinition } from "./device";
export { deploymentDefinition, configHash } from "./deployment";
export { deploymentJobDefinition } from "./deploymentJob";
export { skillOrderDefinition } from "./skillOrder";
export { lookups } from "./functions";
export type { Firmware, DeviceSummary, DeploymentInstance, Skill, SkillOrderInfo, ActivationRecord, RunServiceOrder } from "./functions";
// The classes, their Args and output types, and the typed functions, generated from the definitions.
export * from "./generated";

export const definitions = [workspaceDefinition, configMapDefinition, secretDefinition, deviceDefinition, deploymentDefinition, deploymentJobDefinition, skillOrderDefinition];
