import { describe, expect, it } from "vitest";
import { type CheckStatus, endpointKey } from "../../src/model/index.js";
import { formatJunit } from "../../src/report/index.js";
import { allEndpoints, scanResult, unreachableKubelet } from "./fixtures.js";
import { HOSTILE_ATTRIBUTE, HOSTILE_CN, hostileResult, rawUnsafeCharacters } from "./hostile.js";
import { childElements, parseXml, textOf, type XmlElement } from "./xml.js";

function suitesOf(xml: string): { root: XmlElement; suites: XmlElement[] } {
  const root = parseXml(xml);
  expect(root.name).toBe("testsuites");
  return { root, suites: childElements(root, "testsuite") };
}

function statusCount(statuses: readonly CheckStatus[]): number {
  return allEndpoints
    .flatMap((endpoint) => endpoint.checks)
    .filter((check) => statuses.includes(check.status)).length;
}

describe("formatJunit", () => {
  const xml = formatJunit(scanResult());
  const { root, suites } = suitesOf(xml);

  it("writes one testsuite per endpoint, in report order, named host:port role", () => {
    expect(suites).toHaveLength(allEndpoints.length);
    expect(suites.map((suite) => suite.attributes.name)).toEqual([
      "10.0.0.11:10250 kubelet",
      "10.0.0.11:10255 kubelet-readonly",
      "10.0.0.12:10250 kubelet",
      "10.0.0.13:10250 kubelet",
      "[fd00::11]:10250 kubelet",
      "[fd00::20]:2379 etcd",
      "api.cluster.example:6443 apiserver",
    ]);
  });

  it("counts tests, failures, errors and skipped exactly as the fixture has them, per suite and in total", () => {
    const summary = scanResult().summary.findings;
    const total = Object.values(summary).reduce((sum, n) => sum + n, 0);
    expect(root.attributes).toMatchObject({
      tests: String(total),
      failures: String(summary.FAIL),
      errors: String(summary.ERROR),
      skipped: String(summary.WARN + summary.INFO + summary.SKIP),
    });
    expect([summary.FAIL, summary.ERROR, statusCount(["WARN", "INFO", "SKIP"])]).toEqual([3, 1, 2]);

    const cases = suites.flatMap((suite) => childElements(suite, "testcase"));
    expect(cases).toHaveLength(total);
    expect(cases.filter((c) => childElements(c, "failure").length === 1)).toHaveLength(summary.FAIL);
    expect(cases.filter((c) => childElements(c, "error").length === 1)).toHaveLength(summary.ERROR);
    expect(cases.filter((c) => childElements(c, "skipped").length === 1)).toHaveLength(2);

    for (const suite of suites) {
      const suiteCases = childElements(suite, "testcase");
      const has = (name: string) => suiteCases.filter((c) => childElements(c, name).length > 0).length;
      expect(suite.attributes).toMatchObject({
        tests: String(suiteCases.length),
        failures: String(has("failure")),
        errors: String(has("error")),
        skipped: String(has("skipped")),
      });
    }
  });

  it("names each testcase host:port check-id (CIS x.y.z), classname the check id", () => {
    const selfGenerated = suites.find((suite) => suite.attributes.name === "10.0.0.12:10250 kubelet");
    const cases = childElements(selfGenerated as XmlElement, "testcase");
    expect(cases.map((c) => [c.attributes.classname, c.attributes.name])).toEqual([
      ["kubelet-anonymous-auth", "10.0.0.12:10250 kubelet-anonymous-auth (CIS 4.2.1)"],
      ["kubelet-authz-mode", "10.0.0.12:10250 kubelet-authz-mode (CIS 4.2.2)"],
      ["kubelet-serving-cert", "10.0.0.12:10250 kubelet-serving-cert (CIS 4.2.10)"],
    ]);
    const failure = childElements(cases[0] as XmlElement, "failure")[0] as XmlElement;
    expect(failure.attributes.type).toBe("FAIL");
    expect(textOf(failure)).toBe("kubelet-anonymous-auth: observed on the wire");
    const warn = childElements(cases[1] as XmlElement, "skipped")[0] as XmlElement;
    expect(warn.attributes.message).toBe("WARN: kubelet-authz-mode: observed on the wire");

    const apiserver = suites.find((suite) => suite.attributes.name === "api.cluster.example:6443 apiserver");
    const names = childElements(apiserver as XmlElement, "testcase").map((c) => c.attributes.name);
    // A check with no control in the benchmark has no "(CIS ...)".
    expect(names).toContain("api.cluster.example:6443 apiserver-ciphers");
  });

  it("keeps an unreachable endpoint as an empty suite that says why", () => {
    const suite = suites.find((s) => s.attributes.name?.startsWith(endpointKey(unreachableKubelet)));
    expect(suite?.attributes.tests).toBe("0");
    expect(textOf(childElements(suite as XmlElement, "system-err")[0] as XmlElement)).toBe(
      "refused: connect ECONNREFUSED 10.0.0.13:10250",
    );
  });

  it("escapes hostile evidence and titles, and turns characters XML 1.0 forbids into visible text", () => {
    const hostile = formatJunit(hostileResult());
    expect(hostile).not.toContain("<script>");
    expect(hostile).not.toContain('"onmouseover');
    expect(rawUnsafeCharacters(hostile)).toEqual([]);

    // It parses strictly, and what a CI tool reads back is the evidence, controls shown as escapes.
    const [suite] = suitesOf(hostile).suites;
    const [failed, errored, info] = childElements(suite as XmlElement, "testcase");
    const failure = childElements(failed as XmlElement, "failure")[0] as XmlElement;
    const controls = "a\\x00b\\x1b[31mc\\x07d\\x9b2Je\\u202ef\\ud800g]]>h&amp;i";
    expect(textOf(failure)).toBe(`${HOSTILE_CN} ${HOSTILE_ATTRIBUTE} ${controls}`);
    expect(failure.attributes.message).toBe(`FAIL: anonymous ${HOSTILE_ATTRIBUTE}`);
    expect(textOf(childElements(errored as XmlElement, "error")[0] as XmlElement)).toBe(controls);
    expect(childElements(info as XmlElement, "skipped")[0]?.attributes.message).toBe(
      `INFO: ${HOSTILE_ATTRIBUTE}`,
    );
  });

  it("keeps newlines in an attribute as references, so they survive attribute normalisation", () => {
    const result = hostileResult();
    const endpoint = result.endpoints[0];
    const check = endpoint?.checks[2];
    if (check === undefined) throw new Error("fixture changed");
    check.evidence = "line one\nline\ttwo";
    const [suite] = suitesOf(formatJunit(result)).suites;
    const info = childElements(suite as XmlElement, "testcase")[2] as XmlElement;
    expect(childElements(info, "skipped")[0]?.attributes.message).toBe("INFO: line one\nline\ttwo");
  });

  it("writes a valid empty report for a run with no endpoints", () => {
    const { root: empty, suites: none } = suitesOf(formatJunit(scanResult([])));
    expect(none).toHaveLength(0);
    expect(empty.attributes).toMatchObject({
      tests: "0",
      failures: "0",
      errors: "0",
      skipped: "0",
      time: "4.250",
    });
  });
});
