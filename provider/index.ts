export * as hilens from "./hilens";
export * as octopus from "./octopus";
export * as tensorbay from "./tensorbay";
export { ApiError } from "./client/errors";
