import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MintedCertificate,
  mintCertificate,
  parseCertificate,
  validateChain,
} from "../../src/x509/index.js";
import {
  pem,
  type UndecodableKey,
  withBrokenExtension,
  withPrivateExtension,
  withUndecodableKey,
} from "../hostile/certificates.js";
import { type HostilePeer, hostileHost, listen } from "../hostile/peers.js";
import { scanTargets } from "../hostile/scan.js";
import { startOpenSslServer } from "../net/hello/fixtures.js";

let ca: MintedCertificate;
let leaf: MintedCertificate;
let directory: string;
const peers: HostilePeer[] = [];
const stopAfterwards: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ca = await mintCertificate({
    subject: { commonName: "odd-ca" },
    key: { type: "ec", curve: "P-256" },
    isCa: true,
  });
  leaf = await mintCertificate({
    subject: { commonName: "odd-leaf" },
    key: { type: "ec", curve: "P-256" },
    issuer: ca,
    dnsNames: ["odd-leaf"],
    ipAddresses: ["127.0.0.1"],
    extendedKeyUsage: ["serverAuth"],
  });
  directory = mkdtempSync(join(tmpdir(), "kubetls-odd-"));
  writeFileSync(join(directory, "ca.crt"), ca.certPem);
});

afterAll(async () => {
  await Promise.all([...peers.map((peer) => peer.close()), ...stopAfterwards.map((stop) => stop())]);
  rmSync(directory, { recursive: true, force: true });
});

function opensslVerifies(der: Buffer): string {
  const path = join(directory, `cert-${Math.random().toString(16).slice(2)}.pem`);
  writeFileSync(path, pem(der));
  return execFileSync("openssl", ["verify", "-CAfile", join(directory, "ca.crt"), path], {
    encoding: "utf8",
  });
}

function now() {
  return new Date();
}

