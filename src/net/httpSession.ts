import type { LookupFunction } from "node:net";
import { endpointKey, type NetError, type NetErrorCode, netError } from "../model/index.js";
import { classifySocketError } from "./classifySocketError.js";
import { isForbiddenKubeletPath } from "./forbiddenPaths.js";
import { PhaseDeadline } from "./phaseDeadline.js";
import {
  type ConnectionPacer,
  type DialDeadlines,
  type ProbeConnector,
  probeConnector,
} from "./probeConnector.js";
import { readBoundedBody } from "./readBoundedBody.js";
import { redactToken } from "./redactToken.js";
import { printableSnippet } from "./snippet.js";
import { httpOrigin, type NetTarget } from "./target.js";
import { loadRequestingClient, type RequestingClient } from "./undiciClient.js";

/** Who the request claims to be: a client certificate in the handshake, or a bearer token in a header. */
export type ClientIdentity = { certPem: string; keyPem: string } | { bearerToken: string };

/** Verify the server before sending: against this CA, or the system roots when `caPem` is null. */
export interface ServerVerification {
  caPem: string | null;
  /** The name the serving certificate must carry (a kubeconfig's tls-server-name); the host otherwise. */
  servername?: string;
}

/** One endpoint under one identity: every GET of a session is asked as the same client. */
export interface HttpSessionSettings {
  target: NetTarget;
  tls: boolean;
  /** SNI; defaults to the target's host when that is a DNS name. Never sent for an IP literal. */
  servername?: string;
  /** Omit for an anonymous session. */
  identity?: ClientIdentity;
  /**
   * Deadline for each phase of each GET: connect plus handshake (when it has to dial), then response
   * headers, then each gap in the body; each whole exchange gets three times this.
   */
  timeoutMs: number;
  /**
   * Verify the server's chain and name against this CA before a request is sent. Probes never set it
   * (they judge trust themselves); calls carrying a kubeconfig's credentials do, as kubectl would.
   */
  verifyServer?: ServerVerification;
  lookup?: LookupFunction;
  /**
   * Paces connections (--rate): taken once per connection dialled, never for a GET on a kept-alive one.
   * Waiting for it counts against no deadline of the GET.
   */
  gate?: ConnectionPacer;
}

