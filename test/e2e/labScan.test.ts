import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab/index.js";
import { type EndpointResult, endpointKey, type ScanResult } from "../../src/model/index.js";
import { loadProbes } from "../../src/probes/index.js";
import { defaultRolePorts, portsPerHost } from "../../src/roles/index.js";
import { labScanArgs, runCli, uniqueLabNetwork } from "../support/cli.js";
import { resultSchemaErrors } from "../support/schema.js";

/*
 * The built CLI scans the whole lab range with the default ports, as a user would scan a node range,
 * and every posture's listener must come out exactly as the posture says; every other port refused.
 */
describe("kubetls scan against the embedded lab", () => {
  let lab: Lab;
  let result: ScanResult;
  let byKey: Map<string, EndpointResult>;
  /** The same lab scanned with --benchmark cis-1.6. */
  let older: ScanResult;

  beforeAll(async () => {
    lab = await startLab({ network: uniqueLabNetwork() });
    const run = await runCli(["scan", lab.targetRange, ...labScanArgs(lab)]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    result = JSON.parse(run.stdout) as ScanResult;
    byKey = new Map(result.endpoints.map((endpoint) => [endpointKey(endpoint), endpoint]));
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it("produces a document that validates against the shipped JSON Schema", () => {
    expect(resultSchemaErrors(result)).toBeNull();
    expect(result.schemaVersion).toBe(1);
    expect(result.benchmark).toBe("cis-1.12");
  });

  it("scans every address on every role's default ports", () => {
    const scanned = inRangePostures(lab);
    const perHost = portsPerHost(defaultRolePorts());
    expect(perHost).toBe(8);
    const neverOpened = result.unopened.reduce((sum, group) => sum + group.count, 0);
    expect(result.endpoints.length + neverOpened).toBe(scanned.length * perHost);
    expect(result.summary.endpoints).toBe(scanned.length * perHost);
    const listeners = scanned.reduce((sum, posture) => sum + posture.listeners.length, 0);
    expect(result.summary.states).toEqual({
      open: listeners,
      closed: scanned.length * perHost - listeners,
      filtered: 0,
      unscanned: 0,
    });
  });

  it("reports every posture's listener exactly as the posture says", () => {
    const mismatches: string[] = [];
    for (const posture of inRangePostures(lab)) {
      for (const listener of posture.listeners) {
        const key = endpointKey({ host: posture.address, port: listener.port });
        const endpoint = byKey.get(key);
        if (!endpoint) {
          mismatches.push(`${posture.name} ${key}: missing from the report`);
          continue;
        }
        const expect_ = listener.expect;
        const actual = {
          reachable: endpoint.reachable,
          speaksTls: endpoint.speaksTls,
          plainHttp: endpoint.plainHttp,
          error: endpoint.error?.code,
          validationErrors: endpoint.validation?.errors,
          checks: sortedRecord(Object.fromEntries(endpoint.checks.map((check) => [check.id, check.status]))),
        };
        const wanted = {
          reachable: expect_.reachable,
          speaksTls: expect_.speaksTls,
          plainHttp: expect_.plainHttp,
          error: expect_.error,
          validationErrors: expect_.validationErrors,
          checks: sortedRecord(expect_.checks),
        };
        if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
          mismatches.push(
            `${posture.name} ${key}:\n  expected ${JSON.stringify(wanted)}\n  actual   ${JSON.stringify(actual)}`,
          );
        }
      }
    }
    expect(mismatches.join("\n")).toBe("");
  });

  it("reports every other port of the lab as refused", () => {
    const listening = new Set(
      lab.postures.flatMap((posture) =>
        posture.listeners.map((listener) => endpointKey({ host: posture.address, port: listener.port })),
      ),
    );
    const others = result.endpoints.filter((endpoint) => !listening.has(endpointKey(endpoint)));
    expect(others.length).toBeGreaterThan(0);
    for (const endpoint of others) {
      expect({
        key: endpointKey(endpoint),
        state: endpoint.state,
        reachable: endpoint.reachable,
        error: endpoint.error?.code,
      }).toEqual({ key: endpointKey(endpoint), state: "closed", reachable: false, error: "refused" });
    }
    for (const group of result.unopened) {
      expect({ state: group.state, code: group.code }).toEqual({ state: "closed", code: "refused" });
    }
  });

  it("judges a closed read-only port only on a host whose kubelet answered", () => {
    const answeringKubelets = new Set(
      result.endpoints
        .filter((endpoint) => endpoint.role === "kubelet" && (endpoint.speaksTls || endpoint.plainHttp))
        .map((endpoint) => endpoint.host),
    );
    const judgedClosedReadOnly = result.endpoints.filter(
      (endpoint) => endpoint.role === "kubelet-readonly" && endpoint.state === "closed",
    );
    expect(judgedClosedReadOnly.length).toBeGreaterThan(0);
    for (const endpoint of judgedClosedReadOnly) {
      expect(answeringKubelets.has(endpoint.host), endpoint.host).toBe(true);
      expect(endpoint.checks.map((check) => `${check.id} ${check.status}`)).toEqual([
        "kubelet.read-only-port PASS",
      ]);
    }
    // Hosts without a kubelet: their closed kubelet ports are counted, never judged. Only an answering API
    // server makes a closed controller-manager or scheduler port meaningful (their absenceMeaningfulWhen).
    const kubeletless = inRangePostures(lab).filter((posture) =>
      posture.listeners.every((listener) => listener.port !== 10250),
    );
    expect(kubeletless.length).toBeGreaterThan(0);
    for (const posture of kubeletless) {
      const judged = result.endpoints
        .filter((endpoint) => endpoint.host === posture.address && endpoint.state !== "open")
        .map((endpoint) => endpoint.role)
        .sort();
      const hasApiserver = posture.listeners.some((listener) => listener.role === "apiserver");
      expect(judged, posture.name).toEqual(hasApiserver ? ["controller-manager", "scheduler"] : []);
    }
  });

  it("produces every chain validation error code from some posture", () => {
    const seen = new Set(result.endpoints.flatMap((endpoint) => endpoint.validation?.errors ?? []));
    for (const code of [
      "untrusted-root",
      "self-signed",
      "expired",
      "not-yet-valid",
      "name-mismatch",
      "incomplete-chain",
      "weak-key",
      "weak-signature",
      "not-server-auth",
      "kubelet-self-generated",
    ]) {
      expect(seen, code).toContain(code);
    }
  });

  it("parses RSA and ECDSA chains from what the servers sent", () => {
    const posture = (name: string) => lab.postures.find((candidate) => candidate.name === name);
    const ecdsa = byKey.get(endpointKey({ host: posture("kubelet-ecdsa")?.address ?? "", port: 10250 }));
    expect(ecdsa?.chain[0]).toMatchObject({
      keyType: "ec",
      curve: "P-256",
      keyBits: 256,
      signatureAlgorithm: "sha256WithRSAEncryption",
    });
    const selfGenerated = byKey.get(
      endpointKey({ host: posture("kubelet-self-generated")?.address ?? "", port: 10250 }),
    );
    expect(selfGenerated?.chain).toHaveLength(2);
    expect(selfGenerated?.chain[0]?.subject).toMatch(/^CN=lab-kubelet-self-generated@\d+$/);
    expect(selfGenerated?.chain[1]).toMatchObject({ isCa: true, selfIssued: true });
    expect(selfGenerated?.validation?.expiresInDays).toBeGreaterThanOrEqual(363);
  });

  it("numbers the same verdicts by either benchmark: cis-1.6 and cis-1.12 ids come from the probe files", async () => {
    const run = await runCli(["scan", lab.targetRange, ...labScanArgs(lab), "--benchmark", "cis-1.6"]);
    older = JSON.parse(run.stdout) as ScanResult;
    expect(older.benchmark).toBe("cis-1.6");
    const { probes } = await loadProbes();
    const controls = new Map(probes.map((probe) => [probe.id, probe.controls]));
    const statuses = (scan: ScanResult) =>
      scan.endpoints
        .flatMap((endpoint) =>
          endpoint.checks.map((check) => `${endpointKey(endpoint)} ${check.id} ${check.status}`),
        )
        .sort();
    expect(statuses(older)).toEqual(statuses(result));
    for (const [scan, benchmark] of [
      [result, "cis-1.12"],
      [older, "cis-1.6"],
    ] as const) {
      for (const check of scan.endpoints.flatMap((endpoint) => endpoint.checks)) {
        expect({ id: check.id, cis: check.cis }).toEqual({
          id: check.id,
          cis: controls.get(check.id)?.[benchmark],
        });
      }
    }
    const kubeletGood = older.endpoints.find(
      (endpoint) => endpoint.host === lab.postures[0]?.address && endpoint.port === 10250,
    );
    expect(kubeletGood?.checks.find((check) => check.id === "kubelet.serving-cert")?.cis).toEqual(["4.2.10"]);
  });

  it("judges the control-plane checks posture by posture, numbered as kube-bench numbers them in cis-1.6 and cis-1.12", () => {
    // [posture, port, check, status, cis-1.6 ids, cis-1.12 ids]: the numbers are kube-bench's cfg/<version>.
    const expected: [string, number, string, string, string[], string[]][] = [
      ["control-plane-v1.20", 10257, "controller-manager.profiling", "FAIL", ["1.3.2"], ["1.3.2"]],
      ["control-plane-v1.20", 10259, "scheduler.profiling", "FAIL", ["1.4.1"], ["1.4.1"]],
      ["control-plane-profiling-off", 10257, "controller-manager.profiling", "PASS", ["1.3.2"], ["1.3.2"]],
      ["control-plane-profiling-off", 10259, "scheduler.profiling", "PASS", ["1.4.1"], ["1.4.1"]],
      ["etcd-kubeadm", 2379, "etcd.unique-ca", "PASS", ["2.7"], ["2.7"]],
      ["etcd-kubeadm", 2380, "etcd.unique-ca", "PASS", ["2.7"], ["2.7"]],
      ["etcd-cluster-ca", 2379, "etcd.unique-ca", "WARN", ["2.7"], ["2.7"]],
      ["etcd-auto-tls", 2379, "etcd.unique-ca", "INFO", ["2.7"], ["2.7"]],
      // kubetls's own cipher rule: no CIS number in any benchmark.
      ["etcd-kubeadm", 2379, "etcd.tls-ciphers", "FAIL", [], []],
      ["etcd-kubeadm", 2380, "etcd.tls-ciphers", "FAIL", [], []],
      ["etcd-strong-ciphers", 2379, "etcd.tls-ciphers", "PASS", [], []],
      ["control-plane-v1.20", 10257, "controller-manager.bind-address", "FAIL", ["1.3.7"], ["1.3.7"]],
      ["apiserver-anonymous-node-proxy", 6443, "apiserver.authorization", "FAIL", ["1.2.7"], ["1.2.6"]],
      ["apiserver-good", 6443, "apiserver.authorization", "PASS", ["1.2.7"], ["1.2.6"]],
      ["control-plane-v1.20", 10259, "scheduler.bind-address", "FAIL", ["1.4.2"], ["1.4.2"]],
    ];
    const seen = (scan: ScanResult, posture: string, port: number, id: string) => {
      const host = lab.postures.find((candidate) => candidate.name === posture)?.address ?? "";
      const endpoint = scan.endpoints.find((candidate) => candidate.host === host && candidate.port === port);
      const check = endpoint?.checks.find((candidate) => candidate.id === id);
      return check && { status: check.status, cis: check.cis };
    };
    for (const [posture, port, id, status, cis16, cis112] of expected) {
      expect(seen(older, posture, port, id), `${posture} ${id} cis-1.6`).toEqual({ status, cis: cis16 });
      expect(seen(result, posture, port, id), `${posture} ${id} cis-1.12`).toEqual({ status, cis: cis112 });
    }
  });

  it("judges a closed controller-manager or scheduler port only where an API server answered on the host", () => {
    const address = (name: string) => lab.postures.find((posture) => posture.name === name)?.address ?? "";
    const statusOf = (host: string, port: number, id: string) =>
      byKey.get(endpointKey({ host, port }))?.checks.find((check) => check.id === id)?.status;
    expect(statusOf(address("apiserver-good"), 10257, "controller-manager.bind-address")).toBe("PASS");
    expect(statusOf(address("apiserver-good"), 10259, "scheduler.bind-address")).toBe("PASS");
    // A kubelet-only host witnesses nothing about the control plane: its closed 10257 is not judged at all.
    expect(byKey.get(endpointKey({ host: address("kubelet-good"), port: 10257 }))).toBeUndefined();
  });

  it("never touches a sensitive kubelet path", () => {
    expect(lab.sensitiveRequests).toEqual([]);
  });
});

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** The postures inside the lab's target range (the decoy node sits outside it on purpose). */
function inRangePostures(lab: Lab) {
  return lab.postures.filter((posture) => posture.name !== "decoy-node");
}
