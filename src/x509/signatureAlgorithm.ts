import { type Asn1Node, children, isContext, oidOf } from "./asn1.js";

/** The digest a signature algorithm relies on; "intrinsic" for EdDSA, which needs no separate digest. */
export type SignatureDigest =
  | "md2"
  | "md4"
  | "md5"
  | "sha1"
  | "sha224"
  | "sha256"
  | "sha384"
  | "sha512"
  | "intrinsic";

export interface SignatureAlgorithmInfo {
  /** openssl's name (`openssl x509 -text`), or the dotted OID when unknown. */
  name: string;
  hash: SignatureDigest | null;
}

const RSASSA_PSS_OID = "1.2.840.113549.1.1.10";

const KNOWN_ALGORITHMS: Readonly<Record<string, SignatureAlgorithmInfo>> = {
  "1.2.840.113549.1.1.2": { name: "md2WithRSAEncryption", hash: "md2" },
  "1.2.840.113549.1.1.3": { name: "md4WithRSAEncryption", hash: "md4" },
  "1.2.840.113549.1.1.4": { name: "md5WithRSAEncryption", hash: "md5" },
  "1.2.840.113549.1.1.5": { name: "sha1WithRSAEncryption", hash: "sha1" },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", hash: "sha256" },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", hash: "sha384" },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", hash: "sha512" },
  "1.2.840.113549.1.1.14": { name: "sha224WithRSAEncryption", hash: "sha224" },
  "1.2.840.10040.4.3": { name: "dsa_with_SHA1", hash: "sha1" },
  "2.16.840.1.101.3.4.3.2": { name: "dsa_with_SHA256", hash: "sha256" },
  "1.2.840.10045.4.1": { name: "ecdsa-with-SHA1", hash: "sha1" },
  "1.2.840.10045.4.3.1": { name: "ecdsa-with-SHA224", hash: "sha224" },
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", hash: "sha256" },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", hash: "sha384" },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", hash: "sha512" },
  "1.3.101.112": { name: "ED25519", hash: "intrinsic" },
  "1.3.101.113": { name: "ED448", hash: "intrinsic" },
};

const HASH_OIDS: Readonly<Record<string, SignatureDigest>> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

/** Hashes that no longer resist collisions: a signature over them can be forged for a chosen certificate. */
export const WEAK_SIGNATURE_HASHES: ReadonlySet<SignatureDigest> = new Set(["md2", "md4", "md5", "sha1"]);

/** Reads a certificate's signatureAlgorithm AlgorithmIdentifier. */
export function signatureAlgorithmOf(algorithmIdentifier: Asn1Node | undefined): SignatureAlgorithmInfo {
  const [algorithm, parameters] = children(algorithmIdentifier);
  const oid = oidOf(algorithm) ?? "unknown";
  if (oid === RSASSA_PSS_OID) return { name: "rsassaPss", hash: pssHash(parameters) };
  return KNOWN_ALGORITHMS[oid] ?? { name: oid, hash: null };
}

/** RFC 4055: RSASSA-PSS-params.hashAlgorithm is [0] and defaults to SHA-1 when absent. */
function pssHash(parameters: Asn1Node | undefined): SignatureDigest | null {
  const hashAlgorithm = children(parameters).find((field) => isContext(field, 0));
  if (!hashAlgorithm) return "sha1";
  const [hashIdentifier] = children(hashAlgorithm);
  const hashOid = oidOf(children(hashIdentifier)[0]);
  return hashOid === null ? null : (HASH_OIDS[hashOid] ?? null);
}
