import { describe, expect, it } from "vitest";
import { parseKubeBenchJson } from "../../src/correlate/index.js";
import type { CheckResult, EndpointResult } from "../../src/model/index.js";
import { formatKubeBench, type KubeBenchDocument } from "../../src/report/index.js";
import { goodKubelet, scanResult } from "./fixtures.js";

/** Key order as Go's encoding/json writes kube-bench's structs (docs/cis-numbering.md §5). */
const CONTROLS_KEYS = [
  "id",
  "version",
  "text",
  "node_type",
  "tests",
  "total_pass",
  "total_fail",
  "total_warn",
  "total_info",
];
const GROUP_KEYS = ["section", "type", "pass", "fail", "warn", "info", "desc", "results"];
const CHECK_KEYS = [
  "test_number",
  "test_desc",
  "audit",
  "AuditEnv",
  "AuditConfig",
  "type",
  "remediation",
  "test_info",
  "status",
  "actual_value",
  "scored",
  "IsMultiple",
  "expected_result",
];
const TOTALS_KEYS = ["total_pass", "total_fail", "total_warn", "total_info"];

function documentOf(endpoints?: EndpointResult[]): KubeBenchDocument {
  return JSON.parse(formatKubeBench(scanResult(endpoints)));
}

function kubelet(host: string, checks: CheckResult[]): EndpointResult {
  return { ...goodKubelet, host, checks };
}

function check(id: string, status: CheckResult["status"], cis: string[]): CheckResult {
  return {
    id,
    title: `${id} title`,
    cis,
    status,
    severity: "high",
    source: "wire",
    evidence: `${id} seen`,
    remediation: `Fix ${id}.`,
  };
}

