import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CHECK_SOURCES,
  CHECK_STATUSES,
  type CheckSource,
  type CheckStatus,
  ROLES,
  type Role,
  type Severity,
} from "../model/index.js";
import {
  CONDITION_OPERATORS,
  type Condition,
  type ConditionOperator,
  DURATION_OPERATORS,
  LIST_OPERATORS,
} from "./condition.js";
import { EVIDENCE_BINDINGS, type EvidenceBinding, placeholdersOf } from "./evidenceTemplate.js";
import { factRoot, parseFactPath } from "./factPath.js";
import { FACT_ROOTS } from "./facts.js";
import { parseGoDuration } from "./goDuration.js";
import type { BenchmarkCatalogue, Probe, ProbeSet, Verdict } from "./probe.js";
import {
  cachedDocument,
  defaultProbeDocumentCacheFile,
  type ProbeDocumentCache,
  readProbeDocumentCache,
} from "./probeDocumentCache.js";
import { ProbeFileError } from "./probeFileError.js";

const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];
const PROBE_ID = /^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$/;
const BENCHMARKS_FILE = "benchmarks.yaml";

/** The probes/ folder shipped with the package, found from src/probes (tests) or dist/src/probes (built). */
export function defaultProbesDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, "../../probes"), resolve(here, "../../../probes")];
  return (
    candidates.find((candidate) => existsSync(join(candidate, BENCHMARKS_FILE))) ?? (candidates[0] as string)
  );
}

export interface LoadProbesOptions {
  /**
   * The build's parsed documents (probeDocumentCache.ts), used for files whose text is unchanged; null
   * parses every file. Default: the one beside this build.
   */
  documentCacheFile?: string | null;
}

/**
 * Loads probes/benchmarks.yaml and every other probes/*.yaml. Any malformed file stops the run with a
 * ProbeFileError naming the file and the field: a silently skipped probe is a silently missing control.
 */
export async function loadProbes(
  directory = defaultProbesDirectory(),
  options: LoadProbesOptions = {},
): Promise<ProbeSet> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (error) {
    // A package installed without its probes/ folder, or a wrong directory: say which, not a bare ENOENT.
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ProbeFileError(
      directory,
      "(folder)",
      `cannot be read (${code}): the probes folder ships with kubetls`,
    );
  }
  const names = entries.filter((name) => name.endsWith(".yaml")).sort();
  if (!names.includes(BENCHMARKS_FILE)) {
    throw new ProbeFileError(
      join(directory, BENCHMARKS_FILE),
      "(file)",
      "missing: it lists the benchmark versions",
    );
  }
  const display = (name: string) => {
    const path = join(directory, name);
    const fromHere = relative(process.cwd(), path);
    return fromHere.startsWith("..") ? path : fromHere;
  };
  const cache = await readProbeDocumentCache(
    options.documentCacheFile === undefined ? defaultProbeDocumentCacheFile() : options.documentCacheFile,
  );
  // Read all at once: one file after another was tens of milliseconds of start-up spent waiting on the disk.
  const texts = new Map(
    await Promise.all(
      names.map(async (name) => [name, await readFile(join(directory, name), "utf8")] as const),
    ),
  );
  const readDocument = (name: string) => parseYamlText(texts.get(name) ?? "", name, display(name), cache);
  const catalogue = parseCatalogue(await readDocument(BENCHMARKS_FILE), display(BENCHMARKS_FILE));
  const probes: Probe[] = [];
  for (const name of names.filter((candidate) => candidate !== BENCHMARKS_FILE)) {
    probes.push(parseProbe(await readDocument(name), display(name), catalogue));
  }
  const seen = new Map<string, string>();
  for (const probe of probes) {
    const previous = seen.get(probe.id);
    if (previous)
      throw new ProbeFileError(probe.source, "id", `"${probe.id}" is already defined in ${previous}`);
    seen.set(probe.id, probe.source);
  }
  return { catalogue, probes };
}

