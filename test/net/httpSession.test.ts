import type { RequestListener } from "node:http";
import { createServer as createHttpsServer, type ServerOptions } from "node:https";
import type { Server } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type HttpSession, type HttpSessionSettings, openHttpSession } from "../../src/net/index.js";
import { type MintedCertificate, mintCertificate } from "../../src/x509/mint.js";
import {
  elapsedSince,
  type LoopbackServer,
  listenOnLoopback,
  mintClusterClientCa,
  mintServingChain,
  type ServingChain,
  servedPem,
} from "./loopback.js";

const TIMEOUT_MS = 400;
const SLACK_MS = 1500;
const PATHS = ["/healthz", "/pods", "/metrics", "/configz", "/stats/summary"];

let serving: ServingChain;
let clientCa: MintedCertificate;
const running: LoopbackServer[] = [];
const sessions: HttpSession[] = [];

beforeAll(async () => {
  serving = await mintServingChain({ type: "ec", curve: "P-256" }, "kubelet");
  clientCa = await mintClusterClientCa();
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** A TLS server on loopback, counting its completed handshakes as well as its connections. */
interface CountingServer extends LoopbackServer {
  handshakes: () => number;
}

async function start(server: Server): Promise<CountingServer> {
  let handshakes = 0;
  server.on("secureConnection", () => handshakes++);
  server.on("tlsClientError", () => undefined);
  const listening = await listenOnLoopback(server);
  running.push(listening);
  return { ...listening, handshakes: () => handshakes };
}

function httpsServer(handler: RequestListener, options: ServerOptions = {}): Server {
  return createHttpsServer({ cert: servedPem(serving), key: serving.leaf.keyPem, ...options }, handler);
}

/** Answers every request with its own path, so an answer can be matched to its question. */
const echoPath: RequestListener = (request, response) => {
  response.writeHead(200, { "content-type": "text/plain" });
  response.end(`you asked ${request.url}`);
};

/** A --rate gate that counts the connections it lets through, after `delayMs` each. */
function countingGate(delayMs = 0): { take: () => Promise<void>; taken: () => number } {
  let taken = 0;
  return {
    take: async () => {
      taken++;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    },
    taken: () => taken,
  };
}

function open(server: LoopbackServer, settings: Partial<HttpSessionSettings> = {}): HttpSession {
  const session = openHttpSession({
    target: { host: server.host, port: server.port },
    tls: true,
    timeoutMs: 5000,
    ...settings,
  });
  sessions.push(session);
  return session;
}

async function askInOrder(session: HttpSession, paths: readonly string[]) {
  const outcomes = [];
  for (const path of paths) outcomes.push(await session.get(path));
  return outcomes;
}

describe("openHttpSession", () => {
  it("asks every path of one identity on one connection and one TLS handshake", async () => {
    const server = await start(httpsServer(echoPath));
    const gate = countingGate();
    const session = open(server, { gate });
    const outcomes = await askInOrder(session, PATHS);
    expect(outcomes.map((outcome) => (outcome.outcome === "http" ? outcome.bodySnippet : outcome))).toEqual(
      PATHS.map((path) => `you asked ${path}`),
    );
    expect(server.connections()).toBe(1);
    expect(server.handshakes()).toBe(1);
    expect(gate.taken()).toBe(1);
    await session.close();
    await server.allClosed();
  });

  it("answers every GET of a server that says Connection: close, on a new connection each", async () => {
    const server = await start(
      httpsServer((request, response) => {
        response.writeHead(200, { "content-type": "text/plain", connection: "close" });
        response.end(`you asked ${request.url}`);
      }),
    );
    const gate = countingGate();
    const outcomes = await askInOrder(open(server, { gate }), PATHS);
    expect(outcomes.map((outcome) => outcome.outcome === "http" && outcome.bodySnippet)).toEqual(
      PATHS.map((path) => `you asked ${path}`),
    );
    expect(server.connections()).toBe(PATHS.length);
    expect(gate.taken()).toBe(PATHS.length);
  });

  /** Answers the first request on each connection, then ends it, or drops it when a second request comes. */
  function oneAnswerPerConnection(ending: "ends at once" | "drops the next request"): {
    server: Server;
    requestsOnKeptConnections: () => number;
  } {
    let requestsOnKeptConnections = 0;
    const server = createTlsServer({ cert: servedPem(serving), key: serving.leaf.keyPem }, (socket) => {
      let answered = false;
      socket.on("error", () => undefined);
      socket.on("data", (chunk: Buffer) => {
        const path = /^GET (\S+)/.exec(chunk.toString("latin1"))?.[1];
        if (path === undefined) return;
        if (answered) {
          requestsOnKeptConnections++;
          socket.destroy();
          return;
        }
        answered = true;
        const body = `you asked ${path}`;
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        );
        if (ending === "ends at once") socket.end();
      });
    });
    return { server, requestsOnKeptConnections: () => requestsOnKeptConnections };
  }

  it("answers every GET of a server that closes each connection after one answer without saying so", async () => {
    const closing = oneAnswerPerConnection("ends at once");
    const server = await start(closing.server);
    const gate = countingGate();
    const outcomes = await askInOrder(open(server, { gate }), PATHS);
    expect(outcomes.map((outcome) => (outcome.outcome === "http" ? outcome.bodySnippet : outcome))).toEqual(
      PATHS.map((path) => `you asked ${path}`),
    );
    // Whether a GET went out before the close was seen or after, it was answered on a connection of its own.
    expect(server.connections()).toBe(PATHS.length);
    expect(gate.taken()).toBe(PATHS.length);
  });

  it("asks again, on a fresh connection, a GET whose kept connection the server drops as it arrives", async () => {
    const dropping = oneAnswerPerConnection("drops the next request");
    const server = await start(dropping.server);
    const gate = countingGate();
    const outcomes = await askInOrder(open(server, { gate }), PATHS);
    expect(outcomes.map((outcome) => (outcome.outcome === "http" ? outcome.bodySnippet : outcome))).toEqual(
      PATHS.map((path) => `you asked ${path}`),
    );
    expect(dropping.requestsOnKeptConnections()).toBe(PATHS.length - 1);
    expect(server.connections()).toBe(PATHS.length);
    expect(gate.taken()).toBe(PATHS.length);
  });

  it("times out the GET whose headers never come, naming headers, and answers the next on a new connection", async () => {
    let requests = 0;
    const server = await start(
      httpsServer((request, response) => {
        requests++;
        if (requests === 2) return;
        echoPath(request, response);
      }),
    );
    const gate = countingGate();
    const session = open(server, { gate, timeoutMs: TIMEOUT_MS });
    expect(await session.get("/healthz")).toMatchObject({
      outcome: "http",
      bodySnippet: "you asked /healthz",
    });
    const startedAt = performance.now();
    const hung = await session.get("/pods");
    const elapsed = elapsedSince(startedAt);
    expect(hung).toEqual({
      outcome: "timeout",
      error: {
        code: "timeout",
        message: `no response headers from 127.0.0.1:${server.port} within ${TIMEOUT_MS} ms`,
      },
    });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(await session.get("/metrics")).toMatchObject({
      outcome: "http",
      bodySnippet: "you asked /metrics",
    });
    expect(server.connections()).toBe(2);
    expect(gate.taken()).toBe(2);
  });

  it("truncates a body over the cap and answers the next GET cleanly", async () => {
    const big = "k".repeat(200_000);
    const server = await start(
      httpsServer((request, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        response.on("error", () => undefined);
        response.end(request.url === "/metrics" ? big : `you asked ${request.url}`);
      }),
    );
    const session = open(server);
    const truncated = await session.get("/metrics", { maxBodyBytes: 1000 });
    expect(truncated).toMatchObject({ outcome: "http", status: 200, truncated: true });
    if (truncated.outcome !== "http") return;
    expect(truncated.bodyBytesRead).toBeGreaterThan(1000);
    expect(truncated.bodySnippet).toBe("k".repeat(512));
    expect(await session.get("/healthz")).toEqual({
      outcome: "http",
      status: 200,
      contentType: "text/plain",
      bodySnippet: "you asked /healthz",
      bodyBytesRead: "you asked /healthz".length,
      truncated: false,
    });
    expect(server.connections()).toBe(2);
  });

  it("says certificate_required on every GET of a certless session to a TLS 1.3 server that wants a certificate", async () => {
    const server = await start(
      httpsServer(echoPath, {
        minVersion: "TLSv1.3",
        requestCert: true,
        rejectUnauthorized: true,
        ca: [clientCa.certPem],
      }),
    );
    const gate = countingGate();
    const outcomes = await askInOrder(open(server, { gate }), PATHS.slice(0, 3));
    const rejected = {
      outcome: "handshake-rejected",
      error: {
        code: "handshake-rejected",
        message: `127.0.0.1:${server.port} rejected the TLS handshake: certificate required (alert 116)`,
      },
    };
    expect(outcomes).toEqual([rejected, rejected, rejected]);
    expect(gate.taken()).toBe(3);
  });

  it("does not count a slow --rate gate against any deadline", async () => {
    const server = await start(httpsServer(echoPath));
    // Longer than the whole-exchange cap (3 x TIMEOUT_MS): only a held clock lets the GET through.
    const gate = countingGate(4 * TIMEOUT_MS);
    const session = open(server, { gate, timeoutMs: TIMEOUT_MS });
    expect(await session.get("/healthz")).toMatchObject({ outcome: "http", status: 200 });
    expect(await session.get("/pods")).toMatchObject({ outcome: "http", bodySnippet: "you asked /pods" });
    expect(gate.taken()).toBe(1);
  });

  it("presents its client certificate on the one connection all its GETs share", async () => {
    const client = await mintCertificate({
      subject: { commonName: "kube-apiserver-kubelet-client" },
      key: { type: "ec", curve: "P-256" },
      issuer: clientCa,
      extendedKeyUsage: ["clientAuth"],
    });
    const server = await start(
      httpsServer(
        (request, response) => {
          const peer = (request.socket as TLSSocket).getPeerCertificate();
          response.end(`CN=${peer.subject?.CN ?? "none"} ${request.url}`);
        },
        { requestCert: true, rejectUnauthorized: false },
      ),
    );
    const session = open(server, { identity: { certPem: client.certPem, keyPem: client.keyPem } });
    const outcomes = await askInOrder(session, ["/pods", "/configz"]);
    expect(outcomes.map((outcome) => outcome.outcome === "http" && outcome.bodySnippet)).toEqual([
      "CN=kube-apiserver-kubelet-client /pods",
      "CN=kube-apiserver-kubelet-client /configz",
    ]);
    expect(server.connections()).toBe(1);
  });

  it("runs concurrent GETs one after another on the one connection", async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const server = await start(
      httpsServer((request, response) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          echoPath(request, response);
        }, 20);
      }),
    );
    const session = open(server);
    const outcomes = await Promise.all(PATHS.map((path) => session.get(path)));
    expect(outcomes.map((outcome) => outcome.outcome === "http" && outcome.bodySnippet)).toEqual(
      PATHS.map((path) => `you asked ${path}`),
    );
    expect(mostInFlight).toBe(1);
    expect(server.connections()).toBe(1);
  });

  it("closes everything on close(), and a GET after it fails without dialling", async () => {
    const server = await start(httpsServer(echoPath));
    const session = open(server);
    expect(await session.get("/healthz")).toMatchObject({ outcome: "http" });
    await session.close();
    await server.allClosed();
    expect(await session.get("/pods")).toMatchObject({ outcome: "error" });
    expect(server.connections()).toBe(1);
  });

  it("refuses forbidden kubelet paths without dialling, and goes on with the next path", async () => {
    const server = await start(httpsServer(echoPath));
    const session = open(server);
    expect(await session.get("/exec/default/pod/c?command=id")).toMatchObject({ outcome: "out-of-scope" });
    expect(server.connections()).toBe(0);
    expect(await session.get("/healthz")).toMatchObject({
      outcome: "http",
      bodySnippet: "you asked /healthz",
    });
  });
});
