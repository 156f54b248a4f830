import type { EndpointResult, ScanResult } from "../model/index.js";
import { stringifySafe } from "./safeJson.js";

/**
 * One endpoint as one line, written as soon as that endpoint finishes (so in completion order, not
 * report order). Each line validates against the schema's `#/$defs/endpointResult`.
 */
export function formatJsonlLine(endpoint: EndpointResult): string {
  return `${stringifySafe(endpoint)}\n`;
}

/** The closing line, once every endpoint line has been written. */
export function formatJsonlSummary(result: Pick<ScanResult, "summary" | "finishedAt">): string {
  return `${stringifySafe({ summary: result.summary, finishedAt: result.finishedAt })}\n`;
}
