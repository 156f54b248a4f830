import { createServer, type Server, type TlsOptions } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cipherSuiteByName, helloProbe, scanTlsProtocols } from "../../../src/net/hello/index.js";
import { close, listen, loopbackAddress, makePki, type TestPki } from "./fixtures.js";

let pki: TestPki;
const servers: Server[] = [];

beforeAll(async () => {
  pki = await makePki();
});

afterAll(async () => {
  await Promise.all(servers.map(close));
  pki?.cleanup();
});

async function serve(options: TlsOptions): Promise<{ host: string; port: number }> {
  const server = createServer(options, (socket) => socket.end());
  // Our scanner hangs up mid-handshake by design; the server sees that as an error.
  server.on("tlsClientError", () => {});
  const host = loopbackAddress();
  const port = await listen(server, host);
  servers.push(server);
  return { host, port };
}

const FAST = { timeoutMs: 5_000 } as const;

describe("scanTlsProtocols against node:tls servers", () => {
  it("sees a TLS 1.3-only server as such, and cannot see a CertificateRequest there", async () => {
    const target = await serve({ key: pki.rsaLeaf.key, cert: pki.rsaLeaf.cert, minVersion: "TLSv1.3" });
    const scan = await scanTlsProtocols(target, { mode: "full", ...FAST });
    expect(scan.errors).toEqual([]);
    expect(scan.versions).toEqual(["TLSv1.3"]);
    expect(scan.cipherSuites["TLSv1.3"]).toEqual([
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
    ]);
    expect(scan.clientCertRequest).toBeNull();
    expect(scan.servedChainDer).toBeNull();
  });

  it("reads the CertificateRequest CA names of a TLS 1.2 server that requests a client certificate", async () => {
    const target = await serve({
      key: pki.rsaLeaf.key,
      cert: pki.rsaLeaf.cert,
      maxVersion: "TLSv1.2",
      requestCert: true,
      rejectUnauthorized: false,
      ca: [pki.clientCa.cert, pki.otherCa.cert],
    });
    const scan = await scanTlsProtocols(target, { mode: "quick", ...FAST });
    expect(scan.versions).toEqual(["TLSv1.2"]);
    expect(scan.clientCertRequest).toEqual({
      sent: true,
      caNames: ["CN=kubernetes,O=kubetls test", "CN=front-proxy-ca"],
    });
  });

  it("reports a single-CA request with just that CA's subject", async () => {
    const target = await serve({
      key: pki.rsaLeaf.key,
      cert: pki.rsaLeaf.cert,
      maxVersion: "TLSv1.2",
      requestCert: true,
      rejectUnauthorized: false,
      ca: [pki.otherCa.cert],
    });
    const probe = await helloProbe({ ...target, version: "TLSv1.2", suites: [0xc02f, 0xc030], ...FAST });
    expect(probe.accepted).toBe(true);
    expect(probe.certificateRequest).toEqual({ caNames: ["CN=front-proxy-ca"] });
  });

  it("says no CertificateRequest was sent when the server does not ask, and returns the chain as served", async () => {
    const target = await serve({
      key: pki.rsaLeaf.key,
      cert: pki.rsaLeaf.cert + pki.servingCa.cert,
      maxVersion: "TLSv1.2",
    });
    const scan = await scanTlsProtocols(target, { mode: "quick", ...FAST });
    expect(scan.clientCertRequest).toEqual({ sent: false });
    expect(scan.servedChainDer).toEqual([pki.rsaLeaf.der, pki.servingCa.der]);
  });

  it("enumerates exactly the suites a restricted cipher list allows, and the server's preference", async () => {
    const ciphers = "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:ECDHE-RSA-CHACHA20-POLY1305";
    const target = await serve({
      key: pki.rsaLeaf.key,
      cert: pki.rsaLeaf.cert,
      maxVersion: "TLSv1.2",
      ciphers,
      honorCipherOrder: true,
    });
    const full = await scanTlsProtocols(target, { mode: "full", ...FAST });
    expect(full.errors).toEqual([]);
    expect(full.versions).toEqual(["TLSv1.2"]);
    expect(new Set(full.cipherSuites["TLSv1.2"])).toEqual(
      new Set([
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      ]),
    );
    expect(full.serverPreference).toEqual({ "TLSv1.2": true });
    // The server's own order is recovered exactly as configured, not the registry's.
    expect(full.serverOrder).toEqual({
      "TLSv1.2": [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      ],
    });

    const quick = await scanTlsProtocols(target, { mode: "quick", ...FAST });
    const weak = (quick.cipherSuites["TLSv1.2"] ?? []).filter((name) => !cipherSuiteByName(name)?.cisStrong);
    expect(weak).toEqual(["TLS_RSA_WITH_AES_256_CBC_SHA"]);
    expect(quick.attempts).toBeLessThan(full.attempts);
  });

  it("tells a server that follows the client's order", async () => {
    const target = await serve({
      key: pki.rsaLeaf.key,
      cert: pki.rsaLeaf.cert,
      maxVersion: "TLSv1.2",
      ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
      honorCipherOrder: false,
    });
    const scan = await scanTlsProtocols(target, { mode: "full", ...FAST });
    expect(scan.serverPreference).toEqual({ "TLSv1.2": false });
    expect(scan.serverOrder).toEqual({});
  });

  it("finds only ECDSA suites on an ECDSA server, TLS 1.2 and 1.3 both", async () => {
    const target = await serve({ key: pki.ecdsa.key, cert: pki.ecdsa.cert });
    const scan = await scanTlsProtocols(target, { mode: "full", ...FAST });
    expect(scan.versions).toEqual(["TLSv1.2", "TLSv1.3"]);
    const tls12 = scan.cipherSuites["TLSv1.2"] ?? [];
    expect(tls12.length).toBeGreaterThan(3);
    expect(tls12.every((name) => name.startsWith("TLS_ECDHE_ECDSA_"))).toBe(true);
    expect(scan.clientCertRequest).toEqual({ sent: false });
    expect(scan.servedChainDer).toEqual([pki.ecdsa.der]);
  });
});
