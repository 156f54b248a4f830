import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { InputError } from "../model/index.js";
import { writeToStdout } from "./readerGone.js";

/** Where the report goes: stdout, or a file given with -o (created or truncated). */
export interface ReportSink {
  /** Resolves at once, or when the destination has drained: a slow reader slows the scan, not memory. */
  write(text: string): Promise<void>;
  close(): Promise<void>;
  isTTY: boolean;
  /** A terminal's width; absent for pipes and files. */
  columns?: number;
}

/**
 * Opens the destination before the scan starts: a path that cannot be written is reported (exit 3) at
 * once, not discovered after a long scan, and never surfaces as an unhandled stream error.
 */
export async function openSink(path: string | undefined): Promise<ReportSink> {
  if (path === undefined || path === "-") {
    return {
      write: writeToStdout,
      close: async () => {},
      isTTY: process.stdout.isTTY === true,
      columns: process.stdout.columns,
    };
  }
  const stream = createWriteStream(path);
  let failure: Error | null = null;
  stream.on("error", (error) => {
    failure = error;
  });
  await Promise.race([once(stream, "open"), once(stream, "error")]).catch(() => {});
  if (failure !== null) throw new OutputError(path, failure);
  return {
    write: async (text) => {
      if (failure !== null) throw new OutputError(path, failure);
      await writeWithBackpressure(stream, text);
    },
    close: async () => {
      stream.end();
      await finished(stream);
    },
    isTTY: false,
  };
}

export class OutputError extends InputError {
  constructor(path: string, cause: Error) {
    super(
      "KUBETLS_ERR_OUTPUT",
      `cannot write the report to ${path}: ${(cause as NodeJS.ErrnoException).code ?? cause.message}`,
    );
  }
}

async function writeWithBackpressure(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, "drain");
}
