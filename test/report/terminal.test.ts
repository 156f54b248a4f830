import { describe, expect, it } from "vitest";
import type { CheckResult, EndpointResult } from "../../src/model/index.js";
import { formatTerminalReport } from "../../src/report/index.js";
import { goodKubelet, scanResult, selfGeneratedKubelet, unreachableKubelet } from "./fixtures.js";

const SGR = new RegExp(`${"\x1b"}\\[[0-9;]*m`, "g");
const visible = (line: string) => [...line.replace(SGR, "")].length;

/** A reason long enough to wrap several times at any width, with words that must survive whole. */
const LONG_REASON =
  "accepted at TLS <= 1.2 outside the cis-1.12 kubelet list: TLS_RSA_WITH_AES_128_CBC_SHA " +
  "TLS_RSA_WITH_AES_256_CBC_SHA TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA " +
  "TLS_RSA_WITH_AES_128_GCM_SHA256 TLS_RSA_WITH_AES_256_GCM_SHA384 and the server prefers its own order";

function withCheck(
  endpoint: EndpointResult,
  check: Partial<CheckResult> & Pick<CheckResult, "id" | "status">,
): EndpointResult {
  return {
    ...endpoint,
    checks: [
      ...endpoint.checks,
      {
        title: `${check.id} title`,
        cis: [],
        severity: "medium" as const,
        evidence: "",
        remediation: `Fix ${check.id}.`,
        source: "wire" as const,
        ...check,
      },
    ],
  };
}

const ciphers = withCheck(goodKubelet, {
  id: "kubelet.tls-ciphers",
  status: "FAIL",
  cis: ["4.2.12"],
  title: "The kubelet accepts only the CIS strong cipher suites",
  evidence: LONG_REASON,
});
const skipped = [ciphers, selfGeneratedKubelet].map((endpoint) =>
  withCheck(endpoint, { id: "kubelet.client-ca", status: "SKIP", evidence: "no --client-cert given" }),
);
const closed = Array.from({ length: 5 }, (_, i) => ({ ...unreachableKubelet, host: `10.9.0.${i + 1}` }));
const result = scanResult([...skipped, unreachableKubelet, ...closed]);

describe.each([80, 100, 200])("the terminal report at %i columns", (width) => {
  const report = formatTerminalReport(result, { color: false, width, showClosed: false, verbose: false });
  const lines = report.trimEnd().split("\n");

  it("fits: no line is wider than the terminal", () => {
    for (const line of lines) expect(visible(line), line).toBeLessThanOrEqual(width);
  });

  it("leads with failures, then errors, warnings, unknowns and skips: one entry each, with CIS id and endpoint", () => {
    const statuses = lines
      .filter((line) => /^(FAIL|ERROR|WARN|INFO|SKIP) /.test(line))
      .map((line) => line.split(" ")[0]);
    expect(statuses).toEqual(["FAIL", "FAIL", "FAIL", "WARN", "SKIP"]);
    expect(lines[0]).toMatch(/^STATUS\s+CIS\s+ENDPOINT\s+CHECK$/);
    expect(lines[1]).toMatch(/^FAIL\s+4\.2\.12\s+10\.0\.0\.11:10250\s+The kubelet accepts only/);
  });

  it("gives every non-PASS status its reason, whole: no word is cut", () => {
    const words = report.split(/\s+/);
    for (const word of LONG_REASON.split(" ")) expect(words).toContain(word);
    expect(report).toContain("no --client-cert given");
    expect(report).not.toContain("…");
  });

  it("groups a check skipped for the same reason, and counts never-connected endpoints instead of listing them", () => {
    expect(lines.filter((line) => line.startsWith("SKIP"))).toHaveLength(1);
    expect(report).toMatch(/SKIP\s+—\s+2 endpoints\s+kubelet\.client-ca title/);
    expect(report).not.toContain("10.9.0.3");
    expect(report.replace(/\s+/g, " ")).toContain("6 endpoints never connected, not listed");
    expect(report.replace(/\s+/g, " ")).toContain("6 closed (refused) on :10250");
  });

  it("ends with the totals", () => {
    expect(lines.at(-1)).toMatch(
      /^8 endpoints, 2 reachable — FAIL 3, WARN 1, PASS \d+, INFO 0, SKIP 2, ERROR 0$/,
    );
  });
});

describe("the terminal report with -v and --show-closed", () => {
  const report = formatTerminalReport(result, { color: false, width: 100, showClosed: true, verbose: true });

  it("adds the per-endpoint matrix and each check's full evidence and remediation, still within the width", () => {
    expect(report).toMatch(/^ENDPOINT\s+ROLE\s+TLS\s+CERT\s+TRUST$/m);
    expect(report).toContain("remediation: Fix kubelet.tls-ciphers.");
    expect(report).toContain("10.9.0.3");
    for (const line of report.split("\n")) expect(visible(line), line).toBeLessThanOrEqual(100);
  });

  it("colours statuses only when asked", () => {
    const coloured = formatTerminalReport(result, {
      color: true,
      width: 100,
      showClosed: false,
      verbose: false,
    });
    expect(coloured).toContain("\x1b[31mFAIL");
    expect(report).not.toContain("\x1b[");
  });
});

describe("the config-vs-wire section of the terminal report", () => {
  const contradicted = {
    ...scanResult([goodKubelet]),
    configContradictions: [
      {
        host: "10.0.0.11",
        control: "4.2.1",
        title: "The kubelet's live configuration disables anonymous requests",
        config: {
          endpoint: "10.0.0.11:10250",
          check: "kubelet-config.anonymous-auth",
          status: "PASS" as const,
          evidence: "configz (direct): authentication.anonymous.enabled is false",
        },
        wire: [
          {
            endpoint: "10.0.0.11:10250",
            check: "kubelet.anonymous-auth",
            status: "FAIL" as const,
            evidence: LONG_REASON,
          },
        ],
        explanation:
          "the live configuration turns anonymous requests off, yet one was served: a proxy answers",
      },
    ],
  };

  it.each([80, 100])(
    "fits %i columns, keeps its column spacing and continues under its own text",
    (width) => {
      const report = formatTerminalReport(contradicted, {
        color: false,
        width,
        showClosed: false,
        verbose: false,
      });
      const lines = report.split("\n");
      for (const line of lines) expect(visible(line)).toBeLessThanOrEqual(width);
      const start = lines.indexOf("config vs wire: 1 contradiction(s)");
      expect(start).toBeGreaterThanOrEqual(0);
      expect(lines[start + 1]).toMatch(
        /^ {2}4\.2\.1 {4}config PASS \/ wire FAIL {2}10\.0\.0\.11 {2}The kubelet's/,
      );
      // Every line of the section after the control's own is indented under the explanation column.
      const section = lines.slice(start + 2, lines.indexOf("", start));
      expect(section.length).toBeGreaterThan(3);
      for (const line of section) expect(line).toMatch(/^ {11}( {2})?\S/);
      const wire = section.findIndex((line) => line.includes("· wire"));
      expect(section[wire + 1]).toMatch(/^ {13}\S/);
      // Nothing of the explanation is lost to the wrapping.
      expect(section.join(" ").replace(/\s+/g, " ")).toContain(
        "the live configuration turns anonymous requests off, yet one was served: a proxy answers",
      );
    },
  );
});
