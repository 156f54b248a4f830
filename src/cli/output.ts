import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";

/** Where the report goes: stdout, or a file given with -o (created or truncated). */
export interface ReportSink {
  /** Resolves at once, or when the destination has drained: a slow reader slows the scan, not memory. */
  write(text: string): Promise<void>;
  close(): Promise<void>;
  isTTY: boolean;
}

export function openSink(path: string | undefined): ReportSink {
  if (path === undefined || path === "-") {
    return {
      write: (text) => writeWithBackpressure(process.stdout, text),
      close: async () => {},
      isTTY: process.stdout.isTTY === true,
    };
  }
  const stream = createWriteStream(path);
  return {
    write: (text) => writeWithBackpressure(stream, text),
    close: async () => {
      stream.end();
      await finished(stream);
    },
    isTTY: false,
  };
}

async function writeWithBackpressure(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, "drain");
}
