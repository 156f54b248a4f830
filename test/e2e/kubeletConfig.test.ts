import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAB_ADMIN_TOKEN, type Lab, startLab } from "../../src/lab/index.js";
import type { ScanResult } from "../../src/model/index.js";
import { type EndpointResult, endpointKey } from "../../src/model/index.js";
import { labScanArgs, runCli, uniqueLabNetwork } from "../support/cli.js";
import { resultSchemaErrors } from "../support/schema.js";

/*
 * The kubelet's live configuration on the lab, through the built CLI: every 4.2.x control /configz answers
 * is judged under cis-1.6 and cis-1.12 with `source: config`, and the posture whose /configz and wire
 * disagree shows its contradictions in the table, the JSON and the HTML report.
 */
const POSTURE_NAMES = [
  "kubelet-good",
  "kubelet-self-generated",
  "kubelet-always-allow",
  "kubelet-config-drift",
];

// The controls a kubelet's /configz answers, per benchmark: every 4.2.x but hostname-override (a flag only).
const CONFIG_CONTROLS = {
  "cis-1.6": [
    "4.2.1",
    "4.2.2",
    "4.2.3",
    "4.2.4",
    "4.2.5",
    "4.2.6",
    "4.2.7",
    "4.2.9",
    "4.2.10",
    "4.2.11",
    "4.2.12",
    "4.2.13",
  ],
  "cis-1.12": [
    "4.2.1",
    "4.2.2",
    "4.2.3",
    "4.2.4",
    "4.2.5",
    "4.2.6",
    "4.2.8",
    "4.2.9",
    "4.2.10",
    "4.2.11",
    "4.2.12",
    "4.2.13",
    "4.2.14",
  ],
};

