import { createServer as createHttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { gatherAuthFacts } from "../../src/facts/index.js";
import type { AuthProbe } from "../../src/model/index.js";
import { type MintedCertificate, mintCertificate } from "../../src/x509/mint.js";
import { type LoopbackServer, listenOnLoopback, mintServingChain, servedPem } from "../net/loopback.js";

const PATHS = ["/healthz", "/pods", "/metrics", "/configz", "/stats/summary"];

let untrusted: MintedCertificate;
let trusted: MintedCertificate;
let server: LoopbackServer;
/** Per connection, the paths asked on it in order, and who asked (the client certificate's CN). */
let connections: { who: string; paths: string[] }[];
let inFlight = 0;
let mostInFlight = 0;

beforeAll(async () => {
  const serving = await mintServingChain({ type: "ec", curve: "P-256" }, "kubelet");
  const ca = await mintCertificate({
    subject: { commonName: "kubernetes" },
    key: { type: "ec", curve: "P-256" },
    isCa: true,
  });
  const mintClient = (commonName: string) =>
    mintCertificate({
      subject: { commonName },
      key: { type: "ec", curve: "P-256" },
      issuer: ca,
      extendedKeyUsage: ["clientAuth"],
    });
  untrusted = await mintClient("kubetls-untrusted");
  trusted = await mintClient("kube-apiserver-kubelet-client");
  const perSocket = new WeakMap<TLSSocket, { who: string; paths: string[] }>();
  const https = createHttpsServer(
    { cert: servedPem(serving), key: serving.leaf.keyPem, requestCert: true, rejectUnauthorized: false },
    (request, response) => {
      const socket = request.socket as TLSSocket;
      const commonName = socket.getPeerCertificate().subject?.CN;
      const who = typeof commonName === "string" ? commonName : "anonymous";
      const connection = perSocket.get(socket) ?? { who, paths: [] };
      if (!perSocket.has(socket)) {
        perSocket.set(socket, connection);
        connections.push(connection);
      }
      connection.paths.push(request.url ?? "");
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        response.writeHead(request.url === "/healthz" ? 200 : 401, { "content-type": "text/plain" });
        response.end(`${who} asked ${request.url}`);
      }, 5);
    },
  );
  server = await listenOnLoopback(https);
  return () => server.close();
});

afterEach(() => {
  connections = [];
  mostInFlight = 0;
});

function countingGate(): { take: () => Promise<void>; taken: () => number } {
  let taken = 0;
  return { take: async () => void taken++, taken: () => taken };
}

describe("gatherAuthFacts", () => {
  it("asks each identity's paths in order on one connection of its own, taking the gate per connection", async () => {
    connections = [];
    const gate = countingGate();
    const known: AuthProbe[] = [
      { path: "/healthz", outcome: "http", status: 200, user: null, snippet: "asked during detection" },
    ];
    const facts = await gatherAuthFacts(
      server,
      true,
      PATHS,
      {
        anonymous: null,
        untrusted: { credentials: { certPem: untrusted.certPem, keyPem: untrusted.keyPem } },
        trusted: { credentials: { certPem: trusted.certPem, keyPem: trusted.keyPem } },
      },
      { timeoutMs: 5000, gate },
      { anonymous: known },
    );

    expect(Object.keys(facts)).toEqual(["anonymous", "untrusted", "trusted"]);
    expect(facts.anonymous?.map((probe) => probe.snippet)).toEqual([
      "asked during detection",
      ...PATHS.slice(1).map((path) => `anonymous asked ${path}`),
    ]);
    expect(facts.untrusted?.map((probe) => probe.snippet)).toEqual(
      PATHS.map((path) => `kubetls-untrusted asked ${path}`),
    );
    expect(facts.trusted?.map((probe) => [probe.path, probe.status])).toEqual(
      PATHS.map((path) => [path, path === "/healthz" ? 200 : 401]),
    );
    expect([...connections].sort((a, b) => a.who.localeCompare(b.who))).toEqual([
      { who: "anonymous", paths: PATHS.slice(1) },
      { who: "kube-apiserver-kubelet-client", paths: PATHS },
      { who: "kubetls-untrusted", paths: PATHS },
    ]);
    expect(gate.taken()).toBe(3);
    // The identities run side by side, one GET each at a time.
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(3);
    await server.allClosed();
  });

  it("opens no connection for an identity whose every answer is already known", async () => {
    connections = [];
    const gate = countingGate();
    const known = PATHS.map(
      (path): AuthProbe => ({ path, outcome: "http", status: 200, user: null, snippet: "known" }),
    );
    const facts = await gatherAuthFacts(
      server,
      true,
      PATHS,
      { anonymous: null },
      { timeoutMs: 5000, gate },
      { anonymous: known },
    );
    expect(facts).toEqual({ anonymous: known });
    expect(connections).toEqual([]);
    expect(gate.taken()).toBe(0);
  });
});
