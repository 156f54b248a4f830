import type { EndpointResult, ReportFormat, ScanResult } from "../model/index.js";
import { formatHtml } from "./html.js";
import { formatJson, jsonChunks } from "./json.js";
import { formatJsonlLine, formatJsonlSummary } from "./jsonl.js";
import { formatJunit } from "./junit.js";
import { formatKubeBench } from "./kubeBench.js";
import { formatSarif } from "./sarif.js";
import { formatTerminalReport } from "./terminal.js";

/** What a destination asks of a report for people; machine formats ignore it. */
export interface RenderOptions {
  /** ANSI colour: the destination's TTY-ness and NO_COLOR decide it. */
  color: boolean;
  /** Columns to fit. */
  width: number;
  /** List closed endpoints one by one instead of counting them. */
  showClosed: boolean;
  /** -v: the per-endpoint matrix with full evidence and remediation. */
  verbose: boolean;
}

export interface Reporter {
  /** The whole run as one document. */
  render(result: ScanResult, options: RenderOptions): string;
  /** The same document in pieces, for formats large enough that one string would cost the memory twice. */
  readonly chunks?: (result: ScanResult) => Iterable<string>;
  /** Formats that can be written while the scan runs: one piece per finished endpoint, then the end. */
  readonly stream?: {
    endpoint(endpoint: EndpointResult): string;
    end(result: ScanResult): string;
  };
}

/** One renderer per format of model's REPORT_FORMAT_CATALOG; the Record makes a missing one a type error. */
export const REPORTERS: Readonly<Record<ReportFormat, Reporter>> = {
  table: {
    render: (result, options) => formatTerminalReport(result, options),
  },
  json: { render: (result) => formatJson(result), chunks: jsonChunks },
  jsonl: {
    render: (result) => result.endpoints.map(formatJsonlLine).join("") + formatJsonlSummary(result),
    stream: { endpoint: formatJsonlLine, end: formatJsonlSummary },
  },
  sarif: { render: (result) => formatSarif(result) },
  junit: { render: (result) => formatJunit(result) },
  "kube-bench": { render: (result) => formatKubeBench(result) },
  html: { render: (result) => formatHtml(result) },
};
