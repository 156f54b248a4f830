/**
 * Sweeps a block of closed loopback addresses on the kubelet port (nothing listens: the kernel refuses
 * every connect at once) and prints endpoints, wall time, endpoints/s and peak RSS for:
 *   - a bare `net.connect` loop at the same concurrency (no kubetls code): the floor;
 *   - the target stream alone, drained without connecting: what the lazy stream costs;
 *   - `runScan` with `tlsScan: "off"` at three range sizes, to show how RSS grows with the range;
 *   - `nmap -sT`, when installed (`--install-nmap` installs it when run as root).
 * Each run is its own child process, so every peak RSS is that run's alone, and all wall times are read
 * on this process's clock from spawn to exit (node start-up included, as nmap's is).
 * Not a test: prints figures. Run: `npm run bench:sweep [-- --quick] [-- --install-nmap] [-- --runs 3]`.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { setImmediate as setImmediatePromise } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ScanResult } from "../src/model/index.js";

const run = promisify(execFile);
const KUBELET_PORT = 10250;
const TIMEOUT_MS = 3_000;
/** Only loopback: every address swept must stay on this machine. */
const LOOPBACK = { base: 0x7f000000, prefix: 8 };
const SAMPLE_EVERY_MS = 50;

type WorkerKind = "connect" | "stream" | "kubetls";

/** What a worker child prints as its one line of stdout. */
interface WorkerReport {
  endpoints: number;
  refused: number;
  /** Time inside the worker, from the first target to the last result (no start-up, no module loading). */
  scanMs: number;
  /** getrusage's peak, and the peak of `rss` sampled every 50 ms: two readings of one figure. */
  maxRssKb: number;
  sampledPeakRssKb: number;
  /** kubetls only: heap the returned ScanResult holds (after a full GC, with it minus without it). */
  resultsHeapKb?: number;
  checksPerEndpoint?: number;
}

interface Measurement {
  label: string;
  prefix: number;
  concurrency: number | null;
  endpoints: number;
  wallMs: number;
  scanMs: number | null;
  peakRssKb: number;
  note: string;
}

interface Settings {
  base: number;
  prefix: number;
  concurrencies: number[];
  runs: number;
  timeoutS: number;
  installNmap: boolean;
  nmapMinRate: number;
}

// ---------------------------------------------------------------------------------------------- addresses

function parseIpv4(text: string): number {
  const parts = text.split(".").map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : Number.NaN));
  if (parts.length !== 4 || parts.some((part) => Number.isNaN(part) || part > 255)) {
    throw new Error(`not an IPv4 address: ${text}`);
  }
  return parts.reduce((value, part) => value * 256 + part, 0);
}

function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

function cidr(base: number, prefix: number): string {
  return `${formatIpv4(base)}/${prefix}`;
}

/** `127.77.0.0/16` -> its network address and prefix; refuses anything outside 127.0.0.0/8. */
function parseLoopbackRange(text: string): { base: number; prefix: number } {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  const prefix = Number(match?.[2]);
  if (!match?.[1] || prefix < LOOPBACK.prefix || prefix > 32)
    throw new Error(`not a CIDR in 127.0.0.0/8: ${text}`);
  const base = parseIpv4(match[1]) - (parseIpv4(match[1]) % blockSize(prefix));
  if (Math.floor(base / blockSize(LOOPBACK.prefix)) !== LOOPBACK.base / blockSize(LOOPBACK.prefix)) {
    throw new Error(`refusing ${text}: the sweep stays inside 127.0.0.0/8`);
  }
  return { base, prefix };
}

// ------------------------------------------------------------------------------------------------ workers

function rssSampler(): { peakKb: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, SAMPLE_EVERY_MS);
  timer.unref();
  return {
    peakKb: () => {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 1024);
    },
  };
}

