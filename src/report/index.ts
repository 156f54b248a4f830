export { shouldUseColor } from "./color.js";
export { formatConfigContradictionTable } from "./configContradictionTable.js";
export { formatCorrelationTable } from "./correlationTable.js";
export { formatHtml } from "./html.js";
export { formatJson, jsonChunks } from "./json.js";
export { formatJsonlLine, formatJsonlSummary } from "./jsonl.js";
export { formatJunit } from "./junit.js";
export {
  formatKubeBench,
  type KubeBenchCheck,
  type KubeBenchControls,
  type KubeBenchDocument,
  type KubeBenchGroup,
  type KubeBenchStatus,
  type KubeBenchTotals,
} from "./kubeBench.js";
export { MergeError, mergeResults } from "./mergeResults.js";
export { isOpenRecord, openEndpointsOnly } from "./openOnly.js";
export { compareEndpoints, sortEndpoints } from "./order.js";
export { REPORTERS, type RenderOptions, type Reporter } from "./reporters.js";
export { formatSarif } from "./sarif.js";
export { summarize } from "./scanResult.js";
export { formatTable, type TableOptions } from "./table.js";
export { formatTerminalReport, type TerminalOptions } from "./terminal.js";
