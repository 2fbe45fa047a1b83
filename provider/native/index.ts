/**
 * `pulumi-edgeai/native`: the same resource classes, args and outputs as `pulumi-edgeai`, as
 * custom resources of the `edgeai` provider plugin (`pulumi-resource-edgeai`) instead of
 * dynamic resources: `pulumi import` and the `import` option work, diffs name the field that
 * forces a replacement, and state holds no code. The look-up functions (`hilens.getDevices`, …) are
 * invokes of the same plugin: they run with the `edgeai` provider's configuration, so the program's
 * process needs no credentials.
 */
export * as hilens from "./hilens";
export * as octopus from "./octopus";
export * as tensorbay from "./tensorbay";
