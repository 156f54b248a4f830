import type { ReportFormat, ScanResult } from "../model/index.js";
import { REPORTERS, shouldUseColor } from "../report/index.js";

/** Piped or written to a file, the table fits this many columns: a terminal that opens it later, a CI log. */
export const PIPED_WIDTH = 100;

export interface Destination {
  /** A terminal gets colour (unless NO_COLOR) and its own width. */
  isTTY: boolean;
  /** The terminal's columns, when it is one. */
  columns?: number;
  showClosed: boolean;
  verbose: boolean;
}

/** Terminal width when there is one; else $COLUMNS when set; else PIPED_WIDTH. */
export function widthFor(
  destination: Pick<Destination, "isTTY" | "columns">,
  env: NodeJS.ProcessEnv,
): number {
  if (destination.isTTY && destination.columns !== undefined && destination.columns > 0)
    return destination.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : PIPED_WIDTH;
}

export function renderReport(format: ReportFormat, result: ScanResult, destination: Destination): string {
  return REPORTERS[format].render(result, {
    color: shouldUseColor({ isTTY: destination.isTTY }, process.env),
    width: widthFor(destination, process.env),
    showClosed: destination.showClosed,
    verbose: destination.verbose,
  });
}

/** The report in pieces, for a destination written as they come (JSON of a large sweep is never one string). */
export function renderReportChunks(
  format: ReportFormat,
  result: ScanResult,
  destination: Destination,
): Iterable<string> {
  const chunks = REPORTERS[format].chunks;
  return chunks ? chunks(result) : [renderReport(format, result, destination)];
}
