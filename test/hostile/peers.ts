import { createSecureServer as createHttp2SecureServer } from "node:http2";
import { createServer, type Server, Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { records, serverHello } from "../net/hello/wire.js";

/**
 * Hostile peers by class, not by instance: each is a behaviour at one layer (TCP, TLS, HTTP) with its
 * parameters, served by a real listening socket on a loopback address. Tests ask for a class; other
 * instances of the same class are one parameter away.
 */

/** A running peer: where it listens, how many connections it took, and how to stop it. */
export interface HostilePeer {
  host: string;
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}

let nextHost = 0;
const hostBlock = `127.${60 + (process.pid % 40)}.${Math.floor(Math.random() * 250)}`;

/** A loopback address of this process's own random 127.x.y block, so parallel test files never collide. */
export function hostileHost(): string {
  nextHost += 1;
  return `${hostBlock}.${(nextHost % 250) + 1}`;
}

/** Behaviour of a peer on the raw TCP stream, from accept onwards. */
export type TcpBehaviour =
  /** Accepts and never writes nor closes: a tarpit before any protocol. */
  | { kind: "silent" }
  /** Accepts and resets at once (RST). */
  | { kind: "reset" }
  /** Accepts and closes cleanly (FIN) at once. */
  | { kind: "close" }
  /** Waits for the client's first bytes, answers `bytes`, then stays open (or ends). */
  | { kind: "answer"; bytes: Buffer | string; end?: boolean }
  /** A slow link: `bytes` one byte at a time, `intervalMs` apart, after the client's first bytes. */
  | { kind: "drip"; bytes: Buffer | string; intervalMs: number }
  /** Anything else, by hand: called with the socket and the client's first bytes. */
  | { kind: "script"; onFirstData: (socket: Socket, data: Buffer) => void };

export async function startTcpPeer(behaviour: TcpBehaviour, host = hostileHost()): Promise<HostilePeer> {
  return listen(
    createServer((socket) => {
      switch (behaviour.kind) {
        case "silent":
          return;
        case "reset":
          socket.resetAndDestroy();
          return;
        case "close":
          socket.end();
          return;
        case "answer":
          socket.once("data", () => {
            if (behaviour.end) socket.end(behaviour.bytes);
            else socket.write(behaviour.bytes);
          });
          return;
        case "drip":
          socket.once("data", () => drip(socket, Buffer.from(behaviour.bytes), behaviour.intervalMs));
          return;
        case "script":
          socket.once("data", (data: Buffer) => behaviour.onFirstData(socket, data));
          return;
      }
    }),
    host,
  );
}

function drip(socket: Socket, bytes: Buffer, intervalMs: number): void {
  let offset = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || offset >= bytes.length) {
      clearInterval(timer);
      return;
    }
    socket.write(bytes.subarray(offset, offset + 1));
    offset += 1;
  }, intervalMs);
  socket.once("close", () => clearInterval(timer));
}

/** TLS-layer hostility, answered to the ClientHello without any real TLS. */
export type TlsBehaviour =
  /** A fatal alert record (RFC 8446 6): 40 handshake_failure, 70 protocol_version, 80 internal_error, ... */
  | { kind: "alert"; description: number }
  /** A well-formed ServerHello, then silence: a tarpit in the middle of the handshake. */
  | { kind: "stall-after-server-hello" }
  /** A handshake record that claims more bytes than ever come, then silence. */
  | { kind: "truncated-record" }
  /** Random bytes dressed as a TLS handshake record. */
  | { kind: "record-garbage"; bytes: number };

export function startTlsPeer(behaviour: TlsBehaviour, host = hostileHost()): Promise<HostilePeer> {
  return startTcpPeer(
    {
      kind: "script",
      onFirstData: (socket) => {
        switch (behaviour.kind) {
          case "alert":
            socket.end(records(21, Buffer.from([2, behaviour.description])));
            return;
          case "stall-after-server-hello":
            socket.write(records(22, serverHello({ version: 0x0303, suite: 0xc02f })));
            return;
          case "truncated-record":
            socket.write(Buffer.from([22, 3, 3, 0x40, 0x00, 2, 0, 0]));
            return;
          case "record-garbage":
            socket.write(
              Buffer.concat([
                Buffer.from([22, 3, 3, behaviour.bytes >> 8, behaviour.bytes & 0xff]),
                noise(behaviour.bytes),
              ]),
            );
            return;
        }
      },
    },
    host,
  );
}

