/**
 * Start-up cost of the CLI: `kubetls --version` and `kubetls --help` against a bare `node -e 0`, run in
 * turn (A B A B ...) so that a machine whose speed drifts slows both alike. Prints, per command, the median
 * wall time on this process's clock (spawn to exit) and the median peak RSS, then each ratio to
 * `node -e 0`: the median of the run-by-run ratios, the figure to quote. Issue 9 asks for at most 4x.
 * Peak RSS comes from GNU `/usr/bin/time -v` when installed, else from VmHWM sampled in /proc.
 * Not a test: prints figures. Run: `npx tsc -p . && node dist/bench/startup.js [runs]` (default 11).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "../src/cli/main.js");
const GNU_TIME = "/usr/bin/time";

interface Command {
  label: string;
  args: string[];
}

interface Sample {
  wallMs: number;
  peakRssKb: number | null;
}

const COMMANDS: Command[] = [
  { label: "node -e 0", args: ["-e", "0"] },
  { label: "kubetls --version", args: [CLI, "--version"] },
  { label: "kubetls --help", args: [CLI, "--help"] },
  { label: "kubetls scan --help", args: [CLI, "scan", "--help"] },
];

async function hasGnuTime(): Promise<boolean> {
  if (!existsSync(GNU_TIME)) return false;
  try {
    await promisify(execFile)(GNU_TIME, ["-v", "true"]);
    return true;
  } catch {
    return false;
  }
}

/** One run of `node ARGS`, output thrown away, timed from spawn to exit. */
function runOnce(args: string[], gnuTime: boolean, scratch: string): Promise<Sample> {
  const timeFile = join(scratch, "time.txt");
  const argv = gnuTime ? ["-v", "-o", timeFile, process.execPath, ...args] : args;
  const started = performance.now();
  const child = spawn(gnuTime ? GNU_TIME : process.execPath, argv, { stdio: ["ignore", "ignore", "ignore"] });
  let sampledKb = 0;
  const sample = (): void => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match) sampledKb = Math.max(sampledKb, Number(match[1]));
    } catch {
      // Gone already.
    }
  };
  const sampler = gnuTime ? null : setInterval(sample, 5);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      if (sampler) clearInterval(sampler);
      if (code !== 0) {
        reject(new Error(`node ${args.join(" ")} exited with ${code}`));
        return;
      }
      let peakRssKb: number | null = sampledKb || null;
      if (gnuTime) {
        const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, "utf8"));
        peakRssKb = match ? Number(match[1]) : null;
      }
      resolve({ wallMs, peakRssKb });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npx tsc -p ." first`);
  const runs = Number(process.argv[2] ?? 11);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("runs must be a positive whole number");
  const gnuTime = await hasGnuTime();
  const scratch = mkdtempSync(join(tmpdir(), "kubetls-startup-"));
  const samples = new Map<string, Sample[]>(COMMANDS.map((command) => [command.label, []]));
  try {
    // One warm-up round fills the page cache; then every round runs each command once, in turn.
    for (let round = -1; round < runs; round++) {
      for (const command of COMMANDS) {
        const sample = await runOnce(command.args, gnuTime, scratch);
        if (round >= 0) samples.get(command.label)?.push(sample);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const baseline = samples.get("node -e 0") ?? [];
  const lines = [
    `${runs} runs each, in turn after one warm-up round; peak RSS from ${gnuTime ? "/usr/bin/time -v" : "/proc VmHWM sampled every 5 ms"}`,
    `${"command".padEnd(22)} ${"wall ms".padStart(8)} ${"peak RSS MB".padStart(12)} ${"wall / node -e 0".padStart(17)} ${"RSS / node -e 0".padStart(16)}`,
  ];
  for (const command of COMMANDS) {
    const own = samples.get(command.label) ?? [];
    const wallRatio = median(
      own.map((sample, index) => sample.wallMs / (baseline[index]?.wallMs ?? Number.NaN)),
    );
    const rss = own.map((sample) => sample.peakRssKb ?? Number.NaN);
    const baseRss = median(baseline.map((sample) => sample.peakRssKb ?? Number.NaN));
    lines.push(
      `${command.label.padEnd(22)} ${median(own.map((sample) => sample.wallMs))
        .toFixed(0)
        .padStart(8)} ` +
        `${(median(rss) / 1024).toFixed(1).padStart(12)} ${`${wallRatio.toFixed(2)}x`.padStart(17)} ` +
        `${`${(median(rss) / baseRss).toFixed(2)}x`.padStart(16)}`,
    );
  }
  lines.push("target (issue 9): kubetls --version and --help within 4x the wall time of node -e 0");
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
