import { createWriteStream, type WriteStream } from "node:fs";
import { finished } from "node:stream/promises";

/** Where the report goes: stdout, or a file given with -o (created or truncated). */
export interface ReportSink {
  write(text: string): void;
  close(): Promise<void>;
  isTTY: boolean;
}

export function openSink(path: string | undefined): ReportSink {
  if (path === undefined || path === "-") {
    return {
      write: (text) => process.stdout.write(text),
      close: async () => {},
      isTTY: process.stdout.isTTY === true,
    };
  }
  const stream: WriteStream = createWriteStream(path);
  return {
    write: (text) => stream.write(text),
    close: async () => {
      stream.end();
      await finished(stream);
    },
    isTTY: false,
  };
}
