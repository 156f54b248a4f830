import {
  type CheckResult,
  type CheckStatus,
  type EndpointResult,
  endpointKey,
  type InvalidTarget,
  type ScanResult,
  type ScanSummary,
  type UnopenedGroup,
} from "../model/index.js";
import { paint, type Style } from "./color.js";
import { formatConfigContradictionTable } from "./configContradictionTable.js";
import { formatCorrelationTable } from "./correlationTable.js";
import { withCriticalLabel } from "./criticalFinding.js";
import { sortEndpoints } from "./order.js";
import { endpointMatrixLines } from "./table.js";
import { displayWidth, printable, wrapWords } from "./text.js";

export interface TerminalOptions {
  color: boolean;
  /** Columns to fit; every line is at most this wide (a word wider than a whole line is split). */
  width: number;
  /** List never-connected endpoints one by one instead of summarising them. */
  showClosed: boolean;
  /** Add the per-endpoint matrix and every check's evidence and remediation. */
  verbose: boolean;
}

const STATUS_STYLE: Record<CheckStatus, Style> = {
  FAIL: "red",
  ERROR: "magenta",
  WARN: "yellow",
  INFO: "cyan",
  SKIP: "dim",
  PASS: "green",
};
/** What needs action first: a failure, then a check that could not run, then doubts. */
const LEAD_ORDER: readonly CheckStatus[] = ["FAIL", "ERROR", "WARN", "INFO"];
/** The summary line's order, as it always was. */
const SUMMARY_ORDER: readonly CheckStatus[] = ["FAIL", "WARN", "PASS", "INFO", "SKIP", "ERROR"];
const GAP = "  ";
const STATUS_WIDTH = 5;
/** Below this many columns for the text, it starts on its own line instead of beside the endpoint. */
const MIN_TEXT_WIDTH = 32;
const HANGING_INDENT = "    ";

interface Finding {
  status: CheckStatus;
  cis: string;
  /** One endpoint's `host:port`, or `N endpoints` for a grouped SKIP. */
  where: string;
  text: string;
}

function cisOf(check: CheckResult): string {
  return check.cis.length > 0 ? check.cis.join(",") : "—";
}

function findingText(check: CheckResult): string {
  return printable(
    withCriticalLabel(check, check.evidence === "" ? check.title : `${check.title}: ${check.evidence}`),
  );
}

function paintIf(color: boolean, text: string, style: Style | undefined): string {
  return color && style !== undefined ? paint(text, style) : text;
}

function statusRank(status: CheckStatus): number {
  const rank = LEAD_ORDER.indexOf(status);
  return rank === -1 ? LEAD_ORDER.length : rank;
}

/** Every FAIL, ERROR, WARN and INFO of an endpoint kubetls talked to: one finding each. */
function leadingFindings(endpoints: readonly EndpointResult[]): Finding[] {
  const findings = endpoints.flatMap((endpoint, order) =>
    endpoint.checks
      .filter((check) => LEAD_ORDER.includes(check.status))
      .map((check) => ({
        order,
        critical: check.critical === true,
        finding: {
          status: check.status,
          cis: cisOf(check),
          where: printable(endpointKey(endpoint)),
          text: findingText(check),
        },
      })),
  );
  // Critical findings lead: they are the ones to act on first.
  findings.sort(
    (a, b) =>
      Number(b.critical) - Number(a.critical) ||
      statusRank(a.finding.status) - statusRank(b.finding.status) ||
      a.order - b.order,
  );
  return findings.map(({ finding }) => finding);
}

/** SKIPs say what was not tested and why; the same check skipped for the same reason is one line. */
function skipFindings(endpoints: readonly EndpointResult[]): Finding[] {
  const groups = new Map<string, { check: CheckResult; where: string[] }>();
  for (const endpoint of endpoints) {
    for (const check of endpoint.checks.filter((candidate) => candidate.status === "SKIP")) {
      const key = `${check.id}\u0000${check.evidence}`;
      const group = groups.get(key) ?? { check, where: [] };
      group.where.push(printable(endpointKey(endpoint)));
      groups.set(key, group);
    }
  }
  return [...groups.values()].map(({ check, where }) => ({
    status: "SKIP",
    cis: cisOf(check),
    where: where.length === 1 ? (where[0] ?? "") : `${where.length} endpoints`,
    text: findingText(check),
  }));
}

