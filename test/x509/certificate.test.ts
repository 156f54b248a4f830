import { execFileSync } from "node:child_process";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import {
  formatDistinguishedName,
  MalformedCertificateError,
  type MintedCertificate,
  mintCertificate,
  parseCertificate,
  summarizeCertificate,
} from "../../src/x509/index.js";
import { daysFromNow, mintCa } from "./fixtures.js";

/** openssl is the independent reference for fingerprints and algorithm names. */
function openssl(pem: string, ...args: string[]): string {
  return execFileSync("openssl", ["x509", "-noout", ...args], { input: pem, encoding: "utf8" });
}

function opensslFingerprint(pem: string): string {
  const line = openssl(pem, "-fingerprint", "-sha256").trim();
  return line
    .replace(/^.*Fingerprint=/, "")
    .replaceAll(":", "")
    .toLowerCase();
}

function opensslSignatureAlgorithm(pem: string): string {
  return /Signature Algorithm: (\S+)/.exec(openssl(pem, "-text"))?.[1] ?? "missing";
}

function expectReferenceValues(certificate: MintedCertificate): void {
  const summary = summarizeCertificate(certificate.certDer);
  expect(summary.sha256).toBe(opensslFingerprint(certificate.certPem));
  expect(summary.sha256).toBe(certificate.x509.fingerprint256.replaceAll(":", "").toLowerCase());
  expect(summary.signatureAlgorithm).toBe(opensslSignatureAlgorithm(certificate.certPem));
  expect(summary.serial).toBe(openssl(certificate.certPem, "-serial").trim().replace("serial=", ""));
}

const NOT_BEFORE = daysFromNow(-1);
const NOT_AFTER = daysFromNow(90);

