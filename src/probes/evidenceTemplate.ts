import { readFact } from "./factPath.js";

/** `{$name}` placeholders: values the verdict computed, not facts. */
export const EVIDENCE_BINDINGS = ["anyNotIn", "matches"] as const;
export type EvidenceBinding = (typeof EVIDENCE_BINDINGS)[number];
export type EvidenceBindings = Partial<Record<EvidenceBinding, unknown>>;

/** One `{...}` of a template: its text between the outer braces and where it stands. */
interface Placeholder {
  start: number;
  end: number;
  inner: string;
}

/**
 * The placeholders of a template. Braces nest, so `{tls.cipherSuites{TLSv1.2}}` is one placeholder;
 * null when they do not balance.
 */
export function placeholdersOf(template: string): Placeholder[] | null {
  const found: Placeholder[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < template.length; index += 1) {
    const character = template[index];
    if (character === "{") {
      if (depth === 0) start = index;
      depth += 1;
    } else if (character === "}") {
      if (depth === 0) return null;
      depth -= 1;
      if (depth === 0) found.push({ start, end: index + 1, inner: template.slice(start + 1, index).trim() });
    }
  }
  return depth === 0 ? found : null;
}

/** Fills `{fact.path}` and `{$binding}` placeholders; lists are joined, absent values read "none". */
export function renderEvidence(template: string, facts: unknown, bindings: EvidenceBindings = {}): string {
  const placeholders = placeholdersOf(template);
  if (!placeholders) return template;
  let rendered = "";
  let from = 0;
  for (const { start, end, inner } of placeholders) {
    const value = inner.startsWith("$")
      ? bindings[inner.slice(1) as EvidenceBinding]
      : readFact(facts, inner);
    rendered += template.slice(from, start) + formatValue(value);
    from = end;
  }
  return rendered + template.slice(from);
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "none";
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(formatValue).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
