import {
  type CertificateSummary,
  type CheckStatus,
  type EndpointResult,
  endpointKey,
  type InvalidTarget,
  type NetError,
  type ScanResult,
  type ScanSummary,
} from "../model/index.js";
import { paint, type Style } from "./color.js";
import { withCriticalLabel } from "./criticalFinding.js";
import { sortEndpoints } from "./order.js";
import { displayWidth, printable, truncate } from "./text.js";

export interface TableOptions {
  color: boolean;
  /**
   * List endpoints whose connection was refused. Off by default: a sweep is mostly closed ports, and
   * the summary line still counts them.
   */
  showClosed?: boolean;
  /** Terminal columns to fit; the CHECKS column wraps into what the other columns leave. Default 120. */
  width?: number;
}

/** Key order is the summary's display order: what needs action first. */
const STATUS_STYLE: Record<CheckStatus, Style> = {
  FAIL: "red",
  WARN: "yellow",
  PASS: "green",
  INFO: "cyan",
  SKIP: "dim",
  ERROR: "magenta",
};
const SUMMARY_ORDER = Object.keys(STATUS_STYLE) as CheckStatus[];

const DEFAULT_WIDTH = 120;
const GAP = "  ";
const MIN_CHECKS_WIDTH = 24;
/** CHECKS is never narrower than its widest check (up to this): a check id is what people act on. */
const MAX_CHECK_TOKEN_WIDTH = 40;
const MAX_MESSAGE_LENGTH = 200;
/** How much of a failing check's evidence the table shows under it. */
const MAX_EVIDENCE_LENGTH = 160;
const NONE = "—";

/**
 * A cell is paragraphs (each starts a new line) of tokens (never split, wrapped between) of spans
 * (styled runs). A token too wide for its column shortens its `shrink` span (the first by default),
 * so `very-long-na…:10250` keeps its port and `kubelet-anonym… FAIL` keeps its status.
 */
interface Span {
  text: string;
  style?: Style;
  shrink?: true;
}
type Token = Span[];
interface Paragraph {
  tokens: Token[];
  separator: string;
}
type Cell = Paragraph[];
type Line = Span[];

interface Column {
  header: string;
  /** Widest the column grows; the last column instead takes whatever width is left. */
  cap: number;
  /** How narrow it may be squeezed on a narrow terminal; absent: never squeezed. */
  squeezeTo?: number;
  cell: (endpoint: EndpointResult) => Cell;
}

function word(text: string, style?: Style): Token {
  return [style === undefined ? { text } : { text, style }];
}

function single(token: Token): Cell {
  return [{ tokens: [token], separator: "" }];
}

const missing = (): Cell => single(word(NONE, "dim"));

function endpointCell(endpoint: EndpointResult): Cell {
  const key = endpointKey(endpoint);
  const port = `:${endpoint.port}`;
  return single([{ text: printable(key.slice(0, -port.length)), shrink: true }, { text: port }]);
}

/** The negotiated version, then every version the raw scan saw accepted (short: "1.0 1.2 1.3"). */
function tlsCell(endpoint: EndpointResult): Cell {
  if (endpoint.tls === null) return endpoint.plainHttp ? single(word("plain-http")) : missing();
  const cell: Cell = single(word(printable(endpoint.tls.version)));
  const versions = endpoint.tls.versions ?? [];
  if (versions.length > 0) {
    // Each accepted version with the number of suites the raw scan saw it accept (quick mode: at
    // TLS <= 1.2 only the suites outside the CIS lists, plus the one the version probe got).
    const tokens = versions.map((version): Token => {
      const suites = endpoint.tls?.cipherSuites?.[version]?.length;
      const short = printable(`${version.replace(/^TLSv/, "")}${suites === undefined ? "" : `(${suites})`}`);
      return word(short, /^(SSLv3|TLSv1|TLSv1\.1)$/.test(version) ? "red" : "dim");
    });
    cell.push({ tokens, separator: " " });
  }
  return cell;
}

