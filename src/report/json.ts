import type { ScanResult } from "../model/index.js";
import { sortEndpoints } from "./order.js";
import { stringifySafe } from "./safeJson.js";

/** The whole run as one document: 2-space indent, endpoints in report order, trailing newline. */
export function formatJson(result: ScanResult): string {
  // Built field by field so the top-level key order is the schema's, however the caller assembled it.
  const document: ScanResult = {
    schemaVersion: result.schemaVersion,
    tool: result.tool,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    benchmark: result.benchmark,
    targets: result.targets,
    summary: result.summary,
    endpoints: sortEndpoints(result.endpoints),
  };
  return `${stringifySafe(document, 2)}\n`;
}