describe("the kubelet's live configuration on the lab", () => {
  let lab: Lab;
  let directory: string;
  const scans = new Map<string, { result: ScanResult; table: string; html: string }>();
  const address = (name: string) => lab.postures.find((posture) => posture.name === name)?.address ?? "";
  const kubelet = (scan: ScanResult, name: string, port = 10250): EndpointResult | undefined =>
    scan.endpoints.find((endpoint) => endpointKey(endpoint) === endpointKey({ host: address(name), port }));

  beforeAll(async () => {
    lab = await startLab({ network: uniqueLabNetwork(), only: POSTURE_NAMES });
    directory = await mkdtemp(join(tmpdir(), "kubetls-configz-"));
    const targets = lab.postures.flatMap((posture) => [
      `${posture.address}:10250`,
      `${posture.address}:10255`,
    ]);
    for (const benchmark of Object.keys(CONFIG_CONTROLS)) {
      const table = join(directory, `${benchmark}.txt`);
      const html = join(directory, `${benchmark}.html`);
      const run = await runCli([
        "scan",
        ...targets,
        ...labScanArgs(lab, 3000),
        "--benchmark",
        benchmark,
        "--output-table",
        table,
        "--output-html",
        html,
      ]);
      expect(run.stderr).toBe("");
      scans.set(benchmark, {
        result: JSON.parse(run.stdout) as ScanResult,
        table: await readFile(table, "utf8"),
        html: await readFile(html, "utf8"),
      });
    }
  }, 240_000);

  afterAll(async () => {
    await lab?.stop();
  });

  it("judges every 4.2.x control /configz answers, each verdict marked source: config", () => {
    for (const [benchmark, controls] of Object.entries(CONFIG_CONTROLS)) {
      const scan = scans.get(benchmark)?.result as ScanResult;
      expect(resultSchemaErrors(scan)).toBeNull();
      const good = kubelet(scan, "kubelet-good");
      expect(good?.kubeletConfig).toMatchObject({
        via: "direct",
        identity: "trusted",
        path: "/configz",
        status: 200,
        problem: null,
      });
      // Kept whole, as served: fields no check reads are there too.
      expect(good?.kubeletConfig?.config).toMatchObject({ evictionHard: { "memory.available": "100Mi" } });
      const configChecks = good?.checks.filter((check) => check.source === "config") ?? [];
      expect(configChecks.every((check) => check.id.startsWith("kubelet-config."))).toBe(true);
      const judged = configChecks
        .filter((check) => check.status !== "SKIP" && check.cis.length > 0)
        .flatMap((check) => check.cis);
      expect(new Set(judged)).toEqual(new Set(controls));
      expect(good?.checks.find((check) => check.id === "kubelet.anonymous-auth")?.source).toBe("wire");
    }
  });

  it("reads /configz as a real kubelet serves it: 401 anonymously with anonymous off, 200 under AlwaysAllow, 404 on the read-only port", () => {
    const scan = scans.get("cis-1.12")?.result as ScanResult;
    const anonymousConfigz = (endpoint: EndpointResult | undefined) =>
      endpoint?.auth?.anonymous?.find((probe) => probe.path === "/configz")?.status;
    expect(anonymousConfigz(kubelet(scan, "kubelet-good"))).toBe(401);
    expect(anonymousConfigz(kubelet(scan, "kubelet-always-allow"))).toBe(200);
    expect(kubelet(scan, "kubelet-always-allow")?.kubeletConfig?.identity).toBe("trusted");
    expect(kubelet(scan, "kubelet-always-allow", 10255)?.kubeletConfig).toBeUndefined();
    // A self-generated certificate: the config names <cert-dir>/kubelet.crt, only the wire tells.
    const selfGenerated = kubelet(scan, "kubelet-self-generated");
    expect(selfGenerated?.kubeletConfig?.config?.tlsCertFile).toBe("/var/lib/kubelet/pki/kubelet.crt");
    const status = (id: string) => selfGenerated?.checks.find((check) => check.id === id)?.status;
    expect([status("kubelet-config.tls-cert-file"), status("kubelet.serving-cert")]).toEqual([
      "INFO",
      "FAIL",
    ]);
  });

  it("derives the contradictions of the drifted kubelet in JSON, table and HTML", () => {
    for (const [benchmark, readOnly] of [
      ["cis-1.6", "4.2.4"],
      ["cis-1.12", "4.2.4"],
    ] as const) {
      const { result, table, html } = scans.get(benchmark) as {
        result: ScanResult;
        table: string;
        html: string;
      };
      const drift = address("kubelet-config-drift");
      expect(
        (result.configContradictions ?? [])
          .filter((item) => item.host === drift)
          .map(
            (item) =>
              `${item.host} ${item.control} ${item.config.check} ${item.config.status} / ${item.wire.map((side) => `${side.check} ${side.status}`).join(", ")}`,
          ),
      ).toEqual([
        `${drift} 4.2.1 kubelet-config.anonymous-auth PASS / kubelet.anonymous-auth FAIL`,
        `${drift} 4.2.2 kubelet-config.authorization PASS / kubelet.authorization FAIL`,
        `${drift} ${readOnly} kubelet-config.read-only-port PASS / kubelet.read-only-port FAIL`,
      ]);
      expect(table).toContain("config vs wire: 3 contradiction(s)");
      expect(table).toMatch(
        new RegExp(`4\\.2\\.1 +config PASS / wire FAIL  ${drift.replaceAll(".", "\\.")}`),
      );
      expect(html).toContain('<h2 id="config-contradictions">Config vs wire</h2>');
      expect(html).toContain(`<code>${drift}:10255</code> kubelet.read-only-port <b>FAIL</b>`);
    }
  });
});

