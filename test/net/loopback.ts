import type { AddressInfo, Server, Socket } from "node:net";
import { type KeySpec, type MintedCertificate, mintCertificate } from "../../src/x509/mint.js";

/** A server under test on a loopback address, its connections counted and torn down with it. */
export interface LoopbackServer {
  host: string;
  port: number;
  /** Connections accepted so far. */
  connections: () => number;
  /** Resolves once every accepted connection has closed; rejects after `withinMs`. */
  allClosed: (withinMs?: number) => Promise<void>;
  close: () => Promise<void>;
}

export async function listenOnLoopback(server: Server, host = "127.0.0.1"): Promise<LoopbackServer> {
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
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    connections: () => connections,
    allClosed: async (withinMs = 2000) => {
      const deadline = performance.now() + withinMs;
      while (sockets.size > 0) {
        if (performance.now() > deadline) throw new Error(`${sockets.size} connection(s) still open`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on `host` that was open a moment ago and now refuses. */
export async function closedPort(host: string): Promise<number> {
  const { createServer } = await import("node:net");
  const server = await listenOnLoopback(createServer(), host);
  await server.close();
  return server.port;
}

export interface ServingChain {
  root: MintedCertificate;
  intermediate: MintedCertificate;
  leaf: MintedCertificate;
}

/** root -> intermediate -> leaf, all of one key type; servers send leaf + intermediate, never the root. */
export async function mintServingChain(key: KeySpec, commonName = "node1"): Promise<ServingChain> {
  const root = await mintCertificate({ subject: { commonName: `${commonName}-root` }, key, isCa: true });
  const intermediate = await mintCertificate({
    subject: { commonName: `${commonName}-intermediate` },
    key,
    issuer: root,
    isCa: true,
  });
  const leaf = await mintCertificate({
    subject: { commonName },
    key,
    issuer: intermediate,
    dnsNames: [commonName, "localhost"],
    ipAddresses: ["127.0.0.1"],
    extendedKeyUsage: ["serverAuth"],
  });
  return { root, intermediate, leaf };
}

/** The cluster CA a kubelet's client-ca-file would name: what client certificates are checked against. */
export function mintClusterClientCa(): Promise<MintedCertificate> {
  return mintCertificate({
    subject: { commonName: "kubernetes" },
    key: { type: "ec", curve: "P-256" },
    isCa: true,
  });
}

export function servedPem(chain: ServingChain): string {
  return chain.leaf.certPem + chain.intermediate.certPem;
}

export function elapsedSince(startedAt: number): number {
  return performance.now() - startedAt;
}
