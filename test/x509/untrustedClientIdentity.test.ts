import { describe, expect, it } from "vitest";
import { mintUntrustedClientIdentity, parseCertificate, summarizeCertificate } from "../../src/x509/index.js";

describe("mintUntrustedClientIdentity", () => {
  it("mints a throwaway P-256 CA and a one-day clientAuth certificate it signed", async () => {
    const before = Date.now();
    const { ca, client } = await mintUntrustedClientIdentity();
    expect(summarizeCertificate(ca.certDer)).toMatchObject({
      subject: "CN=kubetls-untrusted-ca",
      isCa: true,
      selfIssued: true,
      keyType: "ec",
      curve: "P-256",
    });
    const clientParsed = parseCertificate(client.certDer);
    expect(clientParsed.summary).toMatchObject({
      subject: "CN=kubetls-untrusted",
      issuer: "CN=kubetls-untrusted-ca",
      isCa: false,
      keyType: "ec",
      curve: "P-256",
    });
    expect(clientParsed.extendedKeyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(clientParsed.notAfter.getTime() - clientParsed.notBefore.getTime()).toBe(86_400_000);
    expect(clientParsed.notBefore.getTime()).toBeLessThanOrEqual(before);
    expect(clientParsed.notAfter.getTime()).toBeGreaterThan(before + 86_000_000);
    expect(client.x509.verify(ca.publicKey)).toBe(true);
    const another = await mintUntrustedClientIdentity();
    expect(another.ca.x509.fingerprint256).not.toBe(ca.x509.fingerprint256);
  });
});
