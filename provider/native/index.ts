/**
 * `pulumi-edgeai/native`: the same resource classes, args and outputs as `pulumi-edgeai`, as
 * custom resources of the `edgeai` provider plugin (`pulumi-resource-edgeai`) instead of
 * dynamic resources: `pulumi import` and the `import` option work, diffs name the field that
 * forces a replacement, and state holds no code. The look-up functions run in the program's
 * process, so they are the package's own (`import { hilens } from "pulumi-edgeai"`).
 */
export * as hilens from "./hilens";
export * as octopus from "./octopus";
export * as tensorbay from "./tensorbay";
