export type KeyType = "rsa" | "ec" | "ed25519" | "ed448" | "dsa" | "rsa-pss" | "unknown";

/** One certificate as served, flattened for reports. Names are RFC 4514 strings, most specific first: `CN=a,O=b`. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  serial: string;
  sans: { dns: string[]; ip: string[] };
  notBefore: string;
  notAfter: string;
  keyType: KeyType;
  keyBits: number | null;
  curve: string | null;
  signatureAlgorithm: string;
  isCa: boolean;
  selfIssued: boolean;
  sha256: string;
  /**
   * Fields that could not be decoded (`publicKey`, `subjectAltName`, `extendedKeyUsage`, ...), present
   * only when there are some: each is reported as unknown, and never read as allowing more than nothing.
   */
  unreadable?: string[];
}

export type ValidationErrorCode =
  | "untrusted-root"
  | "self-signed"
  | "expired"
  | "not-yet-valid"
  | "name-mismatch"
  | "incomplete-chain"
  | "weak-key"
  | "weak-signature"
  | "not-server-auth"
  | "kubelet-self-generated"
  | "bad-signature"
  | "issuer-not-ca"
  | "no-certificate"
  | "no-ca-configured"
  /** A served certificate, or a field of one on the path, could not be decoded. */
  | "malformed-certificate"
  /** The issuer search ran out of its signature budget before reaching the bundle (Go gives up too). */
  | "chain-search-limit";

export interface ChainValidation {
  trusted: boolean;
  errors: ValidationErrorCode[];
  /** Whole days from scan time to the leaf's notAfter; negative once expired. */
  expiresInDays: number | null;
  /** What the issuer search left unexplored when it ran out of budget; absent when it finished. */
  searchCut?: string;
}