/** What the CertificateRequest advertised: the client CAs by CN, or that none is requested. */
function clientCaParagraph(endpoint: EndpointResult): Paragraph | null {
  const request = endpoint.tls?.clientCertRequest;
  if (request === undefined || request === null) return null;
  if (!request.sent) return { tokens: [word("no client CA", "yellow")], separator: " " };
  const names = request.caNames.map(
    (name): Token => [{ text: printable(commonName(name) ?? name), shrink: true }],
  );
  return { tokens: [word("client CA:", "dim"), ...names], separator: " " };
}

/** The CN from an RFC 4514-ish `CN=a, O=b` name, honouring backslash escapes. */
function commonName(name: string): string | null {
  let attribute = "";
  let escaped = false;
  for (const ch of `${name},`) {
    if (escaped) {
      attribute += ch;
      escaped = false;
    } else if (ch === "\\") {
      escaped = true;
    } else if (ch === ",") {
      const [type = "", ...value] = attribute.split("=");
      if (type.trim().toUpperCase() === "CN") return value.join("=").trim();
      attribute = "";
    } else {
      attribute += ch;
    }
  }
  return null;
}

function leafName(leaf: CertificateSummary): string {
  return commonName(leaf.subject) || leaf.sans.dns[0] || leaf.sans.ip[0] || "(no name)";
}

function certCell(endpoint: EndpointResult): Cell {
  const leaf = endpoint.chain[0];
  if (leaf === undefined) return missing();
  const name: Span = { text: printable(leafName(leaf)), shrink: true };
  const days = endpoint.validation?.expiresInDays ?? null;
  if (days === null) return single([name]);
  const expiry: Span = { text: ` (${days}d)` };
  if (days < 0) expiry.style = "red";
  else if (days <= 30) expiry.style = "yellow";
  return single([name, expiry]);
}

function trustCell(endpoint: EndpointResult): Cell {
  const clientCa = clientCaParagraph(endpoint);
  const withClientCa = (cell: Cell): Cell => (clientCa === null ? cell : [...cell, clientCa]);
  const validation = endpoint.validation;
  if (validation === null) return clientCa === null ? missing() : [clientCa];
  if (validation.trusted) return withClientCa(single(word("trusted", "green")));
  if (validation.errors.length === 0) return withClientCa(single(word("untrusted", "red")));
  const last = validation.errors.length - 1;
  const tokens = validation.errors.map(
    (code, i): Token => [{ text: code, style: "red" }, ...(i < last ? [{ text: "," }] : [])],
  );
  return withClientCa([{ tokens, separator: " " }]);
}

function errorParagraph(error: NetError): Paragraph {
  const words = truncate(error.message, MAX_MESSAGE_LENGTH)
    .split(/\s+/)
    .filter((text) => text !== "")
    .map((text): Token => [{ text: printable(text), shrink: true }]);
  return { tokens: [word(`${error.code}:`, "magenta"), ...words], separator: " " };
}

function checksCell(endpoint: EndpointResult): Cell {
  const cell: Cell = [];
  if (endpoint.error !== null) cell.push(errorParagraph(endpoint.error));
  if (endpoint.checks.length > 0) {
    const tokens = endpoint.checks.map(
      (check): Token => [
        { text: printable(check.id), shrink: true },
        { text: " " },
        { text: check.status, style: STATUS_STYLE[check.status] },
      ],
    );
    cell.push({ tokens, separator: "  " });
  }
  // A FAIL says why in the table itself; the full evidence and remediation are in the other formats.
  for (const check of endpoint.checks.filter((candidate) => candidate.status === "FAIL")) {
    const words = truncate(`${check.id}: ${withCriticalLabel(check, check.evidence)}`, MAX_EVIDENCE_LENGTH)
      .split(/\s+/)
      .filter((text) => text !== "")
      .map((text): Token => [{ text: printable(text), shrink: true, style: "dim" }]);
    cell.push({ tokens: [word("↳", "red"), ...words], separator: " " });
  }
  return cell.length > 0 ? cell : missing();
}

