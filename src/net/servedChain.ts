import { createHash } from "node:crypto";
import type { DetailedPeerCertificate } from "node:tls";

/**
 * The DER of each certificate the server sent, leaf first, from `getPeerCertificate(true)`.
 *
 * The order is the one OpenSSL and Node report, which is not quite the wire order: Node starts at the
 * leaf and links each certificate to the served one that issued it (`X509_check_issued`), so the list is
 * the served path by issuance, and a served certificate that issued nothing on that path is left out.
 * Node also tries to extend the path from the client's trust store; probe connections use an empty one
 * (`ca: []`), so nothing here was added locally. Duplicates are dropped and a self-signed root ends it.
 */
export function servedChainDer(leaf: DetailedPeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = leaf;
  while (current && Buffer.isBuffer(current.raw) && current.raw.length > 0) {
    const fingerprint = createHash("sha256").update(current.raw).digest("hex");
    if (seen.has(fingerprint)) break;
    seen.add(fingerprint);
    chain.push(current.raw);
    const issuer: DetailedPeerCertificate | undefined = current.issuerCertificate;
    if (issuer === current) break;
    current = issuer;
  }
  return chain;
}
