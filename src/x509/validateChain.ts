import type { X509Certificate } from "node:crypto";
import type { ChainValidation, ValidationErrorCode } from "../model/index.js";
import { MalformedCertificateError } from "./asn1.js";
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
  "malformed-certificate",
  "no-ca-configured",
  "kubelet-self-generated",
  "self-signed",
  "untrusted-root",
  "incomplete-chain",
  "bad-signature",
  "chain-search-limit",
  "issuer-not-ca",
  "expired",
  "not-yet-valid",
  "name-mismatch",
  "weak-key",
  "weak-signature",
  "not-server-auth",
];

const MAX_PATH_LENGTH = 10;
/**
 * Signatures checked while looking for a path, at most. Go's crypto/x509, which the API server verifies
 * kubelets with, gives up after the same number (maxChainSignatureChecks): a chain this search cannot
 * finish is one Go refuses too.
 */
export const MAX_SIGNATURE_CHECKS = 100;
/** The yielding validator gives the event loop back after this much work. */
const WORK_SLICE_MS = 5;
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
 * issuer is nowhere to be found; at one whose named issuer did not sign it; too long to be sane; or not at
 * all, because the signature budget ran out first.
 */
type PathEnd = "anchor" | "untrusted-root" | "missing-issuer" | "bad-signature" | "too-long" | "search-limit";

interface CertificationPath {
  certificates: PathCertificate[];
  end: PathEnd;
}

/**
 * Pure: the same inputs always give the same verdict. Trust is decided by building a path from the leaf to
 * the bundle; the intrinsic checks (dates, names, key and signature strength, usage) run on that path even
 * when no bundle was given. A served certificate that cannot be read at all is left out and reported as
 * `malformed-certificate`, as is an unreadable field on the path. Never throws for what a server sent.
 */
