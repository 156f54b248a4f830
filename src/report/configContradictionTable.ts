import type { ConfigContradiction } from "../model/index.js";
import { printable, truncate } from "./text.js";

const MAX_EVIDENCE = 200;

/**
 * Config vs wire for people, ahead of the endpoint table: per host and control, what the component's own
 * configuration says against what the wire showed, and what usually causes the gap. Nothing when no
 * config check ran or every pair agrees.
 */
export function formatConfigContradictionTable(
  contradictions: readonly ConfigContradiction[] | undefined,
): string {
  if (contradictions === undefined || contradictions.length === 0) return "";
  const lines = [`config vs wire: ${contradictions.length} contradiction(s)`];
  for (const contradiction of contradictions) {
    const wireStatus = contradiction.wire[0]?.status ?? "—";
    lines.push(
      `  ${contradiction.control.padEnd(8)} config ${contradiction.config.status} / wire ${wireStatus}  ${printable(contradiction.host)}  ${printable(contradiction.title)}`,
    );
    lines.push(`           ${printable(contradiction.explanation)}`);
    for (const side of [
      { ...contradiction.config, source: "config" },
      ...contradiction.wire.map((wire) => ({ ...wire, source: "wire" })),
    ]) {
      lines.push(
        `           · ${side.source.padEnd(6)} ${printable(side.endpoint)} ${printable(side.check)} ${side.status}: ${printable(truncate(side.evidence, MAX_EVIDENCE))}`,
      );
    }
  }
  return `${lines.join("\n")}\n\n`;
}
