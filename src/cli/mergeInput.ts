import { readFile } from "node:fs/promises";
import {
  MERGEABLE_FORMATS,
  REPORT_FORMAT_CATALOG,
  type ReportFormat,
  type ScanResult,
} from "../model/index.js";
import { UsageError } from "./exitCodes.js";

/** Parsed JSON, or undefined when the text is not one JSON document. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * How each kubetls format can be told from its text, so that merge can say what it was handed instead of
 * "not JSON". A Record keyed by format: a format added to the catalog without a recogniser is a type error.
 */
const RECOGNISERS: Readonly<Record<ReportFormat, (text: string, json: unknown) => boolean>> = {
  json: (_, json) => isRecord(json) && json.schemaVersion === 1 && Array.isArray(json.endpoints),
  sarif: (_, json) => isRecord(json) && json.version === "2.1.0" && Array.isArray(json.runs),
  "kube-bench": (_, json) => isRecord(json) && Array.isArray(json.Controls),
  jsonl: (text) => {
    const first = text.split("\n", 1)[0] ?? "";
    const line = parseJson(first);
    return isRecord(line) && (line.type === "endpoint" || line.type === "summary");
  },
  junit: (text) => /^\s*(<\?xml[^>]*>\s*)?<testsuites[\s>]/.test(text),
  html: (text) => /^\s*<!DOCTYPE html>/i.test(text),
  table: (text) => /^\d+ endpoints?, \d+ reachable\b/m.test(text),
};

/** The kubetls format the text is in, or null when it looks like none of them. */
export function recogniseReport(text: string): ReportFormat | null {
  const json = parseJson(text);
  for (const format of REPORT_FORMAT_CATALOG) {
    if (RECOGNISERS[format.name](text, json)) return format.name;
  }
  return null;
}

/** One input of `kubetls merge`: a whole JSON result; any other format is refused, naming it. */
export async function readMergeInput(path: string): Promise<ScanResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `${path}: not a readable JSON file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const format = recogniseReport(text);
  if (format !== null && !MERGEABLE_FORMATS.includes(format)) {
    const why =
      format === "jsonl"
        ? ": its lines lack the run's benchmark, targets and start time"
        : ": it is a rendering that leaves facts out";
    throw new UsageError(
      `${path}: this is a ${format} report; merge reads kubetls JSON results only (--format json or --output-json FILE)${why}`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not a readable JSON file (${(error as Error).message})`);
  }
  const candidate = document as Partial<ScanResult> | null;
  if (
    candidate?.schemaVersion !== 1 ||
    !Array.isArray(candidate.endpoints) ||
    typeof candidate.benchmark !== "string"
  ) {
    throw new UsageError(`${path}: not a kubetls result (schemaVersion 1, from --format json)`);
  }
  return candidate as ScanResult;
}
