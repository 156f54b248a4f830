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
  | "no-ca-configured";

export interface ChainValidation {
  trusted: boolean;
  errors: ValidationErrorCode[];
  /** Whole days from scan time to the leaf's notAfter; negative once expired. */
  expiresInDays: number | null;
}
