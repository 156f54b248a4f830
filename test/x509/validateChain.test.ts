import type { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChainValidation } from "../../src/model/index.js";
import {
  type MintedCertificate,
  mintKubeletSelfGeneratedChain,
  validateChain,
} from "../../src/x509/index.js";
import { daysFromNow, mint, mintCa, mintServer, NOW } from "./fixtures.js";

function validate(
  served: MintedCertificate[],
  anchors: MintedCertificate[],
  host = "node1.example.com",
  now = NOW,
): ChainValidation {
  return validateChain({
    servedChainDer: served.map((certificate) => certificate.certDer),
    anchors: anchors.map((certificate): X509Certificate => certificate.x509),
    host,
    now,
  });
}

function errorsOf(served: MintedCertificate[], anchors: MintedCertificate[], host?: string, now?: Date) {
  return validate(served, anchors, host, now).errors;
}

// One RSA PKI shared by most cases: root -> intermediate -> leaf, all RSA 2048 / SHA-256.
let root: MintedCertificate;
let intermediate: MintedCertificate;
let leaf: MintedCertificate;

beforeAll(async () => {
  root = await mintCa("kubetls-test-root", { key: { type: "rsa", bits: 2048 } });
  intermediate = await mintCa("kubetls-test-intermediate", {
    key: { type: "rsa", bits: 2048 },
    issuer: root,
  });
  leaf = await mintServer("node1.example.com", intermediate, {
    key: { type: "rsa", bits: 2048 },
    ipAddresses: ["10.0.0.7", "fd00::7"],
  });
});

describe("validateChain: trust paths", () => {
  it("trusts a good RSA chain and counts whole days to expiry", () => {
    expect(validate([leaf, intermediate], [root])).toEqual({ trusted: true, errors: [], expiresInDays: 90 });
    const almostTwoDaysLater = new Date(NOW.getTime() + 2 * 86_400_000 - 1);
    expect(validate([leaf, intermediate], [root], undefined, almostTwoDaysLater).expiresInDays).toBe(88);
  });

  it("trusts an ECDSA P-256 leaf under a P-384 intermediate under an RSA root", async () => {
    const p384 = await mintCa("p384-intermediate", { key: { type: "ec", curve: "P-384" }, issuer: root });
    const p256Leaf = await mintServer("node1.example.com", p384, { signatureHash: "sha384" });
    expect(validate([p256Leaf, p384], [root])).toEqual({ trusted: true, errors: [], expiresInDays: 90 });
  });

  it("trusts an Ed25519 leaf issued by an Ed25519 intermediate", async () => {
    const edIntermediate = await mintCa("ed-intermediate", { key: { type: "ed25519" }, issuer: root });
    const edLeaf = await mintServer("node1.example.com", edIntermediate, { key: { type: "ed25519" } });
    expect(validate([edLeaf, edIntermediate], [root]).errors).toEqual([]);
    expect(validate([edLeaf, edIntermediate], [root]).trusted).toBe(true);
  });

  it("builds the path through served intermediates in any order, ignoring unrelated extras", async () => {
    const second = await mintCa("second-intermediate", { issuer: intermediate });
    const deepLeaf = await mintServer("node1.example.com", second);
    const unrelated = await mintCa("unrelated-ca");
    expect(validate([deepLeaf, intermediate, unrelated, second], [root]).trusted).toBe(true);
    expect(validate([deepLeaf, second, intermediate], [root]).trusted).toBe(true);
  });

  it("accepts a served copy of the root and a leaf pinned directly in the bundle", async () => {
    expect(validate([leaf, root, intermediate], [root]).trusted).toBe(true);
    const pinned = await mint("node1.example.com", { dnsNames: ["node1.example.com"] });
    expect(validate([pinned], [root, pinned])).toEqual({ trusted: true, errors: [], expiresInDays: 90 });
  });

  it("reports incomplete-chain when the server leaves out an intermediate", () => {
    expect(validate([leaf], [root])).toEqual({
      trusted: false,
      errors: ["incomplete-chain"],
      expiresInDays: 90,
    });
  });

  it("reports untrusted-root for a full chain to a root outside the bundle", async () => {
    const otherRoot = await mintCa("other-root");
    const otherIntermediate = await mintCa("other-intermediate", { issuer: otherRoot });
    const otherLeaf = await mintServer("node1.example.com", otherIntermediate);
    expect(errorsOf([otherLeaf, otherIntermediate, otherRoot], [root])).toEqual(["untrusted-root"]);
    // Without the root served, the same chain is simply incomplete: the root's name is all there is.
    expect(errorsOf([otherLeaf, otherIntermediate], [root])).toEqual(["incomplete-chain"]);
  });

  it("reports a self-signed leaf as self-signed only, not also untrusted-root", async () => {
    const selfSigned = await mint("node1.example.com", { dnsNames: ["node1.example.com"] });
    expect(validate([selfSigned], [root])).toEqual({
      trusted: false,
      errors: ["self-signed"],
      expiresInDays: 90,
    });
  });

  it("reports bad-signature for a leaf naming the anchor but signed by another key", async () => {
    const impostor = await mintCa("kubetls-test-root", { key: { type: "rsa", bits: 2048 } });
    const forged = await mintServer("node1.example.com", impostor);
    expect(forged.x509.issuer).toBe(root.x509.subject);
    expect(validate([forged], [root])).toEqual({
      trusted: false,
      errors: ["bad-signature"],
      expiresInDays: 90,
    });
    // Served alongside its real (impostor) issuer, the impostor is a self-signed root outside the bundle.
    expect(errorsOf([forged, impostor], [root])).toEqual(["untrusted-root"]);
  });

  it("tells a tampered self-signed leaf (bad-signature) from a self-issued one whose issuer is missing", async () => {
    const selfSigned = await mint("node1.example.com", {
      key: { type: "ed25519" },
      dnsNames: ["node1.example.com"],
    });
    const tampered = Buffer.from(selfSigned.certDer);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 0xff;
    expect(
      validateChain({
        servedChainDer: [tampered],
        anchors: [root.x509],
        host: "node1.example.com",
        now: NOW,
      }),
    ).toEqual({ trusted: false, errors: ["bad-signature"], expiresInDays: 90 });
    // Issued under its own name by a different key (a CA key rollover does this): the issuer is just absent.
    const sameNameCa = await mintCa("node1.example.com");
    const selfIssued = await mintServer("node1.example.com", sameNameCa);
    expect(errorsOf([selfIssued], [root])).toEqual(["incomplete-chain"]);
    expect(errorsOf([selfIssued, sameNameCa], [sameNameCa])).toEqual([]);
  });

  it("reports issuer-not-ca when a certificate without CA:true issued the leaf", async () => {
    const notCa = await mint("not-a-ca", { issuer: root, isCa: false });
    const underNotCa = await mintServer("node1.example.com", notCa);
    expect(validate([underNotCa, notCa], [root])).toEqual({
      trusted: false,
      errors: ["issuer-not-ca"],
      expiresInDays: 90,
    });
    const selfSignedNotCa = await mint("plain-root", { isCa: false });
    expect(errorsOf([await mintServer("node1.example.com", selfSignedNotCa)], [selfSignedNotCa])).toEqual([
      "issuer-not-ca",
    ]);
  });
});

