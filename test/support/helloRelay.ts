import { connect, createServer, type Server, type Socket } from "node:net";

/** What a relay reads from a client's first TLS record: the ClientHello's highest version and its suites. */
export interface OfferedHello {
  /** The highest version offered: from supported_versions when present, else the legacy version field. */
  maxVersion: number;
  suites: number[];
}

/** For each new connection, given its ClientHello (null when the first record is no ClientHello). */
export type RelayPolicy = (hello: OfferedHello | null, connectionIndex: number) => "forward" | "stall";

export interface HelloRelay {
  host: string;
  port: number;
  /** Connections held without ever being forwarded. */
  stalled: () => number;
  close: () => Promise<void>;
}

/**
 * A TCP relay in front of a real server that reads each client's ClientHello and either forwards the
 * connection untouched or holds it open without a byte in reply: a slow or lossy link that hits exactly the
 * handshakes the policy names. The server behind it never knows.
 */
export async function startHelloRelay(
  upstream: { host: string; port: number },
  host: string,
  policy: RelayPolicy,
): Promise<HelloRelay> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let stalled = 0;
  const server: Server = createServer((client) => {
    const index = connections++;
    sockets.add(client);
    client.on("error", () => undefined);
    client.once("close", () => sockets.delete(client));
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      if (head.length < 5 || head.length < 5 + head.readUInt16BE(3)) return;
      client.off("data", onData);
      if (policy(parseClientHello(head), index) === "stall") {
        stalled++;
        return;
      }
      const server = connect(upstream);
      sockets.add(server);
      server.on("error", () => client.destroy());
      server.once("close", () => {
        sockets.delete(server);
        client.destroy();
      });
      client.once("close", () => server.destroy());
      server.write(head);
      client.pipe(server);
      server.pipe(client);
    };
    client.on("data", onData);
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
    stalled: () => stalled,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The highest version and the suites of a ClientHello in one TLS record; null for anything else. */
export function parseClientHello(record: Buffer): OfferedHello | null {
  try {
    if (record[0] !== 22 || record[5] !== 1) return null;
    let offset = 9; // record header (5) + handshake type and length (4)
    const legacyVersion = record.readUInt16BE(offset);
    offset += 2 + 32; // version, random
    offset += 1 + (record[offset] ?? 0); // session id
    const suitesLength = record.readUInt16BE(offset);
    offset += 2;
    const suites: number[] = [];
    for (let at = offset; at < offset + suitesLength; at += 2) suites.push(record.readUInt16BE(at));
    offset += suitesLength;
    offset += 1 + (record[offset] ?? 0); // compression methods
    let maxVersion = legacyVersion;
    if (offset + 2 <= record.length) {
      const end = offset + 2 + record.readUInt16BE(offset);
      offset += 2;
      while (offset + 4 <= end) {
        const type = record.readUInt16BE(offset);
        const length = record.readUInt16BE(offset + 2);
        if (type === 0x002b) {
          const listLength = record[offset + 4] ?? 0;
          for (let at = offset + 5; at < offset + 5 + listLength; at += 2) {
            maxVersion = Math.max(maxVersion, record.readUInt16BE(at));
          }
        }
        offset += 4 + length;
      }
    }
    return { maxVersion, suites };
  } catch {
    return null;
  }
}

export const TLS12 = 0x0303;
export const TLS13 = 0x0304;