describe("the kubelet's live configuration through the API server's node proxy", () => {
  let lab: Lab;
  let tokenKubeconfig: string;
  const address = (name: string) => lab.postures.find((posture) => posture.name === name)?.address ?? "";
  const scan = async (extra: string[]): Promise<ScanResult> => {
    // A token kubeconfig and no --client-cert: no identity the kubelets authorize, so /configz is 401
    // directly and only the node proxy can read it.
    const run = await runCli([
      "scan",
      "--kubeconfig",
      tokenKubeconfig,
      "--ca-file",
      lab.caFile,
      "--scope",
      lab.targetRange,
      "--format",
      "json",
      "--fail-on",
      "none",
      "--timeout",
      "3000",
      ...extra,
    ]);
    expect(run.stderr).toBe("");
    return JSON.parse(run.stdout) as ScanResult;
  };
  const kubeletOf = (result: ScanResult, name: string) =>
    result.endpoints.find((endpoint) => endpointKey(endpoint) === `${address(name)}:10250`);

  beforeAll(async () => {
    lab = await startLab({
      network: uniqueLabNetwork(),
      only: ["kubelet-good", "kubelet-self-generated", "kubelet-ecdsa", "decoy-node", "apiserver-good"],
    });
    tokenKubeconfig = join(await mkdtemp(join(tmpdir(), "kubetls-configz-proxy-")), "kubeconfig");
    await writeFile(
      tokenKubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{ name: lab, cluster: { server: "https://${address("apiserver-good")}:6443", certificate-authority: "${lab.caFile}" } }]`,
        `users: [{ name: admin, user: { token: ${LAB_ADMIN_TOKEN} } }]`,
        "contexts: [{ name: lab, context: { cluster: lab, user: admin } }]",
        "current-context: lab",
        "",
      ].join("\n"),
    );
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it("reads every in-scope node's configuration through the proxy, never asking about a node outside --scope", async () => {
    const result = await scan([]);
    expect(resultSchemaErrors(result)).toBeNull();
    for (const name of ["kubelet-good", "kubelet-ecdsa"]) {
      const kubelet = kubeletOf(result, name);
      expect(kubelet?.auth?.anonymous?.find((probe) => probe.path === "/configz")?.status).toBe(401);
      expect(kubelet?.kubeletConfig).toMatchObject({
        via: "node-proxy",
        identity: "kubeconfig",
        path: `/api/v1/nodes/lab-${name}/proxy/configz`,
        status: 200,
        problem: null,
      });
      const status = (id: string) => kubelet?.checks.find((check) => check.id === id)?.status;
      expect([status("kubelet-config.anonymous-auth"), status("kubelet-config.read-only-port")]).toEqual([
        "PASS",
        "PASS",
      ]);
    }
    expect(kubeletOf(result, "kubelet-ecdsa")?.kubeletConfig?.config?.serverTLSBootstrap).toBe(true);
    // The API server verifies kubelets (--kubelet-certificate-authority): the self-generated one is refused.
    const refused = kubeletOf(result, "kubelet-self-generated");
    expect(refused?.kubeletConfig).toMatchObject({ via: "node-proxy", status: 500, config: null });
    expect(refused?.kubeletConfig?.problem).toMatch(/^the node proxy answered 500: .*x509/);
    const skipped = refused?.checks.filter((check) => check.source === "config") ?? [];
    expect(new Set(skipped.map((check) => check.status))).toEqual(new Set(["SKIP"]));
    expect(lab.tripwireConnections).toEqual([]);
  });

  it("--max-nodes bounds the proxied reads and says so on the nodes left out", async () => {
    const result = await scan(["--max-nodes", "1"]);
    const configs = ["kubelet-good", "kubelet-self-generated", "kubelet-ecdsa"].map(
      (name) => kubeletOf(result, name)?.kubeletConfig,
    );
    // One node asked (its answer 200, or 500 for the self-generated kubelet), two left out and saying so.
    const cut = configs.filter((config) => config?.problem?.startsWith("not asked"));
    expect(cut).toHaveLength(2);
    expect(cut[0]?.problem).toBe("not asked: --max-nodes 1 nodes were already asked");
    const skipped = result.endpoints
      .filter((endpoint) => endpoint.kubeletConfig?.problem?.startsWith("not asked"))
      .flatMap((endpoint) => endpoint.checks.filter((check) => check.source === "config"));
    expect(new Set(skipped.map((check) => check.status))).toEqual(new Set(["SKIP"]));
    expect(skipped[0]?.evidence).toMatch(/not asked: --max-nodes 1/);
  });
});