describe("validateChain: missing inputs", () => {
  it("reports no-certificate for an empty chain", () => {
    expect(validate([], [root])).toEqual({ trusted: false, errors: ["no-certificate"], expiresInDays: null });
    expect(validate([], [])).toEqual({
      trusted: false,
      errors: ["no-certificate", "no-ca-configured"],
      expiresInDays: null,
    });
  });

  it("reports no-ca-configured without an anchor but still runs the intrinsic checks", async () => {
    expect(validate([leaf, intermediate], [])).toEqual({
      trusted: false,
      errors: ["no-ca-configured"],
      expiresInDays: 90,
    });
    // No bundle: a missing root is not evidence of an incomplete chain.
    expect(errorsOf([leaf], [])).toEqual(["no-ca-configured"]);
    expect(errorsOf([leaf, intermediate], [], "10.9.9.9", daysFromNow(100))).toEqual([
      "no-ca-configured",
      "expired",
      "name-mismatch",
    ]);
    const selfSigned = await mint("node1.example.com", { dnsNames: ["node1.example.com"] });
    expect(errorsOf([selfSigned], [])).toEqual(["no-ca-configured", "self-signed"]);
  });
});

describe("validateChain: validity period", () => {
  it("reports an expired leaf with a negative expiresInDays", async () => {
    const expired = await mintServer("node1.example.com", intermediate, {
      notBefore: daysFromNow(-400),
      notAfter: daysFromNow(-35),
    });
    expect(validate([expired, intermediate], [root])).toEqual({
      trusted: false,
      errors: ["expired"],
      expiresInDays: -35,
    });
  });

  it("reports an expired intermediate and an expired anchor", async () => {
    const expiredIntermediate = await mintCa("expired-intermediate", {
      issuer: root,
      notBefore: daysFromNow(-400),
      notAfter: daysFromNow(-1),
    });
    const underExpired = await mintServer("node1.example.com", expiredIntermediate);
    expect(validate([underExpired, expiredIntermediate], [root])).toEqual({
      trusted: false,
      errors: ["expired"],
      expiresInDays: 90,
    });
    const expiredRoot = await mintCa("expired-root", {
      notBefore: daysFromNow(-400),
      notAfter: daysFromNow(-2),
    });
    expect(errorsOf([await mintServer("node1.example.com", expiredRoot)], [expiredRoot])).toEqual([
      "expired",
    ]);
  });

  it("reports not-yet-valid for a leaf dated in the future", async () => {
    const future = await mintServer("node1.example.com", intermediate, {
      notBefore: daysFromNow(30),
      notAfter: daysFromNow(400),
    });
    expect(validate([future, intermediate], [root])).toEqual({
      trusted: false,
      errors: ["not-yet-valid"],
      expiresInDays: 400,
    });
  });
});

