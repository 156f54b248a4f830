import { endpointKey, type NetError, netError } from "../model/index.js";
import type { NetTarget } from "./target.js";

/** The fields Node, OpenSSL and undici put on their errors; all optional, all unchecked until read. */
interface ErrorFields {
  code?: unknown;
  reason?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
}

const REFUSED = new Set(["ECONNREFUSED"]);
const TIMED_OUT = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);
const RESET = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);
const UNREACHABLE = new Set(["EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "EHOSTDOWN", "ENETDOWN"]);
const DNS_FAILED = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "EAI_NODATA"]);

/** OpenSSL reasons meaning the first bytes back were not a TLS record at all. */
const NOT_TLS_REASONS = new Set([
  "wrong version number",
  "packet length too long",
  "unknown protocol",
  "record layer failure",
  "http request",
  "https proxy request",
]);

/** TLS alert descriptions (RFC 5246 7.2, RFC 8446 6) by the name OpenSSL's reason string gives them. */
const TLS_ALERTS: Readonly<Record<string, number>> = {
  "close notify": 0,
  "unexpected message": 10,
  "bad record mac": 20,
  "decryption failed": 21,
  "record overflow": 22,
  "decompression failure": 30,
  "handshake failure": 40,
  "no certificate": 41,
  "bad certificate": 42,
  "unsupported certificate": 43,
  "certificate revoked": 44,
  "certificate expired": 45,
  "certificate unknown": 46,
  "illegal parameter": 47,
  "unknown ca": 48,
  "access denied": 49,
  "decode error": 50,
  "decrypt error": 51,
  "export restriction": 60,
  "protocol version": 70,
  "insufficient security": 71,
  "internal error": 80,
  "inappropriate fallback": 86,
  "user cancelled": 90,
  "no renegotiation": 100,
  "missing extension": 109,
  "unsupported extension": 110,
  "certificate unobtainable": 111,
  "unrecognized name": 112,
  "bad certificate status response": 113,
  "bad certificate hash value": 114,
  "unknown psk identity": 115,
  "certificate required": 116,
  "no application protocol": 120,
};

/** OpenSSL names a received alert `sslv3 alert X`, `tlsv1 alert X`, `tlsv13 alert X` or `tlsv1 X`. */
const ALERT_REASON = /^(?:sslv3|tlsv1|tlsv13) (?:alert )?(.+)$/;

const MAX_DETAIL_CHARS = 160;

/**
 * Turns whatever a socket, OpenSSL or undici threw into a stable code and a short sentence. Pass the
 * target so messages name what was dialled; without it they fall back to the address on the error.
 * Wrapped errors (undici's `cause`, Happy Eyeballs' AggregateError) are searched for the most telling one.
 */
export function classifySocketError(err: unknown, target?: NetTarget): NetError {
  const outer = classifyOne(err, target);
  if (outer.code !== "error" && outer.code !== "reset") return outer;
  for (const inner of wrappedErrors(err)) {
    const classified = classifyOne(inner, target);
    if (classified.code !== "error" && classified.code !== "reset") return classified;
    if (outer.code === "error" && classified.code === "reset") return classified;
  }
  return outer;
}

function classifyOne(err: unknown, target: NetTarget | undefined): NetError {
  const fields: ErrorFields = typeof err === "object" && err !== null ? err : {};
  const code = typeof fields.code === "string" ? fields.code : "";
  const where = describeTarget(fields, target);

  if (REFUSED.has(code)) return netError("refused", `connection refused by ${where}`);
  // Raised by the --scope resolver: the name resolved only to addresses kubetls may not touch.
  if (code === "ENOTALLOWED") return netError("out-of-scope", `${where}: ${detail(fields, code)}`);
  if (TIMED_OUT.has(code) || fields.name === "TimeoutError") return timedOut(code, where);
  if (RESET.has(code)) {
    return code === "UND_ERR_SOCKET"
      ? netError("reset", `${where} closed the connection`)
      : netError("reset", `connection reset by ${where}`);
  }
  if (UNREACHABLE.has(code)) return netError("unreachable", `${where} is unreachable (${code})`);
  if (DNS_FAILED.has(code)) {
    const name = typeof fields.hostname === "string" ? fields.hostname : (target?.host ?? "the host name");
    return netError("dns-failure", `cannot resolve ${name} (${code})`);
  }
  if (code.startsWith("ERR_SSL_")) return classifyOpenSsl(opensslReason(fields, code), where);
  // undici 7 leaves HTTPParserError's code undefined when llhttp's error number has no name: the class
  // name is the stable part, the message says what llhttp objected to.
  if (code.startsWith("HPE_") || fields.name === "HTTPParserError") {
    return netError("protocol-error", `${where} sent malformed HTTP (${parserComplaint(fields, code)})`);
  }
  if (code === "UND_ERR_HEADERS_OVERFLOW") {
    return netError("protocol-error", `${where} sent response headers larger than kubetls accepts`);
  }
  if (code === "UND_ERR_RES_EXCEEDED_MAX_SIZE") {
    return netError("body-too-large", `the answer from ${where} is larger than allowed`);
  }
  return netError("error", `${where}: ${detail(fields, code)}`);
}

