import { readFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chooseReportFormat, parseReportFormat, requestedOutputs } from "../../src/cli/reportFormats.js";
import { formatForPath, REPORT_FORMATS, reportFormatsMarkdown } from "../../src/model/index.js";
import { REPORTERS } from "../../src/report/index.js";
import { scanResult } from "../report/fixtures.js";
import { runCli } from "../support/cli.js";

const README = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");

describe("the format registry", () => {
  it("the README's format table is the one generated from the registry", () => {
    expect(README).toContain(reportFormatsMarkdown());
  });

  it("every format renders through its reporter", () => {
    const options = { color: false, width: 100, showClosed: false, verbose: false };
    for (const format of REPORT_FORMATS) {
      expect(REPORTERS[format].render(scanResult(), options).length, format).toBeGreaterThan(0);
    }
  });

  it("-o infers the format from the longest matching extension; --format wins; case does not matter", () => {
    expect(formatForPath("r.json")).toBe("json");
    expect(formatForPath("R.SARIF.JSON")).toBe("sarif");
    expect(formatForPath("out/r.kube-bench.json")).toBe("kube-bench");
    expect(formatForPath("r.jsonl")).toBe("jsonl");
    expect(formatForPath("r.html")).toBe("html");
    expect(formatForPath("r.xml")).toBe("junit");
    expect(formatForPath("report")).toBeNull();
    expect(chooseReportFormat(undefined, "r.json")).toBe("json");
    expect(chooseReportFormat("table", "r.json")).toBe("table");
    expect(chooseReportFormat(undefined, "report.out")).toBe("table");
    expect(chooseReportFormat(undefined, undefined, "json")).toBe("json");
    expect(parseReportFormat("JSON")).toBe("json");
    expect(parseReportFormat("Kube-Bench")).toBe("kube-bench");
    expect(() => parseReportFormat("yaml")).toThrow(/--format takes table, json, jsonl/);
  });

  it("reads every --output-<format> flag back under commander's keys", () => {
    expect(requestedOutputs({ outputKubeBench: "kb.json", outputHtml: "r.html", output: "x" })).toEqual([
      { format: "kube-bench", path: "kb.json" },
      { format: "html", path: "r.html" },
    ]);
  });

  it("the built CLI offers --output-<format> for every format, and -o r.json writes JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kubetls-formats-"));
    const [help, mergeHelp, inferred, upper] = await Promise.all([
      runCli(["scan", "--help"]),
      runCli(["merge", "--help"]),
      runCli(["scan", "127.0.0.1:1", "-o", join(dir, "r.json"), "--fail-on", "none"]),
      runCli(["scan", "127.0.0.1:1", "--format", "JSONL", "--fail-on", "NONE", "--tls-scan", "OFF"]),
    ]);
    for (const format of REPORT_FORMATS) {
      expect(help.stdout).toContain(`--output-${format} <file>`);
      expect(mergeHelp.stdout).toContain(format);
    }
    // Port 1 is closed: nothing observed (exit 4), and the report is written all the same.
    expect(inferred.code).toBe(4);
    expect(JSON.parse(await readFile(join(dir, "r.json"), "utf8"))).toMatchObject({ schemaVersion: 1 });
    expect(upper.code).toBe(4);
    const lines = upper.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ type: "summary" });
  }, 240_000);
});
