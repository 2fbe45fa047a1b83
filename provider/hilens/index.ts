import { workspaceDefinition } from "./workspace";
import { configMapDefinition } from "./configMap";
import { secretDefinition } from "./secret";
import { deviceDefinition } from "./device";
import { deploymentDefinition } from "./deployment";
import { deploymentJobDefinition } from "./deploymentJob";

export { Workspace, workspaceDefinition } from "./workspace";
export { ConfigMap, configMapDefinition } from "./configMap";
export { Secret, secretDefinition } from "./secret";
export { Device, deviceDefinition } from "./device";
export { Deployment, deploymentDefinition, configHash } from "./deployment";
export { DeploymentJob, deploymentJobDefinition } from "./deploymentJob";
export * from "./functions";

export const definitions = [workspaceDefinition, configMapDefinition, secretDefinition, deviceDefinition, deploymentDefinition, deploymentJobDefinition];
