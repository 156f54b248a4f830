import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compareControlIds,
  type FlagVerdict,
  KubeBenchFileError,
  normaliseBenchmark,
  parseKubeBenchJson,
  readKubeBenchFile,
} from "../../src/correlate/index.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/kube-bench");
const fixture = (name: string) => readFile(join(FIXTURES, name), "utf8");

function parseError(text: string, source = "kube-bench.json"): string {
  try {
    parseKubeBenchJson(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(KubeBenchFileError);
    return (error as Error).message;
  }
  throw new Error("expected a KubeBenchFileError");
}

/** A passing kube-bench check, to be spoiled by the test. */
function validCheck(control: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    test_number: control,
    test_desc: "Ensure something (Automated)",
    status: "PASS",
    scored: true,
    ...extra,
  };
}

/** A minimal `{"Controls": [...]}` document whose groups hold these checks. */
function overall(groups: Record<string, unknown>[][]): unknown {
  return {
    Controls: [
      {
        id: "4",
        version: "cis-1.12",
        text: "Worker Node Security Configuration",
        node_type: "node",
        tests: groups.map((results, index) => ({ section: `4.${index + 1}`, desc: "Kubelet", results })),
      },
    ],
  };
}

function byControl(verdicts: FlagVerdict[], control: string): FlagVerdict {
  const found = verdicts.find((verdict) => verdict.control === control);
  if (!found) throw new Error(`no verdict for ${control}`);
  return found;
}

describe("parseKubeBenchJson", () => {
  it("reads {Controls, Totals} with master and node controls", async () => {
    const verdicts = parseKubeBenchJson(await fixture("cis-1.12-node-master.json"), "kube-bench.json");
    expect(verdicts).toHaveLength(18);
    expect(new Set(verdicts.map((verdict) => verdict.benchmark))).toEqual(new Set(["cis-1.12"]));
    expect(byControl(verdicts, "4.2.3")).toEqual({
      control: "4.2.3",
      status: "PASS",
      text: "Ensure that the --client-ca-file argument is set as appropriate (Automated)",
      remediation: expect.stringContaining("authentication.x509.clientCAFile"),
      actualValue: "/etc/kubernetes/pki/ca.crt",
      benchmark: "cis-1.12",
      nodeType: "node",
      manual: false,
      outcome: "passed",
      reason: "",
    });
    expect(byControl(verdicts, "1.2.5")).toMatchObject({
      status: "FAIL",
      nodeType: "master",
      outcome: "failed",
    });
    // Unscored: kube-bench's failed test comes back as WARN.
    expect(byControl(verdicts, "4.2.9")).toMatchObject({ status: "WARN", manual: true, outcome: "failed" });
    expect(byControl(verdicts, "4.2.13")).toMatchObject({
      status: "WARN",
      manual: true,
      outcome: "not-tested",
      reason: "Test marked as a manual test",
    });
  });

  it("reads the --noTotals bare array and the one-document-per-target form alike", async () => {
    const withTotals = parseKubeBenchJson(await fixture("cis-1.12-node-master.json"), "a.json");
    expect(parseKubeBenchJson(await fixture("cis-1.12-node-master-no-totals.json"), "b.json")).toEqual(
      withTotals,
    );
    expect(parseKubeBenchJson(await fixture("cis-1.12-master-then-node.jsonl"), "c.jsonl")).toEqual(
      withTotals,
    );
  });

  it("reads documents concatenated with or without whitespace, objects and arrays mixed", async () => {
    const { Controls } = JSON.parse(await fixture("cis-1.12-node-master.json")) as {
      Controls: unknown[];
    };
    const [master, node] = Controls;
    const expected = parseKubeBenchJson(JSON.stringify({ Controls }), "all.json");
    const variants = [
      JSON.stringify({ Controls: [master] }) + JSON.stringify({ Controls: [node] }),
      `${JSON.stringify([master])}\n${JSON.stringify([node])}\n`,
      `${JSON.stringify(master, null, 2)}\n\n${JSON.stringify(node, null, 2)}`,
      `\uFEFF${JSON.stringify({ Controls: [master], Totals: {} })}  ${JSON.stringify([node])}`,
    ];
    for (const text of variants) expect(parseKubeBenchJson(text, "concatenated.json")).toEqual(expected);
  });

  it("reads the older single controls object and normalises its bare version", async () => {
    const verdicts = parseKubeBenchJson(await fixture("cis-1.6-node.json"), "old.json");
    expect(verdicts.map((verdict) => verdict.control)).toEqual([
      "4.2.1",
      "4.2.2",
      "4.2.3",
      "4.2.4",
      "4.2.6",
      "4.2.10",
      "4.2.13",
    ]);
    expect(verdicts.every((verdict) => verdict.benchmark === "cis-1.6" && verdict.reason === "")).toBe(true);
    expect(byControl(verdicts, "4.2.10")).toMatchObject({ status: "WARN", manual: true, outcome: "failed" });
    const cis15 = parseKubeBenchJson(await fixture("cis-1.5-node.json"), "older.json");
    expect(byControl(cis15, "4.2.10")).toMatchObject({ status: "FAIL", benchmark: "cis-1.5", manual: false });
  });

  it("names the source and JSON path of a shape error", () => {
    const { test_number: _, ...unnumbered } = validCheck("4.3.2");
    const missing = overall([
      [validCheck("4.1.1")],
      [validCheck("4.2.1")],
      [validCheck("4.3.1"), unnumbered],
    ]);
    expect(parseError(JSON.stringify(missing))).toBe(
      "kube-bench.json: Controls[0].tests[2].results[1].test_number: missing",
    );
    const badStatus = overall([[validCheck("4.1.1"), validCheck("4.1.2", { status: "SKIPPED" })]]);
    expect(parseError(JSON.stringify(badStatus))).toBe(
      'kube-bench.json: Controls[0].tests[0].results[1].status: "SKIPPED" is not a kube-bench status (PASS, FAIL, WARN, INFO)',
    );

    expect(parseError(JSON.stringify({ Controls: [{ version: "cis-1.12", tests: "none" }] }))).toBe(
      "kube-bench.json: Controls[0].tests: expected an array, got a string",
    );
    expect(parseError(JSON.stringify([{ version: 1.6, tests: [] }]))).toBe(
      "kube-bench.json: [0].version: expected a string, got a number",
    );
    expect(parseError(JSON.stringify({ Controls: [{ tests: [] }] }))).toBe(
      "kube-bench.json: Controls[0].version: missing",
    );
    expect(parseError(JSON.stringify({ Controls: {} }))).toBe(
      "kube-bench.json: Controls: expected an array, got an object",
    );
    expect(parseError(JSON.stringify({ results: [] }))).toMatch(
      /^kube-bench\.json: \(document\): expected kube-bench --json output/,
    );
    const scored = overall([[validCheck("4.1.1"), validCheck("4.1.2", { scored: "yes" })]]);
    expect(parseError(JSON.stringify(scored))).toBe(
      "kube-bench.json: Controls[0].tests[0].results[1].scored: expected true or false, got a string",
    );
  });

  it("names the document, with its line, when the file holds several", () => {
    const second = { Controls: [{ id: "4", tests: [] }] };
    const text = `${JSON.stringify(overall([[validCheck("4.1.1")]]))}\n${JSON.stringify(second)}\n`;
    expect(parseError(text)).toBe("kube-bench.json: document 2 (line 2): Controls[0].version: missing");
    expect(parseError(`${JSON.stringify(overall([[validCheck("4.1.1")]]))}\n"done"`)).toBe(
      'kube-bench.json: line 2, column 1: expected "{" or "[" to start a JSON document, found "\\"done\\""',
    );
  });

  it("gives the line and column of a JSON syntax error", () => {
    expect(parseError('{\n  "Controls": [\n    {"id": "4",}\n  ]\n}')).toBe(
      "kube-bench.json: line 3, column 16: not valid JSON: Expected double-quoted property name",
    );
    expect(parseError('{"Controls": [')).toBe(
      "kube-bench.json: line 1, column 15: not valid JSON: unexpected end of input: a bracket or quote is not closed",
    );
    expect(parseError("")).toBe("kube-bench.json: empty: expected kube-bench --json output");
    expect(
      parseError("[INFO] 4 Worker Node Security Configuration\n[INFO] 4.1 Worker Node Configuration Files\n"),
    ).toBe("kube-bench.json: this is kube-bench's text output: run kube-bench with --json");
  });

  it("accepts Go's null for an empty list", () => {
    expect(parseKubeBenchJson('{"Controls": null, "Totals": {"total_pass": 0}}', "empty.json")).toEqual([]);
    expect(parseKubeBenchJson('[{"version": "cis-1.12", "tests": null}]', "empty.json")).toEqual([]);
  });
});

