/*
 * C0 and C1 controls (except tab and newline), DEL, and the bidi overrides: what could rewrite a terminal
 * line or a report when a server's bytes are shown to a person.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text a server sent, made safe to print: control characters removed, at most `maxChars` characters. */
export function printableSnippet(text: string, maxChars: number): string {
  return Array.from(text.replace(UNPRINTABLE, "")).slice(0, maxChars).join("");
}

/** The same, on one line: newlines and tabs go too, for a fragment quoted inside a message. */
export function printableLine(text: string, maxChars: number): string {
  return printableSnippet(text.replace(/[\t\n]/g, ""), maxChars);
}
