export { runScan, UnknownBenchmarkError } from "./runScan.js";
export type { ScanOptions } from "./scanOptions.js";
export { toolVersion } from "./toolVersion.js";
