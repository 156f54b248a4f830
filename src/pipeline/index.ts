export { DEFAULT_EXPIRY_WARN_DAYS, runScan, UnknownBenchmarkError } from "./runScan.js";
export type { ScanOptions } from "./scanOptions.js";
export { toolVersion } from "./toolVersion.js";
