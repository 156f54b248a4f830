import { correlate, readKubeBenchFile } from "../correlate/index.js";
import type { ScanResult } from "../model/index.js";
import { runScan, type ScanOptions } from "../pipeline/index.js";
import { loadProbes } from "../probes/index.js";
import { isOpenRecord, openEndpointsOnly, REPORTERS } from "../report/index.js";
import { UsageError } from "./exitCodes.js";
import { openSink, openSinks, type ReportSink } from "./output.js";
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
  /** --open-only: list open endpoints only; never-opened ones as counts without host lists. */
  openOnly?: boolean;
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
  // Every report file is opened before the scan (a bad path costs no connection), as a temporary file
  // beside it that replaces the previous report only when complete.
  const paths = [plan.outputPath, ...plan.extraOutputs.map(({ path }) => path)].filter(
    (path): path is string => path !== undefined && path !== "-",
  );
  const repeated = paths.find((path, index) => paths.indexOf(path) !== index);
  if (repeated !== undefined)
    throw new UsageError(`${repeated} is named by two report flags: each report needs its own file`);
  const sink = await openSink(plan.outputPath);
  let extraSinks: ReportSink[];
  try {
    extraSinks = await openSinks(plan.extraOutputs.map(({ path }) => path));
  } catch (error) {
    await sink.abort();
    throw error;
  }
  const progress = progressReporter(plan.progress);
  const stream = REPORTERS[plan.format].stream;
  const sinks = [sink, ...extraSinks];
  let correlated: ScanResult;
  const warn = (line: string) => {
    if (!plan.progress.quiet) progress.interrupt(() => process.stderr.write(`kubetls: ${line}\n`));
  };
  try {
    const scanned = await runScan({
      ...options,
      onEndpoint: async (endpoint) => {
        progress.onEndpoint(endpoint);
        if (stream && (!plan.openOnly || isOpenRecord(endpoint))) await sink.write(stream.endpoint(endpoint));
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
    correlated = flagVerdicts
      ? {
          ...scanned,
          correlation: correlate(scanned, flagVerdicts, (await loadProbes(options.probesDirectory)).probes),
        }
      : scanned;
    // What is written; the exit code is still decided on the whole scan.
    const result = plan.openOnly ? openEndpointsOnly(correlated) : correlated;
    const render = { showClosed: plan.showClosed, verbose: plan.verbose };
    if (stream) await sink.write(stream.end(result));
    else {
      const destination = { ...render, isTTY: sink.isTTY, columns: sink.columns };
      for (const chunk of renderReportChunks(plan.format, result, destination)) await sink.write(chunk);
    }
    await Promise.all(
      plan.extraOutputs.map(({ format }, index) =>
        extraSinks[index]?.write(
          renderReport(format, result, { ...render, isTTY: false, columns: PIPED_WIDTH }),
        ),
      ),
    );
  } catch (error) {
    progress.finish();
    // No report is replaced by a partial one: the previous files stay as they were.
    await Promise.all(sinks.map((each) => each.abort()));
    throw error;
  }
  const closed = await Promise.allSettled(sinks.map((each) => each.close()));
  const failed = closed.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return correlated;
}
