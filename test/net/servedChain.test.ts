import type { DetailedPeerCertificate } from "node:tls";
import { describe, expect, it } from "vitest";
import { servedChainDer } from "../../src/net/servedChain.js";

/** Just the fields servedChainDer reads, linked the way Node links them. */
function peer(raw: string, issuer?: DetailedPeerCertificate): DetailedPeerCertificate {
  const certificate = { raw: Buffer.from(raw) } as DetailedPeerCertificate;
  certificate.issuerCertificate = issuer ?? certificate;
  return certificate;
}

describe("servedChainDer", () => {
  it("walks leaf to root and stops at the root's self-loop", () => {
    const root = peer("root");
    const chain = servedChainDer(peer("leaf", peer("intermediate", root)));
    expect(chain.map((der) => der.toString())).toEqual(["leaf", "intermediate", "root"]);
  });

  it("drops a certificate seen before, so a cycle cannot loop", () => {
    const a = peer("a");
    const b = peer("b", a);
    a.issuerCertificate = b;
    expect(servedChainDer(a).map((der) => der.toString())).toEqual(["a", "b"]);
  });

  it("is empty when the server sent no certificate", () => {
    expect(servedChainDer({} as DetailedPeerCertificate)).toEqual([]);
  });
});
