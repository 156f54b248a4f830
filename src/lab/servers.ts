import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from "node:https";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { GO_DEFAULT_RSA_CIPHERS, goDefaultSuitesFront } from "./goDefaultSuites.js";
import type { ServeSpec } from "./posture.js";

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface RunningListener {
  close(): Promise<void>;
}

/** Starts one listener as the spec says, bound to address:port, and tracks its sockets so stop is prompt. */
export async function startListener(
  spec: ServeSpec,
  address: string,
  port: number,
): Promise<RunningListener> {
  const server = createServerFor(spec);
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // Hostile peers and tarpits leave sockets open on purpose; an error on them is expected.
    socket.on("error", () => {});
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function createServerFor(spec: ServeSpec): Server {
  switch (spec.kind) {
    case "tls": {
      if (spec.goDefaultSuites) {
        const inner = createHttpsServer(
          tlsOptions({ ...spec, ciphers: GO_DEFAULT_RSA_CIPHERS }),
          spec.handler,
        );
        inner.on("tlsClientError", () => {});
        return goDefaultSuitesFront(inner, { chain: spec.chain, clientCas: spec.clientCas });
      }
      return createHttpsServer(tlsOptions(spec), spec.handler);
    }
    case "plain-http":
      return createHttpServer(spec.handler);
    case "tarpit":
      // Accepts and never says a word: the scan's deadlines must end it.
      return createTcpServer(() => {});
    case "garbage":
      return createTcpServer((socket) => {
        socket.end(randomBytes(4096));
      });
    case "reset":
      return createTcpServer((socket) => {
        socket.resetAndDestroy();
      });
    case "tripwire":
      return createTcpServer((socket) => {
        spec.record(socket.remoteAddress ?? "unknown");
        socket.destroy();
      });
  }
}

function tlsOptions(spec: Extract<ServeSpec, { kind: "tls" }>): HttpsServerOptions {
  return {
    cert: spec.chain.map((certificate) => certificate.certPem).join(""),
    key: spec.chain[0]?.keyPem,
    // Go's tls.RequestClientCert: ask, advertise the CA names, never fail the handshake.
    requestCert: spec.clientCas.length > 0,
    rejectUnauthorized: spec.requireClientCertificate === true,
    ca: spec.clientCas.length > 0 ? spec.clientCas.map((ca) => ca.certPem) : undefined,
    minVersion: spec.minVersion ?? "TLSv1.2",
    maxVersion: spec.maxVersion,
    // Deliberately weak lab certificates (SHA-1, 1024-bit) must still load.
    ciphers: spec.ciphers ?? "DEFAULT:@SECLEVEL=0",
  };
}
