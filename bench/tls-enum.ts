/**
 * Times a full cipher-suite enumeration of one loopback `openssl s_server` (every suite, TLS 1.0 up,
 * RSA and ECDSA certificates) with kubetls's hand-written ClientHellos, against sslscan when installed.
 * Not a test: prints figures. Run: `npx tsc -p . && node dist/bench/tls-enum.js [runs]`.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { scanTlsProtocols, type TlsProtocolScan } from "../src/net/hello/index.js";

const run = promisify(execFile);
const HOST = "127.0.77.1";
const RUNS = Number(process.argv[2] ?? 5);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address !== null ? address.port : 0;
}

async function makeCerts(dir: string): Promise<void> {
  const subject = (name: string) => ["-days", "2", "-subj", `/CN=${name}`];
  await run("openssl", [
    "req",
    "-x509",
    "-nodes",
    "-newkey",
    "rsa:2048",
    "-keyout",
    join(dir, "rsa.key"),
    "-out",
    join(dir, "rsa.pem"),
    ...subject("rsa.bench"),
  ]);
  await run("openssl", [
    "req",
    "-x509",
    "-nodes",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-keyout",
    join(dir, "ec.key"),
    "-out",
    join(dir, "ec.pem"),
    ...subject("ec.bench"),
  ]);
}

async function startServer(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    "openssl",
    [
      "s_server",
      "-accept",
      `${HOST}:${port}`,
      "-quiet",
      "-cert",
      join(dir, "rsa.pem"),
      "-key",
      join(dir, "rsa.key"),
      "-dcert",
      join(dir, "ec.pem"),
      "-dkey",
      join(dir, "ec.key"),
      "-min_protocol",
      "TLSv1",
      "-cipher",
      "ALL:COMPLEMENTOFALL:@SECLEVEL=0",
    ],
    { stdio: ["pipe", "ignore", "ignore"] },
  );
  // s_server -quiet prints nothing: wait until the port answers.
  for (let i = 0; i < 100; i += 1) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, HOST);
      socket.once("listening", () => socket.close(() => resolve(false)));
      socket.once("error", () => resolve(true));
    });
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("s_server did not start");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timeRuns<T>(runs: number, task: () => Promise<T>): Promise<{ ms: number; last: T }> {
  const times: number[] = [];
  let last = await task(); // warm-up
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    last = await task();
    times.push(performance.now() - started);
  }
  return { ms: median(times), last };
}

function countSuites(scan: TlsProtocolScan): string {
  return Object.entries(scan.cipherSuites)
    .map(([version, suites]) => `${version}:${suites.length}`)
    .join(" ");
}

async function installed(binary: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${binary}`]);
    return true;
  } catch {
    return false;
  }
}

/** sslscan's accepted suites per version, from its text output. */
function sslscanCounts(output: string): string {
  const counts = new Map<string, number>();
  for (const line of output.split("\n")) {
    const match = /^(?:Preferred|Accepted)\s+(\S+)/.exec(line);
    if (match?.[1]) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return [...counts].map(([version, count]) => `${version}:${count}`).join(" ");
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "kubetls-bench-"));
  await makeCerts(dir);
  const port = await freePort();
  const server = await startServer(dir, port);
  const target = { host: HOST, port };
  try {
    const rows: Array<[string, number, string]> = [];
    const full = await timeRuns(RUNS, () => scanTlsProtocols(target, { mode: "full", timeoutMs: 5_000 }));
    rows.push(["kubetls full", full.ms, `${full.last.attempts} attempts; ${countSuites(full.last)}`]);
    const quick = await timeRuns(RUNS, () => scanTlsProtocols(target, { mode: "quick", timeoutMs: 5_000 }));
    rows.push(["kubetls quick", quick.ms, `${quick.last.attempts} attempts; ${countSuites(quick.last)}`]);
    const serial = await timeRuns(RUNS, () =>
      scanTlsProtocols(target, { mode: "full", timeoutMs: 5_000, perHostConcurrency: 1 }),
    );
    rows.push(["kubetls full, 1 at a time", serial.ms, `${serial.last.attempts} attempts`]);

    if (await installed("sslscan")) {
      const address = `${HOST}:${port}`;
      const plain = await timeRuns(
        Math.min(RUNS, 3),
        async () => (await run("sslscan", ["--no-colour", address])).stdout,
      );
      rows.push(["sslscan (defaults)", plain.ms, sslscanCounts(plain.last)]);
      const ciphersOnly = [
        "--no-colour",
        "--no-check-certificate",
        "--no-compression",
        "--no-fallback",
        "--no-groups",
        "--no-heartbleed",
        "--no-renegotiation",
        "--no-cipher-details",
        address,
      ];
      const lean = await timeRuns(Math.min(RUNS, 3), async () => (await run("sslscan", ciphersOnly)).stdout);
      rows.push(["sslscan (suites only)", lean.ms, sslscanCounts(lean.last)]);
    } else {
      rows.push(["sslscan", Number.NaN, "not installed"]);
    }
    if (!(await installed("testssl.sh"))) rows.push(["testssl.sh", Number.NaN, "not installed"]);

    const baseline = full.ms;
    console.log(`openssl s_server at ${HOST}:${port}, median of ${RUNS} runs after a warm-up\n`);
    console.log(`${"tool".padEnd(28)}${"ms".padStart(9)}${"x kubetls full".padStart(16)}  notes`);
    for (const [name, ms, notes] of rows) {
      const ratio = Number.isNaN(ms) ? "-" : (ms / baseline).toFixed(2);
      console.log(
        `${name.padEnd(28)}${(Number.isNaN(ms) ? "-" : ms.toFixed(0)).padStart(9)}${ratio.padStart(16)}  ${notes}`,
      );
    }
  } finally {
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