describe("validateChain: host names", () => {
  it("matches IPv4 and IPv6 hosts against IP SANs only, canonically", () => {
    for (const host of ["10.0.0.7", "fd00::7", "FD00:0:0:0:0:0:0:7", "[fd00::7]", "::ffff:10.0.0.7"]) {
      expect(errorsOf([leaf, intermediate], [root], host), host).toEqual([]);
    }
    for (const host of ["10.0.0.8", "fd00::8", "::ffff:10.0.0.8", "::a00:7"]) {
      expect(errorsOf([leaf, intermediate], [root], host), host).toEqual(["name-mismatch"]);
    }
  });

  it("matches DNS names case-insensitively and never falls back to the subject CN", async () => {
    expect(errorsOf([leaf, intermediate], [root], "NODE1.Example.COM")).toEqual([]);
    expect(errorsOf([leaf, intermediate], [root], "node1.example.com.")).toEqual([]);
    expect(errorsOf([leaf, intermediate], [root], "node2.example.com")).toEqual(["name-mismatch"]);
    const cnOnly = await mintServer("node9.example.com", intermediate, { dnsNames: [] });
    expect(validate([cnOnly, intermediate], [root], "node9.example.com")).toEqual({
      trusted: false,
      errors: ["name-mismatch"],
      expiresInDays: 90,
    });
  });

  it("matches a left-most wildcard over exactly one label", async () => {
    const wildcard = await mintServer("wildcard", intermediate, {
      dnsNames: ["*.nodes.example.com", "f*o.example.com", "*.com"],
    });
    const errorsFor = (host: string) => errorsOf([wildcard, intermediate], [root], host);
    expect(errorsFor("a.nodes.example.com")).toEqual([]);
    expect(errorsFor("A.Nodes.Example.com")).toEqual([]);
    expect(errorsFor("a.b.nodes.example.com")).toEqual(["name-mismatch"]);
    expect(errorsFor("nodes.example.com")).toEqual(["name-mismatch"]);
    expect(errorsFor("foo.example.com")).toEqual(["name-mismatch"]);
    expect(errorsFor("example.com")).toEqual(["name-mismatch"]);
    expect(errorsFor("10.0.0.7")).toEqual(["name-mismatch"]);
  });
});

