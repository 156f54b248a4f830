import { isDeepStrictEqual } from "node:util";

/*
 * Fact paths: `validation.errors`, `tls.version`, and projections:
 * - over arrays of records: `chain[0].subject` (one element), `auth.anonymous[].status` (every element's
 *   status) and `auth.anonymous[path=/pods].status` (only the elements whose `path` is `/pods`;
 *   `nodeProxy[status=200,kubeletChainTrusted=false]` needs both);
 * - over a record's values: `tls.cipherSuites{}` (every key's value) and `tls.cipherSuites{TLSv1.2,TLSv1.1}`
 *   (those keys, in that order; absent keys are skipped). Values that are lists are spread, and the result
 *   is a union: each element once, in first-seen order.
 * A projection always yields an array; a missing step yields undefined. Dots inside `[...]` or `{...}`
 * belong to the selector (`TLSv1.2`), not to the path.
 */

type Step =
  | { kind: "key"; key: string }
  | { kind: "index"; key: string; index: number }
  | { kind: "each"; key: string; filters: { field: string; value: string }[] }
  | { kind: "values"; key: string; keys: string[] | null };

const KEY = "[A-Za-z_][\\w-]*";
const FILTER = `${KEY}=[^\\],]*`;
const STEP = new RegExp(
  `^(${KEY})(?:\\[(\\d+|${FILTER}(?:,${FILTER})*)?\\]|\\{([^{},]+(?:,[^{},]+)*)?\\})?$`,
);

export function parseFactPath(path: string): Step[] | null {
  const segments = splitSegments(path);
  if (!segments) return null;
  const steps: Step[] = [];
  for (const segment of segments) {
    const match = STEP.exec(segment);
    if (!match) return null;
    const [whole, key, selector, valueKeys] = match as unknown as [string, string, string?, string?];
    if (whole.endsWith("}")) {
      const keys = valueKeys === undefined ? null : splitKeys(valueKeys);
      if (keys?.length === 0) return null;
      steps.push({ kind: "values", key, keys });
    } else if (!whole.includes("[")) steps.push({ kind: "key", key });
    else if (selector !== undefined && /^\d+$/.test(selector))
      steps.push({ kind: "index", key, index: Number(selector) });
    else steps.push({ kind: "each", key, filters: parseFilters(selector) });
  }
  return steps;
}

/** Splits on the dots outside brackets and braces; null when they do not balance. */
function splitSegments(path: string): string[] | null {
  const segments: string[] = [];
  let current = "";
  let closer: "]" | "}" | null = null;
  for (const character of path) {
    if (closer === null && character === ".") {
      segments.push(current);
      current = "";
      continue;
    }
    if (closer === null && (character === "[" || character === "{")) closer = character === "[" ? "]" : "}";
    else if (character === closer) closer = null;
    current += character;
  }
  if (closer !== null) return null;
  segments.push(current);
  return segments;
}

/** The keys of `{a,b}`; an empty list when one is blank, which makes the path invalid. */
function splitKeys(list: string): string[] {
  const keys = list.split(",").map((key) => key.trim());
  return keys.some((key) => key === "") ? [] : keys;
}

// Probes name a few dozen paths, read once per endpoint each: parse every distinct path once.
const parsedPaths = new Map<string, Step[] | null>();

export function readFact(facts: unknown, path: string): unknown {
  let steps = parsedPaths.get(path);
  if (steps === undefined) {
    steps = parseFactPath(path);
    parsedPaths.set(path, steps);
  }
  if (!steps) return undefined;
  return walk(facts, steps);
}

function walk(value: unknown, steps: Step[]): unknown {
  const [step, ...rest] = steps;
  if (!step) return value;
  if (value === null || typeof value !== "object") return undefined;
  const next = (value as Record<string, unknown>)[step.key];
  if (step.kind === "key") return walk(next, rest);
  if (step.kind === "index") return Array.isArray(next) ? walk(next[step.index], rest) : undefined;
  if (step.kind === "values") return union(projectEach(valuesOf(next, step.keys), rest));
  if (!Array.isArray(next)) return [];
  const selected = next.filter((element) =>
    step.filters.every(
      ({ field, value }) => String((element as Record<string, unknown> | null)?.[field]) === value,
    ),
  );
  return projectEach(selected, rest);
}

function projectEach(elements: unknown[], rest: Step[]): unknown[] {
  return elements.flatMap((element) => {
    const projected = walk(element, rest);
    return projected === undefined ? [] : [projected];
  });
}

/** A record's values (all, or the named keys in order), lists spread one level. */
function valuesOf(value: unknown, keys: string[] | null): unknown[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  const record = value as Record<string, unknown>;
  const picked =
    keys === null ? Object.values(record) : keys.filter((key) => key in record).map((key) => record[key]);
  return picked.flatMap((item) => (Array.isArray(item) ? item : item === undefined ? [] : [item]));
}

function union(elements: unknown[]): unknown[] {
  const kept: unknown[] = [];
  for (const element of elements) {
    if (!kept.some((seen) => isDeepStrictEqual(seen, element))) kept.push(element);
  }
  return kept;
}

function parseFilters(selector: string | undefined): { field: string; value: string }[] {
  if (selector === undefined) return [];
  return selector.split(",").map((pair) => {
    const [field = "", value = ""] = pair.split("=");
    return { field, value };
  });
}

/** The first segment's key, so the loader can reject paths into facts that do not exist. */
export function factRoot(path: string): string | null {
  const steps = parseFactPath(path);
  return steps?.[0]?.key ?? null;
}
