import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BenchmarkMismatchError,
  correlate,
  type FlagVerdict,
  parseKubeBenchJson,
} from "../../src/correlate/index.js";
import type { CheckStatus, ControlCorrelation, Correlation } from "../../src/model/index.js";
import { loadProbes } from "../../src/probes/index.js";
import { check, cis112Scan, endpoint, PROBES, scanResult } from "./scanFixtures.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/kube-bench");
async function flagsFrom(name: string): Promise<FlagVerdict[]> {
  return parseKubeBenchJson(await readFile(join(FIXTURES, name), "utf8"), name);
}

function row(correlation: Correlation, control: string): ControlCorrelation {
  const found = correlation.controls.find((item) => item.control === control);
  if (!found) throw new Error(`no row for ${control}`);
  return found;
}

function flag(control: string, status: FlagVerdict["status"], extra: Partial<FlagVerdict> = {}): FlagVerdict {
  return {
    control,
    status,
    text: `${control} text (Automated)`,
    remediation: "",
    actualValue: "",
    benchmark: "cis-1.12",
    nodeType: "node",
    manual: false,
    outcome: status === "PASS" ? "passed" : status === "FAIL" ? "failed" : "not-tested",
    reason: "",
    ...extra,
  };
}

describe("correlate on a kubeadm cluster (cis-1.12)", async () => {
  const correlation = correlate(cis112Scan, await flagsFrom("cis-1.12-node-master.json"), PROBES);

  it("puts contradictions first, then agreements, then the rest, each in numeric control order", () => {
    expect(correlation.benchmark).toBe("cis-1.12");
    expect(correlation.controls.map((item) => [item.control, item.agreement])).toEqual([
      ["1.2.4", "contradiction"],
      ["4.2.3", "contradiction"],
      ["1.2.5", "agree"],
      ["4.2.1", "agree"],
      ["4.2.2", "agree"],
      ["1.1.1", "flags-only"],
      ["1.1.2", "flags-only"],
      ["1.1.12", "flags-only"],
      ["1.2.1", "wire-only"],
      ["1.2.6", "flags-only"],
      ["1.2.24", "flags-only"],
      ["1.2.29", "undecided"],
      ["4.1.1", "flags-only"],
      ["4.2.4", "wire-only"],
      ["4.2.9", "wire-only"],
      ["4.2.10", "flags-only"],
      ["4.2.12", "wire-only"],
      ["4.2.13", "undecided"],
    ]);
  });

  it("explains the kubelet client-CA contradiction and notes the endpoints that pass", () => {
    const clientCa = row(correlation, "4.2.3");
    expect(clientCa).toMatchObject({
      title: "Ensure that the --client-ca-file argument is set as appropriate (Automated)",
      flagVerdict: "PASS",
      wireVerdict: "FAIL",
      wireEvidence: ["10.0.0.11:10250: no CertificateRequest: the kubelet asks for no client certificate"],
      probeIds: ["kubelet.client-ca"],
    });
    expect(clientCa.explanation).toBe(
      "kube-bench saw --client-ca-file set, but the kubelet accepted a client certificate from an untrusted CA (or sent no CertificateRequest): the file may not be the CA that signs clients, or the kubelet was not restarted after the change. Only 1 of 2 endpoints fail it: kube-bench may have checked one of those that pass.",
    );
    expect(row(correlation, "1.2.4").explanation).toMatch(
      /^kube-bench saw --kubelet-client-certificate and --kubelet-client-key set, but the kubelet refused the API server's proxied request with 401: the certificate has expired/,
    );
  });

  it("takes the worst wire verdict over all endpoints and keeps the evidence of those that set it", () => {
    expect(row(correlation, "4.2.1")).toMatchObject({
      wireVerdict: "PASS",
      wireEvidence: [
        "10.0.0.11:10250: GET /pods without a client certificate: 401 Unauthorized",
        "10.0.0.12:10250: GET /pods without a client certificate: 401 Unauthorized",
      ],
      explanation: "kube-bench found the setting, and the wire shows the running component enforces it.",
    });
    // FAIL outranks ERROR: one kubelet accepted a weak suite, the other's scan timed out.
    expect(row(correlation, "4.2.12")).toMatchObject({
      wireVerdict: "FAIL",
      wireEvidence: ["10.0.0.11:10250: accepts TLS 1.2 suites outside the CIS list: AES128-SHA"],
    });
    expect(row(correlation, "1.2.5")).toMatchObject({ flagVerdict: "FAIL", wireVerdict: "FAIL" });
  });

  it("lets the wire decide what kube-bench leaves manual", () => {
    const readOnly = row(correlation, "4.2.4");
    expect(readOnly).toMatchObject({ flagVerdict: "WARN", wireVerdict: "FAIL" });
    expect(readOnly.wireEvidence).toEqual([
      "10.0.0.11:10255: plain HTTP GET /pods answered 200 without authentication",
    ]);
    expect(readOnly.explanation).toMatch(
      /^kube-bench marks this control manual; the wire decided it: FAIL\./,
    );
    // kube-bench's unscored tls-cert-file test failed (WARN) while the wire sees a valid rotated chain.
    const servingCert = row(correlation, "4.2.9");
    expect(servingCert).toMatchObject({ flagVerdict: "WARN", wireVerdict: "PASS", agreement: "wire-only" });
    expect(servingCert.explanation).toContain(
      "kube-bench marks this control manual; the wire decided it: PASS.",
    );
    expect(servingCert.explanation).toContain(
      "the well-known false positive: kube-bench looks for --tls-cert-file, but the kubelet serves a CA-signed certificate rotated from --cert-dir",
    );
  });

  it("says why a control has only kube-bench's verdict, or none", () => {
    expect(row(correlation, "1.2.6")).toMatchObject({
      wireVerdict: null,
      probeIds: [],
      explanation: "kubetls has no wire probe for this control; kube-bench's PASS stands alone.",
    });
    expect(row(correlation, "1.2.24")).toMatchObject({
      probeIds: ["apiserver.serving-cert"],
      explanation:
        "kubetls probes this control (apiserver.serving-cert), but no scanned endpoint answered for it; kube-bench's PASS stands alone.",
    });
    expect(row(correlation, "4.2.13").explanation).toBe(
      "neither side decided it: kube-bench marks it manual (WARN); the wire has no probe for it.",
    );
  });
});

