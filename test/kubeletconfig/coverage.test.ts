import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProbes } from "../../src/probes/index.js";

/*
 * The README's coverage of kube-bench's node section, checked against the probes: per benchmark, the 4.2
 * controls some kubelet probe carries (answered from the network), those a wire probe carries, and the
 * ones kube-bench has that none can answer. kube-bench's lists are from cfg/<version>/node.yaml at
 * aquasecurity/kube-bench a73ce378: every version has ten 4.1 file checks.
 */
const KUBE_BENCH_42: Record<string, { total: number; unanswerable: string[] }> = {
  "cis-1.5": { total: 13, unanswerable: ["4.2.8"] },
  "cis-1.6": { total: 13, unanswerable: ["4.2.8"] },
  "cis-1.20": { total: 13, unanswerable: ["4.2.8"] },
  "cis-1.23": { total: 13, unanswerable: ["4.2.8"] },
  "cis-1.24": { total: 13, unanswerable: ["4.2.8"] },
  "cis-1.7": { total: 13, unanswerable: ["4.2.7"] },
  "cis-1.8": { total: 13, unanswerable: ["4.2.7"] },
  "cis-1.9": { total: 13, unanswerable: ["4.2.7"] },
  "cis-1.10": { total: 13, unanswerable: ["4.2.7"] },
  "cis-1.11": { total: 15, unanswerable: ["4.2.7", "4.2.15"] },
  "cis-1.12": { total: 14, unanswerable: ["4.2.7"] },
};

describe("coverage of kube-bench's kubelet checks", () => {
  it("matches the README table for every benchmark in probes/benchmarks.yaml", async () => {
    const { catalogue, probes } = await loadProbes();
    const readme = await readFile(join(import.meta.dirname, "../../README.md"), "utf8");
    expect(Object.keys(KUBE_BENCH_42).sort()).toEqual(
      catalogue.benchmarks.map((benchmark) => benchmark.id).sort(),
    );
    const kubeletProbes = probes.filter((probe) =>
      probe.roles.some((role) => role === "kubelet" || role === "kubelet-readonly"),
    );
    for (const [benchmark, kubeBench] of Object.entries(KUBE_BENCH_42)) {
      const carried = (source: "wire" | "config" | "any") =>
        new Set(
          kubeletProbes
            .filter((probe) => source === "any" || probe.checkSource === source)
            .flatMap((probe) => probe.controls[benchmark] ?? [])
            .filter((control) => control.startsWith("4.2.")),
        );
      const answered = carried("any");
      const all = Array.from({ length: kubeBench.total }, (_, index) => `4.2.${index + 1}`);
      expect(all.filter((control) => !answered.has(control))).toEqual(kubeBench.unanswerable);
      // Nothing answered that kube-bench does not have.
      expect([...answered].every((control) => all.includes(control))).toBe(true);
      // The config covers everything answerable; the wire six of them.
      expect(carried("config").size).toBe(answered.size);
      expect(carried("wire").size).toBe(6);
      const row = readme.split("\n").find((line) => line.startsWith(`| ${benchmark} |`)) ?? "";
      expect(row).toContain(`| 10 + ${kubeBench.total} | ${answered.size} (`);
      expect(row).toContain("| 6 |");
    }
  });
});
