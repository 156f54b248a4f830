import { X509Certificate } from "node:crypto";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MAX_SIGNATURE_CHECKS,
  mintCertificate,
  parseCertificate,
  validateChain,
  validateChainYielding,
} from "../../src/x509/index.js";
import { type LoopyChain, mintLoopyCrossSignedChain, pem, withSubjectKey } from "../hostile/certificates.js";
import { type HostilePeer, hostileHost, listen } from "../hostile/peers.js";
import { scanTargets } from "../hostile/scan.js";

// 5 CA names cross-signing each other: 20 cross certificates, 21 with the leaf, about 8 KB. The unbounded
// depth-first search took 25 s on it (and 1.2 s on 4 names); a sixth name multiplies that again.
let loops: LoopyChain;
// 6 names: 30 cross certificates, more than the signature budget can explore.
let biggerLoops: LoopyChain;
const peers: HostilePeer[] = [];

beforeAll(async () => {
  [loops, biggerLoops] = await Promise.all([
    mintLoopyCrossSignedChain(5, "loop5"),
    mintLoopyCrossSignedChain(6, "loop6"),
  ]);
});

afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
});

/** The loop's first CA key identifier, as its cross certificates carry it. */
function loopKeyIdentifier(chain: LoopyChain): Buffer {
  const identifier = parseCertificate(chain.crossCertificates[0] as Buffer).subjectKeyIdentifier;
  return Buffer.from(identifier ?? "", "hex");
}

function input(chain: LoopyChain) {
  return {
    servedChainDer: [chain.leaf.certDer, ...chain.crossCertificates],
    anchors: [chain.unrelatedRoot.x509],
    host: `${chain.leaf.subject.commonName}`,
    now: new Date(),
  };
}

describe("chain building has a work budget", () => {
  it("explores each certificate of cross-signed loops once: 21 certificates end in a verdict, not a path explosion", () => {
    const started = performance.now();
    const validation = validateChain(input(loops));
    // Generous against load; the unbounded search needed 25 s here.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(validation.trusted).toBe(false);
    expect(validation.errors).toEqual(["incomplete-chain"]);
    expect(validation.searchCut).toBeUndefined();
  });

  it("stops at the signature budget, says what it cut, and never calls such a chain trusted", async () => {
    const validation = validateChain(input(biggerLoops));
    expect(validation.trusted).toBe(false);
    expect(validation.errors).toEqual(["chain-search-limit"]);
    expect(validation.searchCut).toContain(
      `after ${MAX_SIGNATURE_CHECKS} signature checks over 32 certificates`,
    );
    // The yielding validator reaches the same verdict.
    expect(await validateChainYielding(input(biggerLoops))).toEqual(validation);
  });

  it("still finds the good path when the loops hang off a chain to the bundle", async () => {
    // The anchor signs a cross certificate for the first loop name: one path out of the maze exists.
    const anchor = await mintCertificate({
      subject: { commonName: "maze-anchor" },
      key: { type: "ec", curve: "P-256" },
      isCa: true,
    });
    const exit = await mintCertificate({
      subject: { commonName: "loop5-ca-0" },
      key: { type: "ec", curve: "P-256" },
      issuer: anchor,
      isCa: true,
    });
    const loopCa = await mintCertificate({
      subject: { commonName: "stand-in" },
      key: { type: "ec", curve: "P-256" },
    });
    const loopKey = new X509Certificate(loops.crossCertificates[0] as Buffer).publicKey;
    const exitWithLoopKey = withSubjectKey(exit, anchor.privateKey, {
      ...loopCa,
      publicKey: loopKey,
      keyIdentifier: loopKeyIdentifier(loops),
    });
    const validation = validateChain({
      ...input(loops),
      servedChainDer: [loops.leaf.certDer, ...loops.crossCertificates, exitWithLoopKey],
      anchors: [anchor.x509],
    });
    expect(validation).toMatchObject({ trusted: true, errors: [] });
  });

  it("a loopy chain served by a real server costs only its own endpoint: a healthy endpoint beside it finishes within its deadline", async () => {
    const loopy = createTlsServer({
      cert: [pem(biggerLoops.leaf.certDer), ...biggerLoops.crossCertificates.map(pem)].join(""),
      key: biggerLoops.leaf.keyPem,
    });
    loopy.on("tlsClientError", () => undefined);
    const healthyCa = await mintCertificate({
      subject: { commonName: "healthy-ca" },
      key: { type: "ec", curve: "P-256" },
      isCa: true,
    });
    const healthyLeaf = await mintCertificate({
      subject: { commonName: "healthy" },
      key: { type: "ec", curve: "P-256" },
      issuer: healthyCa,
      extendedKeyUsage: ["serverAuth"],
    });
    const healthy = createTlsServer({ cert: healthyLeaf.certPem, key: healthyLeaf.keyPem });
    healthy.on("tlsClientError", () => undefined);
    const loopyPeer = await listen(loopy, hostileHost());
    const healthyPeer = await listen(healthy, hostileHost());
    peers.push(loopyPeer, healthyPeer);
    const timeoutMs = 1_500;
    const { endpoints } = await scanTargets(
      [`${loopyPeer.host}:${loopyPeer.port}`, `${healthyPeer.host}:${healthyPeer.port}`],
      { timeoutMs },
    );
    const loopyResult = endpoints.get(`${loopyPeer.host}:${loopyPeer.port}`);
    const healthyResult = endpoints.get(`${healthyPeer.host}:${healthyPeer.port}`);
    // Every served certificate Node links from the leaf is kept, the session too.
    expect(loopyResult?.result.speaksTls).toBe(true);
    expect(loopyResult?.result.chain.length).toBeGreaterThan(1);
    expect(loopyResult?.result.validation?.trusted).toBe(false);
    expect(healthyResult?.result.speaksTls).toBe(true);
    expect(healthyResult?.result.error).toBeNull();
    expect(healthyResult?.result.chain.map((certificate) => certificate.subject)).toEqual(["CN=healthy"]);
    // Its own deadline: the handshake phases and the GETs of an endpoint of unknown role.
    expect(healthyResult?.finishedAfterMs).toBeLessThan(timeoutMs * 10);
  });
});
