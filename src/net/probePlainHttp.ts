import { connect, type LookupFunction, type Socket } from "node:net";
import { endpointKey } from "../model/index.js";
import { PhaseDeadline } from "./phaseDeadline.js";
import { printableSnippet } from "./snippet.js";
import type { NetTarget } from "./target.js";

/** A port that answered a plain-text HTTP request: on a TLS port that is a finding in itself. */
export interface PlainHttpAnswer {
  status: number;
  /** `HTTP/1.1 200 OK`, control characters removed. */
  statusLine: string;
  /** The start of the body (de-chunked), printable, at most 512 characters. */
  snippet: string;
}

export interface PlainHttpOptions {
  /** Deadline for the TCP connect and, again, for the answer. */
  timeoutMs: number;
  lookup?: LookupFunction;
}

const MAX_RESPONSE_BYTES = 4096;
const SNIPPET_CHARS = 512;
const LAST_CHUNK = "0\r\n\r\n";
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?(?=\r?\n|$)/;

/**
 * Sends `GET /healthz` over plain TCP and reads at most 4 KiB back. Null when nothing HTTP-shaped answers
 * (refused, silent, TLS, garbage): the caller already knows why from its own attempt, or does not care.
 */
export function probePlainHttp(
  target: NetTarget,
  options: PlainHttpOptions,
): Promise<PlainHttpAnswer | null> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let receivedBytes = 0;
    let settled = false;
    let socket: Socket;
    try {
      socket = connect({ host: target.host, port: target.port, lookup: options.lookup });
    } catch {
      // A port or host Node refuses to dial is not an HTTP server either.
      resolve(null);
      return;
    }
    const finish = (): void => {
      if (settled) return;
      settled = true;
      deadline.stop();
      socket.destroy();
      resolve(parsePlainHttpAnswer(Buffer.concat(received)));
    };
    const deadline = new PhaseDeadline(target, options.timeoutMs, finish);
    deadline.enter("connect");

    socket.once("connect", () => {
      deadline.enter("headers");
      socket.write(
        `GET /healthz HTTP/1.1\r\nHost: ${endpointKey(target)}\r\nUser-Agent: kubetls\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.on("data", (chunk: Buffer) => {
      const room = MAX_RESPONSE_BYTES - receivedBytes;
      received.push(chunk.subarray(0, room));
      receivedBytes += Math.min(chunk.length, room);
      if (receivedBytes >= MAX_RESPONSE_BYTES || isComplete(Buffer.concat(received))) finish();
    });
    socket.once("end", finish);
    socket.once("close", finish);
    socket.on("error", finish);
  });
}

function parsePlainHttpAnswer(response: Buffer): PlainHttpAnswer | null {
  const match = STATUS_LINE.exec(response.toString("latin1"));
  if (!match?.[1]) return null;
  const parts = splitHead(response);
  const body = parts && isChunked(parts.head) ? dechunk(parts.body) : (parts?.body ?? Buffer.alloc(0));
  return {
    status: Number(match[1]),
    statusLine: printableSnippet(match[0], SNIPPET_CHARS),
    snippet: printableSnippet(body.toString("utf8"), SNIPPET_CHARS),
  };
}

/** Done early when the promised body has arrived; otherwise the caller waits for close or the deadline. */
function isComplete(response: Buffer): boolean {
  const parts = splitHead(response);
  if (!parts) return false;
  if (isChunked(parts.head)) {
    return (
      parts.body.subarray(0, LAST_CHUNK.length).toString("latin1") === LAST_CHUNK ||
      parts.body.includes(`\r\n${LAST_CHUNK}`)
    );
  }
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(parts.head)?.[1];
  return length !== undefined && parts.body.length >= Number(length);
}

function splitHead(response: Buffer): { head: string; body: Buffer } | null {
  const headEnd = response.indexOf("\r\n\r\n");
  if (headEnd < 0) return null;
  return { head: response.subarray(0, headEnd).toString("latin1"), body: response.subarray(headEnd + 4) };
}

function isChunked(head: string): boolean {
  return /\r\ntransfer-encoding:[^\r\n]*\bchunked\b/i.test(head);
}

/** As much of a chunked body as arrived whole; enough for a snippet, not a general decoder. */
function dechunk(body: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    pieces.push(body.subarray(lineEnd + 2, Math.min(lineEnd + 2 + size, body.length)));
    offset = lineEnd + 2 + size + 2;
    if (offset > body.length) break;
  }
  return Buffer.concat(pieces);
}