describe("correlate", () => {
  it("explains the tls-cert-file false positive where kube-bench still scored it (cis-1.5)", async () => {
    const kubelet = endpoint("10.0.0.21", 10250, "kubelet", [
      check("kubelet.client-ca", "PASS", ["4.2.3"], "CertificateRequest names CN=kubernetes"),
      check(
        "kubelet.serving-cert",
        "PASS",
        ["4.2.10"],
        "served chain validates against the configured CA; leaf CN=system:node:node-21 expires in 200 days",
      ),
    ]);
    const correlation = correlate(
      scanResult("cis-1.5", [kubelet]),
      await flagsFrom("cis-1.5-node.json"),
      PROBES,
    );
    expect(correlation.controls.map((item) => [item.control, item.agreement])).toEqual([
      ["4.2.10", "contradiction"],
      ["4.2.3", "agree"],
    ]);
    expect(row(correlation, "4.2.10")).toMatchObject({
      title:
        "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate (Scored)",
      flagVerdict: "FAIL",
      wireVerdict: "PASS",
      explanation:
        "the well-known false positive: kube-bench looks for --tls-cert-file, but the kubelet serves a CA-signed certificate rotated from --cert-dir (serverTLSBootstrap/RotateKubeletServerCertificate); the wire shows a valid chain.",
    });
  });

  it("refuses kube-bench results numbered by another benchmark, naming both", async () => {
    const flags = await flagsFrom("cis-1.6-node.json");
    const { probes } = await loadProbes();
    const attempt = () => correlate(cis112Scan, flags, probes);
    expect(attempt).toThrow(BenchmarkMismatchError);
    expect(attempt).toThrow(
      "the kube-bench results are numbered by cis-1.6 but the scan by cis-1.12: control ids differ between benchmark versions (kubelet.serving-cert is 4.2.10 in cis-1.6 and 4.2.9 in cis-1.12). Run kube-bench with --benchmark cis-1.12, or kubetls with --benchmark cis-1.6.",
    );
    expect(() => correlate(cis112Scan, [flag("4.2.1", "PASS", { benchmark: "gke-1.6.0" })], probes)).toThrow(
      /numbered by gke-1\.6\.0 but the scan by cis-1\.12: .*Run kube-bench with --benchmark cis-1\.12\.$/,
    );
  });

  it("numbers by the older benchmark when both sides use it (cis-1.6)", async () => {
    const scan = scanResult("cis-1.6", [
      endpoint("10.0.0.31", 10250, "kubelet", [
        check(
          "kubelet.serving-cert",
          "FAIL",
          ["4.2.10"],
          "the kubelet serves its own self-generated certificate",
        ),
        check(
          "kubelet.tls-ciphers",
          "FAIL",
          ["4.2.13"],
          "accepts TLS 1.2 suites outside the CIS list: DES-CBC3-SHA",
        ),
      ]),
      endpoint("10.0.0.1", 6443, "apiserver", [
        check("apiserver.anonymous-auth", "PASS", ["1.2.1"], "GET /version without credentials: 401"),
      ]),
    ]);
    const correlation = correlate(scan, await flagsFrom("cis-1.6-node.json"), PROBES);
    expect(row(correlation, "4.2.10")).toMatchObject({ flagVerdict: "WARN", wireVerdict: "FAIL" });
    expect(row(correlation, "4.2.10").explanation).toBe(
      "kube-bench marks this control manual; the wire decided it: FAIL. Its own test did not pass (kube-bench reports an unscored failure as WARN), and the wire confirms it.",
    );
    expect(row(correlation, "1.2.1")).toMatchObject({
      flagVerdict: null,
      agreement: "wire-only",
      explanation:
        "kube-bench has no result for this control (that target was not checked, or its results are in another file); the wire decided it: PASS.",
    });
  });

  it("orders wire verdicts FAIL > ERROR > WARN > INFO > PASS > SKIP", () => {
    const order: CheckStatus[] = ["FAIL", "ERROR", "WARN", "INFO", "PASS", "SKIP"];
    order.forEach((expected, index) => {
      const statuses = order.slice(index).reverse();
      const scan = scanResult(
        "cis-1.12",
        statuses.map((status, host) =>
          endpoint(`10.0.1.${host + 1}`, 10250, "kubelet", [
            check("kubelet.authorization", status, ["4.2.2"], `answered ${status}`),
          ]),
        ),
      );
      const only = correlate(scan, [], PROBES).controls[0];
      expect(only?.wireVerdict).toBe(expected);
      expect(only?.wireEvidence).toEqual([`10.0.1.${statuses.length}:10250: answered ${expected}`]);
    });
  });

  it("takes kube-bench's worst verdict when several nodes report the control", () => {
    const scan = scanResult("cis-1.12", [
      endpoint("10.0.0.11", 10250, "kubelet", [check("kubelet.anonymous-auth", "PASS", ["4.2.1"], "401")]),
    ]);
    const flags = [
      flag("4.2.1", "PASS"),
      flag("4.2.1", "FAIL", { actualValue: "true" }),
      flag("4.2.1", "WARN"),
    ];
    const [anonymous] = correlate(scan, flags, PROBES).controls;
    expect(anonymous).toMatchObject({ flagVerdict: "FAIL", wireVerdict: "PASS", agreement: "contradiction" });
    expect(anonymous?.explanation).toMatch(
      /^kube-bench did not find anonymous auth disabled, but the kubelet refused a request without a client certificate \(401, or in the handshake\)/,
    );
  });

  it("falls back to a generic sentence for a check without a known case", () => {
    const scan = scanResult("cis-1.12", [
      endpoint("10.0.0.50", 2379, "etcd", [
        check("etcd.client-cert-auth", "FAIL", ["2.2"], "accepted a certless client"),
      ]),
    ]);
    const [etcd] = correlate(scan, [flag("2.2", "PASS", { nodeType: "etcd" })], PROBES).controls;
    expect(etcd).toMatchObject({ agreement: "contradiction", probeIds: ["etcd.client-cert-auth"] });
    expect(etcd?.explanation).toMatch(
      /^kube-bench read a setting that passes, but the running component does not/,
    );
  });

  it("keeps the wire side undecided on SKIP, ERROR, INFO and WARN", () => {
    const scan = scanResult("cis-1.12", [
      endpoint("10.0.0.11", 10250, "kubelet", [
        check("kubelet.serving-cert", "INFO", ["4.2.9"], "no --kubelet-ca-file given: trust was not decided"),
      ]),
    ]);
    const flags = [flag("4.2.9", "PASS")];
    expect(correlate(scan, flags, PROBES).controls[0]).toMatchObject({
      agreement: "flags-only",
      explanation:
        "the wire did not decide it (INFO: 10.0.0.11:10250: no --kubelet-ca-file given: trust was not decided); kube-bench's PASS stands alone.",
    });
    const audit = flag("4.2.9", "WARN", { manual: true, reason: 'failed to run: "/bin/ps -fC kubelet"' });
    expect(correlate(scan, [audit], PROBES).controls[0]).toMatchObject({
      agreement: "undecided",
      explanation:
        'neither side decided it: kube-bench reports WARN: failed to run: "/bin/ps -fC kubelet"; the wire reports INFO: 10.0.0.11:10250: no --kubelet-ca-file given: trust was not decided.',
    });
  });
});
