import type { LookupFunction } from "node:net";
import type { Client } from "undici";
import { type NetError, type NetErrorCode, netError } from "../model/index.js";
import { classifySocketError } from "./classifySocketError.js";
import { isForbiddenKubeletPath } from "./forbiddenPaths.js";
import { PhaseDeadline } from "./phaseDeadline.js";
import { probeConnector } from "./probeConnector.js";
import { printableSnippet } from "./snippet.js";
import { httpOrigin, type NetTarget } from "./target.js";

/** Who the request claims to be: a client certificate in the handshake, or a bearer token in a header. */
export type ClientIdentity = { certPem: string; keyPem: string } | { bearerToken: string };

/** A GET and nothing else: there is deliberately no method to choose. */
export interface HttpGetRequest {
  target: NetTarget;
  path: string;
  tls: boolean;
  /** SNI; defaults to the target's host when that is a DNS name. Never sent for an IP literal. */
  servername?: string;
  /** Omit for an anonymous request. */
  identity?: ClientIdentity;
  /**
   * Deadline for each phase: connect plus handshake, then response headers, then each gap in the body;
   * the whole exchange gets three times this.
   */
  timeoutMs: number;
  maxBodyBytes?: number;
  /** Return the whole body (up to maxBodyBytes) as `body`, for JSON answers such as a NodeList. */
  keepBody?: boolean;
  /**
   * Verify the server's chain and name against this CA before the request is sent. Probes never set it
   * (they judge trust themselves); calls carrying a kubeconfig's credentials do, as kubectl would.
   */
  verifyServer?: ServerVerification;
  lookup?: LookupFunction;
}

/** Verify the server before sending: against this CA, or the system roots when `caPem` is null. */
export interface ServerVerification {
  caPem: string | null;
  /** The name the serving certificate must carry (a kubeconfig's tls-server-name); the host otherwise. */
  servername?: string;
}

export interface HttpAnswer {
  outcome: "http";
  status: number;
  contentType: string | null;
  /** The first 512 characters of the body, printable. */
  bodySnippet: string;
  bodyBytesRead: number;
  /** True when reading stopped at `maxBodyBytes` with more still coming. */
  truncated: boolean;
  /** The body as read (at most maxBodyBytes), only when the request asked for `keepBody`. */
  body?: string;
}

export interface HttpFailure {
  outcome: NetErrorCode;
  error: NetError;
}

export type HttpOutcome = HttpAnswer | HttpFailure;

export const DEFAULT_MAX_BODY_BYTES = 65_536;

const SNIPPET_CHARS = 512;
/** Enough bytes for 512 characters of 4-byte UTF-8; the rest of the body is counted, not kept. */
const SNIPPET_BYTES = SNIPPET_CHARS * 4;
/** The whole exchange may take connect + headers + body phases at most. */
const PHASES = 3;
/**
 * undici's own timeouts run on a clock that may be half a second off; they stay as a backstop behind our
 * precise phase deadlines, late enough never to fire first on a server that is merely slow.
 */
const UNDICI_CLOCK_SLACK_MS = 1000;
/** A bearer token travels only in a header: visible ASCII, so it cannot smuggle a header line. */
const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;
const REDACTED = "[redacted]";

/**
 * One GET through its own undici Client, closed before returning. Redirects are returned, not followed;
 * the server's certificate is not checked (x509/ judges it). The bearer token goes out in the
 * Authorization header and is scrubbed from everything returned, even a body that echoes it.
 */
