/**
 * Every output format kubetls writes, each named here once: the CLI's --format choices, its
 * `--output-<name>` flags, merge's help and the README's table derive from this list, and report/ must
 * give each a renderer (a Record keyed by these names). It lives in model/ so that --help can list the
 * formats without loading the renderers.
 */
export const REPORT_FORMAT_CATALOG = [
  {
    name: "table",
    mergeable: false,
    description: "for people: failing and unknown checks first, one line each (-v: every endpoint)",
    extensions: [".txt"],
  },
  {
    name: "json",
    mergeable: true,
    description: "the whole run, schema version 1 (schema/kubetls-result.schema.json)",
    extensions: [".json"],
  },
  {
    name: "jsonl",
    mergeable: false,
    description: "one endpoint per line as each finishes, then a summary line; streams while scanning",
    extensions: [".jsonl", ".ndjson"],
  },
  {
    name: "sarif",
    mergeable: false,
    description: "SARIF 2.1.0 for code-scanning dashboards",
    extensions: [".sarif", ".sarif.json"],
  },
  {
    name: "junit",
    mergeable: false,
    description: "JUnit XML: one testcase per endpoint and check",
    extensions: [".xml", ".junit.xml"],
  },
  {
    name: "kube-bench",
    mergeable: false,
    description: "kube-bench's --json shape, for its dashboards",
    extensions: [".kube-bench.json"],
  },
  {
    name: "html",
    mergeable: false,
    description: "one self-contained, printable page: matrix, evidence, chains, expiry timeline",
    extensions: [".html", ".htm"],
  },
] as const satisfies readonly ReportFormatInfo[];

export interface ReportFormatInfo {
  name: string;
  /** One line for --help and the README. */
  description: string;
  /**
   * `kubetls merge` reads it back: only a whole JSON run carries everything a report is made of (jsonl lacks
   * the run's benchmark, targets and start time; the others are renderings that drop facts).
   */
  mergeable: boolean;
  /** `-o FILE` ending in one of these picks the format when --format is not given; the longest match wins. */
  extensions: readonly string[];
}

export type ReportFormat = (typeof REPORT_FORMAT_CATALOG)[number]["name"];
export const REPORT_FORMATS: readonly ReportFormat[] = REPORT_FORMAT_CATALOG.map((format) => format.name);
/** What `kubetls merge` accepts as input. */
export const MERGEABLE_FORMATS: readonly ReportFormat[] = REPORT_FORMAT_CATALOG.filter(
  (format) => format.mergeable,
).map((format) => format.name);

/** Case-insensitive, as people type `JSON`; null for a name no format has. */
export function findReportFormat(name: string): ReportFormat | null {
  const lower = name.toLowerCase();
  return REPORT_FORMATS.find((format) => format === lower) ?? null;
}

/** The format a file name implies (`r.sarif.json` is sarif, `r.json` json), or null for none. */
export function formatForPath(path: string): ReportFormat | null {
  const lower = path.toLowerCase();
  let best: { format: ReportFormat; length: number } | null = null;
  for (const format of REPORT_FORMAT_CATALOG) {
    for (const extension of format.extensions as readonly string[]) {
      if (lower.endsWith(extension) && (best === null || extension.length > best.length)) {
        best = { format: format.name, length: extension.length };
      }
    }
  }
  return best?.format ?? null;
}

/** The README's format table, generated so it cannot drift (a test compares it with the README). */
export function reportFormatsMarkdown(): string {
  const rows = REPORT_FORMAT_CATALOG.map(
    (format) =>
      `| \`${format.name}\` | \`--output-${format.name} FILE\` | ${(format.extensions as readonly string[]).map((extension) => `\`${extension}\``).join(" ")} | ${format.mergeable ? "yes" : "no"} | ${format.description} |`,
  );
  return [
    "| format | extra report | `-o` extensions | `merge` reads it | what |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
