import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanTlsProtocols } from "../../../src/net/hello/index.js";
import { type HelloRelay, startHelloRelay, TLS12, TLS13 } from "../../support/helloRelay.js";
import { close, listen, loopbackAddress, makePki, type TestPki } from "./fixtures.js";

/*
 * A probe that got no answer is unknown, not refused: behind a relay that holds some ClientHellos past the
 * deadline, the scanner must say which versions and suites it could not tell, and why.
 */
let pki: TestPki;
const servers: Server[] = [];
const relays: HelloRelay[] = [];

beforeAll(async () => {
  pki = await makePki();
});

afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.close()));
  await Promise.all(servers.map(close));
  pki?.cleanup();
});

async function serve(options: Parameters<typeof createServer>[0]): Promise<{ host: string; port: number }> {
  const server = createServer(options, (socket) => socket.end());
  server.on("tlsClientError", () => {});
  const host = loopbackAddress();
  const port = await listen(server, host);
  servers.push(server);
  return { host, port };
}

const ECDHE_RSA_AES128_SHA = 0xc013;

describe("unanswered ClientHellos", () => {
  it("a server that answers TLS 1.2 hellos too slowly: TLS 1.2 and older are unknown, not refused", async () => {
    const target = await serve({ key: pki.rsaLeaf.key, cert: pki.rsaLeaf.cert, minVersion: "TLSv1.2" });
    const direct = await scanTlsProtocols(target, { mode: "quick", timeoutMs: 2_000 });
    expect(direct.versions).toEqual(["TLSv1.2", "TLSv1.3"]);
    expect(direct.unknownVersions).toEqual([]);

    const relay = await startHelloRelay(target, loopbackAddress(), (hello) =>
      hello !== null && hello.maxVersion < TLS13 ? "stall" : "forward",
    );
    relays.push(relay);
    const slow = await scanTlsProtocols(relay, { mode: "quick", timeoutMs: 500 });
    expect(slow.versions).toEqual(["TLSv1.3"]);
    expect(slow.unknownVersions).toEqual(["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"]);
    expect(slow.errors.map((error) => error.code)).toContain("timeout");
    expect(relay.stalled()).toBeGreaterThanOrEqual(4);
  });

  it("a lost suite probe leaves that suite unknown while what was answered stays known", async () => {
    const target = await serve({
      key: pki.rsaLeaf.key,
      cert: pki.rsaLeaf.cert,
      minVersion: "TLSv1.2",
      maxVersion: "TLSv1.2",
      honorCipherOrder: true,
      ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA",
    });
    const direct = await scanTlsProtocols(target, { mode: "quick", timeoutMs: 2_000 });
    expect(direct.cipherSuites["TLSv1.2"]).toEqual([
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    ]);

    // The version probe offering the CBC suite gets through; every later TLS 1.2 hello offering it is lost.
    let offered = 0;
    const relay = await startHelloRelay(target, loopbackAddress(), (hello) => {
      if (hello === null || hello.maxVersion !== TLS12 || !hello.suites.includes(ECDHE_RSA_AES128_SHA))
        return "forward";
      offered += 1;
      return offered > 1 ? "stall" : "forward";
    });
    relays.push(relay);
    const lossy = await scanTlsProtocols(relay, { mode: "quick", timeoutMs: 500 });
    expect(lossy.versions).toEqual(["TLSv1.2"]);
    expect(lossy.cipherSuites["TLSv1.2"]).toEqual(["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]);
    expect(lossy.unknownCipherSuites["TLSv1.2"]).toContain("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
    expect(lossy.unknownVersions).toEqual([]);
    expect(lossy.errors.map((error) => error.code)).toContain("timeout");
  });

  it("the attempt cap leaves what it never asked unknown", async () => {
    const target = await serve({ key: pki.rsaLeaf.key, cert: pki.rsaLeaf.cert, minVersion: "TLSv1.2" });
    const capped = await scanTlsProtocols(target, { mode: "full", timeoutMs: 2_000, maxAttempts: 3 });
    expect(capped.errors.map((error) => error.message).join()).toMatch(/stopped after 3 attempts/);
    expect(capped.unknownVersions.length + Object.keys(capped.unknownCipherSuites).length).toBeGreaterThan(0);
  });
});
