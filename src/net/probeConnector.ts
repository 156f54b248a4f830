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
}

/** An undici connector for one probe request, with what undici's own connector would hide. */
export interface ProbeConnector {
  connect: buildConnector.connector;
  /** The first error any of its sockets emitted. */
  firstSocketError: () => unknown;
  /** Destroys every socket it opened, connected or still connecting. */
  destroy: () => void;
}

/**
 * Dials for undici with the probe TLS settings, moving `phases` through connect, handshake and headers.
 * Its own rather than undici's because undici times connect and handshake together on a coarse clock,
 * keeps a half-open socket alive after its request is given up, and reports a connection that fails
 * mid-request as "other side closed", dropping the socket's own error: for a TLS 1.3 server that wants
 * a client certificate, that dropped error is the certificate_required alert.
 */
export function probeConnector(settings: ProbeConnectorSettings, phases: PhaseDeadline): ProbeConnector {
  const sockets: Socket[] = [];
  let firstSocketError: unknown;

  const connect: buildConnector.connector = (_options, callback) => {
    let settled = false;
    const settle: buildConnector.Callback = (...args) => {
      if (settled) return;
      settled = true;
      callback(...args);
    };
    phases.enter("connect");
    let socket: Socket;
    try {
      socket = dial(settings);
    } catch (err) {
      // Node checks the client key and certificate while building the TLS context, before dialling.
      firstSocketError ??= err;
      settle(err instanceof Error ? err : new Error(String(err)), null);
      return;
    }
    sockets.push(socket);
    socket.on("error", (err) => {
      firstSocketError ??= err;
      settle(err, null);
    });
    socket.once("connect", () => {
      if (settings.tls) {
        phases.enter("handshake");
        return;
      }
      phases.enter("headers");
      settle(null, socket);
    });
    socket.once("secureConnect", () => {
      phases.enter("headers");
      settle(null, socket);
    });
  };

  return {
    connect,
    firstSocketError: () => firstSocketError,
    destroy: () => {
      for (const socket of sockets) socket.destroy();
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
