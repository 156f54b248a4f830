import {
  type CertificateSummary,
  type ChainValidation,
  type CheckResult,
  type CheckStatus,
  type ConfigContradiction,
  type ContradictionSide,
  type Correlation,
  type EndpointResult,
  endpointKey,
  type InvalidTarget,
  type KeyType,
  type ScanResult,
} from "../model/index.js";
import { CRITICAL_LABEL, withCriticalLabel } from "./criticalFinding.js";
import { Markup, markup } from "./markup.js";
import { sortEndpoints } from "./order.js";
import { truncate } from "./text.js";

const DAY_MS = 86_400_000;
/** A leaf expiring within this many days is drawn amber. */
const EXPIRY_WARNING_DAYS = 30;
/** Endpoints named in one chain's heading before "and N more". */
const MAX_NAMED_ENDPOINTS = 8;
/** Bars in the expiry timeline, soonest expiry first; a sweep of thousands stays a readable page. */
const MAX_TIMELINE_BARS = 200;
const SUMMARY_ORDER: readonly CheckStatus[] = ["FAIL", "WARN", "ERROR", "PASS", "INFO", "SKIP"];
/** Agreements with a style of their own; anything else is drawn plain. */
const AGREEMENTS: ReadonlySet<string> = new Set([
  "agree",
  "contradiction",
  "wire-only",
  "flags-only",
  "undecided",
]);

