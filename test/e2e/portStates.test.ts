import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScanResult } from "../../src/model/index.js";
import { type LoopbackServer, listenOnLoopback, mintServingChain, servedPem } from "../net/loopback.js";
import { runCli, uniqueLabNetwork } from "../support/cli.js";
import { canFilter, type FilteredRange, filterRange } from "../support/filtered.js";
import { resultSchemaErrors } from "../support/schema.js";

// The three original roles only, so the counts below do not move as roles are added.
const JSON_REPORT = [
  "--format",
  "json",
  "--fail-on",
  "none",
  "--tls-scan",
  "off",
  "--roles",
  "kubelet,kubelet-readonly,apiserver",
];

/*
 * Issue 8: nothing observed is not success. Each case here is a fail-open path: it fails if kubetls
 * reports a PASS or exits 0 where it saw nothing.
 */
describe("port states: a scan that observed nothing vouches for nothing", () => {
  it("a /24 where nothing listens: no PASS, every port counted closed, exit 4 with a stderr line", async () => {
    const range = `${uniqueLabNetwork()}.0/24`;
    const run = await runCli(["scan", range, ...JSON_REPORT, "--timeout", "2000"]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^kubetls: no endpoint was open \(768 closed, 0 filtered, 0 not dialled\)/m);
    const result = JSON.parse(run.stdout) as ScanResult;
    expect(resultSchemaErrors(result)).toBeNull();
    expect(result.summary.findings.PASS).toBe(0);
    expect(result.summary.states).toEqual({ open: 0, closed: 768, filtered: 0, unscanned: 0 });
    expect(result.endpoints).toEqual([]);
    expect(result.unopened.map((group) => [group.port, group.state, group.count, group.hosts])).toEqual([
      [10250, "closed", 256, [range.replace(".0/24", ".0-") + range.replace(".0/24", ".255")]],
      [10255, "closed", 256, [range.replace(".0/24", ".0-") + range.replace(".0/24", ".255")]],
      [6443, "closed", 256, [range.replace(".0/24", ".0-") + range.replace(".0/24", ".255")]],
    ]);
  });

  it("targets that were all invalid: exit 4, each bad line on stderr, nothing PASSes", async () => {
    const directory = await mkdtemp(join(tmpdir(), "kubetls-invalid-"));
    const file = join(directory, "targets.txt");
    await writeFile(file, "10.0.0.300\nnot a target!\n");
    const run = await runCli(["scan", "-f", file, ...JSON_REPORT]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`${file}:1: 10.0.0.300`);
    expect(run.stderr).toContain(`${file}:2: not a target!`);
    expect(run.stderr).toMatch(/every target was invalid \(2\)/);
    const result = JSON.parse(run.stdout) as ScanResult;
    expect(result.summary.endpoints).toBe(0);
    expect(result.targets.invalid).toHaveLength(2);
  });

  it("still exits 4 under --fail-on ERROR and --format table", async () => {
    const run = await runCli([
      "scan",
      `${uniqueLabNetwork()}.0/30`,
      "--fail-on",
      "ERROR",
      "--tls-scan",
      "off",
    ]);
    expect(run.code).toBe(4);
    expect(run.stdout).not.toMatch(/PASS [1-9]/);
  });
});

describe("--open-only", () => {
  it("--open-only keeps the counts and drops the host lists of never-opened endpoints", async () => {
    const range = `${uniqueLabNetwork()}.0/28`;
    const run = await runCli(["scan", range, ...JSON_REPORT, "--open-only"]);
    const result = JSON.parse(run.stdout) as ScanResult;
    expect(resultSchemaErrors(result)).toBeNull();
    expect(result.summary.states.closed).toBe(48);
    expect(result.unopened.map((group) => [group.count, group.hosts])).toEqual([
      [16, []],
      [16, []],
      [16, []],
    ]);
  });
});

describe.skipIf(!canFilter())("port states behind a firewall (iptables DROP; needs root)", () => {
  let filtered: FilteredRange;
  let kubelet: LoopbackServer;
  let readOnlyPort: number;
  let witnessed: FilteredRange;

  beforeAll(async () => {
    filtered = filterRange();
    // A host whose kubelet answers while its read-only port is dropped.
    const prefix = uniqueLabNetwork();
    const chain = await mintServingChain({ type: "ec", curve: "P-256" }, "node1");
    kubelet = await listenOnLoopback(
      createServer({ cert: servedPem(chain), key: chain.leaf.keyPem }, (_request, response) => {
        response.writeHead(401).end("Unauthorized");
      }),
      `${prefix}.9`,
    );
    readOnlyPort = 20000 + Math.floor(Math.random() * 20000);
    witnessed = filterRange(prefix, readOnlyPort);
  });

  afterAll(async () => {
    filtered?.remove();
    witnessed?.remove();
    await kubelet?.close();
  });

  it("a filtered range: every endpoint filtered, no ERROR and no PASS, exit 4", async () => {
    const run = await runCli([
      "scan",
      `${filtered.prefix}.0/28`,
      ...JSON_REPORT,
      "--connect-timeout",
      "500",
      "--fail-on",
      "ERROR",
    ]);
    expect(run.code).toBe(4);
    const result = JSON.parse(run.stdout) as ScanResult;
    expect(resultSchemaErrors(result)).toBeNull();
    expect(result.summary.states).toEqual({ open: 0, closed: 0, filtered: 48, unscanned: 0 });
    expect(result.summary.findings).toEqual({ PASS: 0, FAIL: 0, WARN: 0, INFO: 0, SKIP: 0, ERROR: 0 });
    expect(result.unopened.every((group) => group.state === "filtered" && group.code === "timeout")).toBe(
      true,
    );
  });

  it("a filtered read-only port on a host whose kubelet answered: SKIP with the state, never PASS or ERROR", async () => {
    // The kubelet's own port is open; only the read-only port is dropped.
    const run = await runCli([
      "scan",
      `${kubelet.host}`,
      "--kubelet-ports",
      String(kubelet.port),
      "--readonly-ports",
      String(readOnlyPort),
      "--apiserver-ports",
      "",
      ...JSON_REPORT,
      "--connect-timeout",
      "500",
    ]);
    const result = JSON.parse(run.stdout) as ScanResult;
    const readOnly = result.endpoints.find((endpoint) => endpoint.port === readOnlyPort);
    expect(readOnly?.state).toBe("filtered");
    expect(readOnly?.checks.map((check) => check.status)).toEqual(["SKIP"]);
    expect(readOnly?.checks[0]?.evidence).toMatch(/^port filtered: no TCP connection/);
  });
});
