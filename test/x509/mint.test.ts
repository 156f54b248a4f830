import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mintCertificate } from "../../src/x509/mint.js";

/** openssl is an independent X.509 implementation: if it accepts the chain, the DER is right. */
function opensslVerify(caPem: string, leafPem: string, extraArgs: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), "kubetls-mint-"));
  writeFileSync(join(dir, "ca.pem"), caPem);
  writeFileSync(join(dir, "leaf.pem"), leafPem);
  return execFileSync(
    "openssl",
    ["verify", ...extraArgs, "-CAfile", join(dir, "ca.pem"), join(dir, "leaf.pem")],
    {
      encoding: "utf8",
    },
  );
}

function opensslText(pem: string): string {
  return execFileSync("openssl", ["x509", "-noout", "-text"], { input: pem, encoding: "utf8" });
}

describe("mintCertificate", () => {
  it("mints an RSA CA and an ECDSA P-256 leaf that openssl verifies, with SANs and EKU", async () => {
    const ca = await mintCertificate({
      subject: { commonName: "kubernetes" },
      key: { type: "rsa", bits: 2048 },
      isCa: true,
    });
    const leaf = await mintCertificate({
      subject: { commonName: "node1" },
      key: { type: "ec", curve: "P-256" },
      issuer: ca,
      dnsNames: ["node1"],
      ipAddresses: ["127.0.0.2", "fd00::1"],
      extendedKeyUsage: ["serverAuth"],
    });
    expect(opensslVerify(ca.certPem, leaf.certPem, ["-purpose", "sslserver"])).toContain("OK");
    expect(leaf.x509.subjectAltName).toBe("DNS:node1, IP Address:127.0.0.2, IP Address:FD00:0:0:0:0:0:0:1");
    expect(leaf.x509.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(leaf.x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(leaf.x509.checkIssued(ca.x509)).toBe(true);
    expect(ca.x509.ca).toBe(true);
    expect(leaf.x509.ca).toBe(false);
    const text = opensslText(leaf.certPem);
    expect(text).toContain("Signature Algorithm: sha256WithRSAEncryption");
    expect(text).toContain("X509v3 Authority Key Identifier");
  });

  it("signs with ECDSA and Ed25519 issuers and carries several O values", async () => {
    const ecCa = await mintCertificate({
      subject: { commonName: "ec-ca" },
      key: { type: "ec", curve: "P-384" },
      isCa: true,
      signatureHash: "sha384",
    });
    const client = await mintCertificate({
      subject: { commonName: "admin", organizations: ["system:masters", "kubeadm:cluster-admins"] },
      key: { type: "ed25519" },
      issuer: ecCa,
      extendedKeyUsage: ["clientAuth"],
      signatureHash: "sha384",
    });
    expect(opensslVerify(ecCa.certPem, client.certPem, ["-purpose", "sslclient"])).toContain("OK");
    expect(opensslText(client.certPem)).toContain("Signature Algorithm: ecdsa-with-SHA384");
    expect(client.x509.subject).toBe("O=system:masters\nO=kubeadm:cluster-admins\nCN=admin");
    const edCa = await mintCertificate({
      subject: { commonName: "ed-ca" },
      key: { type: "ed25519" },
      isCa: true,
    });
    expect(opensslText(edCa.certPem)).toContain("Signature Algorithm: ED25519");
    expect(edCa.x509.verify(edCa.publicKey)).toBe(true);
  });

  it("mints deliberately weak certificates the lab needs: SHA-1, MD5, RSA 1024, expired", async () => {
    const sha1 = await mintCertificate({
      subject: { commonName: "old" },
      key: { type: "rsa", bits: 1024 },
      signatureHash: "sha1",
    });
    expect(opensslText(sha1.certPem)).toContain("sha1WithRSAEncryption");
    expect(sha1.x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
    const md5 = await mintCertificate({
      subject: { commonName: "older" },
      key: { type: "rsa", bits: 2048 },
      signatureHash: "md5",
    });
    expect(opensslText(md5.certPem)).toContain("md5WithRSAEncryption");
    const expired = await mintCertificate({
      subject: { commonName: "gone" },
      key: { type: "ec", curve: "P-256" },
      notBefore: new Date("2020-01-01T00:00:00Z"),
      notAfter: new Date("2021-01-01T00:00:00Z"),
    });
    expect(expired.x509.validTo).toBe("Jan  1 00:00:00 2021 GMT");
  });
});