export function validateChain(input: ChainValidationInput): ChainValidation {
  const work = validationSteps(input);
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/**
 * `validateChain`, giving the event loop back every few milliseconds of work: a hostile chain costs its
 * own endpoint time, never another endpoint's deadline.
 */
export async function validateChainYielding(input: ChainValidationInput): Promise<ChainValidation> {
  const work = validationSteps(input);
  let sliceStart = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= WORK_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** The validation, pausing after every certificate parsed and every signature checked. */
function* validationSteps(input: ChainValidationInput): Generator<void, ChainValidation, void> {
  const errors = new Set<ValidationErrorCode>();
  if (input.servedChainDer.length === 0) errors.add("no-certificate");
  if (input.anchors.length === 0) errors.add("no-ca-configured");
  const served: (ParsedCertificate | null)[] = [];
  for (const der of input.servedChainDer) {
    const parsed = readable(der);
    if (parsed === null) errors.add("malformed-certificate");
    served.push(parsed);
    yield;
  }
  // A leaf that cannot be read leaves nothing to judge; the next certificate is no stand-in for it.
  const leaf = served[0];
  const readableServed = served.filter((parsed): parsed is ParsedCertificate => parsed !== null);
  if (!leaf) return { trusted: false, errors: ordered(errors), expiresInDays: null };

  const anchors = input.anchors.flatMap((anchor) => readable(anchor.raw) ?? []);
  const anchorFingerprints = new Set(anchors.map((anchor) => anchor.summary.sha256));
  const asPathCertificate = (parsed: ParsedCertificate): PathCertificate => ({
    parsed,
    isAnchor: anchorFingerprints.has(parsed.summary.sha256),
  });
  // Anchors first, so a served copy of a bundle CA (or a cross-signed variant) ends the path at the bundle.
  const pool = uniqueByFingerprint([...anchors, ...readableServed.slice(1)]).map(asPathCertificate);
  const search = new PathSearch(pool);
  const path = yield* search.build(asPathCertificate(leaf));

  const kubeletSelfGenerated = isKubeletSelfGeneratedChain(readableServed);
  const leafSelfSigned = path.certificates.length === 1 && path.end === "untrusted-root";
  // Without a bundle no server's root could be found: a missing or foreign root says nothing then.
  const trustDecidable = input.anchors.length > 0;
  if (kubeletSelfGenerated) errors.add("kubelet-self-generated");
  if (leafSelfSigned) errors.add("self-signed");
  if (path.end === "bad-signature") errors.add("bad-signature");
  if (path.end === "search-limit") errors.add("chain-search-limit");
  if (trustDecidable && path.end === "untrusted-root" && !leafSelfSigned) errors.add("untrusted-root");
  if (trustDecidable && (path.end === "missing-issuer" || path.end === "too-long")) {
    // The kubelet's missing issuer is by construction a throwaway self-signed CA, not a forgotten intermediate.
    errors.add(kubeletSelfGenerated ? "untrusted-root" : "incomplete-chain");
  }

  for (const [index, { parsed, isAnchor }] of path.certificates.entries()) {
    if (parsed.unreadable.length > 0) errors.add("malformed-certificate");
    if (index > 0 && parsed.basicConstraints?.ca !== true) errors.add("issuer-not-ca");
    if (input.now.getTime() > parsed.notAfter.getTime()) errors.add("expired");
    if (input.now.getTime() < parsed.notBefore.getTime()) errors.add("not-yet-valid");
    // The bundle's own keys are the operator's choice; what the server presents is what is being audited.
    if (!isAnchor && hasWeakKey(parsed)) errors.add("weak-key");
    // A self-signature proves nothing, so its digest does not matter; every other signature carries trust.
    if (
      !search.isSelfSigned(parsed) &&
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
    ...(search.cut === null ? {} : { searchCut: search.cut }),
  };
}

function readable(der: Buffer): ParsedCertificate | null {
  try {
    return parseCertificate(der);
  } catch (error) {
    if (error instanceof MalformedCertificateError) return null;
    throw error;
  }
}

/*
 * Depth-first over every issuer candidate (matching name AND verifying signature), so intermediates may be
 * served in any order and a dead end (say, a cross-sign towards a root outside the bundle) does not hide a
 * good path. The first successful path wins; failing that, the first failure found explains why.
 *
 * Bounded, because the server chooses the pool. Each certificate is expanded once: one explored from an
 * earlier path and found to lead nowhere is not explored again from another, so cross-signed loops cost
 * their size, not their number of paths. Each signature is checked once, and at most
 * MAX_SIGNATURE_CHECKS of them; when that budget runs out, the search says what it left unexplored.
 */
class PathSearch {
  readonly #pool: readonly PathCertificate[];
  readonly #expanded = new Set<string>();
  readonly #signatures = new Map<string, boolean>();
  #checks = 0;
  #firstFailure: CertificationPath | null = null;
  /** What the search left unexplored when the budget ran out; null when it finished. */
  cut: string | null = null;

  constructor(pool: readonly PathCertificate[]) {
    this.#pool = pool;
  }

  *build(leaf: PathCertificate): Generator<void, CertificationPath, void> {
    const found = yield* this.#extend([leaf]);
    if (found) return found;
    if (this.cut !== null) return { certificates: [leaf], end: "search-limit" };
    return this.#firstFailure ?? { certificates: [leaf], end: "missing-issuer" };
  }

  /** Whether the certificate verifies under its own key; cached, and outside the budget. */
  isSelfSigned(certificate: ParsedCertificate): boolean {
    return certificate.summary.selfIssued && this.#verify(certificate, certificate);
  }

  *#extend(certificates: PathCertificate[]): Generator<void, CertificationPath | null, void> {
    const last = certificates.at(-1);
    if (!last) return null;
    const current = last.parsed;
    if (last.isAnchor) return { certificates, end: "anchor" };
    if (this.#outOfBudget()) return null;
    if (current.summary.selfIssued && (yield* this.#checkSignature(current, current))) {
      return this.#fail(certificates, "untrusted-root");
    }
    if (certificates.length >= MAX_PATH_LENGTH) return this.#fail(certificates, "too-long");
    if (this.#expanded.has(current.summary.sha256)) return null;
    this.#expanded.add(current.summary.sha256);
    const onPath = (candidate: PathCertificate) =>
      certificates.some((member) => member.parsed.summary.sha256 === candidate.parsed.summary.sha256);
    const named = this.#pool.filter(
      (candidate) => candidate.parsed.subjectKey === current.issuerKey && !onPath(candidate),
    );
    let signing = 0;
    for (const issuer of named) {
      if (this.#outOfBudget()) return null;
      if (!(yield* this.#checkSignature(current, issuer.parsed))) continue;
      signing++;
      const path = yield* this.#extend([...certificates, issuer]);
      if (path) return path;
    }
    if (signing > 0 || this.cut !== null) return null;
    return this.#fail(
      certificates,
      named.length > 0 || claimsSelfSignature(current) ? "bad-signature" : "missing-issuer",
    );
  }

  #fail(certificates: PathCertificate[], end: PathEnd): null {
    this.#firstFailure ??= { certificates, end };
    return null;
  }

  #outOfBudget(): boolean {
    if (this.#checks < MAX_SIGNATURE_CHECKS) return false;
    this.cut ??=
      `issuer search stopped after ${MAX_SIGNATURE_CHECKS} signature checks over ${this.#pool.length + 1} ` +
      `certificates (${this.#expanded.size} explored) without reaching the CA bundle; the rest was not tried`;
    return true;
  }

  *#checkSignature(
    certificate: ParsedCertificate,
    issuer: ParsedCertificate,
  ): Generator<void, boolean, void> {
    if (this.#signatures.has(signatureKey(certificate, issuer))) return this.#verify(certificate, issuer);
    this.#checks++;
    const verified = this.#verify(certificate, issuer);
    yield;
    return verified;
  }

  #verify(certificate: ParsedCertificate, issuer: ParsedCertificate): boolean {
    const key = signatureKey(certificate, issuer);
    let verified = this.#signatures.get(key);
    if (verified === undefined) {
      verified = signedBy(certificate, issuer);
      this.#signatures.set(key, verified);
    }
    return verified;
  }
}

function signatureKey(certificate: ParsedCertificate, issuer: ParsedCertificate): string {
  return `${certificate.summary.sha256}/${issuer.summary.sha256}`;
}

function signedBy(certificate: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (issuer.publicKey === null) return false;
  try {
    return certificate.x509.verify(issuer.publicKey);
  } catch {
    // OpenSSL refuses some key/algorithm pairings outright; that is a failed signature too.
    return false;
  }
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
