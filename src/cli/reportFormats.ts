import type { Command } from "commander";
import {
  findReportFormat,
  formatForPath,
  REPORT_FORMAT_CATALOG,
  REPORT_FORMATS,
  type ReportFormat,
} from "../model/index.js";
import { UsageError } from "./exitCodes.js";

// Only model/ here: --help lists the formats without loading the renderers (see renderReport.ts).
export { REPORT_FORMATS, type ReportFormat };

export function parseReportFormat(value: string): ReportFormat {
  const format = findReportFormat(value);
  if (format !== null) return format;
  throw new UsageError(`--format takes ${REPORT_FORMATS.join(", ")}, got "${value}"`);
}

/**
 * --format when given; else what -o's extension implies (`-o r.json` writes JSON); else `fallback`
 * (the table for a scan, JSON for merge).
 */
export function chooseReportFormat(
  explicit: string | undefined,
  outputPath: string | undefined,
  fallback: ReportFormat = "table",
): ReportFormat {
  if (explicit !== undefined) return parseReportFormat(explicit);
  if (outputPath !== undefined && outputPath !== "-") return formatForPath(outputPath) ?? fallback;
  return fallback;
}

/** `--output-<format> FILE` for every format: one scan, several reports. */
export function addOutputFlags(command: Command): Command {
  for (const format of REPORT_FORMAT_CATALOG) {
    command.option(
      `--output-${format.name} <file>`,
      `also write ${format.name} to FILE: ${format.description}`,
    );
  }
  return command;
}

/** The `--output-<format>` flags given, read back under commander's camel-cased keys. */
export function requestedOutputs(flags: object): { format: ReportFormat; path: string }[] {
  const values = flags as Record<string, unknown>;
  return REPORT_FORMATS.flatMap((format) => {
    const key = `output-${format}`.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const path = values[key];
    return typeof path === "string" ? [{ format, path }] : [];
  });
}