describe("readKubeBenchFile", () => {
  it("reads a file and names it in errors", async () => {
    const path = join(FIXTURES, "cis-1.6-node.json");
    expect(await readKubeBenchFile(path)).toHaveLength(7);
    await expect(readKubeBenchFile(join(FIXTURES, "absent.json"))).rejects.toThrow(
      /absent\.json: cannot read: ENOENT$/,
    );
  });
});

describe("normaliseBenchmark", () => {
  it("maps kube-bench's version keys to its folder names", () => {
    expect(normaliseBenchmark("1.15")).toBe("cis-1.5");
    expect(normaliseBenchmark("1.6")).toBe("cis-1.6");
    expect(normaliseBenchmark("1.20")).toBe("cis-1.20");
    expect(normaliseBenchmark("cis-1.12")).toBe("cis-1.12");
    expect(normaliseBenchmark(" CIS-1.24 ")).toBe("cis-1.24");
    expect(normaliseBenchmark("gke-1.2.0")).toBe("gke-1.2.0");
  });
});

describe("compareControlIds", () => {
  it("orders dotted ids numerically", () => {
    const ids = ["4.1.1", "1.2.10", "1.10.1", "1.2.9", "1.2", "1.2.1", "2.1"];
    expect(ids.sort(compareControlIds)).toEqual([
      "1.2",
      "1.2.1",
      "1.2.9",
      "1.2.10",
      "1.10.1",
      "2.1",
      "4.1.1",
    ]);
  });
});
