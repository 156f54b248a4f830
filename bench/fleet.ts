/**
 * Issue 9's table, every row next to its anchor measured in the same run, each run a whole process
 * (`kubetls` as users start it, and nmap) timed by GNU time (`/usr/bin/time -v`: wall, user+sys CPU,
 * peak RSS):
 *   1. an iptables-filtered /24 x 3 default ports, --timeout 3000: against one connect deadline;
 *   2. an iptables-filtered /16 on one port at the default timeout: against the 60 s target;
 *   3. a closed /16 on 10250: against `nmap -sT` (wall), peak RSS per report format, and a /20 for the
 *      growth from /20 to /16;
 *   4. the embedded lab (tarpit included) with auth and the quick TLS scan: against
 *      `nmap -sT --script ssl-cert` on the same hosts and ports;
 *   5. CPU time per fully probed endpoint: row 4's CPU minus a start-up-only run, over its open endpoints;
 *   6. `kubetls --version` and `--help` against a bare `node -e 0`, in turn, medians of 5.
 * The filtered rows make their own DROP rule on a random 127.x /16 or /24 and remove it afterwards
 * (root and iptables needed; otherwise those rows say so). Only loopback is ever dialled.
 * Not a test: prints figures. Run: `npm run bench:fleet [-- --skip-filtered] [-- --install-tools]`.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Lab, startLab } from "../src/lab/index.js";
import { ROLE_DEFINITIONS } from "../src/roles/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = join(ROOT, "dist/src/cli/main.js");
const GNU_TIME = "/usr/bin/time";
const CONNECT_DEADLINE_MS = 3000;
/** Ports a scan with no port flags dials on every address. */
const DEFAULT_PORTS = ROLE_DEFINITIONS.reduce((sum, role) => sum + role.ports.defaults.length, 0);
/** nmap and kubetls runs taken in turn on the closed /16. */
const CLOSED_PAIRS = 3;
/** Rounds of the start-up commands, each round running every command once. */
const STARTUP_ROUNDS = 5;

interface ProcessFigures {
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  exitCode: number | null;
  stdoutBytes: number;
  stderrTail: string;
  timedOut: boolean;
}

interface Row {
  work: string;
  kubetls: string;
  anchor: string;
  ratio: string;
  target: string;
}

/** One command to completion under GNU time; stdout counted and dropped (a /16 report is not kept). */
async function timed(command: string, args: string[], timeoutS = 600): Promise<ProcessFigures> {
  const scratch = mkdtempSync(join(tmpdir(), "kubetls-fleet-"));
  const timeFile = join(scratch, "time.txt");
  const started = performance.now();
  const child = spawn(GNU_TIME, ["-v", "-o", timeFile, command, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
  });
  let stdoutBytes = 0;
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdoutBytes += chunk.length;
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }, timeoutS * 1000);
  const exitCode = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(killer);
  const wallS = (performance.now() - started) / 1000;
  const text = existsSync(timeFile) ? readFileSync(timeFile, "utf8") : "";
  rmSync(scratch, { recursive: true, force: true });
  const figure = (label: string) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(text)?.[1] ?? Number.NaN);
  return {
    wallS,
    cpuS: figure("User time \\(seconds\\)") + figure("System time \\(seconds\\)"),
    peakRssMb: figure("Maximum resident set size \\(kbytes\\)") / 1024,
    // GNU time exits with the command's status, prefixed "Command exited with non-zero status N".
    exitCode: /Command exited with non-zero status (\d+)/.test(text)
      ? Number(/Command exited with non-zero status (\d+)/.exec(text)?.[1])
      : exitCode,
    stdoutBytes,
    stderrTail: stderr.trim().split("\n").slice(-2).join(" | "),
    timedOut,
  };
}

