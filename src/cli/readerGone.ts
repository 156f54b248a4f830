import { once } from "node:events";
import type { Writable } from "node:stream";

/** The reader of stdout went away (`kubetls ... | head`): stop quietly, there is no one to tell. */
export class ReaderGoneError extends Error {
  constructor() {
    super("the reader of stdout went away");
    this.name = "ReaderGoneError";
  }
}

export function isReaderGone(error: unknown): boolean {
  if (error instanceof ReaderGoneError) return true;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

let watching = false;
let gone = false;

/**
 * Keeps an EPIPE on stdout from surfacing as an uncaught stream error with a stack trace: it is
 * remembered, and the next write through `writeToStdout` throws ReaderGoneError instead.
 */
function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (isReaderGone(error)) gone = true;
    else throw error;
  });
}

/** Writes to `stream` and waits while its buffer is full: a slow reader slows the producer, not memory. */
export async function writeWithBackpressure(stream: Writable, text: string): Promise<void> {
  try {
    if (!stream.write(text)) await once(stream, "drain");
  } catch (error) {
    throw isReaderGone(error) ? new ReaderGoneError() : error;
  }
}

/** Stdout writes for streamed output (jsonl, --dry-run): back-pressure, and a quiet stop on EPIPE. */
export async function writeToStdout(text: string): Promise<void> {
  watchStdout();
  if (gone || process.stdout.destroyed) throw new ReaderGoneError();
  await writeWithBackpressure(process.stdout, text);
  // A write to a pipe whose reader left fails with EPIPE on the next tick, not in the call: look after it.
  await new Promise((resolve) => setImmediate(resolve));
  if (gone) throw new ReaderGoneError();
}