const COLUMNS: readonly Column[] = [
  { header: "ENDPOINT", cap: 48, cell: endpointCell },
  { header: "ROLE", cap: 16, cell: (endpoint) => single(word(endpoint.role)) },
  { header: "TLS", cap: 12, cell: tlsCell },
  { header: "CERT", cap: 40, squeezeTo: 20, cell: certCell },
  // One validation error a line; the longest, "kubelet-self-generated,", still fits.
  { header: "TRUST", cap: 24, cell: trustCell },
  { header: "CHECKS", cap: Number.POSITIVE_INFINITY, cell: checksCell },
];

function spansWidth(spans: readonly Span[]): number {
  return spans.reduce((sum, span) => sum + displayWidth(span.text), 0);
}

function naturalWidth(cell: Cell): number {
  return Math.max(
    0,
    ...cell.map(
      (paragraph) =>
        paragraph.tokens.reduce((sum, token) => sum + spansWidth(token), 0) +
        displayWidth(paragraph.separator) * Math.max(0, paragraph.tokens.length - 1),
    ),
  );
}

function fitToken(token: Token, width: number): Token {
  const excess = spansWidth(token) - width;
  if (excess <= 0) return token;
  const at = Math.max(
    0,
    token.findIndex((span) => span.shrink),
  );
  const shrunk = token.map((span, i) =>
    i === at ? { ...span, text: truncate(span.text, displayWidth(span.text) - excess) } : span,
  );
  if (spansWidth(shrunk) <= width) return shrunk;
  // Not even the fixed parts fit: keep the start.
  const kept: Token = [];
  let left = width;
  for (const span of token) {
    if (left <= 0) break;
    const text = truncate(span.text, left);
    kept.push({ ...span, text });
    left -= displayWidth(text);
  }
  return kept;
}

