import { randomBytes, X509Certificate } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { createServer as createNetServer, type LookupFunction } from "node:net";
import { createServer as createTlsServer, type TlsOptions } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { captureTls } from "../../src/net/index.js";
import { type MintedCertificate, mintCertificate } from "../../src/x509/mint.js";
import {
  closedPort,
  elapsedSince,
  type LoopbackServer,
  listenOnLoopback,
  mintServingChain,
  type ServingChain,
  servedPem,
} from "./loopback.js";

const HOSTILE_TIMEOUT_MS = 400;
/** Room for a loaded 2-core box on top of a deadline. */
const SLACK_MS = 1500;

let rsa: ServingChain;
let ecdsa: ServingChain;
const running: LoopbackServer[] = [];

beforeAll(async () => {
  [rsa, ecdsa] = await Promise.all([
    mintServingChain({ type: "rsa", bits: 2048 }, "rsa-node"),
    mintServingChain({ type: "ec", curve: "P-256" }, "ec-node"),
  ]);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(server: ReturnType<typeof createNetServer>, host?: string): Promise<LoopbackServer> {
  const listening = await listenOnLoopback(server, host);
  running.push(listening);
  return listening;
}

function tlsServer(options: TlsOptions) {
  const server = createTlsServer(options, (socket) => socket.end());
  server.on("tlsClientError", () => undefined);
  return server;
}

describe("captureTls", () => {
  it("captures TLS 1.3, the IANA cipher name, ALPN and the served RSA chain without the root", async () => {
    const server = await start(
      tlsServer({ cert: servedPem(rsa), key: rsa.leaf.keyPem, ALPNProtocols: ["h2", "http/1.1"] }),
    );
    const capture = await captureTls(server, { timeoutMs: 5000 });
    if (!capture.ok) throw new Error(capture.error.message);
    expect(capture.session.version).toBe("TLSv1.3");
    expect(capture.session.cipher).toMatch(/^TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$/);
    expect(capture.session.alpn).toBe("h2");
    expect(capture.servedChainDer).toEqual([rsa.leaf.certDer, rsa.intermediate.certDer]);
    expect(capture.servedChainDer.map((der) => fingerprint(der))).toEqual([
      rsa.leaf.x509.fingerprint256,
      rsa.intermediate.x509.fingerprint256,
    ]);
    expect(capture.servedChainDer.some((der) => der.equals(rsa.root.certDer))).toBe(false);
  });

  it("captures an ECDSA server at TLS 1.2 with an ECDHE_ECDSA suite and no ALPN when none is agreed", async () => {
    const server = await start(
      tlsServer({ cert: servedPem(ecdsa), key: ecdsa.leaf.keyPem, maxVersion: "TLSv1.2" }),
    );
    const capture = await captureTls(server, { timeoutMs: 5000 });
    if (!capture.ok) throw new Error(capture.error.message);
    expect(capture.session).toEqual({
      version: "TLSv1.2",
      cipher: expect.stringMatching(/^TLS_ECDHE_ECDSA_WITH_/),
      alpn: null,
    });
    expect(capture.servedChainDer).toEqual([ecdsa.leaf.certDer, ecdsa.intermediate.certDer]);
  });

  it("reports what a TLS 1.2-only RSA server negotiates, and the root when the server sends it", async () => {
    const server = await start(
      tlsServer({
        cert: servedPem(rsa) + rsa.root.certPem,
        key: rsa.leaf.keyPem,
        minVersion: "TLSv1.2",
        maxVersion: "TLSv1.2",
        ALPNProtocols: ["http/1.1"],
      }),
    );
    const capture = await captureTls(server, { timeoutMs: 5000 });
    if (!capture.ok) throw new Error(capture.error.message);
    expect(capture.session.version).toBe("TLSv1.2");
    expect(capture.session.cipher).toMatch(/^TLS_ECDHE_RSA_WITH_AES_(128|256)_GCM_SHA(256|384)$/);
    expect(capture.session.alpn).toBe("http/1.1");
    expect(capture.servedChainDer).toEqual([rsa.leaf.certDer, rsa.intermediate.certDer, rsa.root.certDer]);
  });

  it("still talks to a TLS 1.0 server, so weak versions show up as facts", async () => {
    const server = await start(
      tlsServer({
        cert: servedPem(rsa),
        key: rsa.leaf.keyPem,
        minVersion: "TLSv1",
        maxVersion: "TLSv1",
        ciphers: "DEFAULT:@SECLEVEL=0",
      }),
    );
    const capture = await captureTls(server, { timeoutMs: 5000 });
    if (!capture.ok) throw new Error(capture.error.message);
    expect(capture.session.version).toBe("TLSv1");
    expect(capture.session.cipher).toMatch(/^TLS_.*_CBC_SHA$/);
  });

  it("sends SNI for a DNS name and never for an IP literal", async () => {
    const seen: string[] = [];
    const server = await start(
      tlsServer({
        cert: servedPem(rsa),
        key: rsa.leaf.keyPem,
        // Called only when the ClientHello carries SNI; no context means the default one.
        SNICallback: (name, done) => {
          seen.push(name);
          done(null, undefined);
        },
      }),
    );
    const captures = [
      await captureTls(server, { timeoutMs: 5000 }),
      await captureTls(server, { timeoutMs: 5000, servername: "rsa-node.cluster.invalid" }),
      await captureTls(server, { timeoutMs: 5000, servername: "127.0.0.9" }),
      await captureTls({ host: "localhost", port: server.port }, { timeoutMs: 5000 }),
    ];
    expect(captures.map((capture) => capture.ok)).toEqual([true, true, true, true]);
    expect(seen).toEqual(["rsa-node.cluster.invalid", "localhost"]);
  });

  it("captures a TLS 1.3 server that requires a client certificate: its refusal only comes on the first read", async () => {
    const server = await start(
      tlsServer({
        cert: servedPem(rsa),
        key: rsa.leaf.keyPem,
        minVersion: "TLSv1.3",
        requestCert: true,
        rejectUnauthorized: true,
        ca: [ecdsa.root.certPem],
      }),
    );
    const capture = await captureTls(server, { timeoutMs: 5000 });
    expect(capture.ok && capture.servedChainDer.length).toBe(2);
  });

  it("says handshake-rejected when a TLS 1.2 server requires a client certificate", async () => {
    const server = await start(
      tlsServer({
        cert: servedPem(rsa),
        key: rsa.leaf.keyPem,
        maxVersion: "TLSv1.2",
        requestCert: true,
        rejectUnauthorized: true,
        ca: [ecdsa.root.certPem],
      }),
    );
    const capture = await captureTls(server, { timeoutMs: 5000 });
    expect(capture.ok).toBe(false);
    if (capture.ok) return;
    expect(capture.error.code).toBe("handshake-rejected");
  });

  it("says refused for a port that was just closed", async () => {
    const port = await closedPort("127.0.0.2");
    const capture = await captureTls({ host: "127.0.0.2", port }, { timeoutMs: 5000 });
    expect(capture).toEqual({
      ok: false,
      error: { code: "refused", message: `connection refused by 127.0.0.2:${port}` },
    });
  });

  it("times out on a tarpit that accepts and never writes, within the deadline", async () => {
    const server = await start(
      createNetServer((socket) => socket.resume()),
      "127.0.0.3",
    );
    const startedAt = performance.now();
    const capture = await captureTls(server, { timeoutMs: HOSTILE_TIMEOUT_MS });
    const elapsed = elapsedSince(startedAt);
    expect(capture.ok).toBe(false);
    if (capture.ok) return;
    expect(capture.error.code).toBe("timeout");
    expect(capture.error.message).toContain("no TLS handshake from 127.0.0.3");
    expect(elapsed).toBeGreaterThanOrEqual(HOSTILE_TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(HOSTILE_TIMEOUT_MS + SLACK_MS);
    expect(server.connections()).toBe(1);
    await server.allClosed();
  });

  it("says reset when the server resets the connection", async () => {
    const server = await start(createNetServer((socket) => socket.resetAndDestroy()));
    const capture = await captureTls(server, { timeoutMs: 5000 });
    expect(capture.ok).toBe(false);
    if (capture.ok) return;
    expect(capture.error.code).toBe("reset");
  });

  it("classifies 4 KiB of random bytes as not TLS, without throwing", async () => {
    const garbage = randomBytes(4096);
    // Byte 1 off 0x03 keeps the garbage from ever reading as a TLS record header that waits for more.
    garbage[1] = (garbage[1] ?? 0) === 0x03 ? 0x04 : (garbage[1] ?? 0);
    const server = await start(
      createNetServer((socket) => {
        socket.resume();
        socket.write(garbage);
      }),
    );
    const capture = await captureTls(server, { timeoutMs: HOSTILE_TIMEOUT_MS });
    expect(capture.ok).toBe(false);
    if (capture.ok) return;
    expect(["not-tls", "protocol-error"]).toContain(capture.error.code);
    expect(capture.plainHttp).toBeUndefined();
  });

  it("says not-tls for a plain HTTP port and reports its answer to GET /healthz", async () => {
    const server = await start(
      createHttpServer((request, response) => {
        response.writeHead(request.url === "/healthz" ? 200 : 404, { "content-type": "text/plain" });
        response.end(request.url === "/healthz" ? "ok" : "not found");
      }),
    );
    const capture = await captureTls(server, { timeoutMs: 2000 });
    expect(capture.ok).toBe(false);
    if (capture.ok) return;
    expect(capture.error.code).toBe("not-tls");
    expect(capture.plainHttp).toEqual({ status: 200, statusLine: "HTTP/1.1 200 OK", snippet: "ok" });
  });

  it("reports a 404 from a plain HTTP port that has no /healthz", async () => {
    const server = await start(
      createHttpServer((_request, response) => {
        response.writeHead(404);
        response.end("404 page not found\n");
      }),
    );
    const capture = await captureTls(server, { timeoutMs: 2000 });
    expect(!capture.ok && capture.plainHttp?.status).toBe(404);
  });

  it("captures or cleanly fails a 40-certificate chain within the deadline", async () => {
    const chain = await mintLongChain(40);
    const [leaf] = chain;
    if (!leaf) throw new Error("no leaf");
    const server = await start(
      tlsServer({ cert: chain.map((certificate) => certificate.certPem).join(""), key: leaf.keyPem }),
    );
    const timeoutMs = 3000;
    const startedAt = performance.now();
    const capture = await captureTls(server, { timeoutMs });
    expect(elapsedSince(startedAt)).toBeLessThan(2 * timeoutMs + SLACK_MS);
    if (capture.ok) {
      expect(capture.servedChainDer).toEqual(chain.map((certificate) => certificate.certDer));
    } else {
      expect(capture.error.code).not.toBe("error");
    }
  });

  it("reports dns-failure from the lookup it is given, without touching DNS", async () => {
    const asked: string[] = [];
    const failingLookup: LookupFunction = (hostname, _options, callback) => {
      asked.push(hostname);
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: "ENOTFOUND",
        hostname,
      });
      callback(error, "", 0);
    };
    const capture = await captureTls(
      { host: "kubelet.cluster.invalid", port: 10250 },
      { timeoutMs: 2000, lookup: failingLookup },
    );
    expect(asked).toEqual(["kubelet.cluster.invalid"]);
    expect(capture).toEqual({
      ok: false,
      error: { code: "dns-failure", message: "cannot resolve kubelet.cluster.invalid (ENOTFOUND)" },
    });
  });
});

function fingerprint(der: Buffer): string {
  return new X509Certificate(der).fingerprint256;
}

/** leaf first, then `length - 1` intermediates, each issued by the next; the root is minted but not served. */
async function mintLongChain(length: number): Promise<MintedCertificate[]> {
  const key = { type: "ec", curve: "P-256" } as const;
  let issuer = await mintCertificate({ subject: { commonName: "long-root" }, key, isCa: true });
  const intermediates: MintedCertificate[] = [];
  for (let depth = 1; depth < length; depth++) {
    issuer = await mintCertificate({ subject: { commonName: `long-ca-${depth}` }, key, issuer, isCa: true });
    intermediates.unshift(issuer);
  }
  const leaf = await mintCertificate({
    subject: { commonName: "long-leaf" },
    key,
    issuer,
    ipAddresses: ["127.0.0.1"],
  });
  return [leaf, ...intermediates];
}