async function parseYamlText(
  text: string,
  name: string,
  source: string,
  cache: ProbeDocumentCache | null,
): Promise<unknown> {
  const cached = cachedDocument(cache, name, text);
  if (cached !== null) return cached.document;
  // Loaded only when a file is not in the build's cache: the yaml parser is a start-up cost of its own.
  const { parse: parseYaml } = await import("yaml");
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ProbeFileError(source, "(file)", `not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}

function parseCatalogue(document: unknown, source: string): BenchmarkCatalogue {
  const root = record(document, source, "(document)");
  const benchmarks = list(root.benchmarks, source, "benchmarks").map((entry, index) => {
    const item = record(entry, source, `benchmarks[${index}]`);
    return {
      id: text(item.id, source, `benchmarks[${index}].id`),
      title: text(item.title, source, `benchmarks[${index}].title`),
    };
  });
  const defaultBenchmark = text(root.default, source, "default");
  if (!benchmarks.some((benchmark) => benchmark.id === defaultBenchmark)) {
    throw new ProbeFileError(source, "default", `"${defaultBenchmark}" is not one of the listed benchmarks`);
  }
  return { defaultBenchmark, benchmarks };
}

const PROBE_FIELDS = new Set([
  "id",
  "title",
  "roles",
  "severity",
  "controls",
  "reads",
  "verdicts",
  "remediation",
  "references",
  "source",
]);

function parseProbe(document: unknown, source: string, catalogue: BenchmarkCatalogue): Probe {
  const root = record(document, source, "(document)");
  for (const key of Object.keys(root)) {
    if (!PROBE_FIELDS.has(key))
      throw new ProbeFileError(
        source,
        key,
        `unknown field (expected one of ${[...PROBE_FIELDS].join(", ")})`,
      );
  }
  const id = text(root.id, source, "id");
  if (!PROBE_ID.test(id))
    throw new ProbeFileError(source, "id", `"${id}" is not of the form component.check-name`);
  const roles = list(root.roles, source, "roles").map((role, index) => {
    if (!ROLES.includes(role as Role))
      throw new ProbeFileError(
        source,
        `roles[${index}]`,
        `unknown role "${String(role)}" (expected ${ROLES.join(", ")})`,
      );
    return role as Role;
  });
  const severity = text(root.severity, source, "severity");
  if (!SEVERITIES.includes(severity as Severity))
    throw new ProbeFileError(
      source,
      "severity",
      `unknown severity "${severity}" (expected ${SEVERITIES.join(", ")})`,
    );
  const controls = parseControls(root.controls, source, catalogue);
  // Wire unless said otherwise: every probe but the config ones judges observed behaviour.
  const basis = root.source === undefined ? "wire" : text(root.source, source, "source");
  if (!CHECK_SOURCES.includes(basis as CheckSource))
    throw new ProbeFileError(
      source,
      "source",
      `unknown source "${basis}" (expected ${CHECK_SOURCES.join(", ")})`,
    );
  const reads = list(root.reads, source, "reads").map((path, index) =>
    factPath(path, source, `reads[${index}]`),
  );
  const verdicts = list(root.verdicts, source, "verdicts").map((entry, index) =>
    parseVerdict(entry, source, `verdicts[${index}]`),
  );
  if (verdicts.length === 0) throw new ProbeFileError(source, "verdicts", "at least one verdict is required");
  verdicts.forEach((verdict, index) => {
    const isLast = index === verdicts.length - 1;
    if (isLast && verdict.when !== null)
      throw new ProbeFileError(
        source,
        `verdicts[${index}]`,
        "the last verdict must have no `when`: it is the fallback",
      );
    if (!isLast && verdict.when === null)
      throw new ProbeFileError(source, `verdicts[${index}].when`, "required on every verdict but the last");
  });
  return {
    id,
    title: text(root.title, source, "title"),
    roles,
    severity: severity as Severity,
    checkSource: basis as CheckSource,
    controls,
    reads,
    verdicts,
    remediation: text(root.remediation, source, "remediation").trim(),
    references:
      root.references === undefined
        ? []
        : list(root.references, source, "references").map((item, index) =>
            text(item, source, `references[${index}]`),
          ),
    source,
  };
}

function parseControls(
  value: unknown,
  source: string,
  catalogue: BenchmarkCatalogue,
): Record<string, string[]> {
  const controls = record(value, source, "controls");
  const known = new Set(catalogue.benchmarks.map((benchmark) => benchmark.id));
  for (const key of Object.keys(controls)) {
    if (!known.has(key))
      throw new ProbeFileError(
        source,
        `controls.${key}`,
        `unknown benchmark (benchmarks.yaml lists ${[...known].join(", ")})`,
      );
  }
  const result: Record<string, string[]> = {};
  for (const benchmark of known) {
    // Every benchmark must be answered, even with [], so a forgotten mapping is an error, not a blank.
    if (!(benchmark in controls))
      throw new ProbeFileError(
        source,
        `controls.${benchmark}`,
        "missing (use [] when the benchmark has no such control)",
      );
    result[benchmark] = list(controls[benchmark], source, `controls.${benchmark}`).map((item, index) => {
      const control = String(item);
      if (!/^\d+(\.\d+)*$/.test(control))
        throw new ProbeFileError(
          source,
          `controls.${benchmark}[${index}]`,
          `"${control}" is not a control number`,
        );
      return control;
    });
  }
  return result;
}

function parseVerdict(value: unknown, source: string, field: string): Verdict {
  const item = record(value, source, field);
  for (const key of Object.keys(item)) {
    if (!["status", "when", "evidence", "critical"].includes(key))
      throw new ProbeFileError(
        source,
        `${field}.${key}`,
        "unknown field (expected status, when, evidence, critical)",
      );
  }
  const status = text(item.status, source, `${field}.status`);
  if (!CHECK_STATUSES.includes(status as CheckStatus))
    throw new ProbeFileError(
      source,
      `${field}.status`,
      `unknown status "${status}" (expected ${CHECK_STATUSES.join(", ")})`,
    );
  const when = item.when === undefined ? null : parseCondition(item.when, source, `${field}.when`);
  if (item.critical !== undefined && item.critical !== true)
    throw new ProbeFileError(source, `${field}.critical`, "takes only true (leave it out otherwise)");
  // A critical finding is a failure; marking anything else critical would shout about nothing.
  if (item.critical === true && status !== "FAIL")
    throw new ProbeFileError(source, `${field}.critical`, "only a FAIL verdict can be critical");
  return {
    status: status as CheckStatus,
    when,
    evidence: evidenceTemplate(item.evidence, when, source, `${field}.evidence`),
    ...(item.critical === true ? { critical: true } : {}),
  };
}

/** Every `{...}` must be a fact path, or a `{$binding}` the verdict's condition provides. */
function evidenceTemplate(value: unknown, when: Condition | null, source: string, field: string): string {
  const template = text(value, source, field);
  const placeholders = placeholdersOf(template);
  if (!placeholders)
    throw new ProbeFileError(source, field, "unbalanced braces (placeholders are {fact.path} or {$binding})");
  for (const { inner } of placeholders) {
    if (!inner.startsWith("$")) {
      factPath(inner, source, field);
      continue;
    }
    const binding = inner.slice(1);
    if (!EVIDENCE_BINDINGS.includes(binding as EvidenceBinding))
      throw new ProbeFileError(
        source,
        field,
        `unknown placeholder {${inner}} (known: ${EVIDENCE_BINDINGS.map((name) => `{$${name}}`).join(", ")})`,
      );
    if ((binding === "anyNotIn" || binding === "matches") && !(when && hasOperator(when, binding)))
      throw new ProbeFileError(
        source,
        field,
        `{$${binding}} needs ${binding === "anyNotIn" ? "an" : "a"} ${binding} condition in this verdict's \`when\` (outside any \`not\`)`,
      );
  }
  return template;
}