export interface HttpGetOptions {
  maxBodyBytes?: number;
  /** Return the whole body (up to maxBodyBytes) as `body`, for JSON answers such as a NodeList. */
  keepBody?: boolean;
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

/** GETs to one endpoint as one identity, one after another on one kept-alive connection where it can be. */
export interface HttpSession {
  /** Runs after the session's previous GET has finished; never rejects. */
  get(path: string, options?: HttpGetOptions): Promise<HttpOutcome>;
  /** Destroys the connection; a later GET fails without dialling. */
  close(): Promise<void>;
}

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

/** One undici Client and the connector that dials for it; both go together when the connection is dropped. */
interface KeptConnection {
  client: RequestingClient;
  connector: ProbeConnector;
}

interface Attempt {
  outcome: HttpOutcome;
  /** Failed before any answer on a connection kept from an earlier GET: the server had closed it meanwhile. */
  onStaleConnection: boolean;
}

/**
 * Opens (lazily, on the first GET) one undici Client, HTTP/1.1 without pipelining, whose GETs share one
 * kept-alive connection: a fully probed endpoint costs a handshake per identity rather than per path. Each
 * GET keeps the guarantees of a GET on its own connection: its own phase deadlines and whole-exchange cap,
 * its own root cause, the forbidden-path guard, bounded reading and redaction. Anything but a clean,
 * complete answer drops the connection, so the next GET starts afresh. Redirects are returned, not
 * followed; the server's certificate is not checked (x509/ judges it). The bearer token goes out in the
 * Authorization header and is scrubbed from everything returned, even a body that echoes it.
 */
export function openHttpSession(settings: HttpSessionSettings): HttpSession {
  const { target, timeoutMs, identity } = settings;
  const bearerToken = identity && "bearerToken" in identity ? identity.bearerToken : undefined;
  const redact = (text: string): string => (bearerToken ? redactToken(text, bearerToken) : text);
  const requestHeaders = {
    "user-agent": "kubetls",
    accept: "*/*",
    ...(bearerToken ? { authorization: `Bearer ${bearerToken}` } : {}),
  };
  let kept: KeptConnection | undefined;
  let deadlinesOfCurrentGet: DialDeadlines | undefined;
  let closed = false;
  let previousGet: Promise<unknown> = Promise.resolve();

  // Destroying the sockets and the client fails the request at once in any phase; an abort signal would
  // wait for undici to finish connecting first.
  const giveUp = (): void => {
    kept?.connector.destroy();
    void kept?.client.destroy().catch(() => undefined);
  };

  const drop = async (): Promise<void> => {
    const dropped = kept;
    kept = undefined;
    if (!dropped) return;
    dropped.connector.destroy();
    await dropped.client.destroy().catch(() => undefined);
  };

  const connection = async (): Promise<KeptConnection> => {
    if (kept) return kept;
    const UndiciClient = await loadRequestingClient();
    if (closed) throw new Error("the HTTP session was closed");
    const connector = probeConnector(
      {
        target,
        tls: settings.tls,
        servername: settings.verifyServer?.servername ?? settings.servername,
        lookup: settings.lookup,
        clientCertificate: identity && "certPem" in identity ? identity : undefined,
        verifyServer: settings.verifyServer,
        gate: settings.gate,
      },
      () => deadlinesOfCurrentGet,
    );
    const client = new UndiciClient(httpOrigin(target, settings.tls), {
      connect: connector.connect,
      pipelining: 1,
      headersTimeout: timeoutMs + UNDICI_CLOCK_SLACK_MS,
      bodyTimeout: timeoutMs + UNDICI_CLOCK_SLACK_MS,
    });
    kept = { client, connector };
    return kept;
  };

  const attempt = async (path: string, options: HttpGetOptions, whole: PhaseDeadline): Promise<Attempt> => {
    const phases = new PhaseDeadline(target, timeoutMs, giveUp);
    deadlinesOfCurrentGet = { phases, whole };
    let used: KeptConnection | undefined;
    let dialsBefore = 0;
    let headersReceived = false;
    try {
      used = await connection();
      dialsBefore = used.connector.dials();
      // On a kept-alive connection the request goes out at once; dialling moves this back to connect.
      phases.enter("headers");
      const response = await used.client.request({ path, method: "GET", headers: requestHeaders });
      headersReceived = true;
      const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      const keepBytes = options.keepBody ? maxBodyBytes : SNIPPET_BYTES;
      const body = await readBoundedBody(response.body, maxBodyBytes, keepBytes, phases);
      // Reading stopped early: the rest of that body would still be in the way of the next answer.
      if (body.truncated) await drop();
      const answer: HttpAnswer = {
        outcome: "http",
        status: response.statusCode,
        contentType: firstHeader(response.headers["content-type"]),
        // Redacted before it is cut, and again after: a token split by the cut must not leave its head behind.
        bodySnippet: redact(
          printableSnippet(redact(body.start.subarray(0, SNIPPET_BYTES).toString("utf8")), SNIPPET_CHARS),
        ),
        bodyBytesRead: body.bytesRead,
        truncated: body.truncated,
        ...(options.keepBody ? { body: redact(body.start.toString("utf8")) } : {}),
      };
      return { outcome: answer, onStaleConnection: false };
    } catch (err) {
      const expired = phases.expired ?? whole.expired;
      const error =
        expired ?? rootCause(classifySocketError(err, target), used?.connector.latestSocketError(), target);
      const reusedConnection = used !== undefined && used.connector.dials() === dialsBefore;
      await drop();
      return {
        outcome: failure({ ...error, message: redact(error.message) }),
        onStaleConnection:
          expired === undefined && !headersReceived && reusedConnection && error.code === "reset",
      };
    } finally {
      phases.stop();
      deadlinesOfCurrentGet = undefined;
    }
  };

  const getNow = async (path: string, options: HttpGetOptions): Promise<HttpOutcome> => {
    if (isForbiddenKubeletPath(path)) {
      return failure(
        netError(
          "out-of-scope",
          `refusing to request ${printableSnippet(path, 120)}: forbidden kubelet path`,
        ),
      );
    }
    if (bearerToken !== undefined && !HEADER_SAFE_TOKEN.test(bearerToken)) {
      return failure(netError("error", "the bearer token has characters that cannot go in a header"));
    }
    if (closed) return failure(netError("error", `the HTTP session with ${endpointKey(target)} was closed`));
    const whole = new PhaseDeadline(target, PHASES * timeoutMs, giveUp);
    whole.enter("answer");
    try {
      const first = await attempt(path, options, whole);
      if (!first.onStaleConnection) return first.outcome;
      // The server closed the kept-alive connection as the request went out (an idle timeout, a close it did
      // not announce): the GET is asked again on a fresh connection, as it would have been on its own.
      return (await attempt(path, options, whole)).outcome;
    } finally {
      whole.stop();
    }
  };

  return {
    get: (path, options = {}) => {
      const outcome = previousGet.then(() => getNow(path, options));
      previousGet = outcome.catch(() => undefined);
      return outcome;
    },
    close: async () => {
      closed = true;
      await drop();
    },
  };
}

/** The socket's own error wins over undici's generic report of the same failure. */
function rootCause(thrown: NetError, socketError: unknown, target: NetTarget): NetError {
  if (socketError === undefined || (thrown.code !== "reset" && thrown.code !== "error")) return thrown;
  const fromSocket = classifySocketError(socketError, target);
  return fromSocket.code === "error" ? thrown : fromSocket;
}

function firstHeader(value: string | string[] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first ?? null;
}

function failure(error: NetError): HttpFailure {
  return { outcome: error.code, error };
}