/** What an HTTP peer answers to a request, by class of malformation or stall. */
export type HttpBehaviour =
  /** HTTP/0.9: a body with no status line at all. */
  | { kind: "http09" }
  /** A status code far outside three digits. */
  | { kind: "status"; code: string }
  /** Response headers of about `bytes` bytes in total. */
  | { kind: "huge-headers"; bytes: number }
  /** A 200 whose body never ends, written as fast as the client reads. */
  | { kind: "endless-body" }
  /** Part of the header block, then silence. */
  | { kind: "stall-mid-headers" }
  /** Headers and part of a promised body, then silence. */
  | { kind: "stall-mid-body" }
  /** An HTTP/2 server speaking first (a SETTINGS frame) where HTTP/1.1 was asked. */
  | { kind: "h2-frames" }
  /** A chunked body whose chunk size is not hex. */
  | { kind: "bad-chunk" }
  /** A header line without a colon. */
  | { kind: "bad-header" };

export interface HttpPeerOptions {
  /** Serve over TLS with this certificate and key (PEM); plain TCP when absent. */
  tls?: { certPem: string; keyPem: string };
  host?: string;
}

export function startHttpPeer(behaviour: HttpBehaviour, options: HttpPeerOptions = {}): Promise<HostilePeer> {
  const onRequest = (socket: Socket): void => {
    socket.once("data", () => answerHttp(socket, behaviour));
  };
  const server = options.tls
    ? createTlsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (socket: TLSSocket) => {
        socket.on("error", () => undefined);
        onRequest(socket);
      })
    : createServer(onRequest);
  if (options.tls) server.on("tlsClientError", () => undefined);
  return listen(server, options.host ?? hostileHost());
}

function answerHttp(socket: Socket, behaviour: HttpBehaviour): void {
  switch (behaviour.kind) {
    case "http09":
      socket.end("<html>no status line, no headers</html>\n");
      return;
    case "status":
      socket.end(`HTTP/1.1 ${behaviour.code} OK\r\ncontent-length: 0\r\n\r\n`);
      return;
    case "huge-headers": {
      const line = `x-padding: ${"a".repeat(1000)}\r\n`;
      socket.end(`HTTP/1.1 200 OK\r\n${line.repeat(Math.ceil(behaviour.bytes / line.length))}\r\n`);
      return;
    }
    case "endless-body": {
      socket.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n");
      const chunk = Buffer.alloc(16_384, "x");
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk)) {
          /* until the kernel buffer is full */
        }
        if (!socket.destroyed) socket.once("drain", pump);
      };
      pump();
      return;
    }
    case "stall-mid-headers":
      socket.write("HTTP/1.1 200 OK\r\ncontent-type: text/pl");
      return;
    case "stall-mid-body":
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n{"kind":');
      return;
    case "h2-frames":
      // SETTINGS (empty), then GOAWAY PROTOCOL_ERROR, as an h2c server does to an HTTP/1.1 request.
      socket.end(Buffer.from("000000040000000000" + "0000080700000000000000000000000001", "hex"));
      return;
    case "bad-chunk":
      socket.end("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
      return;
    case "bad-header":
      socket.end("HTTP/1.1 200 OK\r\nthis line has no colon\r\ncontent-length: 0\r\n\r\n");
      return;
  }
}

/** A TLS server that negotiates HTTP/2 only (ALPN h2, no HTTP/1.1 fallback), as some gRPC front ends do. */
export function startHttp2OnlyPeer(tls: { certPem: string; keyPem: string }, host = hostileHost()) {
  const server = createHttp2SecureServer(
    { cert: tls.certPem, key: tls.keyPem, allowHTTP1: false },
    (_, response) => response.end("ok"),
  );
  server.on("unknownProtocol", (socket) => socket.destroy());
  return listen(server as unknown as Server, host);
}

/**
 * A slow or lossy link in front of a real server: every chunk from the server is held `delayMs`, and
 * after `stallAfterServerBytes` bytes nothing more is passed on (the link goes quiet, the server does not).
 */
export async function startRelay(
  upstream: { host: string; port: number },
  link: { delayMs?: number; stallAfterServerBytes?: number },
  host = hostileHost(),
): Promise<HostilePeer> {
  return listen(
    createServer((client) => {
      const server = new Socket();
      server.on("error", () => client.destroy());
      client.on("error", () => server.destroy());
      client.once("close", () => server.destroy());
      server.connect(upstream.port, upstream.host);
      client.on("data", (data: Buffer) => server.write(data));
      let passed = 0;
      server.on("data", (data: Buffer) => {
        const room = (link.stallAfterServerBytes ?? Number.POSITIVE_INFINITY) - passed;
        if (room <= 0) return;
        const piece = data.subarray(0, Math.min(data.length, room));
        passed += piece.length;
        setTimeout(() => client.destroyed || client.write(piece), link.delayMs ?? 0);
      });
    }),
    host,
  );
}

function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 151 + 7) & 0xff;
  return bytes;
}

/** Listens on `host`, counts connections, and closes every socket it accepted when stopped. */
export async function listen(server: Server, host: string): Promise<HostilePeer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    host,
    port,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