const STYLE = `
:root { --fail: #c62828; --warn: #e08600; --pass: #2e7d32; --info: #0277bd; --skip: #8a8a8a; --error: #8e24aa;
  --line: #d8dbe0; --muted: #5f6670; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1d2128; background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); margin: 0 0 14px; }
.meta code { color: #1d2128; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.chip { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--skip); border-radius: 6px;
  padding: 6px 12px; min-width: 92px; }
.chip b { display: block; font-size: 20px; line-height: 1.1; }
.chip span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.chip.s-FAIL { border-left-color: var(--fail); } .chip.s-WARN { border-left-color: var(--warn); }
.chip.s-PASS { border-left-color: var(--pass); } .chip.s-INFO { border-left-color: var(--info); }
.chip.s-ERROR { border-left-color: var(--error); } .chip.neutral { border-left-color: #394150; }
.note { color: var(--muted); font-style: italic; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: middle; }
thead th { background: #eef0f3; font-weight: 600; vertical-align: bottom; }
table.matrix th.check { vertical-align: bottom; padding: 8px 4px; min-width: 44px; }
table.matrix th.check div { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; margin: 0 auto; }
table.matrix th.check small { color: var(--muted); font-weight: 400; }
td.cell { text-align: center; font-weight: 700; font-size: 11px; color: #fff; cursor: help; }
td.cell.s-FAIL { background: var(--fail); } td.cell.s-WARN { background: var(--warn); }
td.cell.critical { outline: 3px solid var(--fail); font-weight: bold; }
td.cell.s-PASS { background: var(--pass); } td.cell.s-INFO { background: var(--info); }
td.cell.s-SKIP { background: #d5d7db; color: #454b54; } td.cell.s-ERROR { background: var(--error); }
td.cell.none { background: #fafafa; color: #b4b8bf; font-weight: 400; cursor: default; }
td.endpoint { white-space: nowrap; }
.badge { display: inline-block; border-radius: 3px; padding: 0 6px; margin: 1px 2px 1px 0; font-size: 11.5px;
  font-weight: 600; background: #e7e9ed; color: #394150; white-space: nowrap; }
.badge.bad { background: #fde3e3; color: var(--fail); } .badge.good { background: #e1f2e3; color: var(--pass); }
table.correlation tr.contradiction td { background: #fff3f3; }
table.correlation tr.contradiction td.agreement { color: var(--fail); }
table.correlation tr.agree td.agreement { color: var(--pass); }
table.correlation td.agreement { font-weight: 700; white-space: nowrap; }
table.correlation small { color: var(--muted); }
ul.evidence { margin: 4px 0 0; padding-left: 18px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.chain { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 10px 0; }
.chain-head { margin-bottom: 8px; }
.chain-boxes { display: flex; flex-wrap: wrap; align-items: stretch; gap: 0; }
.cert { border: 1px solid #b9bfc8; border-radius: 6px; padding: 8px 10px; width: 300px; background: #fbfcfd; }
.cert.leaf { border-color: #5a7bb5; background: #f4f7fc; }
.cert .subject { font-weight: 600; word-break: break-all; }
.cert dl { display: grid; grid-template-columns: 64px 1fr; margin: 6px 0 0; gap: 1px 6px; font-size: 12.5px; }
.cert dt { color: var(--muted); } .cert dd { margin: 0; word-break: break-all; }
.arrow { align-self: center; padding: 0 8px; color: var(--muted); font-size: 12px; text-align: center; }
.arrow b { display: block; font-size: 20px; line-height: 1; }
svg.timeline { background: #fff; border: 1px solid var(--line); max-width: 1100px; width: 100%; height: auto; }
svg.timeline text { font: 12px system-ui, sans-serif; fill: #1d2128; }
svg.timeline text.tick { fill: var(--muted); font-size: 11px; }
svg.timeline .bar-ok { fill: var(--pass); } svg.timeline .bar-soon { fill: var(--warn); }
svg.timeline .bar-expired { fill: var(--fail); }
svg.timeline .now { stroke: #1d2128; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg.timeline .grid { stroke: #eceef1; }
svg.timeline .bar-future { fill: #fff; stroke: var(--error); stroke-width: 1.5; stroke-dasharray: 4 2; }
table.leaves td.state { font-weight: 700; white-space: nowrap; }
table.leaves tr.bar-expired td.state, table.leaves tr.bar-future td.state { color: var(--fail); }
table.leaves tr.bar-soon td.state { color: var(--warn); } table.leaves tr.bar-ok td.state { color: var(--pass); }
.check-detail { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px 10px; margin: 10px 0; }
.check-detail h3 { font-size: 14.5px; margin: 2px 0 6px; }
.check-detail h3 small { color: var(--muted); font-weight: 400; }
table.evidence-table { width: 100%; }
table.evidence-table td.status { font-weight: 700; white-space: nowrap; }
table.evidence-table td.evidence { word-break: break-word; }
td.status.s-FAIL { color: var(--fail); } td.status.s-WARN { color: var(--warn); } td.status.s-PASS { color: var(--pass); }
td.status.s-INFO { color: var(--info); } td.status.s-ERROR { color: var(--error); } td.status.s-SKIP { color: var(--skip); }
p.remediation { margin: 8px 0 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
/* On paper nothing can be hovered: the evidence and remediation are already text in "Findings and evidence". */
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; padding: 0; font-size: 11px; }
  .scroll { overflow: visible; }
  .screen-only { display: none; }
  .check-detail, .chain, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  svg.timeline { max-width: 100%; }
}
`;