function wrap(paragraph: Paragraph, width: number): Line[] {
  const lines: Line[] = [];
  const separatorWidth = displayWidth(paragraph.separator);
  let line: Line = [];
  let used = 0;
  for (const raw of paragraph.tokens) {
    const token = fitToken(raw, width);
    const tokenWidth = spansWidth(token);
    if (line.length > 0 && used + separatorWidth + tokenWidth > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    if (line.length > 0) {
      line.push({ text: paragraph.separator });
      used += separatorWidth;
    }
    line.push(...token);
    used += tokenWidth;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

function widestToken(cell: Cell): number {
  return Math.max(0, ...cell.flatMap((paragraph) => paragraph.tokens.map(spansWidth)));
}

/**
 * Each column as wide as its content, up to its cap. CHECKS takes what is left of the terminal but
 * no less than its widest check; if that does not fit, the squeezable columns give way first, and
 * past that the table is wider than the terminal rather than cutting check ids.
 */
function columnWidths(columns: readonly Column[], cells: readonly Cell[][], totalWidth: number): number[] {
  const widths = columns.map((column, c) =>
    Math.min(
      column.cap,
      Math.max(displayWidth(column.header), ...cells.map((row) => naturalWidth(row[c] ?? []))),
    ),
  );
  const last = widths.length - 1;
  const checksFloor = Math.min(
    widths[last] ?? 0,
    Math.max(
      MIN_CHECKS_WIDTH,
      ...cells.map((row) => Math.min(MAX_CHECK_TOKEN_WIDTH, widestToken(row[last] ?? []))),
    ),
  );
  const fixedWidth = () => widths.slice(0, last).reduce((sum, width) => sum + width + GAP.length, 0);
  columns.forEach((column, c) => {
    const overflow = fixedWidth() + checksFloor - totalWidth;
    const width = widths[c] ?? 0;
    if (column.squeezeTo === undefined || overflow <= 0 || width <= column.squeezeTo) return;
    widths[c] = Math.max(column.squeezeTo, displayWidth(column.header), width - overflow);
  });
  widths[last] = Math.min(widths[last] ?? 0, Math.max(checksFloor, totalWidth - fixedWidth()));
  return widths;
}

function renderLine(line: Line, color: boolean): string {
  return line
    .map((span) => (color && span.style !== undefined ? paint(span.text, span.style) : span.text))
    .join("");
}

function renderRow(row: readonly Line[][], widths: readonly number[], color: boolean): string[] {
  const height = Math.max(1, ...row.map((lines) => lines.length));
  const out: string[] = [];
  for (let i = 0; i < height; i++) {
    const parts = row.map((lines, c) => {
      const line = lines[i] ?? [];
      const padding = c === row.length - 1 ? 0 : (widths[c] ?? 0) - spansWidth(line);
      return renderLine(line, color) + " ".repeat(Math.max(0, padding));
    });
    out.push(parts.join(GAP).trimEnd());
  }
  return out;
}

function invalidTargetLines(invalid: readonly InvalidTarget[]): string[] {
  if (invalid.length === 0) return [];
  return [
    "",
    `Invalid targets (${invalid.length}):`,
    ...invalid.map(
      (target) => `  "${printable(target.input)}" (${printable(target.source)}): ${printable(target.reason)}`,
    ),
  ];
}

function summaryLine(summary: ScanSummary, color: boolean): string {
  const plural = summary.endpoints === 1 ? "" : "s";
  const counts = SUMMARY_ORDER.map((status) => {
    const label = color ? paint(status, STATUS_STYLE[status]) : status;
    return `${label} ${summary.findings[status]}`;
  });
  return `${summary.endpoints} endpoint${plural}, ${summary.reachable} reachable — ${counts.join(", ")}`;
}

function isClosed(endpoint: EndpointResult): boolean {
  return !endpoint.reachable && endpoint.error?.code === "refused";
}

/**
 * The per-endpoint matrix alone: a header and one row per endpoint, in report order. `withChecks: false`
 * leaves out the CHECKS column, for a report that lists the checks on their own lines.
 */
export function endpointMatrixLines(
  endpoints: readonly EndpointResult[],
  options: TableOptions & { withChecks?: boolean },
): string[] {
  const columns =
    options.withChecks === false ? COLUMNS.filter((column) => column.header !== "CHECKS") : COLUMNS;
  const cells = sortEndpoints(endpoints).map((endpoint) => columns.map((column) => column.cell(endpoint)));
  const widths = columnWidths(columns, cells, options.width ?? DEFAULT_WIDTH);
  const header = columns.map((column): Line[] => [[{ text: column.header, style: "bold" }]]);
  const lines = renderRow(header, widths, options.color);
  for (const row of cells) {
    const wrapped = row.map((cell, c) => cell.flatMap((paragraph) => wrap(paragraph, widths[c] ?? 0)));
    lines.push(...renderRow(wrapped, widths, options.color));
  }
  return lines;
}

/** The run for people: one row per endpoint in report order, the invalid targets, then the totals. */
export function formatTable(result: ScanResult, options: TableOptions): string {
  const listed = options.showClosed
    ? result.endpoints
    : result.endpoints.filter((endpoint) => !isClosed(endpoint));
  const closed = result.endpoints.length - listed.length;
  const lines: string[] = [];
  if (listed.length > 0) lines.push(...endpointMatrixLines(listed, options));
  else if (result.endpoints.length === 0) lines.push("No endpoints scanned.");
  if (closed > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(`${closed} closed endpoint${closed === 1 ? "" : "s"} (connection refused) not listed.`);
  }
  lines.push(...invalidTargetLines(result.targets.invalid), "", summaryLine(result.summary, options.color));
  return `${lines.join("\n")}\n`;
}
