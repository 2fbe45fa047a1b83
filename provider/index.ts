export * as hilens from "./hilens";
export { ApiError } from "./client/errors";
