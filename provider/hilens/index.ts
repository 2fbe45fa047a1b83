export { Workspace, workspaceDefinition } from "./workspace";
export { ConfigMap, configMapDefinition } from "./configMap";
export { Secret, secretDefinition } from "./secret";