describe("summarizeCertificate", () => {
  it("summarises an RSA leaf with DNS and IP SANs", async () => {
    const ca = await mintCa("kubernetes", { key: { type: "rsa", bits: 2048 } });
    const leaf = await mintCertificate({
      subject: { commonName: "node1", organizations: ["system:nodes"] },
      key: { type: "rsa", bits: 2048 },
      issuer: ca,
      dnsNames: ["node1", "node1.cluster.local"],
      ipAddresses: ["10.0.0.7", "fd00::1", "fd00:0:0:1::"],
      extendedKeyUsage: ["serverAuth"],
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      signatureHash: "sha384",
    });
    expect(leaf.x509.subjectAltName).toContain("IP Address:FD00:0:0:0:0:0:0:1");
    expect(summarizeCertificate(leaf.certDer)).toEqual({
      subject: "CN=node1,O=system:nodes",
      issuer: "CN=kubernetes",
      serial: leaf.x509.serialNumber.toUpperCase(),
      sans: { dns: ["node1", "node1.cluster.local"], ip: ["10.0.0.7", "fd00::1", "fd00:0:0:1::"] },
      notBefore: "2025-05-31T12:00:00.000Z",
      notAfter: "2025-08-30T12:00:00.000Z",
      keyType: "rsa",
      keyBits: 2048,
      curve: null,
      signatureAlgorithm: "sha384WithRSAEncryption",
      isCa: false,
      selfIssued: false,
      sha256: leaf.x509.fingerprint256.replaceAll(":", "").toLowerCase(),
    });
    expect(summarizeCertificate(leaf.certDer).serial).toMatch(/^[0-9A-F]+$/);
    expectReferenceValues(leaf);
    expectReferenceValues(ca);
    expect(summarizeCertificate(ca.certDer)).toMatchObject({
      subject: "CN=kubernetes",
      issuer: "CN=kubernetes",
      sans: { dns: [], ip: [] },
      signatureAlgorithm: "sha256WithRSAEncryption",
      isCa: true,
      selfIssued: true,
    });
  });

  it("summarises ECDSA P-256 and P-384 keys with their NIST curve names", async () => {
    const p384 = await mintCa("ec-ca", { key: { type: "ec", curve: "P-384" }, signatureHash: "sha384" });
    const p256 = await mintCertificate({
      subject: { commonName: "etcd" },
      key: { type: "ec", curve: "P-256" },
      issuer: p384,
      ipAddresses: ["127.0.0.1"],
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
    });
    expect(summarizeCertificate(p384.certDer)).toMatchObject({
      keyType: "ec",
      keyBits: 384,
      curve: "P-384",
      signatureAlgorithm: "ecdsa-with-SHA384",
      isCa: true,
      selfIssued: true,
    });
    expect(summarizeCertificate(p256.certDer)).toMatchObject({
      subject: "CN=etcd",
      issuer: "CN=ec-ca",
      sans: { dns: [], ip: ["127.0.0.1"] },
      keyType: "ec",
      keyBits: 256,
      curve: "P-256",
      signatureAlgorithm: "ecdsa-with-SHA256",
      isCa: false,
      selfIssued: false,
    });
    expectReferenceValues(p384);
    expectReferenceValues(p256);
  });

  it("summarises an Ed25519 certificate", async () => {
    const ed = await mintCa("ed-ca", { key: { type: "ed25519" } });
    expect(summarizeCertificate(ed.certDer)).toMatchObject({
      keyType: "ed25519",
      keyBits: 256,
      curve: null,
      signatureAlgorithm: "ED25519",
      isCa: true,
      selfIssued: true,
    });
    expectReferenceValues(ed);
  });

  it("names weak signature algorithms as openssl does", async () => {
    for (const signatureHash of ["sha1", "md5"] as const) {
      const weak = await mintCa(`weak-${signatureHash}`, { key: { type: "rsa", bits: 1024 }, signatureHash });
      expect(summarizeCertificate(weak.certDer)).toMatchObject({
        keyBits: 1024,
        signatureAlgorithm: `${signatureHash}WithRSAEncryption`,
      });
      expectReferenceValues(weak);
    }
    const ecdsaSha1 = await mintCa("ecdsa-sha1", { signatureHash: "sha1" });
    expect(summarizeCertificate(ecdsaSha1.certDer).signatureAlgorithm).toBe("ecdsa-with-SHA1");
    expectReferenceValues(ecdsaSha1);
  });

  it("exposes EKU, basic constraints and common names for the validator", async () => {
    const ca = await mintCa("kubernetes");
    const client = await mintCertificate({
      subject: { commonName: "admin", organizations: ["system:masters"] },
      key: { type: "ec", curve: "P-256" },
      issuer: ca,
      extendedKeyUsage: ["clientAuth"],
    });
    const parsed = parseCertificate(client.certDer);
    expect(parsed.extendedKeyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(parsed.basicConstraints).toEqual({ ca: false, pathLength: null });
    expect(parsed.subjectCommonName).toBe("admin");
    expect(parsed.issuerCommonName).toBe("kubernetes");
    expect(parseCertificate(ca.certDer).extendedKeyUsage).toBeNull();
    expect(parseCertificate(ca.certDer).basicConstraints).toEqual({ ca: true, pathLength: null });
  });

  it("throws a MalformedCertificateError for bytes that are not a certificate", () => {
    expect(() => summarizeCertificate(Buffer.from("not a certificate"))).toThrow(MalformedCertificateError);
  });
});

describe("formatDistinguishedName", () => {
  const { asn1 } = forge;
  const attribute = (oid: string, type: forge.asn1.Type, value: string) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, type, false, value),
    ]);
  const rdn = (...attributes: forge.asn1.Asn1[]) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, attributes);
  const nameDer = (...rdns: forge.asn1.Asn1[]) =>
    Buffer.from(
      asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, rdns)).getBytes(),
      "binary",
    );
  const utf8 = (text: string) => Buffer.from(text, "utf8").toString("binary");

  it("puts the most specific RDN first and joins multi-valued RDNs with +", () => {
    const der = nameDer(
      rdn(attribute("2.5.4.6", asn1.Type.PRINTABLESTRING, "DE")),
      rdn(attribute("2.5.4.10", asn1.Type.UTF8, utf8("system:nodes"))),
      rdn(
        attribute("2.5.4.11", asn1.Type.UTF8, "ops"),
        attribute("0.9.2342.19200300.100.1.1", asn1.Type.UTF8, "u1"),
      ),
      rdn(attribute("2.5.4.3", asn1.Type.UTF8, utf8("nœud-1"))),
    );
    expect(formatDistinguishedName(der)).toBe("CN=nœud-1,OU=ops+UID=u1,O=system:nodes,C=DE");
  });

  it("escapes RFC 4514 specials and prints unknown attribute types as OID=#hex", () => {
    const der = nameDer(
      rdn(attribute("2.5.4.3", asn1.Type.UTF8, '#a,b+c"d\\e<f>g;h ')),
      rdn(attribute("2.5.4.10", asn1.Type.UTF8, " lead")),
      rdn(attribute("1.2.3.4", asn1.Type.UTF8, "x")),
    );
    expect(formatDistinguishedName(der)).toBe(
      '1.2.3.4=#0c0178,O=\\ lead,CN=\\#a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\ ',
    );
  });

  it("decodes BMPString values and matches node's reading of a minted subject", async () => {
    // forge writes a BMPString's characters as UTF-16BE code units itself.
    const bmp = "Zürich";
    expect(formatDistinguishedName(nameDer(rdn(attribute("2.5.4.7", asn1.Type.BMPSTRING, bmp))))).toBe(
      "L=Zürich",
    );
    const minted = await mintCertificate({
      subject: { commonName: "admin", organizations: ["system:masters", "kubeadm:cluster-admins"] },
      key: { type: "ed25519" },
    });
    expect(minted.x509.subject).toBe("O=system:masters\nO=kubeadm:cluster-admins\nCN=admin");
    expect(summarizeCertificate(minted.certDer).subject).toBe(
      "CN=admin,O=kubeadm:cluster-admins,O=system:masters",
    );
  });
});
