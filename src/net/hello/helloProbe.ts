import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import { type NetError, netError } from "../../model/index.js";
import { classifySocketError } from "../classifySocketError.js";
import type { TlsAlert } from "./alerts.js";
import { cipherSuiteName } from "./cipherSuites.js";
import { buildClientHello } from "./clientHello.js";
import { type FlightProgress, ServerFlightParser } from "./serverFlight.js";
import type { TlsVersion } from "./versions.js";

export interface HelloProbeOptions {
  host: string;
  port: number;
  /** SNI; defaults to `host` when that is a DNS name. IP literals are never sent as SNI. */
  servername?: string | undefined;
  version: TlsVersion;
  /** Cipher suite codes to offer, in preference order. */
  suites: readonly number[];
  /** Deadline for the whole attempt: connect, send, and the server's flight. */
  timeoutMs: number;
}

/** One ClientHello and what came back. A plain record: nothing here throws. */
export interface HelloProbeResult {
  version: TlsVersion;
  /** The server answered a ServerHello at the offered version with an offered suite. */
  accepted: boolean;
  /** The version in the server's ServerHello, even when it is not the one offered. */
  negotiatedVersion: TlsVersion | null;
  /** IANA name of the suite the server picked. */
  suite: string | null;
  suiteCode: number | null;
  /** TLS 1.3 HelloRetryRequest: version and suite accepted, the server wanted another key share. */
  helloRetryRequest: boolean;
  /** The alert that refused or ended the attempt. */
  alert?: TlsAlert;
  /** TLS <= 1.2 flight seen to its end: the CertificateRequest's CA names, or null when none was sent. */
  certificateRequest?: { caNames: string[] } | null;
  /** TLS <= 1.2 Certificate message in served order. */
  servedChainDer?: Buffer[];
  error?: NetError;
  elapsedMs: number;
}

function resultFrom(
  options: HelloProbeOptions,
  progress: FlightProgress,
  elapsedMs: number,
  failure: NetError | undefined,
): HelloProbeResult {
  const { flight } = progress;
  const hello = flight.serverHello;
  const result: HelloProbeResult = {
    version: options.version,
    accepted: false,
    negotiatedVersion: hello?.version ?? null,
    suite: hello === null ? null : cipherSuiteName(hello.cipherSuite),
    suiteCode: hello?.cipherSuite ?? null,
    helloRetryRequest: hello?.helloRetryRequest ?? false,
    elapsedMs,
  };
  if (progress.status === "alert") result.alert = progress.alert;
  const error = failure ?? (progress.status === "error" ? progress.error : undefined);
  if (error !== undefined) result.error = error;
  if (hello === null || hello.version !== options.version) return result;
  if (!options.suites.includes(hello.cipherSuite)) {
    result.error = netError("protocol-error", `server chose ${result.suite}, which was not offered`);
    return result;
  }
  if (progress.status !== "complete" || failure !== undefined) return result;
  result.accepted = true;
  if (flight.serverHelloDone) {
    result.certificateRequest =
      flight.certificateRequest === null ? null : { caNames: flight.certificateRequest.caNames };
    if (flight.certificates !== null) result.servedChainDer = flight.certificates;
  }
  return result;
}

/**
 * Opens one TCP connection, sends one ClientHello and reads the server's first flight, then hangs up.
 * Resolves (never rejects) by the deadline; the socket is always destroyed.
 */
export function helloProbe(options: HelloProbeOptions): Promise<HelloProbeResult> {
  const started = performance.now();
  const parser = new ServerFlightParser();
  const hello = buildClientHello({
    version: options.version,
    suites: options.suites,
    servername: options.servername ?? options.host,
  });
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    const socket = connect({ host: options.host, port: options.port });
    const finish = (progress: FlightProgress, failure?: NetError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(resultFrom(options, progress, performance.now() - started, failure));
    };
    const timer = setTimeout(() => {
      const stage = connected ? "the server's answer" : "the connection";
      finish(parser.progress, netError("timeout", `no ${stage} within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    socket.setNoDelay(true);
    socket.once("connect", () => {
      connected = true;
      socket.write(hello);
    });
    socket.on("data", (chunk: Buffer) => {
      const progress = parser.push(chunk);
      const hello = progress.flight.serverHello;
      // A ServerHello for another version or an unoffered suite settles the attempt; no need for the rest.
      const settledEarly =
        hello !== null && (hello.version !== options.version || !options.suites.includes(hello.cipherSuite));
      if (progress.status !== "partial" || settledEarly) finish(progress);
    });
    socket.on("end", () => finish(parser.end()));
    socket.on("error", (error) => {
      // The server may answer (an alert) and reset at once: what was parsed still stands.
      const progress = parser.progress;
      finish(
        progress,
        progress.status === "partial" ? helloSocketError(error, connected, options) : undefined,
      );
    });
    socket.on("close", () => finish(parser.end()));
  });
}

/** The shared classification; an unclassified failure after connecting is the peer dropping us: a reset. */
function helloSocketError(
  error: unknown,
  connected: boolean,
  target: { host: string; port: number },
): NetError {
  const classified = classifySocketError(error, target);
  return connected && classified.code === "error" ? { ...classified, code: "reset" } : classified;
}