/** `Response does not match the HTTP/1.1 protocol (Invalid response status)` -> `Invalid response status`. */
function parserComplaint(fields: ErrorFields, code: string): string {
  const message = detail(fields, code);
  const inParentheses = /\(([^()]+)\)$/.exec(message)?.[1];
  const complaint = inParentheses ?? message;
  return code !== "" && !complaint.includes(code) ? `${complaint}, ${code}` : complaint;
}

function timedOut(code: string, where: string): NetError {
  switch (code) {
    case "UND_ERR_HEADERS_TIMEOUT":
      return netError("timeout", `no response headers from ${where} in time`);
    case "UND_ERR_BODY_TIMEOUT":
      return netError("timeout", `the response body from ${where} stalled`);
    default:
      return netError("timeout", `${where} did not answer in time`);
  }
}

function classifyOpenSsl(reason: string, where: string): NetError {
  if (NOT_TLS_REASONS.has(reason)) return netError("not-tls", `${where} does not speak TLS (${reason})`);
  const alert = ALERT_REASON.exec(reason)?.[1];
  // Refusing every application protocol offered (HTTP/1.1) is no verdict on the client: an HTTP/2-only server.
  if (alert === "no application protocol") {
    return netError(
      "protocol-error",
      `${where} accepts none of the application protocols offered (ALPN http/1.1): an HTTP/2-only server (alert 120)`,
    );
  }
  if (alert !== undefined) {
    const number = TLS_ALERTS[alert];
    const named = number === undefined ? alert : `${alert} (alert ${number})`;
    return netError("handshake-rejected", `${where} rejected the TLS handshake: ${named}`);
  }
  return netError("protocol-error", `TLS with ${where} failed: ${reason}`);
}

/** Node copies OpenSSL's reason string to `reason`; the code (`ERR_SSL_WRONG_VERSION_NUMBER`) is the fallback. */
function opensslReason(fields: ErrorFields, code: string): string {
  if (typeof fields.reason === "string" && fields.reason !== "") return fields.reason.toLowerCase();
  return code.slice("ERR_SSL_".length).toLowerCase().replaceAll("_", " ");
}

function describeTarget(fields: ErrorFields, target: NetTarget | undefined): string {
  if (target) return endpointKey(target);
  if (typeof fields.address === "string" && typeof fields.port === "number") {
    return endpointKey({ host: fields.address, port: fields.port });
  }
  return "the endpoint";
}

function detail(fields: ErrorFields, code: string): string {
  const message = typeof fields.message === "string" ? fields.message.split("\n", 1)[0]?.trim() : "";
  const text = message || code || "unknown failure";
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}

/** Errors nested in `err`, nearest first: AggregateError members, then the `cause` chain. */
function wrappedErrors(err: unknown): unknown[] {
  const found: unknown[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && found.length < 16) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null) continue;
    const fields: ErrorFields = current;
    const nested = [...(Array.isArray(fields.errors) ? fields.errors : []), fields.cause];
    for (const inner of nested) {
      if (inner !== undefined && inner !== current && !found.includes(inner)) {
        found.push(inner);
        queue.push(inner);
      }
    }
  }
  return found;
}
