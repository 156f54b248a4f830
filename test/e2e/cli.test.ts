import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAB_ADMIN_TOKEN, type Lab, startLab } from "../../src/lab/index.js";
import { type EndpointResult, endpointKey, type ScanResult } from "../../src/model/index.js";

import { runCli, uniqueLabNetwork } from "../support/cli.js";

/** The lab's kubelet-client pair, the identity kubelets should accept. */
const clientPair = (lab: Lab) => ["--client-cert", lab.clientCertFile, "--client-key", lab.clientKeyFile];
/** A JSON report on stdout, and exit 0 whatever it finds. */
const JSON_REPORT = ["--format", "json", "--fail-on", "none"];

import { resultSchemaErrors } from "../support/schema.js";

/* The built CLI as users and CI drive it: exit codes, dry runs, shards, merges, several outputs. */
describe("kubetls CLI: usage and dry runs (no network)", () => {
  it("exits 2 with a message naming the bad input", async () => {
    const cases: [string[], RegExp][] = [
      [["scan", "10.0.0.300"], /invalid target "10\.0\.0\.300"/],
      [["scan", "10.0.0.0/8"], /16,777,216 addresses.*--allow-large/s],
      [["scan"], /no targets/],
      [["scan", "127.0.0.1", "--format", "xml"], /--format takes/],
      [["scan", "127.0.0.1", "--timeout", "soon"], /--timeout takes a positive whole number/],
      [["scan", "127.0.0.1", "--fail-on", "sometimes"], /--fail-on takes/],
      [["scan", "127.0.0.1", "--shard", "4/4"], /invalid --shard "4\/4"/],
      [["scan", "127.0.0.1", "--kubelet-ports", "99999"], /--kubelet-ports/],
      [
        ["scan", "127.0.0.1", "--client-cert", "/nonexistent.crt"],
        /--client-cert and --client-key go together/,
      ],
      [["scan", "127.0.0.1", "--benchmark", "cis-9.9"], /unknown benchmark "cis-9\.9"/],
      [["scan", "127.0.0.1", "--ca-file", "/nonexistent/ca.crt"], /\/nonexistent\/ca\.crt/],
      [["scan", "--kubeconfig", "/nonexistent/kubeconfig"], /\/nonexistent\/kubeconfig/],
      [["frobnicate"], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
  });

  it("exits 3, with a message and no stack trace, when the scan cannot write its report", async () => {
    const run = await runCli([
      "scan",
      "127.0.0.1:9",
      "--tls-scan",
      "off",
      "-o",
      "/nonexistent/dir/report.json",
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^kubetls: cannot write the report to \/nonexistent\/dir\/report\.json: no such directory \/nonexistent\/dir \(ENOENT\)\n$/,
    );
  });

  it("--dry-run streams host:port role lines, honours --exclude and ports, and touches nothing", async () => {
    const run = await runCli([
      "scan",
      "10.0.0.0/30",
      "node1.example:6443",
      "--exclude",
      "10.0.0.2",
      "--readonly-ports",
      "",
      "--roles",
      "kubelet,kubelet-readonly,apiserver",
      "--dry-run",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      "10.0.0.0:10250 kubelet",
      "10.0.0.0:6443 apiserver",
      "10.0.0.1:10250 kubelet",
      "10.0.0.1:6443 apiserver",
      "10.0.0.3:10250 kubelet",
      "10.0.0.3:6443 apiserver",
      "node1.example:6443 unknown",
    ]);
  });

  it("reads targets from stdin, reporting a bad line by file:line and carrying on", async () => {
    const run = await runCli(["scan", "-f", "-", "--dry-run", "--roles", "kubelet"], {
      input: "# nodes\n10.1.0.1\nnot a target!\n[fd00::1]:10250\n",
    });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(["10.1.0.1:10250 kubelet", "[fd00::1]:10250 unknown"]);
    expect(run.stderr).toMatch(/stdin:3/);
  });

  it("--shard splits a sweep into disjoint parts that cover it, keeping each host's ports together", async () => {
    const all = (await runCli(["scan", "10.2.0.0/26", "--dry-run"])).stdout.trim().split("\n");
    const shards = await Promise.all(
      [0, 1, 2].map((index) => runCli(["scan", "10.2.0.0/26", "--dry-run", "--shard", `${index}/3`])),
    );
    const parts = shards.map((run) => run.stdout.trim().split("\n").filter(Boolean));
    expect(parts.flat().sort()).toEqual([...all].sort());
    expect(parts.every((part) => part.length > 0 && part.length < all.length)).toBe(true);
    const hostsOf = (lines: string[]) => new Set(lines.map((line) => line.split(":")[0]));
    const [first, second] = [hostsOf(parts[0] ?? []), hostsOf(parts[1] ?? [])];
    expect([...first].some((host) => second.has(host))).toBe(false);
  });
});

describe("kubetls CLI against the lab", () => {
  let lab: Lab;
  let directory: string;

  beforeAll(async () => {
    lab = await startLab({ network: uniqueLabNetwork() });
    directory = await mkdtemp(join(tmpdir(), "kubetls-cli-"));
  });
  afterAll(async () => {
    await lab?.stop();
  });

  const posture = (name: string) => {
    const found = lab.postures.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no posture ${name}`);
    return found;
  };

  it("exits 1 on findings at or above --fail-on, 0 below it; writes several reports from one scan", async () => {
    const target = `${posture("kubelet-self-generated").address}:10250`;
    const outputs = ["json", "sarif", "junit", "kube-bench", "html", "table"].map((format) =>
      join(directory, `report.${format}`),
    );
    const failing = await runCli([
      "scan",
      target,
      "--ca-file",
      lab.caFile,
      "--format",
      "jsonl",
      "--timeout",
      "1500",
      "--output-json",
      outputs[0] as string,
      "--output-sarif",
      outputs[1] as string,
      "--output-junit",
      outputs[2] as string,
      "--output-kube-bench",
      outputs[3] as string,
      "--output-html",
      outputs[4] as string,
      "--output-table",
      outputs[5] as string,
    ]);
    expect(failing.code).toBe(1);
    const lines = failing.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      host: posture("kubelet-self-generated").address,
      port: 10250,
      role: "kubelet",
    });
    expect(lines.at(-1)).toHaveProperty("summary");
    const json = JSON.parse(await readFile(outputs[0] as string, "utf8")) as ScanResult;
    expect(resultSchemaErrors(json)).toBeNull();
    expect(JSON.parse(await readFile(outputs[1] as string, "utf8"))).toMatchObject({ version: "2.1.0" });
    expect(await readFile(outputs[2] as string, "utf8")).toMatch(/^<\?xml[\s\S]*<testsuites[\s\S]*<failure/);
    expect(JSON.parse(await readFile(outputs[3] as string, "utf8"))).toHaveProperty("Controls");
    expect(await readFile(outputs[4] as string, "utf8")).toMatch(/^<!DOCTYPE html>/i);
    // The table leads with each failure: status, CIS id, endpoint, then the check's title (wrapped to fit).
    const servingCert = json.endpoints[0]?.checks.find((check) => check.id === "kubelet.serving-cert");
    expect(servingCert?.status).toBe("FAIL");
    const titleStart = (servingCert?.title ?? "").split(" ").slice(0, 5).join(" ");
    expect(await readFile(outputs[5] as string, "utf8")).toMatch(
      new RegExp(`^FAIL +\\S+ +${target.replaceAll(".", "\\.")} +${titleStart}`, "m"),
    );

    const passing = await runCli(["scan", target, "--ca-file", lab.caFile, ...JSON_REPORT]);
    expect(passing.code).toBe(0);
  });

  it("reports progress on stderr with --progress, and stays silent in CI and under --quiet", async () => {
    const target = `${posture("kubelet-good").address}:10250`;
    const common = ["scan", target, "127.0.0.2-3", "--roles", "kubelet", ...JSON_REPORT, "--tls-scan", "off"];
    const shown = await runCli([...common, "--progress"], { env: { CI: "true" } });
    expect(shown.stderr).toMatch(
      /^kubetls: 3\/3 endpoints 100%, \d+\/s, elapsed \d\d:\d\d, ETA 00:00, open 1, FAIL \d+, WARN \d+$/m,
    );
    expect((await runCli(common, { env: { CI: "true" } })).stderr).toBe("");
    expect((await runCli([...common, "--progress", "--quiet"])).stderr).toBe("");
  });

  it("merges shards back into the whole scan", async () => {
    const range = lab.targetRange;
    const shardFiles = [0, 1].map((index) => join(directory, `shard-${index}.json`));
    for (const [index, file] of shardFiles.entries()) {
      const run = await runCli([
        "scan",
        range,
        "--ca-file",
        lab.caFile,
        "--shard",
        `${index}/2`,
        "--format",
        "json",
        "-o",
        file,
        "--fail-on",
        "none",
        "--tls-scan",
        "off",
      ]);
      expect(run.code).toBe(0);
    }
    const merged = await runCli(["merge", ...shardFiles, "--format", "json", "--fail-on", "none"]);
    expect(merged.code).toBe(0);
    const result = JSON.parse(merged.stdout) as ScanResult;
    expect(resultSchemaErrors(result)).toBeNull();
    const shards = await Promise.all(
      shardFiles.map(async (file) => JSON.parse(await readFile(file, "utf8")) as ScanResult),
    );
    expect(result.endpoints.length).toBe(
      (shards[0]?.endpoints.length ?? 0) + (shards[1]?.endpoints.length ?? 0),
    );
    const neverOpened = result.unopened.reduce((sum, group) => sum + group.count, 0);
    expect(result.summary.endpoints).toBe(result.endpoints.length + neverOpened);
    expect(result.summary.endpoints).toBe(
      (shards[0]?.summary.endpoints ?? 0) + (shards[1]?.summary.endpoints ?? 0),
    );
  });

  it("scans the cluster from a kubeconfig alone, never dialling a node outside --scope", async () => {
    const run = await runCli([
      "scan",
      "--kubeconfig",
      lab.kubeconfigFile,
      "--ca-file",
      lab.caFile,
      "--scope",
      lab.targetRange,
      ...JSON_REPORT,
      "--timeout",
      "1500",
    ]);
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout) as ScanResult;
    const byKey = new Map(result.endpoints.map((endpoint) => [endpointKey(endpoint), endpoint]));
    const apiserver = byKey.get(`${posture("apiserver-good").address}:6443`) as EndpointResult;
    expect(apiserver.role).toBe("apiserver");
    expect(apiserver.auth?.trusted?.find((probe) => probe.path === "/api")?.status).toBe(200);
    // Never dialled: counted as unscanned with the reason, never given a verdict.
    expect(byKey.has(`${posture("decoy-node").address}:10250`)).toBe(false);
    const decoy = result.unopened.find((group) => group.code === "out-of-scope" && group.port === 10250);
    expect(decoy?.state).toBe("unscanned");
    expect(decoy?.hosts).toContain(posture("decoy-node").address);
    expect(
      byKey
        .get(`${posture("kubelet-good").address}:10250`)
        ?.checks.find((check) => check.id === "kubelet.https")?.status,
    ).toBe("PASS");
    expect(lab.tripwireConnections).toEqual([]);
    expect(apiserver.nodeProxy?.map((probe) => probe.node)).not.toContain("lab-decoy-node");
  });

  it("sends a kubeconfig token only to an API server that verifies against the kubeconfig's CA (or the system roots)", async () => {
    const server = `https://${posture("apiserver-good").address}:6443`;
    const kubeconfigWith = async (name: string, cluster: string) => {
      const path = join(directory, name);
      await writeFile(
        path,
        [
          "apiVersion: v1",
          "kind: Config",
          `clusters: [{ name: c, cluster: { server: "${server}"${cluster} } }]`,
          `users: [{ name: u, user: { token: ${LAB_ADMIN_TOKEN} } }]`,
          "contexts: [{ name: x, context: { cluster: c, user: u } }]",
          "current-context: x",
          "",
        ].join("\n"),
      );
      return path;
    };
    const foreign = await kubeconfigWith(
      "foreign.kubeconfig",
      `, certificate-authority-data: ${Buffer.from(lab.pki.foreignCa.certPem).toString("base64")}`,
    );
    const noCa = await kubeconfigWith("no-ca.kubeconfig", "");
    const right = await kubeconfigWith(
      "right.kubeconfig",
      `, certificate-authority-data: ${Buffer.from(lab.pki.clusterCa.certPem).toString("base64")}`,
    );
    const trustedApi = async (kubeconfig: string) => {
      const run = await runCli([
        "scan",
        "--kubeconfig",
        kubeconfig,
        "--ca-file",
        lab.caFile,
        "--scope",
        lab.targetRange,
        ...JSON_REPORT,
        "--tls-scan",
        "off",
      ]);
      const result = JSON.parse(run.stdout) as ScanResult;
      const apiserver = result.endpoints.find((endpoint) => endpoint.role === "apiserver");
      return {
        api: apiserver?.auth?.trusted?.find((probe) => probe.path === "/api"),
        output: run.stdout + run.stderr,
      };
    };
    for (const unverified of [foreign, noCa]) {
      const { api, output } = await trustedApi(unverified);
      expect(api?.outcome).not.toBe("http");
      expect(output).not.toContain(LAB_ADMIN_TOKEN);
    }
    const { api, output } = await trustedApi(right);
    expect(api).toMatchObject({ outcome: "http", status: 200 });
    expect(output).not.toContain(LAB_ADMIN_TOKEN);
  });

  it("says ERROR, not 'no nodes', when the credentials may not list the API server's nodes", async () => {
    const kubeconfig = join(directory, "weak.kubeconfig");
    const ca = Buffer.from(lab.pki.clusterCa.certPem).toString("base64");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{ name: c, cluster: { server: "https://${posture("apiserver-good").address}:6443", certificate-authority-data: ${ca} } }]`,
        "users: [{ name: u, user: { token: a-token-the-api-server-does-not-know } }]",
        "contexts: [{ name: x, context: { cluster: c, user: u } }]",
        "current-context: x",
        "",
      ].join("\n"),
    );
    const run = await runCli([
      "scan",
      "--kubeconfig",
      kubeconfig,
      "--ca-file",
      lab.caFile,
      "--tls-scan",
      "off",
      ...JSON_REPORT,
    ]);
    const apiserver = (JSON.parse(run.stdout) as ScanResult).endpoints.find(
      (endpoint) => endpoint.role === "apiserver",
    );
    expect(apiserver?.nodeListError?.message).toMatch(/401|Unauthorized/);
    const check = apiserver?.checks.find((candidate) => candidate.id === "apiserver.kubelet-client-cert");
    expect(check?.status).toBe("ERROR");
    expect(check?.evidence).toContain("would not list its nodes");
  });

  it("without credentials, the checks that need them say so: client-ca INFO, node-proxy checks SKIP", async () => {
    const run = await runCli([
      "scan",
      `${posture("kubelet-good").address}:10250`,
      `${posture("apiserver-good").address}:6443`,
      "--ca-file",
      lab.caFile,
      ...JSON_REPORT,
      "--benchmark",
      "cis-1.6",
      "--tls-scan",
      "off",
    ]);
    const result = JSON.parse(run.stdout) as ScanResult;
    const checks = new Map(
      result.endpoints.flatMap((endpoint) => endpoint.checks.map((check) => [check.id, check])),
    );
    // Neither a trusted identity nor the CertificateRequest (the raw scan is off): undecidable, and said so.
    expect(checks.get("kubelet.client-ca")?.status).toBe("INFO");
    // With the raw scan, the CertificateRequest's CA names decide it against --ca-file.
    const withHello = await runCli([
      "scan",
      `${posture("kubelet-good").address}:10250`,
      "--ca-file",
      lab.caFile,
      ...JSON_REPORT,
    ]);
    const clientCa = (JSON.parse(withHello.stdout) as ScanResult).endpoints[0]?.checks.find(
      (check) => check.id === "kubelet.client-ca",
    );
    expect(clientCa?.status).toBe("PASS");
    expect(clientCa?.evidence).toContain("CN=kubernetes");
    expect(checks.get("apiserver.kubelet-client-cert")).toMatchObject({ status: "SKIP", cis: ["1.2.5"] });
    expect(checks.get("apiserver.kubelet-certificate-authority")).toMatchObject({
      status: "SKIP",
      cis: ["1.2.6"],
    });
    expect(checks.get("kubelet.serving-cert")?.cis).toEqual(["4.2.10"]);
    expect(checks.get("kubelet.https")?.cis).toEqual(["1.2.4"]);
    // host:port targets: roles detected from what answered.
    expect(result.endpoints.map((endpoint) => endpoint.role).sort()).toEqual(["apiserver", "kubelet"]);
  });

  it("never FAILs 1.2.6 for want of a CA: without --ca-file no kubelet chain is judged untrusted", async () => {
    const run = await runCli([
      "scan",
      `${posture("apiserver-good").address}:6443`,
      `${posture("kubelet-self-generated").address}:10250`,
      ...clientPair(lab),
      ...JSON_REPORT,
      "--tls-scan",
      "off",
    ]);
    const result = JSON.parse(run.stdout) as ScanResult;
    const apiserver = result.endpoints.find((endpoint) => endpoint.role === "apiserver");
    expect(apiserver?.nodeProxy?.every((probe) => probe.kubeletChainTrusted === null)).toBe(true);
    expect(
      apiserver?.checks.find((check) => check.id === "apiserver.kubelet-certificate-authority")?.status,
    ).toBe("INFO");
  });

  it("keeps the kubelet role of a host:port that refuses every handshake without a client certificate", async () => {
    const run = await runCli([
      "scan",
      `${posture("kubelet-strict-tls12").address}:10250`,
      "--ca-file",
      lab.caFile,
      ...clientPair(lab),
      ...JSON_REPORT,
    ]);
    const endpoint = (JSON.parse(run.stdout) as ScanResult).endpoints[0];
    expect(endpoint).toMatchObject({
      role: "kubelet",
      speaksTls: true,
      error: { code: "handshake-rejected" },
    });
    expect(endpoint?.checks.find((check) => check.id === "kubelet.anonymous-auth")?.status).toBe("PASS");
    expect(endpoint?.checks.find((check) => check.id === "kubelet.serving-cert")?.status).toBe("PASS");
  });

  it("puts kube-bench contradictions first in the report", async () => {
    const flags = join(directory, "kube-bench.json");
    await writeFile(
      flags,
      JSON.stringify({
        Controls: [
          {
            id: "4",
            version: "cis-1.12",
            detected_version: "1.32",
            text: "Worker Node Security Configuration",
            node_type: "node",
            tests: [
              {
                section: "4.2",
                type: "",
                pass: 1,
                fail: 0,
                warn: 0,
                info: 0,
                desc: "Kubelet",
                results: [
                  {
                    test_number: "4.2.3",
                    test_desc: "Ensure that the --client-ca-file argument is set as appropriate (Automated)",
                    audit: "",
                    AuditConfig: "",
                    type: "",
                    remediation: "set it",
                    test_info: ["set it"],
                    status: "PASS",
                    actual_value: "clientCAFile: /etc/kubernetes/pki/ca.crt",
                    scored: true,
                    IsMultiple: false,
                    expected_result: "'clientCAFile' is present",
                  },
                ],
              },
            ],
            total_pass: 1,
            total_fail: 0,
            total_warn: 0,
            total_info: 0,
          },
        ],
        Totals: { total_pass: 1, total_fail: 0, total_warn: 0, total_info: 0 },
      }),
    );
    const run = await runCli([
      "scan",
      `${posture("kubelet-any-client-ca").address}:10250`,
      "--ca-file",
      lab.caFile,
      ...clientPair(lab),
      "--flags",
      flags,
      "--fail-on",
      "none",
    ]);
    expect(run.code).toBe(0);
    const contradiction = run.stdout.indexOf("contradiction");
    expect(contradiction).toBeGreaterThanOrEqual(0);
    expect(contradiction).toBeLessThan(run.stdout.indexOf("ENDPOINT"));
    expect(run.stdout).toMatch(/4\.2\.3\s+flags PASS \/ wire FAIL/);
  });
});
