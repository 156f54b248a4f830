import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { configContradictions } from "../correlate/index.js";
import type { ScanResult } from "../model/index.js";
import { mergeResults } from "../report/index.js";
import { EXIT, UsageError } from "./exitCodes.js";
import { hasFindingsAtOrAbove, parseFailOn } from "./failOn.js";
import { openSink } from "./output.js";
import { renderReport } from "./renderReport.js";
import { chooseReportFormat, REPORT_FORMATS } from "./reportFormats.js";

interface MergeFlags {
  format?: string;
  output?: string;
  failOn: string;
  verbose?: boolean;
}

/** `kubetls merge shard-*.json`: one report from the shards of an Indexed Job. */
export function registerMergeCommand(program: Command): void {
  program
    .command("merge")
    .description("merge JSON results (e.g. the shards of a --shard sweep) into one report")
    .argument("<files...>", "kubetls JSON results (--format json)")
    .option(
      "--format <format>",
      `report format: ${REPORT_FORMATS.join(", ")} (default: from -o's extension, else json)`,
    )
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option("-v, --verbose", "the table lists every endpoint with its evidence and remediation")
    .option(
      "--fail-on <status>",
      "exit 1 when any check is at or above FAIL|ERROR|WARN|INFO, or none",
      "FAIL",
    )
    .action(async (files: string[], flags: MergeFlags) => {
      const format = chooseReportFormat(flags.format, flags.output, "json");
      const failOn = parseFailOn(flags.failOn);
      const results = await Promise.all(files.map(readResult));
      // MergeError is an InputError: the CLI's one mapping makes it exit 2.
      const merged = mergeResults(results);
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

async function readResult(path: string): Promise<ScanResult> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, "utf8"));
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