function findingLines(findings: readonly Finding[], options: TerminalOptions): string[] {
  if (findings.length === 0) return [];
  const cisWidth = Math.max(3, ...findings.map((finding) => displayWidth(finding.cis)));
  const whereWidth = Math.max(8, ...findings.map((finding) => displayWidth(finding.where)));
  const textColumn = STATUS_WIDTH + GAP.length + cisWidth + GAP.length + whereWidth + GAP.length;
  const besideWidth = options.width - textColumn;
  const header = [
    "STATUS".padEnd(STATUS_WIDTH),
    "CIS".padEnd(cisWidth),
    "ENDPOINT".padEnd(whereWidth),
    "CHECK",
  ]
    .join(GAP)
    .trimEnd();
  // STATUS is six letters: the header's first gap shrinks by one so the columns line up with the rows.
  const lines = [paintIf(options.color, header.replace("STATUS  ", "STATUS "), "bold")];
  for (const finding of findings) {
    const status = paintIf(options.color, finding.status.padEnd(STATUS_WIDTH), STATUS_STYLE[finding.status]);
    const lead = `${status}${GAP}${finding.cis.padEnd(cisWidth)}${GAP}${finding.where.padEnd(whereWidth)}${GAP}`;
    if (besideWidth >= MIN_TEXT_WIDTH) {
      const [first = "", ...rest] = wrapWords(finding.text, besideWidth);
      lines.push(`${lead}${first}`);
      for (const line of rest) lines.push(`${" ".repeat(textColumn)}${line}`);
    } else {
      lines.push(lead.trimEnd());
      for (const line of wrapWords(finding.text, options.width - HANGING_INDENT.length)) {
        lines.push(`${HANGING_INDENT}${line}`);
      }
    }
  }
  return lines;
}

/**
 * The endpoints that never opened, counted per error and port (`64 closed (refused) on :10250`): most of a
 * sweep, and nothing about them needs reading one by one. Judged never-connected records count too.
 */
function neverConnectedLines(
  endpoints: readonly EndpointResult[],
  unopened: readonly UnopenedGroup[],
  options: TerminalOptions,
): string[] {
  const groups = new Map<string, { code: string; port: number; count: number }>();
  const add = (code: string, port: number, count: number) => {
    const key = `${code}:${port}`;
    const group = groups.get(key) ?? { code, port, count: 0 };
    group.count += count;
    groups.set(key, group);
  };
  for (const endpoint of endpoints) add(endpoint.error?.code ?? "unreachable", endpoint.port, 1);
  for (const group of unopened) add(group.code, group.port, group.count);
  if (groups.size === 0) return [];
  const total = [...groups.values()].reduce((sum, group) => sum + group.count, 0);
  const parts = [...groups.values()].map(
    (group) => `${group.count} ${describeNeverConnected(group.code)} on :${group.port}`,
  );
  return wrapWords(
    `${total} endpoint${total === 1 ? "" : "s"} never connected, not listed (--show-closed lists them): ${parts.join("; ")}.`,
    options.width,
  );
}

function describeNeverConnected(code: string): string {
  switch (code) {
    case "refused":
      return "closed (refused)";
    case "timeout":
      return "filtered (timeout)";
    case "unreachable":
      return "filtered (unreachable)";
    default:
      return code;
  }
}

function invalidTargetLines(invalid: readonly InvalidTarget[], width: number): string[] {
  if (invalid.length === 0) return [];
  return [
    `Invalid targets (${invalid.length}):`,
    ...invalid.flatMap((target) =>
      wrapWords(
        `"${printable(target.input)}" (${printable(target.source)}): ${printable(target.reason)}`,
        width - 2,
      ).map((line, i) => (i === 0 ? `  ${line}` : `    ${line}`)),
    ),
  ];
}

function summaryLine(summary: ScanSummary, color: boolean): string {
  const plural = summary.endpoints === 1 ? "" : "s";
  const counts = SUMMARY_ORDER.map(
    (status) => `${paintIf(color, status, STATUS_STYLE[status])} ${summary.findings[status]}`,
  );
  return `${summary.endpoints} endpoint${plural}, ${summary.reachable} reachable — ${counts.join(", ")}`;
}

/** -v: every check of every listed endpoint with its full evidence and remediation. */
function detailLines(endpoints: readonly EndpointResult[], width: number, color: boolean): string[] {
  const lines: string[] = [];
  const indented = (text: string, indent: string) =>
    wrapWords(text, width - indent.length).map((line) => `${indent}${line}`);
  for (const endpoint of endpoints) {
    if (endpoint.checks.length === 0) continue;
    lines.push("", paintIf(color, `${printable(endpointKey(endpoint))} (${endpoint.role})`, "bold"));
    for (const check of endpoint.checks) {
      const status = paintIf(color, check.status, STATUS_STYLE[check.status]);
      lines.push(
        ...indented(
          `${check.status} ${cisOf(check)} ${check.id}: ${withCriticalLabel(check, check.title)}`,
          "  ",
        ).map((line, i) => (i === 0 ? line.replace(check.status, status) : line)),
      );
      if (check.evidence !== "") lines.push(...indented(`evidence: ${printable(check.evidence)}`, "      "));
      if (check.status !== "PASS" && check.remediation !== "") {
        lines.push(...indented(`remediation: ${printable(check.remediation)}`, "      "));
      }
    }
  }
  return lines;
}

