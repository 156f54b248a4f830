/**
 * JSON.stringify leaves DEL, the C1 controls and the JS line separators raw. Served certificates and
 * HTTP bodies are attacker-chosen, so escape them too: `cat result.json` must not drive the terminal
 * (C1 CSI), and a jsonl line must stay one line for every splitter. They can only occur inside
 * strings, where `\uXXXX` means the same character, so the document is unchanged for a parser.
 */
export function stringifySafe(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