describe("validateChain: key, signature and usage strength", () => {
  it("reports weak-key for RSA 1024 on the leaf or an intermediate", async () => {
    const weakLeaf = await mintServer("node1.example.com", intermediate, {
      key: { type: "rsa", bits: 1024 },
    });
    expect(errorsOf([weakLeaf, intermediate], [root])).toEqual(["weak-key"]);
    const weakIntermediate = await mintCa("weak-intermediate", {
      key: { type: "rsa", bits: 1024 },
      issuer: root,
    });
    expect(
      errorsOf([await mintServer("node1.example.com", weakIntermediate), weakIntermediate], [root]),
    ).toEqual(["weak-key"]);
  });

  it("reports weak-signature for SHA-1 and MD5 signatures on the path", async () => {
    const sha1Leaf = await mintServer("node1.example.com", intermediate, { signatureHash: "sha1" });
    expect(errorsOf([sha1Leaf, intermediate], [root])).toEqual(["weak-signature"]);
    const md5Leaf = await mintServer("node1.example.com", intermediate, { signatureHash: "md5" });
    expect(errorsOf([md5Leaf, intermediate], [root])).toEqual(["weak-signature"]);
    const sha1Intermediate = await mintCa("sha1-intermediate", { issuer: root, signatureHash: "sha1" });
    const underSha1 = await mintServer("node1.example.com", sha1Intermediate);
    expect(errorsOf([underSha1, sha1Intermediate], [root])).toEqual(["weak-signature"]);
  });

  it("ignores the digest of a self-signature: a SHA-1 self-signed anchor is fine", async () => {
    const sha1Root = await mintCa("sha1-root", { key: { type: "rsa", bits: 2048 }, signatureHash: "sha1" });
    expect(sha1Root.x509.verify(sha1Root.publicKey)).toBe(true);
    const underSha1Root = await mintServer("node1.example.com", sha1Root);
    expect(validate([underSha1Root], [sha1Root])).toEqual({ trusted: true, errors: [], expiresInDays: 90 });
  });

  it("requires serverAuth only when the leaf has an EKU extension", async () => {
    const clientOnly = await mintServer("node1.example.com", intermediate, {
      extendedKeyUsage: ["clientAuth"],
    });
    expect(errorsOf([clientOnly, intermediate], [root])).toEqual(["not-server-auth"]);
    const noEku = await mintServer("node1.example.com", intermediate, { extendedKeyUsage: [] });
    expect(validate([noEku, intermediate], [root])).toEqual({ trusted: true, errors: [], expiresInDays: 90 });
    const both = await mintServer("node1.example.com", intermediate, {
      extendedKeyUsage: ["clientAuth", "serverAuth"],
    });
    expect(errorsOf([both, intermediate], [root])).toEqual([]);
  });

  it("reports every problem at once, deduplicated, in a stable order", async () => {
    const weakOld = await mintServer("node7", intermediate, {
      key: { type: "rsa", bits: 1024 },
      signatureHash: "sha1",
      extendedKeyUsage: ["clientAuth"],
      notBefore: daysFromNow(-400),
      notAfter: daysFromNow(-10),
    });
    const weakIntermediate = await mintCa("weak-sha1-intermediate", {
      key: { type: "rsa", bits: 1024 },
      issuer: root,
      signatureHash: "sha1",
      notAfter: daysFromNow(-5),
    });
    const underWeak = await mintServer("node7", weakIntermediate, { signatureHash: "md5" });
    expect(validate([weakOld], [root], "10.0.0.7")).toEqual({
      trusted: false,
      errors: [
        "incomplete-chain",
        "expired",
        "name-mismatch",
        "weak-key",
        "weak-signature",
        "not-server-auth",
      ],
      expiresInDays: -10,
    });
    expect(errorsOf([underWeak, weakIntermediate], [root], "node7")).toEqual([
      "expired",
      "weak-key",
      "weak-signature",
    ]);
  });
});

describe("validateChain: kubelet self-generated serving certificates", () => {
  let clusterCa: MintedCertificate;
  let kubelet: { leaf: MintedCertificate; ca: MintedCertificate };

  beforeAll(async () => {
    clusterCa = await mintCa("kubernetes", { key: { type: "rsa", bits: 2048 } });
    kubelet = await mintKubeletSelfGeneratedChain("node1", NOW);
  });

  it("flags the chain as kubelet-self-generated and untrusted-root, whether or not the CA is served", () => {
    expect(validate([kubelet.leaf, kubelet.ca], [clusterCa], "node1")).toEqual({
      trusted: false,
      errors: ["kubelet-self-generated", "untrusted-root"],
      expiresInDays: 364,
    });
    expect(errorsOf([kubelet.leaf], [clusterCa], "node1")).toEqual([
      "kubelet-self-generated",
      "untrusted-root",
    ]);
  });

  it("adds name-mismatch when the kubelet is scanned by an IP it has no SAN for", () => {
    expect(errorsOf([kubelet.leaf, kubelet.ca], [clusterCa], "10.0.0.7")).toEqual([
      "kubelet-self-generated",
      "untrusted-root",
      "name-mismatch",
    ]);
  });

  it("is still kubelet-self-generated when its CA is pinned in the bundle", () => {
    expect(validate([kubelet.leaf, kubelet.ca], [kubelet.ca], "node1")).toEqual({
      trusted: false,
      errors: ["kubelet-self-generated"],
      expiresInDays: 364,
    });
  });
});