export async function httpGet(request: HttpGetRequest): Promise<HttpOutcome> {
  const { target, path, timeoutMs } = request;
  if (isForbiddenKubeletPath(path)) {
    return failure(
      netError("out-of-scope", `refusing to request ${printableSnippet(path, 120)}: forbidden kubelet path`),
    );
  }
  const identity = request.identity;
  const bearerToken = identity && "bearerToken" in identity ? identity.bearerToken : undefined;
  if (bearerToken !== undefined && !HEADER_SAFE_TOKEN.test(bearerToken)) {
    return failure(netError("error", "the bearer token has characters that cannot go in a header"));
  }
  const redact = (text: string): string => (bearerToken ? redactToken(text, bearerToken) : text);

  let client: Client | undefined;
  // Destroying the sockets and the client fails the request at once in any phase; an abort signal would
  // wait for undici to finish connecting first.
  const giveUp = (): void => {
    connection.destroy();
    void client?.destroy().catch(() => undefined);
  };
  const phases = new PhaseDeadline(target, timeoutMs, giveUp);
  const whole = new PhaseDeadline(target, PHASES * timeoutMs, giveUp);
  const connection = probeConnector(
    {
      target,
      tls: request.tls,
      servername: request.verifyServer?.servername ?? request.servername,
      lookup: request.lookup,
      clientCertificate: identity && "certPem" in identity ? identity : undefined,
      verifyServer: request.verifyServer,
    },
    phases,
  );
  whole.enter("answer");
  try {
    const { Client: UndiciClient } = await loadUndici();
    client = new UndiciClient(httpOrigin(target, request.tls), {
      connect: connection.connect,
      headersTimeout: timeoutMs + UNDICI_CLOCK_SLACK_MS,
      bodyTimeout: timeoutMs + UNDICI_CLOCK_SLACK_MS,
    });
    const response = await client.request({
      path,
      method: "GET",
      headers: {
        "user-agent": "kubetls",
        accept: "*/*",
        ...(bearerToken ? { authorization: `Bearer ${bearerToken}` } : {}),
      },
    });
    const maxBodyBytes = request.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const keepBytes = request.keepBody ? maxBodyBytes : SNIPPET_BYTES;
    const body = await readBounded(response.body, maxBodyBytes, keepBytes, phases);
    return {
      outcome: "http",
      status: response.statusCode,
      contentType: firstHeader(response.headers["content-type"]),
      // Redacted before it is cut, and again after: a token split by the cut must not leave its head behind.
      bodySnippet: redact(
        printableSnippet(redact(body.start.subarray(0, SNIPPET_BYTES).toString("utf8")), SNIPPET_CHARS),
      ),
      bodyBytesRead: body.bytesRead,
      truncated: body.truncated,
      ...(request.keepBody ? { body: redact(body.start.toString("utf8")) } : {}),
    };
  } catch (err) {
    const error =
      phases.expired ??
      whole.expired ??
      rootCause(classifySocketError(err, target), connection.firstSocketError(), target);
    return failure({ ...error, message: redact(error.message) });
  } finally {
    phases.stop();
    whole.stop();
    connection.destroy();
    await client?.destroy().catch(() => undefined);
  }
}

/**
 * undici is loaded on the first GET, not at start-up: it is the largest import (about 0.2 s), and a sweep
 * that finds no open port never needs it.
 */
let undici: Promise<typeof import("undici")> | undefined;
function loadUndici(): Promise<typeof import("undici")> {
  undici ??= import("undici");
  return undici;
}

/** The socket's own error wins over undici's generic report of the same failure. */
function rootCause(thrown: NetError, socketError: unknown, target: NetTarget): NetError {
  if (socketError === undefined || (thrown.code !== "reset" && thrown.code !== "error")) return thrown;
  const fromSocket = classifySocketError(socketError, target);
  return fromSocket.code === "error" ? thrown : fromSocket;
}

interface BoundedBody {
  start: Buffer;
  bytesRead: number;
  truncated: boolean;
}

/** Reads until the end or just past `maxBodyBytes`, keeping only the first `keepBytes`; the rest is never buffered. */
async function readBounded(
  body: AsyncIterable<Buffer>,
  maxBodyBytes: number,
  keepBytes: number,
  phases: PhaseDeadline,
): Promise<BoundedBody> {
  phases.enter("body");
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let bytesRead = 0;
  // Leaving the loop early destroys the stream, and with it the connection.
  for await (const chunk of body) {
    phases.enter("body");
    bytesRead += chunk.length;
    if (keptBytes < keepBytes) {
      const piece = chunk.subarray(0, keepBytes - keptBytes);
      kept.push(piece);
      keptBytes += piece.length;
    }
    if (bytesRead > maxBodyBytes) return { start: Buffer.concat(kept), bytesRead, truncated: true };
  }
  phases.stop();
  return { start: Buffer.concat(kept), bytesRead, truncated: false };
}

function firstHeader(value: string | string[] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first ?? null;
}

function failure(error: NetError): HttpFailure {
  return { outcome: error.code, error };
}

/**
 * Replaces every whole occurrence of the token, and a trailing piece of it (at least 4 characters) where a
 * cut or a size cap ended the text in the middle of one.
 */
export function redactToken(text: string, token: string): string {
  const whole = text.replaceAll(token, REDACTED);
  for (let length = token.length - 1; length >= 4; length--) {
    if (whole.endsWith(token.slice(0, length))) return `${whole.slice(0, whole.length - length)}${REDACTED}`;
  }
  return whole;
}
