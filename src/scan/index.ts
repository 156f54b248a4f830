export { type ConnectionGate, connectionGate, UNLIMITED_GATE } from "./connectionRate.js";
export { DeadlineExceeded, withDeadline } from "./deadline.js";
export { type ScheduleOptions, type ScheduleStats, schedule } from "./scheduler.js";
