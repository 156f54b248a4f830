/*
 * Fact paths: `validation.errors`, `tls.version`, and projections over arrays of records:
 * `chain[0].subject` (one element), `auth.anonymous[].status` (every element's status) and `auth.anonymous[path=/pods].status` (only the
 * elements whose `path` is `/pods`; `nodeProxy[status=200,kubeletChainTrusted=false]` needs both). A projection always yields an array; a missing step yields undefined.
 */

type Step =
  | { kind: "key"; key: string }
  | { kind: "index"; key: string; index: number }
  | { kind: "each"; key: string; filters: { field: string; value: string }[] };

const STEP = /^([A-Za-z_][\w-]*)(?:\[(\d+|[A-Za-z_][\w-]*=[^\],]*(?:,[A-Za-z_][\w-]*=[^\],]*)*)?\])?$/;

export function parseFactPath(path: string): Step[] | null {
  const steps: Step[] = [];
  for (const segment of path.split(".")) {
    const match = STEP.exec(segment);
    if (!match) return null;
    const [whole, key, selector] = match as unknown as [string, string, string?];
    if (!whole.includes("[")) steps.push({ kind: "key", key });
    else if (selector !== undefined && /^\d+$/.test(selector))
      steps.push({ kind: "index", key, index: Number(selector) });
    else steps.push({ kind: "each", key, filters: parseFilters(selector) });
  }
  return steps;
}

export function readFact(facts: unknown, path: string): unknown {
  const steps = parseFactPath(path);
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
  if (!Array.isArray(next)) return [];
  const selected = next.filter((element) =>
    step.filters.every(
      ({ field, value }) => String((element as Record<string, unknown> | null)?.[field]) === value,
    ),
  );
  return selected.flatMap((element) => {
    const projected = walk(element, rest);
    return projected === undefined ? [] : [projected];
  });
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
