import { writeFile } from "node:fs/promises";
import { correlate, readKubeBenchFile } from "../correlate/index.js";
import type { ScanResult } from "../model/index.js";
import { runScan, type ScanOptions } from "../pipeline/index.js";
import { loadProbes } from "../probes/index.js";
import { REPORTERS } from "../report/index.js";
import { openSink } from "./output.js";
import { progressReporter } from "./progress.js";
import { PIPED_WIDTH, renderReport, renderReportChunks } from "./renderReport.js";
import type { ReportFormat } from "./reportFormats.js";

export interface ReportPlan {
  format: ReportFormat;
  /** -o: the main report's file; stdout when absent. */
  outputPath?: string;
  /** --output-<format> FILE: more reports of the same scan. */
  extraOutputs: { format: ReportFormat; path: string }[];
  showClosed: boolean;
  /** -v: the table lists every endpoint with full evidence and remediation. */
  verbose: boolean;
  /** --flags: kube-bench's JSON, to join per control. */
  kubeBenchFile?: string;
  progress: { progress: boolean; quiet: boolean; total: bigint | null };
}

/**
 * Runs one scan and writes its reports; jsonl streams while the scan runs, the rest at the end. JSON is
 * written piece by piece. Invalid target lines and caps the scan applied go to stderr as they happen.
 */
export async function runAndReport(
  options: Omit<ScanOptions, "onEndpoint">,
  plan: ReportPlan,
): Promise<ScanResult> {
  // Read and check kube-bench's file before the scan: a bad file should cost nothing on the network.
  const flagVerdicts = plan.kubeBenchFile ? await readKubeBenchFile(plan.kubeBenchFile) : null;
  const sink = await openSink(plan.outputPath);
  const progress = progressReporter(plan.progress);
  const stream = REPORTERS[plan.format].stream;
  const warn = (line: string) => {
    if (!plan.progress.quiet) progress.interrupt(() => process.stderr.write(`kubetls: ${line}\n`));
  };
  try {
    const scanned = await runScan({
      ...options,
      onEndpoint: async (endpoint) => {
        progress.onEndpoint(endpoint);
        if (stream) await sink.write(stream.endpoint(endpoint));
      },
      onSettled: (state) => progress.onSettled(state),
      onInvalidTarget: (invalid) => {
        options.onInvalidTarget?.(invalid);
        warn(`skipping ${invalid.source}: ${invalid.input}: ${invalid.reason}`);
      },
      onNotice: (notice) => {
        options.onNotice?.(notice);
        warn(notice);
      },
    });
    progress.finish();
    const result: ScanResult = flagVerdicts
      ? {
          ...scanned,
          correlation: correlate(scanned, flagVerdicts, (await loadProbes(options.probesDirectory)).probes),
        }
      : scanned;
    const render = { showClosed: plan.showClosed, verbose: plan.verbose };
    if (stream) await sink.write(stream.end(result));
    else {
      const destination = { ...render, isTTY: sink.isTTY, columns: sink.columns };
      for (const chunk of renderReportChunks(plan.format, result, destination)) await sink.write(chunk);
    }
    await Promise.all(
      plan.extraOutputs.map(({ format, path }) =>
        writeFile(path, renderReport(format, result, { ...render, isTTY: false, columns: PIPED_WIDTH })),
      ),
    );
    return result;
  } finally {
    progress.finish();
    await sink.close();
  }
}
