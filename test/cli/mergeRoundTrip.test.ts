import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab/index.js";
import { REPORT_FORMAT_CATALOG, type ScanResult } from "../../src/model/index.js";
import { labScanArgs, runCli, uniqueLabNetwork } from "../support/cli.js";

/*
 * Every format of the catalog through `kubetls merge`. One scan of a small lab (with kube-bench's flags, so
 * the correlation is in the run) writes every format at once. What merge reads (the catalog's `mergeable`)
 * must come back out of merge, in every format, as the scan itself wrote it: nothing dropped on the way.
 * What merge cannot read is refused with exit 2 and one line naming the format.
 */
const POSTURES = ["kubelet-good", "kubelet-expired", "kubelet-config-drift"];
const KUBE_BENCH = join(import.meta.dirname, "../fixtures/kube-bench/cis-1.12-node-master.json");
let lab: Lab;
let work: string;
const written = new Map<string, string>();

/** Scan times and the run's own file names differ between runs of nothing; the rest must not. */
function comparable(format: string, text: string): string {
  if (format === "jsonl") return text.split("\n").filter(Boolean).sort().join("\n");
  return text;
}

beforeAll(async () => {
  lab = await startLab({ network: uniqueLabNetwork(), only: POSTURES });
  work = await mkdtemp(join(tmpdir(), "kubetls-merge-"));
  const outputs = REPORT_FORMAT_CATALOG.flatMap((format) => {
    const path = join(work, `scan.${format.name}`);
    written.set(format.name, path);
    return [`--output-${format.name}`, path];
  });
  const run = await runCli([
    "scan",
    ...lab.addresses.map((address) => `${address}:10250`),
    ...labScanArgs(lab, 8000),
    "--flags",
    KUBE_BENCH,
    ...outputs,
  ]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
}, 180_000);

afterAll(async () => {
  await lab?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("every format through merge", () => {
  it("the scan wrote every format, and its JSON carries the correlation and the config contradictions", async () => {
    const json = JSON.parse(await readFile(written.get("json") as string, "utf8")) as ScanResult;
    expect(json.correlation?.controls.length).toBeGreaterThan(0);
    expect(json.configContradictions?.length).toBeGreaterThan(0);
    expect(
      json.endpoints.some((endpoint) => endpoint.checks.some((check) => check.id === "tls.cert-expiry")),
    ).toBe(true);
  });

  const mergeable = REPORT_FORMAT_CATALOG.filter((format) => format.mergeable);
  const refused = REPORT_FORMAT_CATALOG.filter((format) => !format.mergeable);

  it("merge reads at least the JSON result", () => {
    expect(mergeable.map((format) => format.name)).toContain("json");
  });

  describe.each(mergeable.map((format) => format.name))("merge reads %s", (input) => {
    it.each(REPORT_FORMAT_CATALOG.map((format) => format.name))(
      "and writes %s as the scan itself wrote it",
      async (output) => {
        const out = join(work, `merged-from-${input}.${output}`);
        const run = await runCli([
          "merge",
          written.get(input) as string,
          "--format",
          output,
          "-o",
          out,
          "--fail-on",
          "none",
        ]);
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        const original = await readFile(written.get(output) as string, "utf8");
        expect(comparable(output, await readFile(out, "utf8"))).toBe(comparable(output, original));
      },
    );
  });

  it("joins several results to kube-bench again with merge --flags; without it says the join is left out", async () => {
    const json = written.get("json") as string;
    const original = JSON.parse(await readFile(json, "utf8")) as ScanResult;
    const without = await runCli(["merge", json, json, "--fail-on", "none"]);
    expect(without.code).toBe(0);
    expect(without.stderr).toMatch(/correlations are left out: give merge --flags FILE/);
    expect((JSON.parse(without.stdout) as ScanResult).correlation).toBeUndefined();
    const joined = await runCli(["merge", json, json, "--flags", KUBE_BENCH, "--fail-on", "none"]);
    expect(joined.stderr).toBe("");
    expect(joined.code).toBe(0);
    expect((JSON.parse(joined.stdout) as ScanResult).correlation).toEqual(original.correlation);
  });

  it.each(refused.map((format) => format.name))(
    "refuses %s with exit 2 and one line naming the format",
    async (input) => {
      const run = await runCli(["merge", written.get(input) as string, "--fail-on", "none"]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(
        new RegExp(
          `^kubetls: .*scan\\.${input}: this is a ${input} report; merge reads kubetls JSON results only \\(--format json or --output-json FILE\\)[^\\n]*\\n`,
        ),
      );
    },
  );
});
