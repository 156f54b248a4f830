import { printable } from "./text.js";

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  // Written as references so an attribute keeps them: a parser normalises raw ones to spaces.
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/** Code points XML 1.0 cannot carry at all, not even as a character reference. */
function isNonCharacter(codePoint: number): boolean {
  return (codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint === 0xfffe || codePoint === 0xffff;
}

/**
 * Text for XML or HTML, safe in element content and in a quoted attribute alike. Certificate names
 * and evidence are attacker-chosen: markup characters become entities, and the characters XML 1.0
 * forbids (C0 controls, lone surrogates, U+FFFE/U+FFFF) plus C1 controls and bidi overrides become
 * visible `\xNN` / `\uNNNN` text, as the table shows them. Tab, newline and carriage return survive.
 */
export function escapeMarkup(text: string): string {
  let out = "";
  for (const ch of text) {
    const entity = ENTITIES[ch];
    if (entity !== undefined) {
      out += entity;
      continue;
    }
    const codePoint = ch.codePointAt(0) ?? 0;
    out += isNonCharacter(codePoint) ? `\\u${codePoint.toString(16).padStart(4, "0")}` : printable(ch);
  }
  return out;
}

/** Markup already escaped: the only thing `markup` interpolates as is. */
export class Markup {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type Interpolation = Markup | string | number | null | undefined | false | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Markup) return value.text;
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return escapeMarkup(value);
  return value.map(render).join("");
}

/**
 * A template tag that escapes every interpolated string, so no network string can reach the page
 * raw by forgetting to escape it. Nest with `markup` again; attribute values must be quoted.
 */
export function markup(strings: TemplateStringsArray, ...values: Interpolation[]): Markup {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Markup(out);
}