/** The floor: one `net.connect` per address, `concurrency` at a time, nothing kept but two counters. */
async function sweepWithBareConnects(
  base: number,
  prefix: number,
  concurrency: number,
): Promise<Pick<WorkerReport, "endpoints" | "refused">> {
  const total = blockSize(prefix);
  let next = 0;
  let refused = 0;
  const dial = (host: string) =>
    new Promise<void>((resolve) => {
      const socket = connect({ host, port: KUBELET_PORT });
      socket.setTimeout(TIMEOUT_MS, () => socket.destroy());
      socket.once("connect", () => socket.destroy());
      socket.once("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNREFUSED") refused += 1;
      });
      socket.once("close", () => resolve());
    });
  const lane = async () => {
    while (next < total) {
      const offset = next;
      next += 1;
      await dial(formatIpv4(base + offset));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return { endpoints: total, refused };
}

/*
 * The kubetls modules are imported only by the workers that use them: loading them costs time and
 * memory of their own, which the bare-connect floor must not pay.
 */
async function kubeletOnlyPlan(range: string) {
  const { createTargetPlan } = await import("../src/targets/index.js");
  const { onlyRolePorts } = await import("../src/roles/index.js");
  return createTargetPlan({ targets: [range], ports: onlyRolePorts({ kubelet: [10250] }) });
}

/** The target stream alone, drained without a single connection. */
async function drainTargetStream(range: string): Promise<Pick<WorkerReport, "endpoints" | "refused">> {
  const { streamEndpoints } = await import("../src/targets/index.js");
  let endpoints = 0;
  for await (const item of streamEndpoints(await kubeletOnlyPlan(range))) {
    if (item.kind === "endpoint") endpoints += 1;
  }
  return { endpoints, refused: 0 };
}

/** Heap in use after a full collection; the workers run with --expose-gc. */
function heapAfterGcKb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024;
}

/** The library as a user calls it; the returned ScanResult (every endpoint) is weighed, then let go. */
async function sweepWithRunScan(
  range: string,
  concurrency: number,
): Promise<Pick<WorkerReport, "endpoints" | "refused" | "checksPerEndpoint" | "resultsHeapKb">> {
  const { runScan } = await import("../src/pipeline/index.js");
  let endpoints = 0;
  let refused = 0;
  let checks = 0;
  let result: ScanResult | null = await runScan({
    targets: await kubeletOnlyPlan(range),
    trust: { caFiles: [], kubeletCaFiles: [] },
    pacing: { concurrency, connectionsPerSecond: null, timeoutMs: TIMEOUT_MS },
    tlsScan: "off",
    onEndpoint: (endpoint) => {
      endpoints += 1;
      checks += endpoint.checks.length;
      if (endpoint.error?.code === "refused") refused += 1;
    },
  });
  if (result.endpoints.length !== endpoints) {
    throw new Error(`runScan returned ${result.endpoints.length} endpoints but streamed ${endpoints}`);
  }
  const withResults = heapAfterGcKb();
  result = null;
  // The settled scan's promise machinery still reaches the results until the next turn of the loop.
  await setImmediatePromise();
  const resultsHeapKb = withResults - heapAfterGcKb();
  return { endpoints, refused, checksPerEndpoint: endpoints > 0 ? checks / endpoints : 0, resultsHeapKb };
}

