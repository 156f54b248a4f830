import { describe, expect, it } from "vitest";
import { configContradictions } from "../../src/correlate/index.js";
import type {
  CheckResult,
  CheckSource,
  CheckStatus,
  EndpointResult,
  ScanResult,
} from "../../src/model/index.js";
import { formatConfigContradictionTable, formatHtml, formatJson, summarize } from "../../src/report/index.js";

function check(id: string, source: CheckSource, status: CheckStatus, cis: string[]): CheckResult {
  return {
    id,
    title: `${id} title`,
    cis,
    status,
    severity: "high",
    source,
    evidence: `${id} says ${status}`,
    remediation: "",
  };
}

function endpoint(host: string, port: number, checks: CheckResult[]): EndpointResult {
  return {
    host,
    port,
    role: port === 10255 ? "kubelet-readonly" : "kubelet",
    state: "open",
    reachable: true,
    error: null,
    speaksTls: port !== 10255,
    plainHttp: port === 10255,
    tls: null,
    chain: [],
    validation: null,
    checks,
  };
}

// A node whose /configz is hardened while the wire is open, the same pairs agreeing on another node.
const drifted = [
  endpoint("10.0.0.5", 10250, [
    check("kubelet.anonymous-auth", "wire", "FAIL", ["4.2.1"]),
    check("kubelet-config.anonymous-auth", "config", "PASS", ["4.2.1"]),
    check("kubelet-config.read-only-port", "config", "PASS", ["4.2.4"]),
    check("kubelet.client-ca", "wire", "INFO", ["4.2.3"]),
    check("kubelet-config.client-ca", "config", "PASS", ["4.2.3"]),
    check("kubelet-config.protect-kernel-defaults", "config", "FAIL", ["4.2.6"]),
  ]),
  endpoint("10.0.0.5", 10255, [check("kubelet.read-only-port", "wire", "FAIL", ["4.2.4"])]),
  endpoint("10.0.0.6", 10250, [
    check("kubelet.anonymous-auth", "wire", "PASS", ["4.2.1"]),
    check("kubelet-config.anonymous-auth", "config", "PASS", ["4.2.1"]),
  ]),
  // The read-only port of .6 is open but its config check sits on the other host: no pair across hosts.
  endpoint("10.0.0.7", 10255, [check("kubelet.read-only-port", "wire", "FAIL", ["4.2.4"])]),
];

describe("config vs wire", () => {
  it("pairs a config check with the wire checks of the same control on the same host, across ports", () => {
    const found = configContradictions(drifted);
    expect(
      found.map((item) => `${item.host} ${item.control} ${item.config.status}/${item.wire[0]?.status}`),
    ).toEqual(["10.0.0.5 4.2.1 PASS/FAIL", "10.0.0.5 4.2.4 PASS/FAIL"]);
    expect(found[1]?.config.endpoint).toBe("10.0.0.5:10250");
    expect(found[1]?.wire.map((side) => side.endpoint)).toEqual(["10.0.0.5:10255"]);
    expect(found[1]?.explanation).toMatch(/read-only port, yet the port answered plain HTTP/);
  });

  it("shows the contradictions in the table, the JSON and the HTML report", () => {
    const result: ScanResult = {
      schemaVersion: 1,
      tool: { name: "kubetls", version: "test" },
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:00:01.000Z",
      benchmark: "cis-1.12",
      targets: { expressions: ["10.0.0.5"], invalid: [] },
      summary: summarize(drifted),
      endpoints: drifted,
      unopened: [],
      configContradictions: configContradictions(drifted),
    };
    const table = formatConfigContradictionTable(result.configContradictions);
    expect(table).toContain("config vs wire: 2 contradiction(s)");
    expect(table).toContain("4.2.1    config PASS / wire FAIL  10.0.0.5");
    expect(table).toContain("· wire   10.0.0.5:10255 kubelet.read-only-port FAIL");
    expect(formatConfigContradictionTable([])).toBe("");
    const json = JSON.parse(formatJson(result)) as ScanResult;
    expect(json.configContradictions?.map((item) => item.control)).toEqual(["4.2.1", "4.2.4"]);
    expect(json.endpoints[0]?.checks.map((item) => item.source)).toContain("config");
    const html = formatHtml(result);
    expect(html).toContain('<h2 id="config-contradictions">Config vs wire</h2>');
    expect(html).toContain(
      "<b>config</b> <code>10.0.0.5:10250</code> kubelet-config.read-only-port <b>PASS</b>",
    );
    expect(html).toContain('data-check="kubelet-config.anonymous-auth" data-source="config"');
  });
});
