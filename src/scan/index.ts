export { type ConnectionGate, connectionGate, UNLIMITED_GATE } from "./connectionRate.js";
export { DeadlineExceeded } from "./deadline.js";
export { type ConnectBudget, connectBudget, openFileLimit } from "./fileDescriptors.js";
export { type OutsideWait, withDeadlineExceptWaits, withWorkDeadline } from "./pausableDeadline.js";
export { type HostLimiters, type PerHostLimit, perHostLimit, runOnHost } from "./perHostLimit.js";
export { type ScheduleOptions, type ScheduleStats, schedule } from "./scheduler.js";
