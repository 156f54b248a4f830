import type { X509Certificate } from "node:crypto";
import type { ChainValidation, ValidationErrorCode } from "../model/index.js";
import { type ParsedCertificate, parseCertificate } from "./certificate.js";
import { certificateMatchesHost } from "./hostname.js";
import { isKubeletSelfGeneratedChain } from "./kubeletSelfGenerated.js";
import { WEAK_SIGNATURE_HASHES } from "./signatureAlgorithm.js";

export interface ChainValidationInput {
  /** As served: the leaf first, then whatever intermediates the server chose to send, in any order. */
  servedChainDer: readonly Buffer[];
  /** The configured CA bundle; empty when none was given. */
  anchors: readonly X509Certificate[];
  /** The IP literal or DNS name as scanned. */
  host: string;
  now: Date;
}

/** Errors are reported in this order, whatever order the checks find them in. */
const ERROR_ORDER: readonly ValidationErrorCode[] = [
  "no-certificate",
  "no-ca-configured",
  "kubelet-self-generated",
  "self-signed",
  "untrusted-root",
  "incomplete-chain",
  "bad-signature",
  "issuer-not-ca",
  "expired",
  "not-yet-valid",
  "name-mismatch",
  "weak-key",
  "weak-signature",
  "not-server-auth",
];

const MAX_PATH_LENGTH = 10;
const DAY_MS = 86_400_000;
const SERVER_AUTH_OID = "1.3.6.1.5.5.7.3.1";
const ANY_EXTENDED_KEY_USAGE_OID = "2.5.29.37.0";
const MIN_KEY_BITS: Readonly<Partial<Record<string, number>>> = {
  rsa: 2048,
  "rsa-pss": 2048,
  dsa: 2048,
  ec: 256,
};

interface PathCertificate {
  parsed: ParsedCertificate;
  isAnchor: boolean;
}

/**
 * How the path ended: at an anchor; at a self-signed certificate outside the bundle; at a certificate whose
 * issuer is nowhere to be found; at one whose named issuer did not sign it; or too long to be sane.
 */
type PathEnd = "anchor" | "untrusted-root" | "missing-issuer" | "bad-signature" | "too-long";

interface CertificationPath {
  certificates: PathCertificate[];
  end: PathEnd;
}

/**
 * Pure: the same inputs always give the same verdict. Trust is decided by building a path from the leaf to
 * the bundle; the intrinsic checks (dates, names, key and signature strength, usage) run on that path even
 * when no bundle was given. Throws MalformedCertificateError only for bytes that are not a certificate.
 */
export function validateChain(input: ChainValidationInput): ChainValidation {
  const errors = new Set<ValidationErrorCode>();
  if (input.servedChainDer.length === 0) errors.add("no-certificate");
  if (input.anchors.length === 0) errors.add("no-ca-configured");
  const served = input.servedChainDer.map(parseCertificate);
  const leaf = served[0];
  if (!leaf) return { trusted: false, errors: ordered(errors), expiresInDays: null };

  const anchors = input.anchors.map((anchor) => parseCertificate(anchor.raw));
  const anchorFingerprints = new Set(anchors.map((anchor) => anchor.summary.sha256));
  const asPathCertificate = (parsed: ParsedCertificate): PathCertificate => ({
    parsed,
    isAnchor: anchorFingerprints.has(parsed.summary.sha256),
  });
  // Anchors first, so a served copy of a bundle CA (or a cross-signed variant) ends the path at the bundle.
  const pool = uniqueByFingerprint([...anchors, ...served.slice(1)]).map(asPathCertificate);
  const path = buildPath(asPathCertificate(leaf), pool);

  const kubeletSelfGenerated = isKubeletSelfGeneratedChain(served);
  const leafSelfSigned = path.certificates.length === 1 && path.end === "untrusted-root";
  // Without a bundle no server's root could be found: a missing or foreign root says nothing then.
  const trustDecidable = input.anchors.length > 0;
  if (kubeletSelfGenerated) errors.add("kubelet-self-generated");
  if (leafSelfSigned) errors.add("self-signed");
  if (path.end === "bad-signature") errors.add("bad-signature");
  if (trustDecidable && path.end === "untrusted-root" && !leafSelfSigned) errors.add("untrusted-root");
  if (trustDecidable && (path.end === "missing-issuer" || path.end === "too-long")) {
    // The kubelet's missing issuer is by construction a throwaway self-signed CA, not a forgotten intermediate.
    errors.add(kubeletSelfGenerated ? "untrusted-root" : "incomplete-chain");
  }

  for (const [index, { parsed, isAnchor }] of path.certificates.entries()) {
    if (index > 0 && parsed.basicConstraints?.ca !== true) errors.add("issuer-not-ca");
    if (input.now.getTime() > parsed.notAfter.getTime()) errors.add("expired");
    if (input.now.getTime() < parsed.notBefore.getTime()) errors.add("not-yet-valid");
    // The bundle's own keys are the operator's choice; what the server presents is what is being audited.
    if (!isAnchor && hasWeakKey(parsed)) errors.add("weak-key");
    // A self-signature proves nothing, so its digest does not matter; every other signature carries trust.
    if (
      !isSelfSigned(parsed) &&
      parsed.signatureDigest &&
      WEAK_SIGNATURE_HASHES.has(parsed.signatureDigest)
    ) {
      errors.add("weak-signature");
    }
  }
  if (!certificateMatchesHost(leaf.summary.sans, input.host)) errors.add("name-mismatch");
  if (!allowsServerAuth(leaf.extendedKeyUsage)) errors.add("not-server-auth");

  return {
    trusted: path.end === "anchor" && errors.size === 0,
    errors: ordered(errors),
    expiresInDays: Math.floor((leaf.notAfter.getTime() - input.now.getTime()) / DAY_MS),
  };
}

