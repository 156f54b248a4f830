import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { InputError } from "../model/index.js";
import { writeToStdout } from "./readerGone.js";

/**
 * Where a report goes: stdout, or a file. A file report is written to a temporary file beside it and
 * renamed over the old report only once it is whole (`close`): a scan that fails or is killed leaves the
 * previous report where it was, never a truncated or empty one.
 */
export interface ReportSink {
  /** Resolves at once, or when the destination has drained: a slow reader slows the scan, not memory. */
  write(text: string): Promise<void>;
  /** The report is complete: a file replaces the previous report at its path. */
  close(): Promise<void>;
  /** The report will not be completed: a file's temporary copy is removed and any previous report kept. */
  abort(): Promise<void>;
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
      abort: async () => {},
      isTTY: process.stdout.isTTY === true,
      columns: process.stdout.columns,
    };
  }
  return openFileSink(path);
}

/** Opens every report file at once; when one cannot be opened, those already opened are removed again. */
export async function openSinks(paths: readonly string[]): Promise<ReportSink[]> {
  const opened = await Promise.allSettled(paths.map((path) => openFileSink(path)));
  const failure = opened.find((outcome) => outcome.status === "rejected");
  if (failure) {
    await Promise.all(
      opened.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value.abort()] : [])),
    );
    throw failure.reason;
  }
  return opened.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
}

async function openFileSink(path: string): Promise<ReportSink> {
  // A directory at the path would only fail at the rename, after the whole scan.
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory()) throw new OutputError(path, "it is a directory");
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
  );
  const stream = createWriteStream(temporary, { flags: "wx" });
  let failure: NodeJS.ErrnoException | null = null;
  stream.on("error", (error) => {
    failure = error;
  });
  await Promise.race([once(stream, "open"), once(stream, "error")]).catch(() => {});
  if (failure !== null) throw new OutputError(path, describeFailure(failure, path));
  let settled = false;
  const discard = async (): Promise<void> => {
    stream.destroy();
    await rm(temporary, { force: true });
  };
  return {
    write: async (text) => {
      if (failure !== null) throw new OutputError(path, describeFailure(failure, path));
      await writeWithBackpressure(stream, text);
    },
    close: async () => {
      if (settled) return;
      settled = true;
      try {
        await endStream(stream);
        if (failure !== null) throw new OutputError(path, describeFailure(failure, path));
        await rename(temporary, path);
      } catch (error) {
        await discard();
        if (error instanceof OutputError) throw error;
        throw new OutputError(path, describeFailure(error as NodeJS.ErrnoException, path));
      }
    },
    abort: async () => {
      if (settled) return;
      settled = true;
      await discard();
    },
    isTTY: false,
  };
}

async function endStream(stream: WriteStream): Promise<void> {
  stream.end();
  await finished(stream);
}

export class OutputError extends InputError {
  constructor(path: string, reason: string) {
    super("KUBETLS_ERR_OUTPUT", `cannot write the report to ${path}: ${reason}`);
  }
}

/** Words for the usual reasons, the errno code kept for searching; never a bare ENOENT. */
function describeFailure(error: NodeJS.ErrnoException, path: string): string {
  const directory = dirname(path);
  switch (error.code) {
    case "ENOENT":
      return `no such directory ${directory} (ENOENT)`;
    case "ENOTDIR":
      return `a part of ${directory} is not a directory (ENOTDIR)`;
    case "EACCES":
    case "EPERM":
      return `permission denied in ${directory} (${error.code})`;
    case "EROFS":
      return `${directory} is on a read-only file system (EROFS)`;
    case "EISDIR":
      return "it is a directory (EISDIR)";
    case "ENOSPC":
      return "no space left on the device (ENOSPC)";
    default:
      return error.code ? `${error.message} (${error.code})` : error.message;
  }
}

async function writeWithBackpressure(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, "drain");
}
