/**
 * Certificate names, error messages and target inputs come from the network or the user: a control
 * character or a bidi override in them must be shown, never obeyed by the terminal.
 */
function isUnsafe(codePoint: number): boolean {
  return (
    codePoint < 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0x200e ||
    codePoint === 0x200f ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069)
  );
}

export function printable(text: string): string {
  let out = "";
  for (const ch of text) {
    const codePoint = ch.codePointAt(0) ?? 0;
    if (!isUnsafe(codePoint)) out += ch;
    else if (codePoint <= 0xff) out += `\\x${codePoint.toString(16).padStart(2, "0")}`;
    else out += `\\u${codePoint.toString(16).padStart(4, "0")}`;
  }
  return out;
}

/** Columns a string takes, counting code points: wide East Asian glyphs are rare enough in certificates. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const _ of text) width++;
  return width;
}

/** At most `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return "";
  return `${[...text].slice(0, width - 1).join("")}…`;
}

/**
 * Words of `text` in lines of at most `width` columns, broken only between words. A single word wider
 * than the whole line (a long hash or URL) is split, never shortened: nothing of a reason is lost.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((candidate) => candidate !== "")) {
    let rest = word;
    while (displayWidth(rest) > width && width > 0) {
      if (line !== "") {
        lines.push(line);
        line = "";
      }
      const chars = [...rest];
      lines.push(chars.slice(0, width).join(""));
      rest = chars.slice(width).join("");
    }
    if (rest === "") continue;
    if (line === "") line = rest;
    else if (displayWidth(line) + 1 + displayWidth(rest) <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
