import { KubeBenchFileError } from "./kubeBenchFileError.js";

/** One top-level JSON value of a file that may hold several, and the line it starts on (1-based). */
export interface JsonDocument {
  value: unknown;
  line: number;
}

/**
 * Splits text holding one JSON value or several written back to back (kube-bench prints one document per
 * target in some versions) and parses each. Only objects and arrays are accepted at the top level.
 */
export function parseJsonDocuments(text: string, source: string): JsonDocument[] {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const documents: JsonDocument[] = [];
  let at = skipWhitespace(body, 0);
  while (at < body.length) {
    const opener = body[at];
    if (opener !== "{" && opener !== "[") {
      throw new KubeBenchFileError(
        source,
        position(body, at),
        `expected "{" or "[" to start a JSON document, found ${JSON.stringify(body.slice(at, at + 12))}`,
      );
    }
    const end = closingIndex(body, at);
    const slice = body.slice(at, end);
    documents.push({ value: parseSlice(slice, body, at, source), line: lineAt(body, at) });
    at = skipWhitespace(body, end);
  }
  return documents;
}

function skipWhitespace(text: string, from: number): number {
  let at = from;
  while (at < text.length && /\s/.test(text[at] as string)) at++;
  return at;
}

/** Index just past the bracket that closes the value opened at `start`, or the text's end if none does. */
function closingIndex(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let at = start; at < text.length; at++) {
    const char = text[at];
    if (inString) {
      if (char === "\\") at++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{" || char === "[") {
      depth++;
    } else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return at + 1;
    }
  }
  return text.length;
}

function parseSlice(slice: string, text: string, offset: number, source: string): unknown {
  try {
    return JSON.parse(slice);
  } catch (error) {
    const message = (error as Error).message;
    const found = /at position (\d+)/.exec(message);
    const at = found ? offset + Number(found[1]) : offset + slice.length;
    // V8 appends the position and sometimes echoes the whole input; the location says it better.
    const reason = message
      .replace(/ in JSON at position \d+.*$/, "")
      .replace(/, ".*" is not valid JSON$/s, "")
      .replace(/^Unexpected end of JSON input$/, "unexpected end of input: a bracket or quote is not closed");
    throw new KubeBenchFileError(source, position(text, at), `not valid JSON: ${reason}`);
  }
}

function lineAt(text: string, at: number): number {
  let line = 1;
  for (let index = 0; index < at; index++) if (text[index] === "\n") line++;
  return line;
}

function position(text: string, at: number): string {
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  return `line ${lineAt(text, at)}, column ${at - lineStart + 1}`;
}
