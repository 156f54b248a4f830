import type { ScanResult } from "../model/index.js";
import { sortEndpoints } from "./order.js";
import { stringifySafe } from "./safeJson.js";

/** Two-space indent for a value nested `depth` levels inside the document. */
function nested(value: unknown, depth: number): string {
  return stringifySafe(value, 2).replaceAll("\n", `\n${"  ".repeat(depth)}`);
}

/**
 * The whole run as one document, in pieces: one per top-level field and one per endpoint, so a large
 * sweep is written as it is produced and never held as one string. 2-space indent, endpoints in report
 * order, trailing newline; the same bytes as stringifying the whole document at once.
 */
export function* jsonChunks(result: ScanResult): Generator<string> {
  // Field by field so the top-level key order is the schema's, however the caller assembled it.
  const head: [string, unknown][] = [
    ["schemaVersion", result.schemaVersion],
    ["tool", result.tool],
    ["startedAt", result.startedAt],
    ["finishedAt", result.finishedAt],
    ["benchmark", result.benchmark],
    ["targets", result.targets],
    ["summary", result.summary],
  ];
  yield "{\n";
  for (const [key, value] of head) yield `  ${JSON.stringify(key)}: ${nested(value, 1)},\n`;
  const endpoints = sortEndpoints(result.endpoints);
  if (endpoints.length === 0) yield `  "endpoints": [],\n`;
  else {
    yield `  "endpoints": [\n`;
    for (const [index, endpoint] of endpoints.entries()) {
      yield `    ${nested(endpoint, 2)}${index === endpoints.length - 1 ? "" : ","}\n`;
    }
    yield "  ],\n";
  }
  const tail: [string, unknown][] = [["unopened", result.unopened]];
  if (result.correlation !== undefined) tail.push(["correlation", result.correlation]);
  if (result.configContradictions !== undefined)
    tail.push(["configContradictions", result.configContradictions]);
  for (const [index, [key, value]] of tail.entries()) {
    yield `  ${JSON.stringify(key)}: ${nested(value, 1)}${index === tail.length - 1 ? "" : ","}\n`;
  }
  yield "}\n";
}

/** The whole document as one string (small results, tests); the CLI writes `jsonChunks` as they come. */
export function formatJson(result: ScanResult): string {
  return [...jsonChunks(result)].join("");
}
