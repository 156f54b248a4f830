import type { Command } from "commander";
import { createTargetPlan, formatDryRunLine, streamEndpoints, validateTargets } from "../targets/index.js";
import { EXIT, UsageError } from "./exitCodes.js";
import { hasFindingsAtOrAbove, parseFailOn } from "./failOn.js";
import { runAndReport } from "./runAndReport.js";
import { addScanFlags, parseFormat, parseTlsScan, portsFrom, type ScanFlags } from "./scanFlags.js";

export function registerScanCommand(program: Command): void {
  addScanFlags(
    program
      .command("scan")
      .description("probe kubelets and API servers and report verdicts per CIS control")
      .argument(
        "[targets...]",
        "10.0.0.7 | 10.0.0.0/24 | 10.0.0.10-40 | fd00::/120 | node1.example | host:port | [v6]:port",
      ),
  ).action(async (targets: string[], flags: ScanFlags) => {
    process.exitCode = await scan(targets, flags);
  });
}

export async function scan(targets: string[], flags: ScanFlags): Promise<number> {
  const format = parseFormat(flags.format);
  const failOn = parseFailOn(flags.failOn);
  if (targets.length === 0 && flags.targetsFile.length === 0 && flags.kubeconfig === undefined) {
    throw new UsageError("no targets: give addresses, ranges or names, -f FILE, or --kubeconfig FILE");
  }
  validateTargets(targets, { allowLarge: flags.allowLarge === true });
  const plan = createTargetPlan({
    targets,
    targetFiles: flags.targetsFile,
    exclude: flags.exclude,
    kubeletPorts: portsFrom("--kubelet-ports", flags.kubeletPorts),
    readonlyPorts: portsFrom("--readonly-ports", flags.readonlyPorts),
    apiserverPorts: portsFrom("--apiserver-ports", flags.apiserverPorts),
    allowLarge: flags.allowLarge === true,
  });
  if (flags.dryRun) {
    for await (const item of streamEndpoints(plan)) {
      if (item.kind === "endpoint") process.stdout.write(`${formatDryRunLine(item.endpoint)}\n`);
      else process.stderr.write(`kubetls: skipping ${item.source}: ${item.reason}\n`);
    }
    return EXIT.ok;
  }
  const result = await runAndReport(
    {
      targets: plan,
      trust: { caFiles: flags.caFile, kubeletCaFiles: flags.kubeletCaFile },
      identity: { clientCertFile: flags.clientCert, clientKeyFile: flags.clientKey },
      cluster:
        flags.kubeconfig === undefined
          ? undefined
          : {
              kubeconfigFile: flags.kubeconfig,
              context: flags.context,
              nodeAddressTypes: flags.nodeAddressTypes
                .split(",")
                .map((type) => type.trim())
                .filter(Boolean),
            },
      scope: flags.scope,
      tlsScan: parseTlsScan(flags.tlsScan),
      pacing: {
        concurrency: flags.concurrency,
        connectionsPerSecond: flags.rate ?? null,
        timeoutMs: flags.timeout,
      },
      benchmark: flags.benchmark,
    },
    format,
    flags.output,
    { showClosed: flags.showClosed === true },
  );
  return hasFindingsAtOrAbove(result, failOn) ? EXIT.findings : EXIT.ok;
}
