export { startEmulator, DEFAULTS } from "./server";
export type { Emulator, EmulatorOptions, Credential, LoggedRequest, Fault, FaultKind, FaultLogEntry, FaultMode, FaultModeInput } from "./server";
export { parseFaultSpec, normalizeFaultMode, formatFaultMode, FAULT_KINDS } from "./faults";
export { Store, readState, STATE_DB } from "./store";
export type { StateFile } from "./store";
export { RequestLog } from "./requestLog";
export { ManualClock, systemClock } from "./clock";
export type { Clock } from "./clock";
