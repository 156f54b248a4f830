import { execFile, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab/index.js";
import type { EndpointResult, ScanResult } from "../../src/model/index.js";
import { runCli, uniqueLabNetwork } from "../support/cli.js";
import { resultSchemaErrors } from "../support/schema.js";
import { ROOT } from "./repository.js";

/*
 * The compose lab for real: scripts/docker-engine.sh finds or starts a Docker engine (installing Debian's
 * docker.io when missing), scripts/docker-compose-check.sh builds the image from a local Debian + Node 20
 * base and runs both profiles with every compose here (Debian's docker-compose 1.29 always; Compose v2
 * when its plugin is installed). This file judges what they recorded. It runs in `npm test`, so in CI.
 */

const ENGINE = join(ROOT, "scripts/docker-engine.sh");
const CHECK = join(ROOT, "scripts/docker-compose-check.sh");
/** Waiting for another run's engine (the script's flock) plus a run from a bare machine. */
const RUN_BUDGET_MS = 45 * 60_000;

interface Recorded {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function envFile(path: string): Record<string, string> {
  const entries = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.includes("="))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const);
  return Object.fromEntries(entries);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Why this machine cannot run the check at all, or null: only root with apt-get can get an engine. */
function cannotRun(): string | null {
  const engine = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8" });
  if (engine.status === 0) return null;
  if (process.getuid?.() !== 0) return "no Docker engine answers and not root: cannot install or start one";
  if (spawnSync("apt-get", ["--version"]).status !== 0 && spawnSync("dockerd", ["--version"]).status !== 0)
    return "no Docker engine, no dockerd and no apt-get to install one";
  return null;
}

const skipReason = cannotRun();

describe.skipIf(skipReason !== null)(
  `the compose lab, run for real${skipReason ? ` (${skipReason})` : ""}`,
  () => {
    const out = mkdtempSync(join(tmpdir(), "kubetls-compose-check-"));
    const state = mkdtempSync(join(tmpdir(), "kubetls-docker-engine-"));
    let run: { code: number; stdout: string; stderr: string; ms: number };
    let summary: Record<string, string>;
    let composes: string[];
    let lab: Lab;
    let hostScan: ScanResult;

    const recorded = (compose: string, step: string): Recorded => {
      const base = join(out, compose, step);
      if (!existsSync(`${base}.code`))
        throw new Error(`${compose} ${step} did not run; engine stderr:\n${run.stderr}`);
      return {
        code: Number(readFileSync(`${base}.code`, "utf8")),
        stdout: readFileSync(`${base}.stdout`, "utf8"),
        stderr: readFileSync(`${base}.stderr`, "utf8"),
        ms: Number(readFileSync(`${base}.ms`, "utf8")),
      };
    };

    beforeAll(
      async () => {
        const started = Date.now();
        run = await new Promise((resolve) => {
          execFile(
            "bash",
            [ENGINE, "run", "--state", state, "--", "bash", CHECK, out],
            { cwd: ROOT, timeout: RUN_BUDGET_MS, killSignal: "SIGTERM", maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
              const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
              resolve({ code, stdout, stderr, ms: Date.now() - started });
            },
          );
        });
        summary = existsSync(join(out, "summary.env")) ? envFile(join(out, "summary.env")) : {};
        composes = (summary.COMPOSES ?? "").split(" ").filter(Boolean);

        // The same build scanning the same lab on the host, with the compose scan's flags: the oracle.
        lab = await startLab({ network: uniqueLabNetwork() });
        const scan = await runCli([
          "scan",
          lab.targetRange,
          "--ca-file",
          lab.caFile,
          "--timeout",
          "1500",
          "--format",
          "json",
          "--fail-on",
          "none",
        ]);
        expect(scan.code, scan.stderr).toBe(0);
        hostScan = JSON.parse(scan.stdout) as ScanResult;
      },
      RUN_BUDGET_MS + 5 * 60_000,
    );

    afterAll(async () => {
      await lab?.stop();
      const before = Number(summary?.DATA_ROOT_BYTES_BEFORE ?? 0);
      const after = Number(summary?.DATA_ROOT_BYTES_AFTER ?? 0);
      const seconds = (compose: string, step: string) => {
        const file = join(out, compose, `${step}.ms`);
        return existsSync(file) ? `${(Number(readFileSync(file, "utf8")) / 1000).toFixed(0)} s` : "-";
      };
      // The figures the README quotes: time from this machine's state and the data-root's growth.
      console.info(
        `compose check: ${((run?.ms ?? 0) / 1000).toFixed(0)} s in all; ${summary?.DATA_ROOT} ` +
          `${(before / 2 ** 20).toFixed(0)} MiB -> ${(after / 2 ** 20).toFixed(0)} MiB; ` +
          (composes ?? [])
            .map(
              (compose) => `${compose}: build ${seconds(compose, "build")}, lab ${seconds(compose, "lab")}`,
            )
            .join("; "),
      );
      rmSync(out, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
    });

    it("gets an engine and runs the check to its end", () => {
      expect(run.code, run.stderr).toBe(0);
      expect(composes).toContain("v1");
      expect(summary.NODE_IMAGE).toBeTruthy();
    });

    it("stops, by PID, the dockerd and containerd it started, and leaves no docker0 bridge", () => {
      const engine = envFile(join(state, "engine.env"));
      expect(engine.DOCKER_HOST).toMatch(/^unix:\/\//);
      if (engine.OWNED !== "1") return; // an engine that was already running is left running, untouched
      const pids = [engine.DOCKERD_PID, engine.CONTAINERD_PID].filter(Boolean).map(Number);
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) expect(alive(pid), `PID ${pid} still runs`).toBe(false);
      expect(spawnSync("ip", ["link", "show", "docker0"]).status, "docker0 was created").not.toBe(0);
    });

    it("builds the image with every compose, from the local base and with only the extra CAs", () => {
      for (const compose of composes) {
        const build = recorded(compose, "build");
        expect(build.code, `${compose} build:\n${build.stderr.slice(-3000)}`).toBe(0);
      }
      expect(summary.NODE_IMAGE).toBe(
        process.env.NODE_IMAGE ?? `kubetls-base/node:${process.versions.node}-bookworm-slim`,
      );
      // The build argument holds exactly the machine's CAs that Node does not ship: what npm lacks.
      const shipped = new Set(rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
      const bundle = process.env.NODE_EXTRA_CA_CERTS
        ? readFileSync(process.env.NODE_EXTRA_CA_CERTS, "utf8")
        : "";
      const extra = (bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).filter(
        (pem) => !shipped.has(new X509Certificate(pem).fingerprint256),
      );
      if (!process.env.EXTRA_CA_CERTS) expect(Number(summary.EXTRA_CA_CERTIFICATES)).toBe(extra.length);
    });

    it("`run --rm report-lab` exits 0 and prints the lab's table, with every compose", () => {
      for (const compose of composes) {
        const lab = recorded(compose, "lab");
        expect(lab.code, `${compose} lab:\n${lab.stderr.slice(-3000)}`).toBe(0);
        // The table's closing line: every endpoint of the lab's range, the deliberate FAILs among them.
        const endpoints = hostScan.summary.endpoints;
        expect(lab.stdout).toMatch(new RegExp(`\\b${endpoints} endpoints, \\d+ reachable\\b.*FAIL [1-9]`));
        expect(lab.stdout).toContain("127.10.0.1:10250");
        const table = recorded(compose, "lab-txt");
        expect(table.code).toBe(0);
        expect(table.stdout).toMatch(new RegExp(`\\b${endpoints} endpoints\\b`));
      }
    });

    /*
     * Facts that do not hang on a deadline: which endpoints exist, which are refused, and for every TLS
     * handshake both scans completed, the chain's validation against the CA the lab handed over and the
     * serving-certificate verdict. (This shared 2-core box is often loaded far past its cores; a probe
     * that times out in one scan and not the other is load, not a compose fault.)
     */
    it("scans in the containers what the same build scans on the host, with the CA the lab handed over", () => {
      const octet = (host: string) => host.split(".").at(-1);
      const keyOf = (endpoint: EndpointResult) => `${octet(endpoint.host)}:${endpoint.port} ${endpoint.role}`;
      const onHost = new Map(hostScan.endpoints.map((endpoint) => [keyOf(endpoint), endpoint]));
      for (const compose of composes) {
        const json = recorded(compose, "lab-json");
        expect(json.code, json.stderr).toBe(0);
        const result = JSON.parse(json.stdout) as ScanResult;
        expect(resultSchemaErrors(result)).toBeNull();
        expect(result.endpoints.every((endpoint) => endpoint.host.startsWith("127.10.0."))).toBe(true);
        expect(result.endpoints.map(keyOf).sort()).toEqual([...onHost.keys()].sort());

        const differences: string[] = [];
        let handshakesCompared = 0;
        for (const endpoint of result.endpoints) {
          const host = onHost.get(keyOf(endpoint)) as EndpointResult;
          const refused = (each: EndpointResult) => each.error?.code === "refused";
          if (refused(endpoint) !== refused(host)) differences.push(`${keyOf(endpoint)}: refused differs`);
          if (!(endpoint.validation && host.validation)) continue;
          handshakesCompared += 1;
          const verdict = (each: EndpointResult) =>
            each.checks.find((check) => check.id.endsWith(".serving-cert"))?.status;
          const container = { validation: endpoint.validation.errors, servingCert: verdict(endpoint) };
          const wanted = { validation: host.validation.errors, servingCert: verdict(host) };
          if (JSON.stringify(container) !== JSON.stringify(wanted))
            differences.push(
              `${compose} ${keyOf(endpoint)}: container ${JSON.stringify(container)} host ${JSON.stringify(wanted)}`,
            );
        }
        expect(differences.join("\n")).toBe("");
        // Most of the lab's TLS postures, at least: otherwise this compared next to nothing.
        expect(handshakesCompared).toBeGreaterThanOrEqual(15);
        // The CA handed over is this run's: the lab's good kubelet validates cleanly.
        expect(
          result.endpoints.find((endpoint) => keyOf(endpoint) === "1:10250 kubelet")?.validation?.errors,
        ).toEqual([]);
      }
    });

    it("the kind profile fails with a message on stderr when there is no kind network", () => {
      for (const compose of composes) {
        const kind = recorded(compose, "kind-absent");
        expect(kind.code, compose).not.toBe(0);
        expect(kind.stderr, compose).toMatch(/kind/);
      }
    });

    it("the kind profile fails clearly on a kind network where nothing answers, and never touches the Docker host", async (context) => {
      context.skip(summary.KIND_EMPTY_SKIPPED !== undefined, summary.KIND_EMPTY_SKIPPED);
      const first = composes[0] as string;
      expect(existsSync(join(out, "tripwire.ready")), "the tripwire on the gateway never listened").toBe(
        true,
      );
      expect(readFileSync(join(out, "tripwire.log"), "utf8"), "connections to the Docker host").toBe("");

      // `run --rm report-kind` fails because scan-kind exited 4 (nothing observed), and says so on stderr.
      const kind = recorded(first, "kind-empty");
      expect(kind.code, kind.stderr).not.toBe(0);
      expect(kind.stderr).toMatch(/exited with code 4|didn't complete successfully: exit 4/);
      const scanLogs = recorded(first, "kind-empty-scan-logs").stdout;
      expect(scanLogs).toMatch(/kubetls: no endpoint was open \(.*\): nothing was observed/);

      const json = recorded(first, "kind-empty-json");
      expect(json.code, `scan-kind wrote no report: ${scanLogs}`).toBe(0);
      const result = JSON.parse(json.stdout) as ScanResult;
      // Both ranges but their gateways: 255 addresses each, on every default port; none open.
      const portsPerHost = (await runCli(["scan", "172.18.0.2", "--dry-run"])).stdout
        .trim()
        .split("\n").length;
      expect(result.summary.endpoints).toBe((255 + 255) * portsPerHost);
      expect(result.summary.states.open).toBe(0);
      const hosts = [
        ...result.endpoints.map((endpoint) => endpoint.host),
        ...result.unopened.flatMap((group) => group.hosts),
      ];
      expect(hosts.filter((host) => /^(172\.18\.0\.1|fc00:f853:ccd:e793::1)$/.test(host))).toEqual([]);
    });
  },
);
