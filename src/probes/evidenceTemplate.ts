import { readFact } from "./factPath.js";

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** Fills `{fact.path}` placeholders; lists are joined, absent facts read "none". */
export function renderEvidence(template: string, facts: unknown): string {
  return template.replace(PLACEHOLDER, (_whole, path: string) => formatValue(readFact(facts, path.trim())));
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "none";
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(formatValue).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
