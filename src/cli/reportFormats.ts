import {
  formatConfigContradictionTable,
  formatCorrelationTable,
  formatHtml,
  formatJson,
  formatJunit,
  formatKubeBench,
  formatSarif,
  formatTable,
  type ScanResult,
  shouldUseColor,
} from "../report/index.js";
import { UsageError } from "./exitCodes.js";

/** Every whole-result format; jsonl is the streaming one and is handled where the scan runs. */
export const REPORT_FORMATS = ["table", "json", "jsonl", "sarif", "junit", "kube-bench", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** `--output-<format> FILE` flags, in addition to the main --format: one scan, several reports. */
export const EXTRA_OUTPUT_FORMATS = ["json", "sarif", "junit", "kube-bench", "html", "table"] as const;
export type ExtraOutputFormat = (typeof EXTRA_OUTPUT_FORMATS)[number];

export function parseReportFormat(value: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(value)) return value as ReportFormat;
  throw new UsageError(`--format takes ${REPORT_FORMATS.join(", ")}, got "${value}"`);
}

export interface RenderOptions {
  /** Colour for the table: the destination's TTY-ness and NO_COLOR decide it. */
  isTTY: boolean;
  showClosed: boolean;
}

export function renderReport(
  format: Exclude<ReportFormat, "jsonl">,
  result: ScanResult,
  options: RenderOptions,
): string {
  switch (format) {
    case "table":
      return (
        (result.correlation ? formatCorrelationTable(result.correlation) : "") +
        formatConfigContradictionTable(result.configContradictions) +
        formatTable(result, {
          color: shouldUseColor({ isTTY: options.isTTY }, process.env),
          showClosed: options.showClosed,
          width: process.stdout.columns,
        })
      );
    case "json":
      return formatJson(result);
    case "sarif":
      return formatSarif(result);
    case "junit":
      return formatJunit(result);
    case "kube-bench":
      return formatKubeBench(result);
    case "html":
      return formatHtml(result);
  }
}
