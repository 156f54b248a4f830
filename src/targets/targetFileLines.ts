import type { ReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { TargetFileError } from "./errors.js";

/** One meaningful line of a targets file, with where it came from (`nodes.txt:12`, `stdin:3`). */
export interface TargetLine {
  text: string;
  source: string;
}

/**
 * Reads a targets file (or stdin for `-`) lazily, line by line: a file of millions of addresses is never
 * held in memory. `#` starts a comment (targets never contain one), blank lines are skipped and each line
 * is trimmed (which also drops a UTF-8 byte-order mark and the '\r' of CRLF files).
 */
export async function* readTargetLines(
  path: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): AsyncGenerator<TargetLine, void, undefined> {
  const name = path === "-" ? "stdin" : path;
  // Stdin belongs to the process; only a stream we opened is ours to close.
  const fileStream = path === "-" ? undefined : await openFileStream(path);
  const lines = createInterface({ input: fileStream ?? stdin, crlfDelay: Number.POSITIVE_INFINITY });
  const lineIterator = lines[Symbol.asyncIterator]();
  let lineNumber = 0;
  try {
    while (true) {
      const next = await readLine(path, lineIterator);
      if (next.done) return;
      lineNumber++;
      const hash = next.value.indexOf("#");
      const text = (hash < 0 ? next.value : next.value.slice(0, hash)).trim();
      if (text !== "") yield { text, source: `${name}:${lineNumber}` };
    }
  } finally {
    lines.close();
    fileStream?.destroy();
  }
}

/** Only a failure to read is the file's fault; errors a consumer throws into the generator pass untouched. */
async function readLine(path: string, lineIterator: AsyncIterator<string>): Promise<IteratorResult<string>> {
  try {
    return await lineIterator.next();
  } catch (error) {
    throw new TargetFileError(path, error);
  }
}

/** Opening first makes a missing or unreadable file fail here, with its name, before any line is read. */
async function openFileStream(path: string): Promise<ReadStream> {
  try {
    const handle = await open(path, "r");
    return handle.createReadStream({ encoding: "utf8" });
  } catch (error) {
    throw new TargetFileError(path, error);
  }
}