describe("one odd certificate never blanks an endpoint", () => {
  it.each<UndecodableKey>(["unknown-algorithm", "ec-point-off-curve", "rsa-garbage"])(
    "a %s key node:crypto cannot decode: the certificate is kept, its key unknown",
    (kind) => {
      const odd = withUndecodableKey(leaf, ca.privateKey, kind);
      const parsed = parseCertificate(odd);
      expect(parsed.summary).toMatchObject({
        subject: "CN=odd-leaf",
        issuer: "CN=odd-ca",
        keyType: "unknown",
        keyBits: null,
        curve: null,
        signatureAlgorithm: "ecdsa-with-SHA256",
        unreadable: ["publicKey"],
      });
      expect(parsed.summary.sans).toEqual({ dns: ["odd-leaf"], ip: ["127.0.0.1"] });
      // Beside a good leaf it spoils nothing; as the leaf it is never trusted.
      const validation = validateChain({
        servedChainDer: [odd],
        anchors: [ca.x509],
        host: "odd-leaf",
        now: now(),
      });
      expect(validation.trusted).toBe(false);
      expect(validation.errors).toEqual(["malformed-certificate"]);
      expect(
        validateChain({
          servedChainDer: [leaf.certDer, odd],
          anchors: [ca.x509],
          host: "odd-leaf",
          now: now(),
        }),
      ).toMatchObject({ trusted: true, errors: [] });
    },
  );

  it("a private extension whose value is not DER: openssl verify accepts it, and so does kubetls", () => {
    const odd = withPrivateExtension(leaf, ca.privateKey, Buffer.from("\u0001not DER at all"));
    expect(opensslVerifies(odd)).toContain(": OK");
    const parsed = parseCertificate(odd);
    expect(parsed.summary.unreadable).toBeUndefined();
    expect(parsed.summary.subject).toBe("CN=odd-leaf");
    expect(
      validateChain({ servedChainDer: [odd], anchors: [ca.x509], host: "odd-leaf", now: now() }),
    ).toEqual({
      trusted: true,
      errors: [],
      expiresInDays: 364,
    });
  });

  it("a known extension that is not DER is unknown, and never read as allowing more", () => {
    const brokenSan = withBrokenExtension(leaf, ca.privateKey, "2.5.29.17", Buffer.from([0x30, 0x05, 0x82]));
    const sanParsed = parseCertificate(brokenSan);
    expect(sanParsed.summary.unreadable).toEqual(["subjectAltName"]);
    expect(sanParsed.summary.sans).toEqual({ dns: [], ip: [] });
    expect(
      validateChain({ servedChainDer: [brokenSan], anchors: [ca.x509], host: "odd-leaf", now: now() }).errors,
    ).toEqual(["malformed-certificate", "name-mismatch"]);

    // An absent EKU allows any use; an unreadable one allows none.
    const brokenEku = withBrokenExtension(leaf, ca.privateKey, "2.5.29.37", Buffer.from([0x30, 0x7f, 0x06]));
    expect(parseCertificate(brokenEku).extendedKeyUsage).toEqual([]);
    expect(
      validateChain({ servedChainDer: [brokenEku], anchors: [ca.x509], host: "odd-leaf", now: now() }).errors,
    ).toEqual(["malformed-certificate", "not-server-auth"]);
  });

  it("bytes that are no certificate are left out of the chain, named, and cost nothing else", () => {
    const validation = validateChain({
      servedChainDer: [leaf.certDer, Buffer.from("30820100deadbeef", "hex")],
      anchors: [ca.x509],
      host: "odd-leaf",
      now: now(),
    });
    expect(validation).toMatchObject({
      trusted: false,
      errors: ["malformed-certificate"],
      expiresInDays: 364,
    });
    expect(
      validateChain({
        servedChainDer: [Buffer.from("garbage")],
        anchors: [ca.x509],
        host: "odd-leaf",
        now: now(),
      }),
    ).toEqual({ trusted: false, errors: ["malformed-certificate"], expiresInDays: null });
  });

  it("a real server whose leaf carries a non-DER private extension keeps its session, chain and trust", async () => {
    const odd = withPrivateExtension(leaf, ca.privateKey, Buffer.from("\u00ffprivate, not DER"));
    const server = createTlsServer({ cert: pem(odd), key: leaf.keyPem });
    server.on("tlsClientError", () => undefined);
    const peer = await listen(server, hostileHost());
    peers.push(peer);
    const { endpoints } = await scanTargets([`${peer.host}:${peer.port}`], {
      timeoutMs: 1_500,
      trust: { caFiles: [join(directory, "ca.crt")], kubeletCaFiles: [] },
    });
    const result = endpoints.get(`${peer.host}:${peer.port}`)?.result;
    expect(result?.error).toBeNull();
    expect(result?.speaksTls).toBe(true);
    expect(result?.tls?.version).toBe("TLSv1.3");
    expect(result?.chain.map((certificate) => certificate.subject)).toEqual(["CN=odd-leaf"]);
    // Only the name differs: the endpoint is scanned by IP and the leaf's IP SAN is 127.0.0.1.
    expect(result?.validation?.errors).toEqual(["name-mismatch"]);
  });

  it("a real server that sends a certificate with an undecodable key keeps every other fact", async () => {
    // TLS 1.2 and a required client certificate: node:tls never completes, the raw scanner reads the
    // Certificate message whole, odd certificate included.
    const odd = withUndecodableKey(
      await mintCertificate({
        subject: { commonName: "odd-extra" },
        key: { type: "ec", curve: "P-256" },
        issuer: ca,
      }),
      ca.privateKey,
      "unknown-algorithm",
    );
    // node:tls refuses to load it; openssl s_server serves it once its security level allows any key.
    writeFileSync(join(directory, "leaf.crt"), leaf.certPem);
    writeFileSync(join(directory, "leaf.key"), leaf.keyPem);
    writeFileSync(join(directory, "odd.crt"), pem(odd));
    const server = await startOpenSslServer([
      ...["-cert", join(directory, "leaf.crt"), "-key", join(directory, "leaf.key")],
      ...["-cert_chain", join(directory, "odd.crt"), "-CAfile", join(directory, "ca.crt")],
      ...["-tls1_2", "-Verify", "1", "-cipher", "DEFAULT:@SECLEVEL=0"],
    ]);
    stopAfterwards.push(() => server.stop());
    const { endpoints } = await scanTargets([`${server.host}:${server.port}`], {
      timeoutMs: 1_500,
      tlsScan: "quick",
      trust: { caFiles: [join(directory, "ca.crt")], kubeletCaFiles: [] },
    });
    const peer = server;
    const result = endpoints.get(`${peer.host}:${peer.port}`)?.result;
    expect(result?.error?.code).toBe("handshake-rejected");
    expect(result?.reachable).toBe(true);
    expect(result?.speaksTls).toBe(true);
    expect(result?.tls?.versions).toEqual(["TLSv1.2"]);
    expect(
      result?.chain.map((certificate) => [certificate.subject, certificate.keyType, certificate.unreadable]),
    ).toEqual([
      ["CN=odd-leaf", "ec", undefined],
      ["CN=odd-extra", "unknown", ["publicKey"]],
    ]);
    expect(result?.validation?.trusted).toBe(false);
  });
});
