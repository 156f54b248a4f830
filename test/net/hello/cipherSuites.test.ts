import { describe, expect, it } from "vitest";
import {
  CIPHER_SUITES,
  cipherSuiteByCode,
  cipherSuiteByName,
  cipherSuiteName,
  suitesForVersion,
} from "../../../src/net/hello/index.js";

// KUBERNETES.md, the CIS kubelet strong list, verbatim.
const CIS_STRONG = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
];

describe("cipher suite registry", () => {
  it("has unique codes and names, every suite in at least one version", () => {
    expect(CIPHER_SUITES.length).toBeGreaterThan(100);
    expect(new Set(CIPHER_SUITES.map((suite) => suite.code)).size).toBe(CIPHER_SUITES.length);
    expect(new Set(CIPHER_SUITES.map((suite) => suite.name)).size).toBe(CIPHER_SUITES.length);
    for (const suite of CIPHER_SUITES) {
      expect(suite.versions.length).toBeGreaterThan(0);
      expect(suite.name).toMatch(/^TLS_/);
    }
  });

  it("marks exactly the CIS list and the TLS 1.3 suites strong, found by their Kubernetes names", () => {
    const strong = CIPHER_SUITES.filter((suite) => suite.cisStrong);
    const byCis = CIS_STRONG.map((name) => cipherSuiteByName(name));
    expect(byCis.every((suite) => suite?.cisStrong)).toBe(true);
    const tls13 = suitesForVersion("TLSv1.3");
    expect(tls13.map((suite) => suite.name)).toEqual([
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_AES_128_CCM_SHA256",
      "TLS_AES_128_CCM_8_SHA256",
    ]);
    expect(new Set(strong)).toEqual(new Set([...byCis, ...tls13]));
  });

  it("keeps Go's short ChaCha names apart from IANA's", () => {
    const chacha = cipherSuiteByCode(0xcca8);
    expect(chacha?.name).toBe("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    expect(chacha?.goName).toBe("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305");
    expect(cipherSuiteByName("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")).toBe(chacha);
    expect(cipherSuiteByCode(0x000a)?.goName).toBe("TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    expect(cipherSuiteByCode(0x009e)?.goName).toBeNull();
  });

  it("assigns versions by era", () => {
    expect(cipherSuiteByCode(0xc02f)?.versions).toEqual(["TLSv1.2"]);
    expect(cipherSuiteByCode(0x002f)?.versions).toEqual(["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"]);
    expect(cipherSuiteByCode(0xc013)?.versions).toEqual(["TLSv1", "TLSv1.1", "TLSv1.2"]);
    expect(cipherSuiteByCode(0x0003)?.versions).toEqual(["SSLv3", "TLSv1"]);
    expect(suitesForVersion("TLSv1.2").some((suite) => suite.name.includes("EXPORT"))).toBe(false);
    expect(cipherSuiteName(0xc0ff)).toBe("UNKNOWN_0xC0FF");
  });
});