/** Each figure's median over runs of one command (wall, CPU and RSS taken separately). */
function medianOf(runs: ProcessFigures[]): ProcessFigures {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  const first = runs[0];
  if (first === undefined) throw new Error("no runs");
  return {
    ...first,
    wallS: median(runs.map((run) => run.wallS)),
    cpuS: median(runs.map((run) => run.cpuS)),
    peakRssMb: median(runs.map((run) => run.peakRssMb)),
    timedOut: runs.some((run) => run.timedOut),
  };
}

const kubetls = (args: string[], timeoutS?: number) => timed(process.execPath, [CLI, ...args], timeoutS);

function randomOctet(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low));
}

/** A DROP rule for SYNs to `cidr`, removed by the returned function (also on Ctrl-C). */
function dropSyns(cidr: string): () => void {
  const rule = [
    "OUTPUT",
    "-d",
    cidr,
    "-p",
    "tcp",
    "--syn",
    "-j",
    "DROP",
    "-m",
    "comment",
    "--comment",
    "kubetls-bench",
  ];
  execFileSync("iptables", ["-I", ...rule]);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    execFileSync("iptables", ["-D", ...rule]);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      remove();
      process.exit(130);
    });
  }
  return remove;
}

function canFilter(): boolean {
  try {
    execFileSync("iptables", ["-S", "OUTPUT"], { stdio: "ignore" });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const seconds = (figures: ProcessFigures) => (figures.timedOut ? "killed" : `${figures.wallS.toFixed(1)} s`);
const mb = (figures: ProcessFigures) => `${figures.peakRssMb.toFixed(0)} MB`;
const exit = (figures: ProcessFigures) => `exit ${figures.exitCode}`;

async function filteredRows(rows: Row[]): Promise<void> {
  if (!canFilter()) {
    rows.push({
      work: "filtered rows",
      kubetls: "not run",
      anchor: "needs root + iptables",
      ratio: "-",
      target: "-",
    });
    return;
  }
  const small = `127.${randomOctet(100, 250)}.${randomOctet(0, 250)}`;
  let remove = dropSyns(`${small}.0/24`);
  try {
    const run = await kubetls([
      "scan",
      `${small}.0/24`,
      "--format",
      "json",
      "--timeout",
      String(CONNECT_DEADLINE_MS),
    ]);
    rows.push({
      work: `filtered /24 x ${DEFAULT_PORTS} default ports, --timeout 3000`,
      kubetls: `${seconds(run)}, ${mb(run)}, ${exit(run)}`,
      anchor: `one connect deadline ${(CONNECT_DEADLINE_MS / 1000).toFixed(1)} s`,
      ratio: `${(run.wallS / (CONNECT_DEADLINE_MS / 1000)).toFixed(2)}x`,
      target: "<= 2x",
    });
  } finally {
    remove();
  }
  const large = `127.${randomOctet(100, 250)}`;
  remove = dropSyns(`${large}.0.0/16`);
  try {
    const run = await kubetls(
      ["scan", `${large}.0.0/16`, "--roles", "kubelet", "--format", "jsonl", "--tls-scan", "off"],
      300,
    );
    rows.push({
      work: "filtered /16 x 1 port, default timeout",
      kubetls: `${seconds(run)}, ${mb(run)}, ${exit(run)}`,
      anchor: "target 60 s",
      ratio: `${(run.wallS / 60).toFixed(2)}x`,
      target: "<= 1x",
    });
  } finally {
    remove();
  }
}

async function closedRows(rows: Row[]): Promise<void> {
  const prefix = `127.${randomOctet(100, 250)}`;
  const range = `${prefix}.0.0/16`;
  const common = ["--roles", "kubelet", "--tls-scan", "off", "--fail-on", "none"];
  // Pairs taken in turn (nmap, kubetls, nmap, kubetls, ...) so a change in the machine's load hits both;
  // the row quotes the median pair's ratio, each side its median.
  const pairs: { nmap: ProcessFigures | null; json: ProcessFigures }[] = [];
  for (let round = 0; round < CLOSED_PAIRS; round++) {
    const nmap = hasCommand("nmap")
      ? await timed("nmap", ["-sT", "-Pn", "-n", "-p", "10250", "-oG", "-", range])
      : null;
    pairs.push({ nmap, json: await kubetls(["scan", range, ...common, "--format", "json"]) });
  }
  const byRatio = [...pairs].sort(
    (a, b) => a.json.wallS / (a.nmap?.wallS ?? 1) - b.json.wallS / (b.nmap?.wallS ?? 1),
  );
  const middle = byRatio[Math.floor(byRatio.length / 2)] ?? pairs[0];
  if (middle === undefined) throw new Error("no closed /16 run");
  const json = medianOf(pairs.map((pair) => pair.json));
  const nmap = middle.nmap ? medianOf(pairs.flatMap((pair) => (pair.nmap ? [pair.nmap] : []))) : null;
  rows.push({
    work: `closed /16 on 10250, --format json (median of ${CLOSED_PAIRS})`,
    kubetls: `${seconds(json)}, ${mb(json)}, ${exit(json)}`,
    anchor: nmap ? `nmap -sT ${seconds(nmap)}, ${mb(nmap)}` : "nmap not installed",
    ratio: middle.nmap ? `${(middle.json.wallS / middle.nmap.wallS).toFixed(2)}x wall` : "-",
    target: "<= 2x wall, <= 150 MB",
  });
  const formats = ["jsonl", "table", "sarif", "junit", "html", "kube-bench"];
  const perFormat: string[] = [];
  let worst = json.peakRssMb;
  for (const format of formats) {
    const run = await kubetls(["scan", range, ...common, "--format", format]);
    perFormat.push(`${format} ${run.peakRssMb.toFixed(0)}`);
    worst = Math.max(worst, run.peakRssMb);
  }
  rows.push({
    work: "same, every other format (peak RSS MB)",
    kubetls: perFormat.join(", "),
    anchor: "150 MB",
    ratio: `worst ${(worst / 150).toFixed(2)}x`,
    target: "<= 1x",
  });
  const smaller = await kubetls(["scan", `${prefix}.0.0/20`, ...common, "--format", "json"]);
  rows.push({
    work: "closed /20 vs /16, --format json (RSS)",
    kubetls: `/20 ${mb(smaller)}, /16 ${mb(json)}`,
    anchor: "flat",
    ratio: `${(json.peakRssMb / smaller.peakRssMb).toFixed(2)}x for 16x the endpoints`,
    target: "~1x",
  });
}

async function startupRows(rows: Row[]): Promise<void> {
  const commands = [
    { label: "node -e 0", args: ["-e", "0"] },
    { label: "kubetls --version", args: [CLI, "--version"] },
    { label: "kubetls --help", args: [CLI, "--help"] },
  ];
  const runs = new Map<string, ProcessFigures[]>(commands.map(({ label }) => [label, []]));
  // A warm-up round, then every round runs each command once, in turn.
  for (let round = -1; round < STARTUP_ROUNDS; round++) {
    for (const { label, args } of commands) {
      const run = await timed(process.execPath, args);
      if (round >= 0) runs.get(label)?.push(run);
    }
  }
  const bare = medianOf(runs.get("node -e 0") ?? []);
  for (const { label } of commands.slice(1)) {
    const run = medianOf(runs.get(label) ?? []);
    rows.push({
      work: `${label} (median of ${STARTUP_ROUNDS})`,
      kubetls: `${(run.wallS * 1000).toFixed(0)} ms, ${mb(run)}`,
      anchor: `node -e 0 ${(bare.wallS * 1000).toFixed(0)} ms, ${mb(bare)}`,
      ratio: `${(run.wallS / bare.wallS).toFixed(2)}x`,
      target: "<= 4x",
    });
  }
}

function labArgs(lab: Lab): string[] {
  return [
    "--ca-file",
    lab.caFile,
    "--client-cert",
    lab.clientCertFile,
    "--client-key",
    lab.clientKeyFile,
    "--tls-scan",
    "quick",
    "--format",
    "json",
    "--fail-on",
    "none",
  ];
}

async function labRows(rows: Row[]): Promise<void> {
  const network = `127.${randomOctet(100, 250)}.${randomOctet(0, 250)}`;
  const lab = await startLab({ network });
  try {
    const scan = await kubetls(["scan", lab.targetRange, ...labArgs(lab)]);
    // The start-up and report cost without probing anything: the same flags on one closed endpoint.
    const idle = await kubetls(["scan", `${network}.254:10250`, ...labArgs(lab)]);
    const hosts = lab.targetRange;
    // nmap is asked about the same ports kubetls scans by default, every role's.
    const ports = [...new Set(ROLE_DEFINITIONS.flatMap((definition) => definition.ports.defaults))].join(",");
    const nmap = hasCommand("nmap")
      ? await timed("nmap", ["-sT", "-Pn", "-n", "-p", ports, "--script", "ssl-cert", hosts])
      : null;
    rows.push({
      work: "whole lab (tarpit inside), auth + quick TLS scan",
      kubetls: `${seconds(scan)}, ${mb(scan)}, ${exit(scan)}`,
      anchor: nmap ? `nmap --script ssl-cert ${seconds(nmap)}` : "nmap not installed",
      ratio: nmap ? `${(scan.wallS / nmap.wallS).toFixed(2)}x` : "-",
      target: "<= 0.25x",
    });
    const open = lab.postures
      .filter((posture) => posture.name !== "decoy-node")
      .reduce((sum, posture) => sum + posture.listeners.length, 0);
    const probingCpu = Math.max(0, scan.cpuS - idle.cpuS);
    rows.push({
      work: "CPU per fully probed endpoint",
      kubetls: `${((probingCpu / open) * 1000).toFixed(0)} ms (${probingCpu.toFixed(2)} s over ${open} open)`,
      anchor: `start-up + report alone ${idle.cpuS.toFixed(2)} s CPU`,
      ratio: "-",
      target: "report",
    });
  } finally {
    await lab.stop();
  }
}

function print(rows: Row[]): void {
  const headers: Row = {
    work: "work",
    kubetls: "kubetls",
    anchor: "anchor (same run)",
    ratio: "ratio",
    target: "target",
  };
  const all = [headers, ...rows];
  const widths = (Object.keys(headers) as (keyof Row)[]).map((key) =>
    Math.max(...all.map((row) => row[key].length)),
  );
  for (const row of all) {
    const cells = (Object.keys(headers) as (keyof Row)[]).map((key, index) =>
      row[key].padEnd(widths[index] ?? 0),
    );
    console.log(cells.join("  ").trimEnd());
  }
}

async function main(args: string[]): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first`);
  if (!existsSync(GNU_TIME)) throw new Error("GNU time (/usr/bin/time) is needed: apt-get install time");
  if (args.includes("--install-tools") && !hasCommand("nmap")) {
    execFileSync("apt-get", ["install", "-y", "-qq", "nmap"], { stdio: "inherit" });
  }
  const rows: Row[] = [];
  announce(rows);
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`kubetls fleet bench: ${new Date().toISOString()}, load average ${load}`);
  if (!args.includes("--skip-filtered")) await filteredRows(rows);
  if (!args.includes("--skip-closed")) await closedRows(rows);
  if (!args.includes("--skip-lab")) await labRows(rows);
  if (!args.includes("--skip-startup")) await startupRows(rows);
  print(rows);
}

/** Each row on stderr as soon as it is measured, so a long run shows where it is. */
function announce(rows: Row[]): void {
  const push = rows.push.bind(rows);
  rows.push = (...added: Row[]) => {
    for (const row of added) console.error(`  ${row.work}: ${row.kubetls} | ${row.anchor} | ${row.ratio}`);
    return push(...added);
  };
}

await main(process.argv.slice(2));