/*
 * Depth-first over every issuer candidate (matching name AND verifying signature), so intermediates may be
 * served in any order and a dead end (say, a cross-sign towards a root outside the bundle) does not hide a good path. The first
 * successful path wins; failing that, the first failure found explains why.
 */
function buildPath(leaf: PathCertificate, pool: readonly PathCertificate[]): CertificationPath {
  let firstFailure: CertificationPath | null = null;
  const fail = (certificates: PathCertificate[], end: PathEnd): null => {
    firstFailure ??= { certificates, end };
    return null;
  };
  const extend = (certificates: PathCertificate[]): CertificationPath | null => {
    const current = certificates.at(-1)?.parsed;
    if (!current) return null;
    if (certificates.at(-1)?.isAnchor) return { certificates, end: "anchor" };
    if (isSelfSigned(current)) return fail(certificates, "untrusted-root");
    if (certificates.length >= MAX_PATH_LENGTH) return fail(certificates, "too-long");
    const onPath = (candidate: PathCertificate) =>
      certificates.some((member) => member.parsed.summary.sha256 === candidate.parsed.summary.sha256);
    const named = pool.filter(
      (candidate) => candidate.parsed.subjectKey === current.issuerKey && !onPath(candidate),
    );
    const signing = named.filter((candidate) => signedBy(current, candidate.parsed));
    if (signing.length === 0) {
      return fail(
        certificates,
        named.length > 0 || claimsSelfSignature(current) ? "bad-signature" : "missing-issuer",
      );
    }
    for (const issuer of signing) {
      const path = extend([...certificates, issuer]);
      if (path) return path;
    }
    return null;
  };
  return extend([leaf]) ?? firstFailure ?? { certificates: [leaf], end: "missing-issuer" };
}

function signedBy(certificate: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    return certificate.x509.verify(issuer.x509.publicKey);
  } catch {
    // OpenSSL refuses some key/algorithm pairings outright; that is a failed signature too.
    return false;
  }
}

function isSelfSigned(certificate: ParsedCertificate): boolean {
  return certificate.summary.selfIssued && signedBy(certificate, certificate);
}

/*
 * Self-issued is not self-signed: a CA rolling its key issues under its own name with the old key. Only when
 * the authority key identifier is absent or names the certificate's own key is a failed self-check a bad
 * signature rather than a missing issuer.
 */
function claimsSelfSignature(certificate: ParsedCertificate): boolean {
  return (
    certificate.summary.selfIssued &&
    (certificate.authorityKeyIdentifier === null ||
      certificate.authorityKeyIdentifier === certificate.subjectKeyIdentifier)
  );
}

function hasWeakKey({ summary }: ParsedCertificate): boolean {
  const minimum = MIN_KEY_BITS[summary.keyType];
  return minimum !== undefined && summary.keyBits !== null && summary.keyBits < minimum;
}

/** No EKU extension means any use; otherwise serverAuth or anyExtendedKeyUsage must be listed. */
function allowsServerAuth(extendedKeyUsage: string[] | null): boolean {
  return (
    extendedKeyUsage === null ||
    extendedKeyUsage.includes(SERVER_AUTH_OID) ||
    extendedKeyUsage.includes(ANY_EXTENDED_KEY_USAGE_OID)
  );
}

function uniqueByFingerprint(certificates: readonly ParsedCertificate[]): ParsedCertificate[] {
  const seen = new Set<string>();
  return certificates.filter((certificate) => {
    if (seen.has(certificate.summary.sha256)) return false;
    seen.add(certificate.summary.sha256);
    return true;
  });
}

function ordered(errors: ReadonlySet<ValidationErrorCode>): ValidationErrorCode[] {
  return ERROR_ORDER.filter((code) => errors.has(code));
}