function isClosed(endpoint: EndpointResult): boolean {
  return !endpoint.reachable && endpoint.error?.code === "refused";
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function dateOnly(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : new Date(time).toISOString().slice(0, 10);
}

function chip(value: number, label: string, className: string): Markup {
  return markup`<div class="${`chip ${className}`}"><b>${value}</b><span>${label}</span></div>`;
}

function header(result: ScanResult, endpoints: readonly EndpointResult[]): Markup {
  const { summary } = result;
  const closed = endpoints.filter(isClosed).length;
  return markup`<header>
<h1>kubetls report</h1>
<p class="meta">Benchmark <code>${result.benchmark}</code> · ${result.tool.name} ${result.tool.version} · scan ${result.startedAt} → ${result.finishedAt}</p>
<p class="meta">Targets: ${result.targets.expressions.map((expression, i) => markup`${i > 0 && ", "}<code>${expression}</code>`)}</p>
<div class="chips" id="summary">
${chip(summary.endpoints, "endpoints", "neutral")}${chip(summary.reachable, "reachable", "neutral")}${closed > 0 && chip(closed, "closed", "neutral")}
${SUMMARY_ORDER.map((status) => chip(summary.findings[status], status, `s-${status}`))}
</div>
</header>\n`;
}

function invalidTargets(invalid: readonly InvalidTarget[]): Markup | false {
  if (invalid.length === 0) return false;
  return markup`<h2>Invalid targets (${invalid.length})</h2>
<table><thead><tr><th>Input</th><th>Source</th><th>Reason</th></tr></thead><tbody>
${invalid.map((target) => markup`<tr><td><code>${target.input}</code></td><td>${target.source}</td><td>${target.reason}</td></tr>\n`)}</tbody></table>\n`;
}

/** Every check id in the run, in first-seen order (report order of endpoints), with its control ids. */
function checkColumns(
  endpoints: readonly EndpointResult[],
): { id: string; cis: string[]; source: CheckResult["source"] }[] {
  const columns = new Map<string, { cis: Set<string>; source: CheckResult["source"] }>();
  for (const endpoint of endpoints) {
    for (const check of endpoint.checks) {
      const column = columns.get(check.id) ?? { cis: new Set<string>(), source: check.source };
      for (const id of check.cis) column.cis.add(id);
      columns.set(check.id, column);
    }
  }
  return [...columns].map(([id, column]) => ({ id, cis: [...column.cis], source: column.source }));
}

function trustBadges(validation: ChainValidation | null): Markup {
  if (validation === null) return markup`<span class="note">—</span>`;
  if (validation.trusted) return markup`<span class="badge good">trusted</span>`;
  if (validation.errors.length === 0) return markup`<span class="badge bad">untrusted</span>`;
  return markup`${validation.errors.map((code) => markup`<span class="badge bad">${code}</span>`)}`;
}

function statusCell(check: CheckResult | undefined): Markup {
  if (check === undefined) return markup`<td class="cell none">·</td>`;
  const detail = `${check.id}: ${check.status} (source: ${check.source})\n${check.title}\n\n${withCriticalLabel(check, check.evidence)}`;
  const shown = check.critical ? `${check.status} ${CRITICAL_LABEL}` : check.status;
  return markup`<td class="${`cell s-${check.status}${check.critical ? " critical" : ""}`}" title="${detail}">${shown}</td>`;
}

function matrix(endpoints: readonly EndpointResult[]): Markup {
  const listed = endpoints.filter((endpoint) => !isClosed(endpoint));
  const closed = endpoints.length - listed.length;
  const columns = checkColumns(listed);
  const closedNote =
    closed > 0 &&
    markup`<p class="note">${plural(closed, "closed endpoint")} (connection refused) not listed.</p>\n`;
  if (listed.length === 0)
    return markup`<h2>Checks</h2>\n<p class="note">No endpoint answered.</p>\n${closedNote}`;
  const rows = listed.map((endpoint) => {
    const key = endpointKey(endpoint);
    const byId = new Map(endpoint.checks.map((check) => [check.id, check]));
    const tls = endpoint.tls?.version ?? (endpoint.plainHttp ? "plain HTTP" : "—");
    const error =
      endpoint.error !== null &&
      markup` <span class="badge bad" title="${endpoint.error.message}">${endpoint.error.code}</span>`;
    return markup`<tr class="endpoint-row" data-endpoint="${key}"><td class="endpoint"><code>${key}</code>${error}</td><td>${endpoint.role}</td><td>${tls}</td><td>${trustBadges(endpoint.validation)}</td>${columns.map((column) => statusCell(byId.get(column.id)))}</tr>\n`;
  });
  return markup`<h2>Checks</h2>
<p class="note">Every check's evidence and remediation follow under <i>Findings and evidence</i><span class="screen-only">; hover a cell to see its evidence here</span>.</p>
<div class="scroll"><table class="matrix">
<thead><tr><th>Endpoint</th><th>Role</th><th>TLS</th><th>Trust</th>${columns.map(
    (column) =>
      markup`<th class="check" data-check="${column.id}" data-source="${column.source}"><div>${column.id}${column.cis.length > 0 && markup` <small>CIS ${column.cis.join(", ")}</small>`} <small>${column.source}</small></div></th>`,
  )}</tr></thead>
<tbody>
${rows}</tbody></table></div>
${closedNote}`;
}

/** What needs reading first: failures, checks that could not run, doubts, then what was skipped or passed. */
const DETAIL_ORDER: readonly CheckStatus[] = ["FAIL", "ERROR", "WARN", "INFO", "SKIP", "PASS"];

interface CheckGroup {
  first: CheckResult;
  cis: Set<string>;
  rows: { endpoint: string; check: CheckResult }[];
}

/**
 * Every check as text, grouped by check id, worst first: per endpoint its status and evidence, and the
 * remediation once per check whenever one of them is not a PASS. This is what survives print and PDF,
 * where a cell's tooltip cannot be opened.
 */
function findingsSection(endpoints: readonly EndpointResult[]): Markup {
  const listed = endpoints.filter((endpoint) => !isClosed(endpoint));
  const groups = new Map<string, CheckGroup>();
  for (const endpoint of listed) {
    for (const check of endpoint.checks) {
      const group = groups.get(check.id) ?? { first: check, cis: new Set<string>(), rows: [] };
      for (const id of check.cis) group.cis.add(id);
      group.rows.push({ endpoint: endpointKey(endpoint), check });
      groups.set(check.id, group);
    }
  }
  const heading = markup`<h2 id="findings">Findings and evidence</h2>
`;
  if (groups.size === 0)
    return markup`${heading}<p class="note">No check ran.</p>
`;
  const rank = (status: CheckStatus) => DETAIL_ORDER.indexOf(status);
  const worst = (group: CheckGroup) => Math.min(...group.rows.map(({ check }) => rank(check.status)));
  const ordered = [...groups.values()].sort((a, b) => worst(a) - worst(b));
  return markup`${heading}${ordered.map((group) => {
    const rows = [...group.rows].sort((a, b) => rank(a.check.status) - rank(b.check.status));
    const remediation = group.rows.find(({ check }) => check.status !== "PASS" && check.remediation !== "")
      ?.check.remediation;
    return markup`<div class="check-detail" data-check="${group.first.id}">
<h3><code>${group.first.id}</code> ${group.first.title}${group.cis.size > 0 && markup` <small>CIS ${[...group.cis].join(", ")}</small>`} <small>${group.first.source}</small></h3>
<table class="evidence-table"><thead><tr><th>Endpoint</th><th>Status</th><th>Evidence</th></tr></thead><tbody>
${rows.map(
  ({
    endpoint,
    check,
  }) => markup`<tr><td class="endpoint"><code>${endpoint}</code></td><td class="${`status s-${check.status}`}">${check.status}</td><td class="evidence">${check.evidence === "" ? "—" : withCriticalLabel(check, check.evidence)}</td></tr>
`,
)}</tbody></table>
${
  remediation !== undefined &&
  markup`<p class="remediation"><b>Remediation:</b> ${remediation}</p>
`
}</div>
`;
  })}`;
}

const MAX_WIRE_EVIDENCE = 5;

function wireEvidence(evidence: readonly string[] | undefined): Markup | false {
  if (evidence === undefined || evidence.length === 0) return false;
  const shown = evidence.slice(0, MAX_WIRE_EVIDENCE);
  const more = evidence.length - shown.length;
  return markup`<ul class="evidence">${shown.map((line) => markup`<li>${line}</li>`)}${more > 0 && markup`<li class="note">and ${more} more</li>`}</ul>`;
}

function configContradictionSection(
  contradictions: readonly ConfigContradiction[] | undefined,
): Markup | false {
  if (contradictions === undefined || contradictions.length === 0) return false;
  const sideItem = (source: string, side: ContradictionSide) =>
    markup`<li><b>${source}</b> <code>${side.endpoint}</code> ${side.check} <b>${side.status}</b>: ${side.evidence}</li>`;
  return markup`<h2 id="config-contradictions">Config vs wire</h2>
<p class="meta">${plural(contradictions.length, "contradiction")} between what a component's live configuration says (<code>source: config</code>) and what the wire shows (<code>source: wire</code>).</p>
<table class="correlation"><thead><tr><th>Control</th><th>Host</th><th>Config</th><th>Wire</th><th>Explanation</th></tr></thead><tbody>
${contradictions.map(
  (contradiction) =>
    markup`<tr class="control contradiction"><td><code>${contradiction.control}</code><br><small>${contradiction.title}</small></td><td><code>${contradiction.host}</code></td><td>${contradiction.config.status}</td><td class="agreement">${contradiction.wire[0]?.status ?? "—"}</td><td>${contradiction.explanation}<ul class="evidence">${sideItem("config", contradiction.config)}${contradiction.wire.map((side) => sideItem("wire", side))}</ul></td></tr>\n`,
)}</tbody></table>\n`;
}

function correlationSection(correlation: Correlation | undefined): Markup {
  const heading = markup`<h2 id="contradictions">Flags vs wire</h2>\n`;
  if (correlation === undefined) {
    return markup`${heading}<p class="note">No kube-bench result was given to compare the wire with.</p>\n`;
  }
  const contradictions = correlation.controls.filter(
    (control) => control.agreement === "contradiction",
  ).length;
  // Rows keep the correlation's order: it already puts contradictions first.
  return markup`${heading}<p class="meta">Benchmark <code>${correlation.benchmark}</code>: ${plural(contradictions, "contradiction")} between what the flags say and what the wire shows.</p>
<table class="correlation"><thead><tr><th>Control</th><th>Flags</th><th>Wire</th><th>Agreement</th><th>Explanation</th></tr></thead><tbody>
${correlation.controls.map(
  (control) =>
    markup`<tr class="${`control ${AGREEMENTS.has(control.agreement) ? control.agreement : "other"}`}"><td><code>${control.control}</code>${control.title !== undefined && markup`<br><small>${control.title}</small>`}</td><td>${control.flagVerdict ?? "—"}</td><td>${control.wireVerdict ?? "—"}</td><td class="agreement">${control.agreement}</td><td>${control.explanation}${wireEvidence(control.wireEvidence)}</td></tr>\n`,
)}</tbody></table>\n`;
}

const KEY_TYPE_NAMES: Record<KeyType, string> = {
  rsa: "RSA",
  "rsa-pss": "RSA-PSS",
  ec: "EC",
  ed25519: "Ed25519",
  ed448: "Ed448",
  dsa: "DSA",
  unknown: "unknown",
};

function keyDescription(cert: CertificateSummary): string {
  const size = cert.keyBits === null ? "" : ` ${cert.keyBits}`;
  const key = `${KEY_TYPE_NAMES[cert.keyType]}${size}`;
  return cert.curve === null ? key : `${key} (${cert.curve})`;
}

function fingerprintPrefix(sha256: string): string {
  return `${(sha256.slice(0, 16).match(/../g) ?? []).join(":")}…`;
}

function validityBadges(cert: CertificateSummary, scanTime: number): Markup {
  const notBefore = Date.parse(cert.notBefore);
  const notAfter = Date.parse(cert.notAfter);
  return markup`${cert.isCa && markup`<span class="badge">CA</span>`}${cert.selfIssued && markup`<span class="badge">self-issued</span>`}${
    notAfter < scanTime && markup`<span class="badge bad">expired</span>`
  }${notBefore > scanTime && markup`<span class="badge bad">not yet valid</span>`}`;
}

function certBox(cert: CertificateSummary, position: number, scanTime: number): Markup {
  return markup`<div class="${position === 0 ? "cert leaf" : "cert"}">
<div class="subject">${cert.subject}</div>
<div>${position === 0 && markup`<span class="badge">leaf</span>`}${validityBadges(cert, scanTime)}</div>
<dl><dt>issuer</dt><dd>${cert.issuer}</dd><dt>key</dt><dd>${keyDescription(cert)}</dd><dt>valid</dt><dd>${dateOnly(cert.notBefore)} → ${dateOnly(cert.notAfter)}</dd><dt>sha256</dt><dd class="mono">${fingerprintPrefix(cert.sha256)}</dd>${
    cert.sans.dns.length + cert.sans.ip.length > 0 &&
    markup`<dt>SANs</dt><dd>${truncate([...cert.sans.dns, ...cert.sans.ip].join(", "), 160)}</dd>`
  }</dl>
</div>`;
}

interface ChainGroup {
  chain: CertificateSummary[];
  validation: ChainValidation | null;
  endpoints: EndpointResult[];
}

/** Endpoints serving the same chain with the same verdict share one drawing: a sweep of kubelets is a few chains. */
function chainGroups(endpoints: readonly EndpointResult[]): ChainGroup[] {
  const groups = new Map<string, ChainGroup>();
  for (const endpoint of endpoints) {
    if (endpoint.chain.length === 0) continue;
    const key = `${endpoint.chain.map((cert) => cert.sha256).join(",")}|${endpoint.validation?.trusted}|${endpoint.validation?.errors.join(",")}`;
    const group = groups.get(key) ?? {
      chain: endpoint.chain,
      validation: endpoint.validation,
      endpoints: [],
    };
    group.endpoints.push(endpoint);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function chainsSection(endpoints: readonly EndpointResult[], scanTime: number): Markup {
  const groups = chainGroups(endpoints);
  if (groups.length === 0)
    return markup`<h2>Certificate chains</h2>\n<p class="note">No certificate was served.</p>\n`;
  return markup`<h2>Certificate chains</h2>
<p class="note">As served, leaf first, each certificate followed by the one the server sent next.</p>
${groups.map((group) => {
  const names = group.endpoints.slice(0, MAX_NAMED_ENDPOINTS).map((endpoint) => endpointKey(endpoint));
  const more = group.endpoints.length - names.length;
  return markup`<div class="chain">
<div class="chain-head">${names.map((name, i) => markup`${i > 0 && ", "}<code>${name}</code>`)}${more > 0 && ` and ${more} more`} ${trustBadges(group.validation)}</div>
<div class="chain-boxes">${group.chain.map(
    (cert, i) =>
      markup`${i > 0 && markup`<div class="arrow"><b>→</b>sent next</div>`}${certBox(cert, i, scanTime)}`,
  )}</div>
</div>\n`;
})}`;
}

/** How a leaf stood at scan time; a leaf not valid yet is never drawn as a healthy bar. */
type LeafState = "bar-expired" | "bar-future" | "bar-soon" | "bar-ok";

interface Bar {
  label: string;
  endpoints: string[];
  /** NaN when the certificate's notBefore could not be read. */
  notBefore: number;
  notAfter: number;
  days: number;
  /** Some endpoint serving this leaf has tls.cert-expiry WARN: within the scan's --expiry-warn-days. */
  warned: boolean;
  /** Some endpoint serving it has tls.cert-expiry PASS: beyond the scan's threshold. */
  cleared: boolean;
}

function timelineBars(endpoints: readonly EndpointResult[], scanTime: number): Bar[] {
  const bars = new Map<string, Bar>();
  for (const endpoint of endpoints) {
    const leaf = endpoint.chain[0];
    if (leaf === undefined) continue;
    const notAfter = Date.parse(leaf.notAfter);
    if (Number.isNaN(notAfter)) continue;
    const bar = bars.get(leaf.sha256) ?? {
      label: leaf.subject,
      endpoints: [],
      notBefore: Date.parse(leaf.notBefore),
      notAfter,
      days: Math.floor((notAfter - scanTime) / DAY_MS),
      warned: false,
      cleared: false,
    };
    bar.endpoints.push(endpointKey(endpoint));
    const expiry = endpoint.checks.find((check) => check.id === "tls.cert-expiry")?.status;
    if (expiry === "WARN") bar.warned = true;
    if (expiry === "PASS") bar.cleared = true;
    bars.set(leaf.sha256, bar);
  }
  return [...bars.values()].sort((a, b) => a.notAfter - b.notAfter);
}

/** The scan's own verdict decides "expiring" when it judged the leaf; else the page's 30 days. */
function leafState(bar: Bar, scanTime: number): LeafState {
  if (bar.days < 0 || bar.notAfter < scanTime) return "bar-expired";
  if (bar.notBefore > scanTime) return "bar-future";
  if (bar.warned) return "bar-soon";
  if (bar.cleared) return "bar-ok";
  return bar.days < EXPIRY_WARNING_DAYS ? "bar-soon" : "bar-ok";
}

function leafStateWords(bar: Bar, state: LeafState): string {
  switch (state) {
    case "bar-expired":
      return `expired ${Math.max(-bar.days, 0)} days before the scan`;
    case "bar-future":
      return `not valid until ${dateOnly(new Date(bar.notBefore).toISOString())}`;
    case "bar-soon":
      return `expires in ${bar.days} days (soon)`;
    case "bar-ok":
      return `expires in ${bar.days} days`;
  }
}

/** An inline SVG: one bar per distinct leaf from scan time to its notAfter (back to it, red, once expired). */
function timeline(endpoints: readonly EndpointResult[], scanTime: number): Markup {
  const heading = markup`<h2>Leaf certificate expiry</h2>\n`;
  if (Number.isNaN(scanTime))
    return markup`${heading}<p class="note">The scan time is unknown: nothing to measure expiry from.</p>\n`;
  const all = timelineBars(endpoints, scanTime);
  if (all.length === 0) return markup`${heading}<p class="note">No leaf certificate to draw.</p>\n`;
  const bars = all.slice(0, MAX_TIMELINE_BARS);
  const width = 1100;
  const labelWidth = 330;
  // Room on the right for the last tick label and the day count after the longest bar.
  const right = width - 70;
  const rowHeight = 24;
  const top = 34;
  const height = top + bars.length * rowHeight + 16;
  const start = Math.min(scanTime, ...bars.map((bar) => bar.notAfter));
  const end = Math.max(scanTime + EXPIRY_WARNING_DAYS * DAY_MS, ...bars.map((bar) => bar.notAfter));
  const span = Math.max(end - start, DAY_MS);
  const x = (time: number) => labelWidth + ((time - start) / span) * (right - labelWidth);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => start + fraction * span);
  const states = bars.map((bar) => leafState(bar, scanTime));
  const rows = bars.map((bar, i) => {
    const y = top + i * rowHeight;
    const className = states[i] ?? "bar-ok";
    // A leaf not valid yet is drawn over its own validity, outlined: it is not good now, whatever its end.
    const startsAt = className === "bar-future" ? bar.notBefore : scanTime;
    const from = Math.min(x(startsAt), x(bar.notAfter));
    const barWidth = Math.max(2, Math.abs(x(bar.notAfter) - x(startsAt)));
    const when = leafStateWords(bar, className);
    const servedBy =
      bar.endpoints.length === 1 ? bar.endpoints[0] : `${bar.endpoints[0]} +${bar.endpoints.length - 1}`;
    const tick = className === "bar-future" ? "not yet valid" : `${bar.days}d`;
    return markup`<g class="${`leaf ${className}`}"><text x="8" y="${y + 16}">${truncate(bar.label, 30)} · ${servedBy ?? ""}</text><rect class="${`bar ${className}`}" x="${from.toFixed(1)}" y="${y + 5}" width="${barWidth.toFixed(1)}" height="${rowHeight - 10}" rx="2"><title>${`${bar.label}\n${bar.endpoints.join(", ")}\nnotAfter ${new Date(bar.notAfter).toISOString()} (${when})`}</title></rect><text class="tick" x="${(Math.max(x(scanTime), x(bar.notAfter)) + 4).toFixed(1)}" y="${y + 16}">${tick}</text></g>\n`;
  });
  const omitted = all.length - bars.length;
  const leafTable = markup`<table class="leaves"><thead><tr><th>Leaf</th><th>Served by</th><th>Valid</th><th>At scan time</th></tr></thead><tbody>
${bars.map((bar, i) => markup`<tr class="${states[i] ?? "bar-ok"}"><td>${bar.label}</td><td>${bar.endpoints.map((endpoint, j) => markup`${j > 0 && ", "}<code>${endpoint}</code>`)}</td><td>${Number.isNaN(bar.notBefore) ? "?" : dateOnly(new Date(bar.notBefore).toISOString())} → ${dateOnly(new Date(bar.notAfter).toISOString())}</td><td class="state">${leafStateWords(bar, states[i] ?? "bar-ok")}</td></tr>\n`)}</tbody></table>\n`;
  return markup`${heading}<p class="note">From scan time (dashed line) to each leaf's notAfter: red expired, amber expiring (the scan's tls.cert-expiry WARN, else under ${EXPIRY_WARNING_DAYS} days), outlined not valid yet (drawn over its validity).</p>
<svg class="timeline" viewBox="${`0 0 ${width} ${height}`}" width="${width}" height="${height}" role="img" aria-label="Leaf certificate expiry timeline">
${ticks.map((time) => {
  const tx = x(time).toFixed(1);
  return markup`<line class="grid" x1="${tx}" x2="${tx}" y1="${top - 6}" y2="${height - 8}"/><text class="tick" x="${tx}" y="18" text-anchor="middle">${new Date(time).toISOString().slice(0, 10)}</text>\n`;
})}${rows}<line class="now" x1="${x(scanTime).toFixed(1)}" x2="${x(scanTime).toFixed(1)}" y1="${top - 8}" y2="${height - 8}"/>
</svg>
${leafTable}${omitted > 0 && markup`<p class="note">${plural(omitted, "more leaf")} expiring later not drawn.</p>\n`}`;
}

/**
 * The run as one self-contained, printable HTML page: summary counts, an endpoint × check matrix, the
 * flags-vs-wire correlation when given, every check's evidence and remediation as text, every served chain
 * drawn leaf first, and an inline-SVG expiry timeline with the same facts in a table. No script, no external resource, and a Content-Security-Policy that
 * forbids both, so a string from the network can neither run nor fetch even if it got through the
 * escaping that `markup` applies to every interpolated string.
 */
export function formatHtml(result: ScanResult): string {
  const endpoints = sortEndpoints(result.endpoints);
  const finished = Date.parse(result.finishedAt);
  const scanTime = Number.isNaN(finished) ? Date.parse(result.startedAt) : finished;
  const page = markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kubetls report · ${result.benchmark} · ${result.finishedAt}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
${header(result, endpoints)}${invalidTargets(result.targets.invalid)}${matrix(endpoints)}${correlationSection(result.correlation)}${configContradictionSection(result.configContradictions)}${findingsSection(endpoints)}${chainsSection(endpoints, scanTime)}${timeline(endpoints, scanTime)}<footer>Written by ${result.tool.name} ${result.tool.version} from the scan that finished ${result.finishedAt}.</footer>
</body>
</html>\n`;
  return page.text;
}
