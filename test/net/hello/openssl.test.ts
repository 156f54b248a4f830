import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cipherSuiteByName,
  cipherSuiteName,
  scanTlsProtocols,
  type TlsProtocolScan,
} from "../../../src/net/hello/index.js";
import {
  makePki,
  type OpenSslServer,
  openSslCipherCodes,
  run,
  sClient,
  startOpenSslServer,
  type TestPki,
} from "./fixtures.js";

let pki: TestPki;
let legacy: OpenSslServer;
let legacyScan: TlsProtocolScan;
const LEGACY_CIPHERS = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";

beforeAll(async () => {
  pki = await makePki();
  // RSA and ECDSA certificates at once, every suite and TLS 1.0 up: the widest server OpenSSL 3 makes.
  legacy = await startOpenSslServer([
    "-cert",
    pki.rsaLeaf.certPath,
    "-key",
    pki.rsaLeaf.keyPath,
    "-dcert",
    pki.ecdsa.certPath,
    "-dkey",
    pki.ecdsa.keyPath,
    "-min_protocol",
    "TLSv1",
    "-cipher",
    LEGACY_CIPHERS,
  ]);
  const started = performance.now();
  legacyScan = await scanTlsProtocols(
    { host: legacy.host, port: legacy.port },
    { mode: "full", timeoutMs: 5_000 },
  );
  console.log(
    `full scan of the legacy s_server: ${legacyScan.attempts} attempts in ${Math.round(performance.now() - started)} ms`,
  );
});

afterAll(async () => {
  await legacy?.stop();
  pki?.cleanup();
});

/** Asks the local openssl client whether the server completes a handshake with these settings. */
async function sClientAccepts(server: OpenSslServer, args: string[]): Promise<boolean> {
  const { code, stdout } = await sClient(["-connect", `${server.host}:${server.port}`, ...args]);
  return code === 0 && /Cipher is (?!\(NONE\))/.test(stdout);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T);
    }
  });
  await Promise.all(workers);
  return out;
}

describe("scanTlsProtocols against openssl s_server", () => {
  it("finds the legacy versions, as openssl s_client does", async () => {
    const flags: Record<string, string> = {
      TLSv1: "-tls1",
      "TLSv1.1": "-tls1_1",
      "TLSv1.2": "-tls1_2",
      "TLSv1.3": "-tls1_3",
    };
    const byOpenSsl: string[] = [];
    for (const [version, flag] of Object.entries(flags)) {
      if (await sClientAccepts(legacy, [flag, "-cipher", LEGACY_CIPHERS])) byOpenSsl.push(version);
    }
    expect(byOpenSsl).toEqual(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
    expect(legacyScan.versions).toEqual(byOpenSsl);
    expect(legacyScan.errors).toEqual([]);
  });

  it("accepts the same TLS 1.2 suites as openssl s_client, suite by suite", async () => {
    const codes = await openSslCipherCodes();
    const { stdout } = await run("openssl", ["ciphers", "-tls1_2", LEGACY_CIPHERS]);
    const candidates = stdout
      .trim()
      .split(":")
      .filter((name) => !name.startsWith("TLS_")); // TLS 1.3 suites are not TLS 1.2 suites
    const accepted = await mapLimit(candidates, 4, (name) =>
      sClientAccepts(legacy, ["-tls1_2", "-cipher", `${name}:@SECLEVEL=0`]),
    );
    const byOpenSsl = candidates
      .filter((_, index) => accepted[index])
      .map((name) => cipherSuiteName(codes.get(name) ?? -1))
      .sort();
    expect(byOpenSsl.length).toBeGreaterThan(40);
    expect([...(legacyScan.cipherSuites["TLSv1.2"] ?? [])].sort()).toEqual(byOpenSsl);
  });

  it("lists the weak suites a legacy server accepts", () => {
    const tls12 = legacyScan.cipherSuites["TLSv1.2"] ?? [];
    expect(tls12).toContain("TLS_RSA_WITH_NULL_SHA256");
    expect(tls12).toContain("TLS_DH_anon_WITH_AES_128_GCM_SHA256");
    expect(tls12).toContain("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    const tls10 = legacyScan.cipherSuites.TLSv1 ?? [];
    expect(tls10).toContain("TLS_RSA_WITH_AES_128_CBC_SHA");
    expect(tls10.every((name) => cipherSuiteByName(name)?.versions.includes("TLSv1"))).toBe(true);
    expect(legacyScan.cipherSuites["TLSv1.3"]).toEqual([
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
    ]);
    // s_server follows the client's order unless told -serverpref.
    expect(legacyScan.serverPreference["TLSv1.2"]).toBe(false);
    expect(legacyScan.clientCertRequest).toEqual({ sent: false });
  });

  it("reads CertificateRequest CA names from OpenSSL's -verify -CAfile, and its -serverpref", async () => {
    const server = await startOpenSslServer([
      "-cert",
      pki.rsaLeaf.certPath,
      "-key",
      pki.rsaLeaf.keyPath,
      "-verify",
      "1",
      "-CAfile",
      pki.clientCa.certPath,
      "-serverpref",
      "-max_protocol",
      "TLSv1.2",
    ]);
    try {
      const scan = await scanTlsProtocols(
        { host: server.host, port: server.port },
        { mode: "quick", timeoutMs: 5_000 },
      );
      expect(scan.versions).toEqual(["TLSv1.2"]);
      expect(scan.clientCertRequest).toEqual({ sent: true, caNames: ["CN=kubernetes,O=kubetls test"] });
      expect(scan.serverPreference["TLSv1.2"]).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
