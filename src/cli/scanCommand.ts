import type { Command } from "commander";
import type { ScanResult } from "../model/index.js";
import { portsPerHost } from "../roles/index.js";
import {
  createTargetPlan,
  formatDryRunLine,
  parseShard,
  parseTarget,
  streamEndpoints,
  type TargetPlan,
  validateTargets,
} from "../targets/index.js";
import { EXIT, UsageError } from "./exitCodes.js";
import { hasFindingsAtOrAbove, parseFailOn } from "./failOn.js";
import { SCAN_EXAMPLES } from "./helpText.js";
import { isReaderGone, writeToStdout } from "./readerGone.js";
import { chooseReportFormat, type ReportFormat, requestedOutputs } from "./reportFormats.js";
import { addScanFlags, parseTlsScan, rolePortsFrom, type ScanFlags } from "./scanFlags.js";

export function registerScanCommand(program: Command): void {
  addScanFlags(
    program
      .command("scan")
      .description("probe kubelets and API servers and report verdicts per CIS control")
      .argument(
        "[targets...]",
        "10.0.0.7 | 10.0.0.0/24 | 10.0.0.10-40 | fd00::/120 | node1.example | host:port | [v6]:port",
      )
      .addHelpText("after", SCAN_EXAMPLES),
  ).action(async (targets: string[], flags: ScanFlags) => {
    process.exitCode = await scan(targets, flags);
  });
}

export async function scan(targets: string[], flags: ScanFlags): Promise<number> {
  const format = chooseReportFormat(flags.format, flags.output);
  const failOn = parseFailOn(flags.failOn);
  const targetFiles = [...flags.targetsFile];
  if (targets.length === 0 && targetFiles.length === 0 && !asksForCluster(flags)) {
    // As tlsx and nuclei do: with nothing on the command line, a pipe or a redirected file is the target list.
    if (process.stdin.isTTY === true || !(await stdinHasData())) {
      throw new UsageError(
        "no targets: give addresses, ranges or names, -f FILE, --kubeconfig [FILE] for a cluster, or pipe them on stdin",
      );
    }
    targetFiles.push("-");
  }
  validateTargets(targets, { allowLarge: flags.allowLarge === true });
  const plan = createTargetPlan({
    targets,
    targetFiles,
    exclude: flags.exclude,
    ports: rolePortsFrom(flags),
    allowLarge: flags.allowLarge === true,
    shard: flags.shard === undefined ? undefined : parseShard(flags.shard),
  });
  try {
    return flags.dryRun ? await dryRun(plan) : await scanPlan(plan, flags, format, failOn);
  } catch (error) {
    if (isReaderGone(error)) return EXIT.readerGone;
    throw error;
  }
}

async function dryRun(plan: TargetPlan): Promise<number> {
  for await (const item of streamEndpoints(plan)) {
    if (item.kind === "endpoint") await writeToStdout(`${formatDryRunLine(item.endpoint)}\n`);
    else process.stderr.write(`kubetls: skipping ${item.source}: ${item.input}: ${item.reason}\n`);
  }
  return EXIT.ok;
}

