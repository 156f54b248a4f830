import type { FlagStatus } from "../model/index.js";
import { normaliseBenchmark } from "./benchmarkName.js";
import { FLAG_STATUSES, type FlagOutcome, type FlagVerdict } from "./flagVerdict.js";
import { parseJsonDocuments } from "./jsonDocuments.js";
import { KubeBenchFileError } from "./kubeBenchFileError.js";

type JsonObject = Record<string, unknown>;

/** Names the place a value was read, for errors: the file, the document when there are several, the path. */
interface Where {
  source: string;
  document: string;
}

/**
 * Reads kube-bench's `--json` output: `{"Controls": [...], "Totals": {...}}`, the bare array of controls
 * that `--noTotals` prints, a single controls object (older versions), or several of these written back to
 * back (one per target). Any shape error names the source and the JSON path of the offending value.
 */
export function parseKubeBenchJson(text: string, source: string): FlagVerdict[] {
  // kube-bench's default text output opens with "[INFO] 1 Control Plane ...", which looks like an array.
  if (/^\uFEFF?\s*\[(INFO|PASS|FAIL|WARN)\] /.test(text)) {
    throw new KubeBenchFileError(source, "", "this is kube-bench's text output: run kube-bench with --json");
  }
  const documents = parseJsonDocuments(text, source);
  if (documents.length === 0)
    throw new KubeBenchFileError(source, "", "empty: expected kube-bench --json output");
  const verdicts: FlagVerdict[] = [];
  documents.forEach((document, index) => {
    const where: Where = {
      source,
      document: documents.length === 1 ? "" : `document ${index + 1} (line ${document.line})`,
    };
    for (const [controls, path] of controlsOf(document.value, where)) {
      verdicts.push(...parseControls(controls, path, where));
    }
  });
  return verdicts;
}

function controlsOf(value: unknown, where: Where): [unknown, string][] {
  if (Array.isArray(value)) return value.map((item, index) => [item, `[${index}]`]);
  if (isObject(value) && "Controls" in value) {
    if (value.Totals !== undefined) object(value.Totals, "Totals", where);
    return list(value.Controls, "Controls", where).map((item, index) => [item, `Controls[${index}]`]);
  }
  if (isObject(value) && "tests" in value) return [[value, ""]];
  return fail(
    where,
    "",
    'expected kube-bench --json output: {"Controls": [...], "Totals": {...}}, an array of controls, or one controls object',
  );
}

function parseControls(value: unknown, path: string, where: Where): FlagVerdict[] {
  const controls = object(value, path, where);
  const benchmark = normaliseBenchmark(requiredText(controls, "version", path, where));
  const nodeType = optionalText(controls, "node_type", path, where);
  const verdicts: FlagVerdict[] = [];
  list(controls.tests, join(path, "tests"), where).forEach((groupValue, groupIndex) => {
    const groupPath = `${join(path, "tests")}[${groupIndex}]`;
    const group = object(groupValue, groupPath, where);
    list(group.results, join(groupPath, "results"), where).forEach((checkValue, checkIndex) => {
      const checkPath = `${join(groupPath, "results")}[${checkIndex}]`;
      verdicts.push(parseCheck(checkValue, checkPath, where, benchmark, nodeType));
    });
  });
  return verdicts;
}

function parseCheck(
  value: unknown,
  path: string,
  where: Where,
  benchmark: string,
  nodeType: string,
): FlagVerdict {
  const check = object(value, path, where);
  const control = requiredText(check, "test_number", path, where);
  if (control.trim() === "") fail(where, join(path, "test_number"), "empty");
  const text = requiredText(check, "test_desc", path, where);
  const statusText = requiredText(check, "status", path, where);
  if (!FLAG_STATUSES.includes(statusText as FlagStatus)) {
    fail(
      where,
      join(path, "status"),
      `${JSON.stringify(statusText)} is not a kube-bench status (${FLAG_STATUSES.join(", ")})`,
    );
  }
  const status = statusText as FlagStatus;
  const type = optionalText(check, "type", path, where);
  const reason = optionalText(check, "reason", path, where);
  const scored = check.scored === undefined ? null : boolean(check.scored, join(path, "scored"), where);
  const manual = type === "manual" || scored === false || /\((Manual|Not Scored)\)\s*$/.test(text);
  return {
    control: control.trim(),
    status,
    text,
    remediation: optionalText(check, "remediation", path, where),
    actualValue: optionalText(check, "actual_value", path, where),
    benchmark,
    nodeType,
    manual,
    outcome: outcomeOf(status, type, reason, scored),
    reason,
  };
}

/**
 * kube-bench turns a failed test of an unscored control into WARN, and also answers WARN when it never
 * tested (manual type, no tests, an audit error: those carry a reason, or `type: manual` in versions that
 * wrote no reason). Only the first is a failed test.
 */
function outcomeOf(status: FlagStatus, type: string, reason: string, scored: boolean | null): FlagOutcome {
  if (status === "PASS") return "passed";
  if (status === "FAIL") return "failed";
  if (status === "WARN" && scored === false && type !== "manual" && type !== "skip" && reason === "")
    return "failed";
  return "not-tested";
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function fail(where: Where, path: string, problem: string): never {
  const location =
    path === "" ? where.document || "(document)" : [where.document, path].filter(Boolean).join(": ");
  throw new KubeBenchFileError(where.source, location, problem);
}

function object(value: unknown, path: string, where: Where): JsonObject {
  if (value === undefined) fail(where, path, "missing");
  if (!isObject(value)) fail(where, path, `expected an object, got ${describe(value)}`);
  return value;
}

/** Go writes a nil slice as null: an empty list, not an error. */
function list(value: unknown, path: string, where: Where): unknown[] {
  if (value === undefined) fail(where, path, "missing");
  if (value === null) return [];
  if (!Array.isArray(value)) fail(where, path, `expected an array, got ${describe(value)}`);
  return value;
}

function boolean(value: unknown, path: string, where: Where): boolean {
  if (typeof value !== "boolean") fail(where, path, `expected true or false, got ${describe(value)}`);
  return value;
}

function requiredText(item: JsonObject, key: string, path: string, where: Where): string {
  const value = item[key];
  if (value === undefined) fail(where, join(path, key), "missing");
  if (typeof value !== "string") fail(where, join(path, key), `expected a string, got ${describe(value)}`);
  return value;
}

/** Fields older kube-bench versions did not write (reason, actual_value): absent reads as empty. */
function optionalText(item: JsonObject, key: string, path: string, where: Where): string {
  const value = item[key];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") fail(where, join(path, key), `expected a string, got ${describe(value)}`);
  return value;
}