function hasOperator(condition: Condition, op: ConditionOperator): boolean {
  if ("all" in condition) return condition.all.some((inner) => hasOperator(inner, op));
  if ("any" in condition) return condition.any.some((inner) => hasOperator(inner, op));
  if ("not" in condition) return false;
  return condition.op === op;
}

function parseCondition(value: unknown, source: string, field: string): Condition {
  const item = record(value, source, field);
  const keys = Object.keys(item);
  if (keys.length === 1 && (keys[0] === "all" || keys[0] === "any")) {
    const key = keys[0];
    const inner = list(item[key], source, `${field}.${key}`).map((entry, index) =>
      parseCondition(entry, source, `${field}.${key}[${index}]`),
    );
    if (inner.length === 0)
      throw new ProbeFileError(source, `${field}.${key}`, "needs at least one condition");
    return key === "all" ? { all: inner } : { any: inner };
  }
  if (keys.length === 1 && keys[0] === "not")
    return { not: parseCondition(item.not, source, `${field}.not`) };
  const operators = keys.filter((key) => key !== "fact" && key !== "default");
  if (!("fact" in item) || operators.length !== 1) {
    throw new ProbeFileError(
      source,
      field,
      `expected {fact: PATH, OPERATOR: VALUE} (optionally with default: VALUE for an absent fact) or all/any/not; operators: ${CONDITION_OPERATORS.join(", ")}`,
    );
  }
  const absentMeans = "default" in item ? { default: item.default } : {};
  if ("default" in item && (item.default === null || typeof item.default === "object"))
    throw new ProbeFileError(
      source,
      `${field}.default`,
      "takes a string, number or boolean: what the absent fact means",
    );
  const op = operators[0] as string;
  if (!CONDITION_OPERATORS.includes(op as ConditionOperator))
    throw new ProbeFileError(
      source,
      `${field}.${op}`,
      `unknown operator (expected one of ${CONDITION_OPERATORS.join(", ")})`,
    );
  const operand = item[op];
  if (op === "matches") {
    try {
      new RegExp(String(operand));
    } catch (error) {
      throw new ProbeFileError(
        source,
        `${field}.matches`,
        `invalid regular expression: ${(error as Error).message}`,
      );
    }
  }
  if ((op === "exists" || op === "isEmpty") && typeof operand !== "boolean")
    throw new ProbeFileError(source, `${field}.${op}`, "takes true or false");
  if ((op === "exists" || op === "isEmpty") && "default" in item)
    throw new ProbeFileError(
      source,
      `${field}.default`,
      `makes no sense with ${op}: the fact is never absent`,
    );
  const numeric = op === "atLeast" || op === "greaterThan" || op === "lessThan";
  const isReference = operand !== null && typeof operand === "object" && !Array.isArray(operand);
  if (numeric && typeof operand !== "number" && !isReference)
    throw new ProbeFileError(
      source,
      `${field}.${op}`,
      "takes a number, or { fact: PATH } naming a number fact",
    );
  if (DURATION_OPERATORS.has(op as ConditionOperator) && parseGoDuration(operand) === null)
    throw new ProbeFileError(
      source,
      `${field}.${op}`,
      `"${String(operand)}" is not a Go duration (e.g. 5m, 4h0m0s)`,
    );
  if (
    "default" in item &&
    DURATION_OPERATORS.has(op as ConditionOperator) &&
    parseGoDuration(item.default) === null
  )
    throw new ProbeFileError(source, `${field}.default`, `"${String(item.default)}" is not a Go duration`);
  const fact = factPath(item.fact, source, `${field}.fact`);
  // A threshold the operator sets per scan (e.g. scan.expiryWarnDays) is a fact, not a literal.
  if (numeric && isReference) {
    const reference = operand as Record<string, unknown>;
    if (Object.keys(reference).join() !== "fact")
      throw new ProbeFileError(
        source,
        `${field}.${op}`,
        "takes a number, or { fact: PATH } naming a number fact",
      );
    return {
      fact,
      op,
      value: null,
      valueFact: factPath(reference.fact, source, `${field}.${op}.fact`),
      ...absentMeans,
    };
  }
  if (LIST_OPERATORS.has(op as ConditionOperator)) {
    if (Array.isArray(operand)) return { fact, op: op as ConditionOperator, value: operand, ...absentMeans };
    const reference =
      operand !== null && typeof operand === "object" ? (operand as Record<string, unknown>) : null;
    if (!reference || Object.keys(reference).join() !== "fact")
      throw new ProbeFileError(
        source,
        `${field}.${op}`,
        "takes a list, or { fact: PATH } naming a list fact",
      );
    return {
      fact,
      op: op as ConditionOperator,
      value: null,
      valueFact: factPath(reference.fact, source, `${field}.${op}.fact`),
      ...absentMeans,
    };
  }
  return { fact, op: op as ConditionOperator, value: operand, ...absentMeans };
}

function factPath(value: unknown, source: string, field: string): string {
  const path = text(value, source, field);
  const root = parseFactPath(path) ? factRoot(path) : null;
  if (root === null)
    throw new ProbeFileError(
      source,
      field,
      `"${path}" is not a fact path (a.b, a[0].b, a[].b, a[field=value].b, a{} or a{key1,key2})`,
    );
  if (!FACT_ROOTS.has(root))
    throw new ProbeFileError(source, field, `unknown fact "${root}" (known: ${[...FACT_ROOTS].join(", ")})`);
  return path;
}

function record(value: unknown, source: string, field: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new ProbeFileError(source, field, "expected a mapping");
  return value as Record<string, unknown>;
}

function list(value: unknown, source: string, field: string): unknown[] {
  if (!Array.isArray(value))
    throw new ProbeFileError(
      source,
      field,
      value === undefined ? "missing (expected a list)" : "expected a list",
    );
  return value;
}

function text(value: unknown, source: string, field: string): string {
  if (typeof value !== "string" || value.trim() === "")
    throw new ProbeFileError(source, field, value === undefined ? "missing" : "expected a non-empty string");
  return value;
}