async function scanPlan(
  plan: TargetPlan,
  flags: ScanFlags,
  format: ReportFormat,
  failOn: ReturnType<typeof parseFailOn>,
): Promise<number> {
  const clusterAsked = asksForCluster(flags);
  // Loaded here, not at the top: `kubetls --help` must not load the scanner.
  const { runAndReport } = await import("./runAndReport.js");
  const result = await runAndReport(
    {
      targets: plan,
      trust: { caFiles: flags.caFile, kubeletCaFiles: flags.kubeletCaFile, etcdCaFiles: flags.etcdCaFile },
      identity: {
        clientCertFile: flags.clientCert,
        clientKeyFile: flags.clientKey,
        etcdClientCertFile: flags.etcdClientCert,
        etcdClientKeyFile: flags.etcdClientKey,
      },
      cluster: !clusterAsked
        ? undefined
        : {
            ...(typeof flags.kubeconfig === "string" ? { kubeconfigFile: flags.kubeconfig } : {}),
            context: flags.context,
            nodeAddressTypes: flags.nodeAddressTypes
              .split(",")
              .map((type) => type.trim())
              .filter(Boolean),
            maxNodes: flags.maxNodes,
          },
      scope: flags.scope,
      tlsScan: parseTlsScan(flags.tlsScan),
      pacing: {
        concurrency: flags.concurrency,
        connectionsPerSecond: flags.rate ?? null,
        timeoutMs: flags.timeout,
        connectTimeoutMs: flags.connectTimeout,
        discoveryConcurrency: flags.discoveryConcurrency,
      },
      benchmark: flags.benchmark,
      expiryWarnDays: flags.expiryWarnDays,
    },
    {
      format,
      outputPath: flags.output,
      extraOutputs: requestedOutputs(flags),
      showClosed: flags.showClosed === true,
      verbose: flags.verbose === true,
      openOnly: flags.openOnly === true,
      kubeBenchFile: flags.flags,
      progress: {
        progress: flags.progress === true,
        quiet: flags.quiet === true,
        total: totalEndpoints(plan),
      },
    },
  );
  const onlyTheCluster = clusterAsked && plan.targets.length === 0 && plan.targetFiles.length === 0;
  const nothing = nothingObserved(result, onlyTheCluster);
  if (nothing !== null) {
    if (flags.quiet !== true) process.stderr.write(`kubetls: ${nothing}\n`);
    return EXIT.nothingObserved;
  }
  return hasFindingsAtOrAbove(result, failOn) ? EXIT.findings : EXIT.ok;
}

/**
 * Why the scan observed nothing it could vouch for, or null when it did. When the cluster's nodes are the
 * whole scan (--kubeconfig, no targets), a node list that could not be read means none of them was
 * scanned, even though the API server itself answered: that is not a clean scan of an empty cluster.
 */
function nothingObserved(result: ScanResult, onlyTheCluster: boolean): string | null {
  const { summary, targets } = result;
  const unlisted = onlyTheCluster
    ? targets.invalid.find((invalid) => invalid.source === "kubeconfig")
    : undefined;
  if (unlisted !== undefined)
    return `${unlisted.input} could not be listed (${unlisted.reason}): no node was scanned`;
  if (summary.states.open > 0) return null;
  if (summary.endpoints === 0) {
    return targets.invalid.length > 0
      ? `every target was invalid (${targets.invalid.length}): nothing was scanned`
      : "no endpoint to scan (every target excluded or out of this shard): nothing was observed";
  }
  const { closed, filtered, unscanned } = summary.states;
  return `no endpoint was open (${closed} closed, ${filtered} filtered, ${unscanned} not dialled): nothing was observed`;
}

/** Known only for positional targets (files are read lazily); a shard scans about 1/N of it. */
function totalEndpoints(plan: TargetPlan): bigint | null {
  if (plan.targetFiles.length > 0) return null;
  const portsPerAddress = BigInt(portsPerHost(plan.ports));
  let total = 0n;
  for (const target of plan.targets) {
    const expression = parseTarget(target);
    if (expression.kind === "host-port") total += 1n;
    else if (expression.kind === "hostname") total += portsPerAddress;
    else total += (expression.last - expression.first + 1n) * portsPerAddress;
  }
  return plan.shard ? total / BigInt(plan.shard.count) : total;
}

/** Whether stdin holds at least one byte; what was read is put back for the targets reader. */
function stdinHasData(): Promise<boolean> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    const finish = (hasData: boolean) => {
      stdin.off("readable", onReadable);
      stdin.off("end", onEnd);
      stdin.off("error", onEnd);
      resolve(hasData);
    };
    const onReadable = () => {
      const chunk: Buffer | string | null = stdin.read();
      if (chunk === null) return finish(false);
      stdin.unshift(chunk);
      finish(true);
    };
    const onEnd = () => finish(false);
    stdin.on("readable", onReadable);
    stdin.once("end", onEnd);
    stdin.once("error", onEnd);
  });
}

/** The cluster is asked for by --kubeconfig (with or without a file) or by --context alone. */
function asksForCluster(flags: ScanFlags): boolean {
  return flags.kubeconfig !== undefined || flags.context !== undefined;
}
