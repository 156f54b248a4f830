export { MalformedCertificateError } from "./asn1.js";
export { CaBundleError, loadCaBundle, parsePemBundle } from "./caBundle.js";
export {
  type BasicConstraints,
  type ParsedCertificate,
  parseCertificate,
  summarizeCertificate,
} from "./certificate.js";
export { formatDistinguishedName } from "./distinguishedName.js";
export { certificateMatchesHost } from "./hostname.js";
export {
  isKubeletSelfGeneratedChain,
  type KubeletSelfGeneratedChain,
  mintKubeletSelfGeneratedChain,
} from "./kubeletSelfGenerated.js";
export {
  type CertificateSpec,
  type DistinguishedName,
  type ExtendedKeyUsage,
  type KeySpec,
  type MintedCertificate,
  mintCertificate,
  type SignatureHash,
} from "./mint.js";
export type { SignatureDigest } from "./signatureAlgorithm.js";
export { mintUntrustedClientIdentity, type UntrustedClientIdentity } from "./untrustedClientIdentity.js";
export {
  type ChainValidationInput,
  MAX_SIGNATURE_CHECKS,
  validateChain,
  validateChainYielding,
} from "./validateChain.js";
