import type { EndpointResult, ScanResult } from "../model/index.js";
import { stringifySafe } from "./safeJson.js";

/**
 * One endpoint as one line, `"type": "endpoint"` first, written as soon as that endpoint finishes (so in
 * completion order, not report order). Each line validates against the schema's `#/$defs/jsonlEndpoint`.
 */
export function formatJsonlLine(endpoint: EndpointResult): string {
  return `${stringifySafe({ type: "endpoint", ...endpoint })}\n`;
}

/**
 * The closing line, `"type": "summary"`, once every endpoint line has been written: the counts, and the
 * endpoints that never opened as per-state groups (they get no line of their own).
 */
export function formatJsonlSummary(result: Pick<ScanResult, "summary" | "finishedAt" | "unopened">): string {
  return `${stringifySafe({
    type: "summary",
    summary: result.summary,
    unopened: result.unopened,
    finishedAt: result.finishedAt,
  })}\n`;
}
