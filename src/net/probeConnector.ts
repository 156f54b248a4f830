import { type LookupFunction, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { buildConnector } from "undici";
import type { PhaseDeadline } from "./phaseDeadline.js";
import { PROBE_TLS_OPTIONS, probeSecureContext } from "./probeTlsOptions.js";
import { type NetTarget, sniServername } from "./target.js";

export interface ProbeConnectorSettings {
  target: NetTarget;
  tls: boolean;
  servername?: string;
  clientCertificate?: { certPem: string; keyPem: string };
  /** Verify the server against this CA before anything is sent (credentials meant for one server). */
  verifyServer?: { caPem: string | null };
  lookup?: LookupFunction;
  /** Taken once before every connection dialled: --rate paces connections, not requests. */
  gate?: ConnectionPacer;
}

/** Paces new connections; resolves when one may be opened. */
export interface ConnectionPacer {
  take(): Promise<void>;
}

/** The deadlines of the GET a connection is being dialled for. */
export interface DialDeadlines {
  /** Moved through connect, handshake and headers. */
  phases: PhaseDeadline;
  /** The whole exchange's cap, held while waiting for the gate. */
  whole: PhaseDeadline;
}

/** An undici connector for the probe requests of one undici Client, with what undici's own connector would hide. */
export interface ProbeConnector {
  connect: buildConnector.connector;
  /** Connections dialled (or attempted) so far. */
  dials: () => number;
  /**
   * The first error of the most recent connection: the one in use, with pipelining 1. An error of an older,
   * already dropped connection says nothing about the current request.
   */
  latestSocketError: () => unknown;
  /** Destroys every socket it opened, connected, connecting or still waiting for the gate; it dials no more. */
  destroy: () => void;
}

interface Dial {
  socket?: Socket;
  error?: unknown;
}

/**
 * Dials for undici with the probe TLS settings, moving the current GET's deadlines through connect,
 * handshake and headers. Its own rather than undici's because undici times connect and handshake together
 * on a coarse clock, keeps a half-open socket alive after its request is given up, and reports a connection
 * that fails mid-request as "other side closed", dropping the socket's own error: for a TLS 1.3 server that
 * wants a client certificate, that dropped error is the certificate_required alert.
 */
export function probeConnector(
  settings: ProbeConnectorSettings,
  deadlinesOfCurrentGet: () => DialDeadlines | undefined,
): ProbeConnector {
  const dialsMade: Dial[] = [];
  let destroyed = false;

  const connect: buildConnector.connector = (_options, callback) => {
    let settled = false;
    const settle: buildConnector.Callback = (...args) => {
      if (settled) return;
      settled = true;
      callback(...args);
    };
    const attempt: Dial = {};
    dialsMade.push(attempt);
    const deadlines = deadlinesOfCurrentGet();

    const dialNow = (): void => {
      if (destroyed) {
        settle(new Error("the connection was closed before it was dialled"), null);
        return;
      }
      deadlines?.phases.enter("connect");
      let socket: Socket;
      try {
        socket = dial(settings);
      } catch (err) {
        // Node checks the client key and certificate while building the TLS context, before dialling.
        attempt.error = err;
        settle(err instanceof Error ? err : new Error(String(err)), null);
        return;
      }
      attempt.socket = socket;
      socket.on("error", (err) => {
        attempt.error ??= err;
        settle(err, null);
      });
      socket.once("connect", () => {
        if (settings.tls) {
          deadlines?.phases.enter("handshake");
          return;
        }
        deadlines?.phases.enter("headers");
        settle(null, socket);
      });
      socket.once("secureConnect", () => {
        deadlines?.phases.enter("headers");
        settle(null, socket);
      });
    };

    const gate = settings.gate;
    if (gate === undefined) {
      dialNow();
      return;
    }
    // Queueing for a --rate slot is not the peer's time: no deadline of the GET runs meanwhile.
    deadlines?.phases.stop();
    deadlines?.whole.pause();
    gate.take().then(
      () => {
        deadlines?.whole.resume();
        dialNow();
      },
      (err: unknown) => {
        deadlines?.whole.resume();
        settle(err instanceof Error ? err : new Error(String(err)), null);
      },
    );
  };

  return {
    connect,
    dials: () => dialsMade.length,
    latestSocketError: () => dialsMade.at(-1)?.error,
    destroy: () => {
      destroyed = true;
      for (const { socket } of dialsMade) socket?.destroy();
    },
  };
}

function dial(settings: ProbeConnectorSettings): Socket {
  const { host, port } = settings.target;
  if (!settings.tls) return netConnect({ host, port, lookup: settings.lookup });
  return tlsConnect({
    ...PROBE_TLS_OPTIONS,
    host,
    port,
    lookup: settings.lookup,
    servername: sniServername(settings.target, settings.servername),
    // undici's Client speaks HTTP/1.1 only; a server that picked h2 would not understand it.
    ALPNProtocols: ["http/1.1"],
    ...(settings.verifyServer
      ? {
          rejectUnauthorized: true,
          // null: Node's bundled roots, as kubectl uses the system's when a kubeconfig names no CA.
          ...(settings.verifyServer.caPem === null ? {} : { ca: settings.verifyServer.caPem }),
          ...(settings.clientCertificate
            ? { cert: settings.clientCertificate.certPem, key: settings.clientCertificate.keyPem }
            : {}),
        }
      : { secureContext: probeSecureContext(settings.clientCertificate) }),
  });
}
