import { describe, expect, it } from "vitest";
import {
  isKubeletSelfGeneratedChain,
  mintCertificate,
  mintKubeletSelfGeneratedChain,
  parseCertificate,
  summarizeCertificate,
} from "../../src/x509/index.js";
import { mint, mintCa, NOW } from "./fixtures.js";

async function chainNamed(leafName: string, caName: string) {
  const ca = await mintCa(caName);
  const leaf = await mint(leafName, { issuer: ca });
  return [parseCertificate(leaf.certDer), parseCertificate(ca.certDer)];
}

describe("mintKubeletSelfGeneratedChain", () => {
  it("reproduces client-go's GenerateSelfSignedCertKey shape for a hostname", async () => {
    const { leaf, ca } = await mintKubeletSelfGeneratedChain("node1", NOW);
    const timestamp = NOW.getTime() / 1000;
    expect(summarizeCertificate(leaf.certDer)).toMatchObject({
      subject: `CN=node1@${timestamp}`,
      issuer: `CN=node1-ca@${timestamp}`,
      sans: { dns: ["node1"], ip: [] },
      notBefore: "2025-06-01T11:00:00.000Z",
      notAfter: "2026-06-01T11:00:00.000Z",
      keyType: "rsa",
      keyBits: 2048,
      signatureAlgorithm: "sha256WithRSAEncryption",
      isCa: false,
    });
    expect(parseCertificate(leaf.certDer).extendedKeyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(summarizeCertificate(ca.certDer)).toMatchObject({
      subject: `CN=node1-ca@${timestamp}`,
      keyType: "rsa",
      keyBits: 2048,
      isCa: true,
      selfIssued: true,
    });
    expect(leaf.x509.verify(ca.publicKey)).toBe(true);
  });

  it("puts an IP SAN instead of a DNS SAN when the host is an IP literal", async () => {
    const { leaf } = await mintKubeletSelfGeneratedChain("10.0.0.7");
    expect(summarizeCertificate(leaf.certDer).sans).toEqual({ dns: [], ip: ["10.0.0.7"] });
  });
});

describe("isKubeletSelfGeneratedChain", () => {
  it("recognises the minted chain, served whole or leaf only", async () => {
    const { leaf, ca } = await mintKubeletSelfGeneratedChain("worker-2.example");
    const chain = [parseCertificate(leaf.certDer), parseCertificate(ca.certDer)];
    expect(isKubeletSelfGeneratedChain(chain)).toBe(true);
    expect(isKubeletSelfGeneratedChain(chain.slice(0, 1))).toBe(true);
    expect(isKubeletSelfGeneratedChain([])).toBe(false);
  });

  it("tolerates the two timestamps differing by seconds, not by hours", async () => {
    expect(isKubeletSelfGeneratedChain(await chainNamed("node1@1700000002", "node1-ca@1700000000"))).toBe(
      true,
    );
    expect(isKubeletSelfGeneratedChain(await chainNamed("node1@1700000000", "node1-ca@1700000300"))).toBe(
      true,
    );
    expect(isKubeletSelfGeneratedChain(await chainNamed("node1@1700000000", "node1-ca@1700003600"))).toBe(
      false,
    );
  });

  it("requires the same host in both names and numeric timestamps", async () => {
    expect(isKubeletSelfGeneratedChain(await chainNamed("node1@1700000000", "node2-ca@1700000000"))).toBe(
      false,
    );
    expect(isKubeletSelfGeneratedChain(await chainNamed("node1@1700000000", "node1@1700000000-ca"))).toBe(
      false,
    );
    expect(isKubeletSelfGeneratedChain(await chainNamed("node1@17000x0000", "node1-ca@1700000000"))).toBe(
      false,
    );
    expect(isKubeletSelfGeneratedChain(await chainNamed("node1", "kubernetes"))).toBe(false);
    const selfSigned = await mintCertificate({
      subject: { commonName: "node1@1700000000" },
      key: { type: "ed25519" },
    });
    expect(isKubeletSelfGeneratedChain([parseCertificate(selfSigned.certDer)])).toBe(false);
  });
});