async function worker(kind: WorkerKind, range: string, concurrency: number): Promise<void> {
  const { base, prefix } = parseLoopbackRange(range);
  const sampler = rssSampler();
  // Loaded before the clock starts, so scan time is the sweep's own; the sweeps' imports hit the cache.
  if (kind !== "connect") await import("../src/targets/index.js");
  if (kind === "kubetls") await import("../src/pipeline/index.js");
  const started = performance.now();
  const counts =
    kind === "connect"
      ? await sweepWithBareConnects(base, prefix, concurrency)
      : kind === "stream"
        ? await drainTargetStream(range)
        : await sweepWithRunScan(range, concurrency);
  const scanMs = performance.now() - started;
  const report: WorkerReport = {
    ...counts,
    scanMs,
    maxRssKb: process.resourceUsage().maxRSS,
    sampledPeakRssKb: sampler.peakKb(),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

// ----------------------------------------------------------------------------------------------- children

async function installed(binary: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${binary}`]);
    return true;
  } catch {
    return false;
  }
}

const GNU_TIME = "/usr/bin/time";

async function hasGnuTime(): Promise<boolean> {
  try {
    await run(GNU_TIME, ["-v", "true"]);
    return true;
  } catch {
    return false;
  }
}

interface ChildRun {
  wallMs: number;
  /** From `/usr/bin/time -v`, else the peak of VmHWM sampled from /proc every 50 ms. */
  peakRssKb: number | null;
  timedOut: boolean;
  exitCode: number | null;
  stderr: string;
}

function readPeakFromProc(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Runs one command to completion on this process's clock. Stdout is handed over line by line and not
 * kept: nmap prints two lines per host, and holding a /16 of them would only add noise to this process.
 */
async function timeChild(
  command: string,
  args: string[],
  options: { timeoutS: number; gnuTime: boolean; onLine: (line: string) => void },
): Promise<ChildRun> {
  const scratch = mkdtempSync(join(tmpdir(), "kubetls-sweep-"));
  const timeFile = join(scratch, "time.txt");
  const argv = options.gnuTime ? [GNU_TIME, "-v", "-o", timeFile, command, ...args] : [command, ...args];
  const started = performance.now();
  // Its own process group, so a timeout ends the command and not only the `time` wrapping it.
  const child = spawn(argv[0] ?? command, argv.slice(1), {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let sampledPeak: number | null = null;
  const sampler = options.gnuTime
    ? null
    : setInterval(() => {
        const peak = child.pid === undefined ? null : readPeakFromProc(child.pid);
        if (peak !== null) sampledPeak = Math.max(sampledPeak ?? 0, peak);
      }, SAMPLE_EVERY_MS);
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }, options.timeoutS * 1000);
  createInterface({ input: child.stdout }).on("line", options.onLine);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  const wallMs = performance.now() - started;
  clearTimeout(deadline);
  if (sampler) clearInterval(sampler);
  let peakRssKb: number | null = sampledPeak;
  if (options.gnuTime) {
    try {
      const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, "utf8"));
      peakRssKb = match?.[1] ? Number(match[1]) : null;
    } catch {
      peakRssKb = null;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  return { wallMs, peakRssKb, timedOut, exitCode, stderr };
}

const SELF = fileURLToPath(import.meta.url);

async function measureWorker(
  kind: WorkerKind,
  label: string,
  range: { base: number; prefix: number },
  concurrency: number | null,
  settings: Settings & { gnuTime: boolean },
): Promise<Measurement> {
  const args = [
    "--expose-gc",
    SELF,
    "--worker",
    kind,
    cidr(range.base, range.prefix),
    String(concurrency ?? 1),
  ];
  let line: string | undefined;
  const outcome = await timeChild(process.execPath, args, {
    timeoutS: settings.timeoutS,
    gnuTime: settings.gnuTime,
    onLine: (text) => {
      if (text.startsWith("{")) line = text;
    },
  });
  const base = { label, prefix: range.prefix, concurrency, wallMs: outcome.wallMs };
  if (outcome.timedOut || outcome.exitCode !== 0 || line === undefined) {
    const why = outcome.timedOut
      ? `killed after ${settings.timeoutS} s`
      : `failed: ${outcome.stderr.trim().split("\n").at(-1) ?? `exit ${outcome.exitCode}`}`;
    return { ...base, endpoints: 0, scanMs: null, peakRssKb: outcome.peakRssKb ?? 0, note: why };
  }
  const report = JSON.parse(line) as WorkerReport;
  const notes = [`refused ${report.refused}`];
  if (report.endpoints === 1) {
    notes.push("fixed cost: runScan start-up (probe catalogue, identities)");
  } else if (report.checksPerEndpoint !== undefined && report.resultsHeapKb !== undefined) {
    const perEndpointKb = report.endpoints > 0 ? report.resultsHeapKb / report.endpoints : 0;
    notes.push(
      `results: ${(report.resultsHeapKb / 1024).toFixed(1)} MB of heap, ${perEndpointKb.toFixed(1)} KB/endpoint, ` +
        `${report.checksPerEndpoint.toFixed(1)} checks each`,
    );
  }
  return {
    ...base,
    endpoints: report.endpoints,
    scanMs: report.scanMs,
    peakRssKb: outcome.peakRssKb ?? report.maxRssKb,
    note: notes.join("; "),
  };
}

async function measureNmap(
  range: { base: number; prefix: number },
  concurrency: number,
  settings: Settings & { gnuTime: boolean },
): Promise<Measurement> {
  const args = [
    "-sT",
    "-Pn",
    "-n",
    "-p",
    String(KUBELET_PORT),
    "--min-rate",
    String(settings.nmapMinRate),
    "--max-parallelism",
    String(concurrency),
    "-oG",
    "-",
    cidr(range.base, range.prefix),
  ];
  let answered = 0;
  const outcome = await timeChild("nmap", args, {
    timeoutS: settings.timeoutS,
    gnuTime: settings.gnuTime,
    // Grepable output: one "Ports:" line per host scanned, whatever the port's state.
    onLine: (line) => {
      if (line.includes(`Ports: ${KUBELET_PORT}/`)) answered += 1;
    },
  });
  const failed = outcome.timedOut
    ? `killed after ${settings.timeoutS} s`
    : outcome.exitCode !== 0
      ? `failed: ${outcome.stderr.trim().split("\n").at(-1) ?? `exit ${outcome.exitCode}`}`
      : null;
  return {
    label: "nmap -sT",
    prefix: range.prefix,
    concurrency,
    endpoints: answered,
    wallMs: outcome.wallMs,
    scanMs: null,
    peakRssKb: outcome.peakRssKb ?? 0,
    note: failed ?? `--min-rate ${settings.nmapMinRate} --max-parallelism ${concurrency}`,
  };
}

// ------------------------------------------------------------------------------------------------ the run

function flagValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} wants a positive integer, not ${text}`);
  return value;
}

function parseSettings(args: string[]): Settings {
  const quick = args.includes("--quick");
  const range = parseLoopbackRange(flagValue(args, "--range") ?? (quick ? "127.77.0.0/20" : "127.77.0.0/16"));
  return {
    ...range,
    concurrencies: (flagValue(args, "--concurrency") ?? "256,64")
      .split(",")
      .map((text) => positiveInteger(text, "--concurrency")),
    runs: positiveInteger(flagValue(args, "--runs") ?? "1", "--runs"),
    timeoutS: positiveInteger(flagValue(args, "--timeout-s") ?? "300", "--timeout-s"),
    installNmap: args.includes("--install-nmap"),
    nmapMinRate: positiveInteger(flagValue(args, "--nmap-min-rate") ?? "5000", "--nmap-min-rate"),
  };
}

/** With --install-nmap as root: nmap (and GNU time, for its peak RSS) from apt, once. */
async function installTools(gnuTime: boolean): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error("--install-nmap: not root, skipping the install");
    return;
  }
  const packages = ["nmap", ...(gnuTime ? [] : ["time"])];
  console.error(`installing ${packages.join(" ")} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", ["update", "-qq"], { env, maxBuffer: 64 << 20 });
    await run("apt-get", ["install", "-y", "-qq", ...packages], { env, maxBuffer: 64 << 20 });
  } catch (error) {
    console.error(`apt-get failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** `runs` runs of one measurement: median wall time and median peak RSS, each on its own. */
async function repeated(runs: number, measure: () => Promise<Measurement>): Promise<Measurement> {
  const all: Measurement[] = [];
  for (let index = 0; index < runs; index += 1) all.push(await measure());
  const first = all[0] as Measurement;
  const scans = all.flatMap((measurement) => (measurement.scanMs === null ? [] : [measurement.scanMs]));
  return {
    ...first,
    wallMs: median(all.map((measurement) => measurement.wallMs)),
    scanMs: scans.length > 0 ? median(scans) : null,
    peakRssKb: median(all.map((measurement) => measurement.peakRssKb)),
  };
}

function formatRate(endpoints: number, ms: number): string {
  if (endpoints === 0 || !(ms > 0)) return "-";
  const perSecond = endpoints / (ms / 1000);
  return perSecond >= 10_000 ? `${(perSecond / 1000).toFixed(0)}k` : perSecond.toFixed(0);
}

function printTable(rows: Measurement[]): void {
  const header = [
    "run".padEnd(22),
    "range".padStart(6),
    "conc".padStart(5),
    "endpoints".padStart(10),
    "wall s".padStart(8),
    "scan s".padStart(8),
    "ep/s".padStart(7),
    "peak RSS MB".padStart(12),
    "  notes",
  ];
  console.log(header.join(""));
  for (const row of rows) {
    console.log(
      [
        row.label.padEnd(22),
        `/${row.prefix}`.padStart(6),
        (row.concurrency === null ? "-" : String(row.concurrency)).padStart(5),
        String(row.endpoints).padStart(10),
        (row.wallMs / 1000).toFixed(2).padStart(8),
        (row.scanMs === null ? "-" : (row.scanMs / 1000).toFixed(2)).padStart(8),
        formatRate(row.endpoints, row.scanMs ?? row.wallMs).padStart(7),
        (row.peakRssKb / 1024).toFixed(0).padStart(12),
        `  ${row.note}`,
      ].join(""),
    );
  }
}

function ratio(numerator: number | undefined, denominator: number | undefined): string {
  if (numerator === undefined || denominator === undefined || !(numerator > 0) || !(denominator > 0))
    return "-";
  const value = numerator / denominator;
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}x`;
}

function signedMb(kb: number): string {
  const mb = Math.round(kb / 1024);
  return `${mb >= 0 ? "+" : ""}${mb} MB`;
}

function printRatios(
  byConcurrency: Array<{
    concurrency: number;
    raw: Measurement;
    kubetls: Measurement;
    nmap: Measurement | null;
  }>,
  growth: Measurement[],
  streams: Measurement[],
): void {
  console.log("\nratios (wall: whole processes, spawn to exit, one clock; scan: inside the node worker):");
  for (const { concurrency, raw, kubetls, nmap } of byConcurrency) {
    const overheadUs =
      kubetls.endpoints > 0 && kubetls.scanMs !== null && raw.scanMs !== null
        ? ((kubetls.scanMs - raw.scanMs) * 1000) / kubetls.endpoints
        : Number.NaN;
    console.log(
      `  c=${concurrency}: kubetls / raw connect: scan ${ratio(kubetls.scanMs ?? undefined, raw.scanMs ?? undefined)}, ` +
        `wall ${ratio(kubetls.wallMs, raw.wallMs)}, RSS ${ratio(kubetls.peakRssKb, raw.peakRssKb)} ` +
        `(+${overheadUs.toFixed(0)} us of kubetls per endpoint)`,
    );
    if (nmap !== null) {
      console.log(
        `         kubetls / nmap: wall ${ratio(kubetls.wallMs, nmap.wallMs)}, RSS ${ratio(kubetls.peakRssKb, nmap.peakRssKb)}; ` +
          `raw connect / nmap: wall ${ratio(raw.wallMs, nmap.wallMs)}, RSS ${ratio(raw.peakRssKb, nmap.peakRssKb)}`,
      );
    }
  }
  // The fixed cost (/32) is left out of the slope: it is start-up, not results.
  const smallest = growth.find((row) => row.endpoints > 1);
  const largest = growth.at(-1);
  if (smallest && largest && largest.endpoints > smallest.endpoints) {
    const perEndpoint =
      ((largest.peakRssKb - smallest.peakRssKb) * 1024) / (largest.endpoints - smallest.endpoints);
    console.log(
      `  kubetls RSS by range: ${growth.map((row) => `/${row.prefix} ${(row.peakRssKb / 1024).toFixed(0)} MB`).join(", ")}` +
        ` -> ~${(perEndpoint / 1024).toFixed(1)} KB of peak RSS per endpoint between /${smallest.prefix} and /${largest.prefix}`,
    );
  }
  const [firstStream, lastStream] = [streams[0], streams.at(-1)];
  if (firstStream && lastStream && lastStream !== firstStream) {
    console.log(
      `  target stream alone: /${firstStream.prefix} ${(firstStream.peakRssKb / 1024).toFixed(0)} MB, ` +
        `/${lastStream.prefix} ${(lastStream.peakRssKb / 1024).toFixed(0)} MB ` +
        `(${ratio(lastStream.endpoints, firstStream.endpoints)} the endpoints, ` +
        `${signedMb(lastStream.peakRssKb - firstStream.peakRssKb)})`,
    );
  }
}

async function main(args: string[]): Promise<void> {
  const settings = parseSettings(args);
  let gnuTime = await hasGnuTime();
  if (settings.installNmap && !(await installed("nmap"))) {
    await installTools(gnuTime);
    gnuTime = await hasGnuTime();
  }
  const nmap = await installed("nmap");
  const context = { ...settings, gnuTime };
  const main = { base: settings.base, prefix: settings.prefix };
  const progress = (what: string) => console.error(`  ${what} ...`);
  console.log(
    `sweep of ${cidr(settings.base, settings.prefix)} (${blockSize(settings.prefix)} closed loopback addresses) ` +
      `on :${KUBELET_PORT}, median of ${settings.runs} run(s) each, one process per run; ` +
      `peak RSS from ${gnuTime ? "/usr/bin/time -v" : "getrusage (node) and /proc VmHWM (nmap)"}\n`,
  );

  const rows: Measurement[] = [];
  const byConcurrency: Array<{
    concurrency: number;
    raw: Measurement;
    kubetls: Measurement;
    nmap: Measurement | null;
  }> = [];
  for (const concurrency of settings.concurrencies) {
    progress(`raw net.connect c=${concurrency}`);
    const raw = await repeated(settings.runs, () =>
      measureWorker("connect", "raw net.connect", main, concurrency, context),
    );
    progress(`kubetls runScan c=${concurrency}`);
    const kubetls = await repeated(settings.runs, () =>
      measureWorker("kubetls", "kubetls runScan", main, concurrency, context),
    );
    progress(`nmap c=${concurrency}`);
    const scanner = nmap
      ? await repeated(settings.runs, () => measureNmap(main, concurrency, context))
      : null;
    rows.push(raw, kubetls);
    if (scanner) rows.push(scanner);
    byConcurrency.push({ concurrency, raw, kubetls, nmap: scanner });
  }
  if (!nmap) {
    rows.push({
      label: "nmap -sT",
      prefix: settings.prefix,
      concurrency: null,
      endpoints: 0,
      wallMs: 0,
      scanMs: null,
      peakRssKb: 0,
      note: "not installed (pass --install-nmap as root)",
    });
  }

  // RSS against range size, at the first concurrency: smaller blocks inside the same one.
  const concurrency = settings.concurrencies[0] ?? 256;
  // /32 first: one endpoint, so its figures are kubetls's fixed cost (imports, probe catalogue).
  const smallerPrefixes = [32, settings.prefix + 4, settings.prefix + 2].filter(
    (prefix, index, all) => prefix <= 32 && prefix > settings.prefix && all.indexOf(prefix) === index,
  );
  const growth: Measurement[] = [];
  for (const prefix of smallerPrefixes) {
    progress(`kubetls runScan /${prefix}`);
    const range = { base: settings.base, prefix };
    growth.push(
      await repeated(settings.runs, () =>
        measureWorker("kubetls", "kubetls runScan", range, concurrency, context),
      ),
    );
  }
  const atMain = byConcurrency[0]?.kubetls;
  if (atMain) growth.push(atMain);
  const streams: Measurement[] = [];
  for (const prefix of [smallerPrefixes.find((prefix) => prefix < 32), settings.prefix]) {
    if (prefix === undefined) continue;
    progress(`target stream /${prefix}`);
    const range = { base: settings.base, prefix };
    streams.push(
      await repeated(settings.runs, () =>
        measureWorker("stream", "target stream only", range, null, context),
      ),
    );
  }
  rows.push(...growth.slice(0, -1), ...streams);

  printTable(rows);
  printRatios(byConcurrency, growth, streams);
}

const WORKER_KINDS: readonly WorkerKind[] = ["connect", "stream", "kubetls"];
const argv = process.argv.slice(2);
if (argv[0] === "--worker") {
  const [, kind, range, concurrency] = argv;
  const known = WORKER_KINDS.find((candidate) => candidate === kind);
  if (known === undefined || range === undefined) throw new Error(`bad worker arguments: ${argv.join(" ")}`);
  await worker(known, range, positiveInteger(concurrency ?? "", "concurrency"));
} else {
  await main(argv);
}
