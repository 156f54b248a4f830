/*
 * Fact paths: `validation.errors`, `tls.version`, and projections over arrays of records:
 * `chain[0].subject` (one element), `auth.anonymous[].status` (every element's status) and `auth.anonymous[path=/pods].status` (only the
 * elements whose `path` is `/pods`). A projection always yields an array; a missing step yields undefined.
 */

type Step =
  | { kind: "key"; key: string }
  | { kind: "index"; key: string; index: number }
  | { kind: "each"; key: string; filter?: { field: string; value: string } };

const STEP = /^([A-Za-z_][\w-]*)(?:\[(?:(\d+)|([A-Za-z_][\w-]*)=([^\]]*))?\])?$/;

export function parseFactPath(path: string): Step[] | null {
  const steps: Step[] = [];
  for (const segment of path.split(".")) {
    const match = STEP.exec(segment);
    if (!match) return null;
    const [whole, key, index, field, value] = match as unknown as [string, string, string?, string?, string?];
    if (!whole.includes("[")) steps.push({ kind: "key", key });
    else if (index !== undefined) steps.push({ kind: "index", key, index: Number(index) });
    else
      steps.push({
        kind: "each",
        key,
        filter: field === undefined ? undefined : { field, value: value ?? "" },
      });
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
  const selected = step.filter
    ? next.filter((element) => {
        const field = (element as Record<string, unknown> | null)?.[step.filter?.field ?? ""];
        return String(field) === step.filter?.value;
      })
    : next;
  return selected.flatMap((element) => {
    const projected = walk(element, rest);
    return projected === undefined ? [] : [projected];
  });
}

/** The first segment's key, so the loader can reject paths into facts that do not exist. */
export function factRoot(path: string): string | null {
  const steps = parseFactPath(path);
  return steps?.[0]?.key ?? null;
}