describe("formatKubeBench", () => {
  const document = documentOf();

  it("has kube-bench's keys, in Go's order, at every level", () => {
    expect(Object.keys(document)).toEqual(["Controls", "Totals"]);
    expect(Object.keys(document.Totals)).toEqual(TOTALS_KEYS);
    for (const controls of document.Controls) {
      expect(Object.keys(controls)).toEqual(CONTROLS_KEYS);
      for (const group of controls.tests) {
        expect(Object.keys(group)).toEqual(GROUP_KEYS);
        for (const result of group.results) {
          const keys = Object.keys(result);
          expect(keys.filter((key) => key !== "reason")).toEqual(CHECK_KEYS);
          if (keys.includes("reason")) expect(keys.at(-1)).toBe("reason");
        }
      }
    }
  });

  it("puts master, etcd and node controls under kube-bench's ids, node types, texts and sections", () => {
    expect(
      document.Controls.map((controls) => [controls.id, controls.node_type, controls.text, controls.version]),
    ).toEqual([
      ["1", "master", "Control Plane Security Configuration", "cis-1.12"],
      ["2", "etcd", "Etcd Node Configuration", "cis-1.12"],
      ["4", "node", "Worker Node Security Configuration", "cis-1.12"],
    ]);
    const sections = document.Controls.map((controls) =>
      controls.tests.map((group) => [group.section, group.desc, group.results.map((r) => r.test_number)]),
    );
    expect(sections).toEqual([
      [["1.2", "API Server", ["1.2.25"]]],
      [["2", "Etcd Node Configuration", ["2.2"]]],
      [["4.2", "Kubelet", ["4.2.1", "4.2.2", "4.2.4", "4.2.10"]]],
    ]);
  });

  it("leaves out checks with no control in the benchmark", () => {
    const text = formatKubeBench(scanResult());
    expect(text).not.toContain("apiserver-ciphers");
    expect(text).not.toContain("etcd-expiry");
  });

  it("aggregates each control over every endpoint: FAIL if any fails, naming the failing endpoints", () => {
    const kubeletGroup = document.Controls[2]?.tests[0];
    const [anonymous, authz, readOnly, servingCert] = kubeletGroup?.results ?? [];
    expect([anonymous?.status, authz?.status, readOnly?.status, servingCert?.status]).toEqual([
      "FAIL",
      "WARN",
      "FAIL",
      "FAIL",
    ]);
    expect(anonymous).toMatchObject({
      test_desc: "kubelet-anonymous-auth title",
      audit: "kubetls wire probe",
      AuditEnv: "",
      AuditConfig: "",
      type: "",
      remediation: "Fix kubelet-anonymous-auth.",
      test_info: ["Fix kubelet-anonymous-auth."],
      scored: true,
      IsMultiple: true,
      expected_result: "kubetls probe kubelet-anonymous-auth passes on every endpoint it applies to",
    });
    expect(anonymous?.actual_value).toBe(
      "FAIL (1 of 3): 10.0.0.12:10250: kubelet-anonymous-auth: observed on the wire\n" +
        "PASS (2 of 3): 10.0.0.11:10250; [fd00::11]:10250",
    );
    expect(readOnly?.IsMultiple).toBe(false);
    expect(kubeletGroup).toMatchObject({ pass: 0, fail: 3, warn: 1, info: 0 });
  });

  it("totals each Controls and the whole document", () => {
    expect(document.Controls.map((c) => [c.total_pass, c.total_fail, c.total_warn, c.total_info])).toEqual([
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [0, 3, 1, 0],
    ]);
    expect(document.Totals).toEqual({ total_pass: 2, total_fail: 3, total_warn: 1, total_info: 0 });
  });

  it("maps ERROR to WARN and SKIP to INFO, saying so in reason; PASS beats SKIP", () => {
    const doc = documentOf([
      kubelet("10.0.0.1", [
        check("kubelet-client-ca", "ERROR", ["4.2.3"]),
        check("kubelet-read-only-port", "SKIP", ["4.2.4"]),
        check("kubelet-serving-cert", "SKIP", ["4.2.9"]),
      ]),
      kubelet("10.0.0.2", [
        check("kubelet-client-ca", "PASS", ["4.2.3"]),
        check("kubelet-serving-cert", "PASS", ["4.2.9"]),
      ]),
    ]);
    const results = doc.Controls[0]?.tests[0]?.results ?? [];
    expect(results.map((result) => [result.test_number, result.status, result.reason])).toEqual([
      ["4.2.3", "WARN", "the probe could not decide on 1 endpoint (kubetls ERROR, reported as WARN)"],
      ["4.2.4", "INFO", "not applicable to any endpoint probed (kubetls SKIP, reported as INFO)"],
      ["4.2.9", "PASS", undefined],
    ]);
    expect(doc.Totals).toEqual({ total_pass: 1, total_fail: 0, total_warn: 1, total_info: 1 });
  });

  it("lists at most 20 endpoints per status, then counts the rest", () => {
    const endpoints = Array.from({ length: 25 }, (_, i) =>
      kubelet(`10.0.1.${i + 1}`, [check("kubelet-anonymous-auth", "FAIL", ["4.2.1"])]),
    );
    const value = documentOf(endpoints).Controls[0]?.tests[0]?.results[0]?.actual_value ?? "";
    expect(value.startsWith("FAIL (25 of 25): 10.0.1.1:10250: kubelet-anonymous-auth seen;")).toBe(true);
    expect(value.endsWith("10.0.1.20:10250: kubelet-anonymous-auth seen; … and 5 more")).toBe(true);
  });

  it("reads back through kubetls's own kube-bench reader, control for control", () => {
    const verdicts = parseKubeBenchJson(formatKubeBench(scanResult()), "kubetls.json");
    expect(
      verdicts.map((verdict) => [verdict.control, verdict.status, verdict.nodeType, verdict.benchmark]),
    ).toEqual([
      ["1.2.25", "PASS", "master", "cis-1.12"],
      ["2.2", "PASS", "etcd", "cis-1.12"],
      ["4.2.1", "FAIL", "node", "cis-1.12"],
      ["4.2.2", "WARN", "node", "cis-1.12"],
      ["4.2.4", "FAIL", "node", "cis-1.12"],
      ["4.2.10", "FAIL", "node", "cis-1.12"],
    ]);
  });

  it("writes an empty document for a scan with no controls", () => {
    expect(documentOf([])).toEqual({
      Controls: [],
      Totals: { total_pass: 0, total_fail: 0, total_warn: 0, total_info: 0 },
    });
  });
});
