import type { Command } from "commander";
import { configContradictions, correlate, readKubeBenchFile } from "../correlate/index.js";
import { loadProbes } from "../probes/index.js";
import { mergeResults } from "../report/index.js";
import { EXIT } from "./exitCodes.js";
import { hasFindingsAtOrAbove, parseFailOn } from "./failOn.js";
import { readMergeInput } from "./mergeInput.js";
import { openSink } from "./output.js";
import { renderReport } from "./renderReport.js";
import { chooseReportFormat, REPORT_FORMATS } from "./reportFormats.js";

interface MergeFlags {
  format?: string;
  output?: string;
  failOn: string;
  verbose?: boolean;
  flags?: string;
}

/** `kubetls merge shard-*.json`: one report from the shards of an Indexed Job. */
export function registerMergeCommand(program: Command): void {
  program
    .command("merge")
    .description("merge JSON results (e.g. the shards of a --shard sweep) into one report")
    .argument("<files...>", "kubetls JSON results (--format json); other formats are refused, named")
    .option(
      "--format <format>",
      `report format: ${REPORT_FORMATS.join(", ")} (default: from -o's extension, else json)`,
    )
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option("-v, --verbose", "the table lists every endpoint with its evidence and remediation")
    .option(
      "--flags <file>",
      "kube-bench's --json output: join it to the merged result per control (shards' own joins cannot be added up)",
    )
    .option(
      "--fail-on <status>",
      "exit 1 when any check is at or above FAIL|ERROR|WARN|INFO, or none",
      "FAIL",
    )
    .action(async (files: string[], flags: MergeFlags) => {
      const format = chooseReportFormat(flags.format, flags.output, "json");
      const failOn = parseFailOn(flags.failOn);
      // A bad kube-bench file costs nothing: it is read before the results.
      const flagVerdicts = flags.flags === undefined ? null : await readKubeBenchFile(flags.flags);
      const results = await Promise.all(files.map(readMergeInput));
      // MergeError is an InputError: the CLI's one mapping makes it exit 2.
      const merged = mergeResults(results);
      if (flagVerdicts !== null)
        merged.correlation = correlate(merged, flagVerdicts, (await loadProbes()).probes);
      else if (results.length > 1 && results.some((result) => result.correlation !== undefined))
        process.stderr.write(
          "kubetls: the inputs' kube-bench correlations are left out: give merge --flags FILE to join the merged result\n",
        );
      // A node's config and wire checks may come from different shards: judge the pairs on the whole.
      merged.configContradictions = configContradictions(merged.endpoints);
      const sink = await openSink(flags.output);
      try {
        await sink.write(
          renderReport(format, merged, {
            isTTY: sink.isTTY,
            columns: sink.columns,
            showClosed: false,
            verbose: flags.verbose === true,
          }),
        );
      } catch (error) {
        await sink.abort();
        throw error;
      }
      await sink.close();
      process.exitCode = hasFindingsAtOrAbove(merged, failOn) ? EXIT.findings : EXIT.ok;
    });
}