/** Where a control's own line continues: under its explanation, which the section indents this far. */
const SECTION_TEXT_INDENT = "           ";

/**
 * A section written for wide output, fitted to `width`: each line wrapped with its spacing kept, continuing
 * under its own text (a control line under the explanation column, a `·` item under its words).
 */
function fitSection(text: string, width: number): string[] {
  return text
    .trimEnd()
    .split("\n")
    .flatMap((line) => {
      const indent = /^\s*/.exec(line)?.[0] ?? "";
      const rest = line.slice(indent.length);
      const continuation = rest.startsWith("· ")
        ? `${indent}  `
        : indent.length > 0 && indent.length < SECTION_TEXT_INDENT.length
          ? SECTION_TEXT_INDENT
          : indent;
      const [first = "", ...more] = wrapKeepingSpaces(
        rest,
        width - indent.length,
        width - continuation.length,
      );
      return [indent + first, ...more.map((wrapped) => continuation + wrapped)];
    });
}

/** Like wrapWords, but the spacing between words on a line stays as written (columns aligned by padding). */
function wrapKeepingSpaces(text: string, firstWidth: number, restWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  let gap = "";
  const room = () => Math.max(lines.length === 0 ? firstWidth : restWidth, 1);
  for (const [, word, space] of text.matchAll(/(\S+)(\s*)/g)) {
    if (word === undefined) continue;
    if (line !== "" && displayWidth(line + gap + word) > room()) {
      lines.push(line);
      line = "";
    }
    if (line === "" && displayWidth(word) > room()) {
      const pieces = wrapWords(word, room());
      lines.push(...pieces.slice(0, -1));
      line = pieces.at(-1) ?? "";
    } else line = line === "" ? word : line + gap + word;
    gap = space ?? "";
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * The run for people, in what-to-act-on order: the kube-bench contradictions, config-vs-wire contradictions, then every FAIL, ERROR,
 * WARN and INFO, one line each with its CIS id, endpoint, title and reason, then what was skipped and why,
 * then a count of the endpoints that never connected, and the totals. With -v, the per-endpoint matrix
 * and every check's evidence and remediation follow. Every line fits `width`.
 */
export function formatTerminalReport(result: ScanResult, options: TerminalOptions): string {
  const sorted = sortEndpoints(result.endpoints);
  const connected = sorted.filter((endpoint) => endpoint.reachable);
  const neverConnected = sorted.filter((endpoint) => !endpoint.reachable);
  const listed = options.showClosed ? sorted : connected;
  const sections: string[][] = [];
  if (result.correlation)
    sections.push(fitSection(formatCorrelationTable(result.correlation), options.width));
  const contradictions = formatConfigContradictionTable(result.configContradictions);
  if (contradictions !== "") sections.push(fitSection(contradictions, options.width));
  const findings = [...leadingFindings(listed), ...skipFindings(listed)];
  if (findings.length > 0) sections.push(findingLines(findings, options));
  else if (result.endpoints.length === 0) sections.push(["No endpoints scanned."]);
  else if (listed.length > 0) sections.push(["Every check passed."]);
  if (options.verbose && listed.length > 0) {
    sections.push(
      endpointMatrixLines(listed, { color: options.color, width: options.width, withChecks: false }),
    );
    sections.push(detailLines(listed, options.width, options.color).slice(1));
  }
  if (!options.showClosed) {
    const closed = neverConnectedLines(neverConnected, result.unopened ?? [], options);
    if (closed.length > 0) sections.push(closed);
  }
  const invalid = invalidTargetLines(result.targets.invalid, options.width);
  if (invalid.length > 0) sections.push(invalid);
  const hint =
    !options.verbose && connected.length > 0
      ? [
          "-v adds the per-endpoint matrix with evidence and remediation; --output-html FILE a printable page.",
        ]
      : [];
  sections.push([...wrapWords(hint.join(""), options.width), summaryLine(result.summary, options.color)]);
  return `${sections.map((section) => section.join("\n")).join("\n\n")}\n`;
}
