import type { Correlation } from "../model/index.js";

/**
 * The kube-bench correlation for people: contradictions first (where the flags and the wire disagree is
 * where the operator's picture of the cluster is wrong), each with its explanation; then a count of the rest.
 */
export function formatCorrelationTable(correlation: Correlation): string {
  const contradictions = correlation.controls.filter((control) => control.agreement === "contradiction");
  const lines = [
    `kube-bench correlation (${correlation.benchmark}): ${contradictions.length} contradiction(s)`,
  ];
  for (const control of contradictions) {
    lines.push(
      `  ${control.control.padEnd(8)} flags ${control.flagVerdict ?? "—"} / wire ${control.wireVerdict ?? "—"}  ${control.title}`,
    );
    lines.push(`           ${control.explanation}`);
    for (const evidence of control.wireEvidence.slice(0, 3)) lines.push(`           · ${evidence}`);
  }
  const counts = new Map<string, number>();
  for (const control of correlation.controls)
    counts.set(control.agreement, (counts.get(control.agreement) ?? 0) + 1);
  lines.push(`  ${[...counts].map(([agreement, count]) => `${agreement} ${count}`).join(", ")}`);
  return `${lines.join("\n")}\n\n`;
}
