import { createServer as createHttpsServer, request } from "node:https";
import type { AddressInfo, Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GO_DEFAULT_RSA_CIPHERS, goDefaultSuitesFront } from "../../src/lab/goDefaultSuites.js";
import { scanTlsProtocols } from "../../src/net/index.js";
import { type MintedCertificate, mintCertificate } from "../../src/x509/index.js";

/*
 * The lab's Go-like front: a node:tls server restricted to Go 1.19's default RSA suites, plus Go's first flight for
 * a ClientHello that offers only 3DES, which OpenSSL 3 cannot serve. Checked with the raw ClientHello scanner (a real
 * client that can offer 3DES) and with an ordinary HTTPS client, which must still be served by node:tls.
 */
let ca: MintedCertificate;
let leaf: MintedCertificate;
const servers: Server[] = [];

beforeAll(async () => {
  ca = await mintCertificate({
    subject: { commonName: "etcd-ca" },
    key: { type: "ec", curve: "P-256" },
    isCa: true,
  });
  leaf = await mintCertificate({
    subject: { commonName: "etcd" },
    key: { type: "rsa", bits: 2048 },
    issuer: ca,
    ipAddresses: ["127.0.0.1"],
    extendedKeyUsage: ["serverAuth"],
  });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serveGoLike(clientCas: MintedCertificate[]): Promise<{ host: string; port: number }> {
  const inner = createHttpsServer(
    {
      cert: leaf.certPem,
      key: leaf.keyPem,
      ciphers: GO_DEFAULT_RSA_CIPHERS,
      maxVersion: "TLSv1.2",
      requestCert: clientCas.length > 0,
      rejectUnauthorized: false,
      ca: clientCas.map((certificate) => certificate.certPem),
    },
    (_request, response) => response.end("ok"),
  );
  inner.on("tlsClientError", () => {});
  const front = goDefaultSuitesFront(inner, { chain: [leaf], clientCas });
  front.on("connection", (socket) => socket.on("error", () => {}));
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  servers.push(front);
  return { host: "127.0.0.1", port: (front.address() as AddressInfo).port };
}

describe("the lab's Go default suites front", () => {
  it("accepts Go 1.19's default RSA suites, 3DES included, and nothing else at TLS 1.2", async () => {
    const target = await serveGoLike([]);
    const scan = await scanTlsProtocols(target, { mode: "full", timeoutMs: 5000 });
    expect(scan.errors).toEqual([]);
    expect(scan.versions).toEqual(["TLSv1.2"]);
    expect([...(scan.cipherSuites["TLSv1.2"] ?? [])].sort()).toEqual(
      [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
      ].sort(),
    );
  });

  it("sends the chain and the CertificateRequest naming the client CA in the 3DES flight, as node:tls does in others", async () => {
    const target = await serveGoLike([ca]);
    const scan = await scanTlsProtocols(target, { mode: "quick", timeoutMs: 5000 });
    expect(scan.cipherSuites["TLSv1.2"]).toContain("TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    expect(scan.clientCertRequest).toEqual({ sent: true, caNames: ["CN=etcd-ca"] });
    expect(scan.servedChainDer?.[0]?.equals(leaf.certDer)).toBe(true);
  });

  it("hands an ordinary HTTPS client to node:tls", async () => {
    const target = await serveGoLike([]);
    const body = await new Promise<string>((resolve, reject) => {
      const outgoing = request(
        { host: target.host, port: target.port, path: "/", ca: ca.certPem, servername: undefined },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on("end", () => resolve(text));
        },
      );
      outgoing.on("error", reject);
      outgoing.end();
    });
    expect(body).toBe("ok");
  });
});
