export { startEmulator, DEFAULTS } from "./server";
export type { Emulator, EmulatorOptions, Credential, LoggedRequest } from "./server";
