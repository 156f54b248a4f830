import type { Command } from "commander";
import { EXIT } from "./exitCodes.js";
import { describeLab } from "./labCommand.js";
import { chooseReportFormat, REPORT_FORMATS } from "./reportFormats.js";

/** The lab, a real scan of its whole range with the default ports, the report; then everything stops. */
export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("start the embedded lab, scan it, print the report, exit")
    .option("--format <format>", `report format: ${REPORT_FORMATS.join(", ")} (default: from -o, else table)`)
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option("-v, --verbose", "the table lists every endpoint with its evidence and remediation")
    .option("--benchmark <id>", "CIS benchmark numbering for control ids")
    .action(async (flags: { format?: string; output?: string; benchmark?: string; verbose?: boolean }) => {
      const format = chooseReportFormat(flags.format, flags.output);
      // Loaded when the demo runs, so that `kubetls --help` stays quick.
      const [{ startLab }, { createTargetPlan }, { runAndReport }] = await Promise.all([
        import("../lab/index.js"),
        import("../targets/index.js"),
        import("./runAndReport.js"),
      ]);
      const lab = await startLab();
      try {
        if (format === "table") process.stdout.write(`${describeLab(lab)}\n`);
        await runAndReport(
          {
            targets: createTargetPlan({ targets: [lab.targetRange] }),
            trust: { caFiles: [lab.caFile], kubeletCaFiles: [], etcdCaFiles: [lab.etcdCaFile] },
            identity: {
              clientCertFile: lab.clientCertFile,
              clientKeyFile: lab.clientKeyFile,
              etcdClientCertFile: lab.etcdClientCertFile,
              etcdClientKeyFile: lab.etcdClientKeyFile,
            },
            pacing: { concurrency: 32, connectionsPerSecond: null, timeoutMs: 1500 },
            benchmark: flags.benchmark,
          },
          {
            format,
            outputPath: flags.output,
            extraOutputs: [],
            showClosed: false,
            verbose: flags.verbose === true,
            progress: { progress: false, quiet: true, total: null },
          },
        );
      } finally {
        await lab.stop();
      }
      process.exitCode = EXIT.ok;
    });
}
