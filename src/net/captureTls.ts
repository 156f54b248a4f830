import type { LookupFunction } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import { endpointKey, type NetError, netError, type TlsSession } from "../model/index.js";
import { classifySocketError } from "./classifySocketError.js";
import { PhaseDeadline } from "./phaseDeadline.js";
import { type PlainHttpAnswer, probePlainHttp } from "./probePlainHttp.js";
import { PROBE_TLS_OPTIONS, probeSecureContext } from "./probeTlsOptions.js";
import { servedChainDer } from "./servedChain.js";
import { type NetTarget, sniServername } from "./target.js";

export interface CaptureTlsOptions {
  /** Deadline for the TCP connect (DNS included) and, again, for the TLS handshake. */
  timeoutMs: number;
  /** SNI to send; defaults to the target's host when that is a DNS name. Never sent for an IP literal. */
  servername?: string;
  lookup?: LookupFunction;
}

export type TlsCapture =
  | { ok: true; session: TlsSession; servedChainDer: Buffer[] }
  /** `plainHttp` is set when the port is not TLS but answers plain HTTP. */
  | { ok: false; error: NetError; plainHttp?: PlainHttpAnswer };

const OFFERED_ALPN = ["h2", "http/1.1"];

/**
 * One TLS handshake with the target: the negotiated version, cipher and ALPN, and the certificates the
 * server sent (see `servedChainDer` for their order). Never throws; the socket is always destroyed.
 * When the port does not speak TLS, a plain-HTTP request follows on a new connection.
 */
export async function captureTls(target: NetTarget, options: CaptureTlsOptions): Promise<TlsCapture> {
  const capture = await handshake(target, options);
  if (capture.ok || capture.error.code !== "not-tls") return capture;
  const plainHttp = await probePlainHttp(target, { timeoutMs: options.timeoutMs, lookup: options.lookup });
  return plainHttp ? { ...capture, plainHttp } : capture;
}

function handshake(target: NetTarget, options: CaptureTlsOptions): Promise<TlsCapture> {
  return new Promise((resolve) => {
    let settled = false;
    let socket: TLSSocket | undefined;
    const finish = (capture: TlsCapture): void => {
      if (settled) return;
      settled = true;
      deadline.stop();
      socket?.destroy();
      resolve(capture);
    };
    const fail = (error: NetError): void => finish({ ok: false, error });
    const deadline = new PhaseDeadline(target, options.timeoutMs, fail);
    deadline.enter("connect");

    try {
      socket = connect({
        ...PROBE_TLS_OPTIONS,
        host: target.host,
        port: target.port,
        lookup: options.lookup,
        servername: sniServername(target, options.servername),
        // Shared, with an empty trust store: Node would otherwise extend the reported chain from local roots.
        secureContext: probeSecureContext(),
        ALPNProtocols: OFFERED_ALPN,
      });
    } catch (err) {
      fail(classifySocketError(err, target));
      return;
    }
    const tlsSocket = socket;

    tlsSocket.once("connect", () => deadline.enter("handshake"));
    tlsSocket.once("secureConnect", () => {
      try {
        finish({
          ok: true,
          session: sessionOf(tlsSocket),
          servedChainDer: servedChainDer(tlsSocket.getPeerCertificate(true)),
        });
      } catch (err) {
        fail(classifySocketError(err, target));
      }
    });
    tlsSocket.on("error", (err) => fail(classifySocketError(err, target)));
    tlsSocket.once("close", () =>
      fail(netError("reset", `${endpointKey(target)} closed the connection during the TLS handshake`)),
    );
  });
}

function sessionOf(socket: TLSSocket): TlsSession {
  const cipher = socket.getCipher();
  return {
    version: socket.getProtocol() ?? "unknown",
    // IANA name (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), the one the CIS lists use, not OpenSSL's.
    cipher: cipher.standardName || cipher.name,
    alpn: typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : null,
  };
}
