import { workspaceDefinition } from "./workspace";
import { configMapDefinition } from "./configMap";
import { secretDefinition } from "./secret";

export { Workspace, workspaceDefinition } from "./workspace";
export { ConfigMap, configMapDefinition } from "./configMap";
export { Secret, secretDefinition } from "./secret";

export const definitions = [workspaceDefinition, configMapDefinition, secretDefinition];
