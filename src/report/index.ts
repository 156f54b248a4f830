export { shouldUseColor } from "./color.js";
export { formatJson } from "./json.js";
export { formatJsonlLine, formatJsonlSummary } from "./jsonl.js";
export { compareEndpoints, sortEndpoints } from "./order.js";
export { type InvalidTarget, type ScanResult, type ScanSummary, summarize } from "./scanResult.js";
export { formatTable, type TableOptions } from "./table.js";
