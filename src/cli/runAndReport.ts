import { runScan, type ScanOptions } from "../pipeline/index.js";
import {
  formatJson,
  formatJsonlLine,
  formatJsonlSummary,
  formatTable,
  type ScanResult,
  shouldUseColor,
} from "../report/index.js";
import { openSink } from "./output.js";
import type { Format } from "./scanFlags.js";

/** Runs one scan and writes its report in the chosen format; jsonl streams while the scan runs. */
export async function runAndReport(
  options: Omit<ScanOptions, "onEndpoint">,
  format: Format,
  outputPath: string | undefined,
  table: { showClosed: boolean },
): Promise<ScanResult> {
  const sink = openSink(outputPath);
  try {
    const result = await runScan({
      ...options,
      onEndpoint: format === "jsonl" ? (endpoint) => sink.write(formatJsonlLine(endpoint)) : undefined,
    });
    if (format === "json") sink.write(formatJson(result));
    if (format === "jsonl") sink.write(formatJsonlSummary(result));
    if (format === "table") {
      sink.write(
        formatTable(result, {
          color: shouldUseColor({ isTTY: sink.isTTY }, process.env),
          showClosed: table.showClosed,
        }),
      );
    }
    return result;
  } finally {
    await sink.close();
  }
}
