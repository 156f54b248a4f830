import { createHash, type KeyObject, X509Certificate } from "node:crypto";
import forgeAsn1 from "node-forge/lib/asn1.js";
import type { CertificateSummary, KeyType } from "../model/index.js";
import { formatIpAddress } from "../targets/index.js";
import {
  type Asn1Node,
  Asn1Type,
  children,
  isContext,
  isUniversal,
  MalformedCertificateError,
  oidOf,
  parseDer,
  primitiveBytes,
  timeOf,
} from "./asn1.js";
import { commonNameOf, formatName, nameMatchKey } from "./distinguishedName.js";
import { type SignatureDigest, signatureAlgorithmOf } from "./signatureAlgorithm.js";

export interface BasicConstraints {
  ca: boolean;
  pathLength: number | null;
}

/** Everything the chain validator needs about one certificate, decoded once. */
export interface ParsedCertificate {
  x509: X509Certificate;
  summary: CertificateSummary;
  subjectCommonName: string | null;
  issuerCommonName: string | null;
  /**
   * Extended key usage OIDs; null when the extension is absent, which allows any use. An extension that is
   * present but unreadable allows nothing: an unreadable field never widens what a certificate may do.
   */
  extendedKeyUsage: string[] | null;
  /** null when the extension is absent or unreadable (then the certificate is not a CA). */
  basicConstraints: BasicConstraints | null;
  notBefore: Date;
  notAfter: Date;
  /** The digest under the issuer's signature; null when the algorithm is unknown. */
  signatureDigest: SignatureDigest | null;
  /** Subject and authority key identifiers (hex); null when absent. */
  subjectKeyIdentifier: string | null;
  authorityKeyIdentifier: string | null;
  /** Name comparison keys: a certificate's issuer key equals its issuer's subject key. */
  subjectKey: string;
  issuerKey: string;
  /** The subject public key; null when node:crypto cannot decode it (then it verifies nothing). */
  publicKey: KeyObject | null;
  /** The fields that could not be decoded, as in `CertificateSummary.unreadable`; empty when all were. */
  unreadable: string[];
}

const EXTENSION_OIDS = {
  basicConstraints: "2.5.29.19",
  extendedKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
} as const;

type ExtensionName = keyof typeof EXTENSION_OIDS;

const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  prime192v1: { name: "P-192", bits: 192 },
  secp224r1: { name: "P-224", bits: 224 },
  prime256v1: { name: "P-256", bits: 256 },
  secp384r1: { name: "P-384", bits: 384 },
  secp521r1: { name: "P-521", bits: 521 },
  secp256k1: { name: "secp256k1", bits: 256 },
  brainpoolP256r1: { name: "brainpoolP256r1", bits: 256 },
  brainpoolP384r1: { name: "brainpoolP384r1", bits: 384 },
  brainpoolP512r1: { name: "brainpoolP512r1", bits: 512 },
};

// openssl reports the EdDSA public key sizes as these bit counts.
const EDDSA_KEY_BITS: Readonly<Record<string, number>> = { ed25519: 256, ed448: 456 };

const KEY_TYPES: ReadonlySet<string> = new Set(["rsa", "rsa-pss", "dsa", "ec", "ed25519", "ed448"]);

export function summarizeCertificate(der: Buffer): CertificateSummary {
  return parseCertificate(der).summary;
}

/** The TBS fields read from the DER, positional after the optional version. */
interface TbsFields {
  signatureAlgorithmIdentifier: Asn1Node | undefined;
  issuerName: Asn1Node | undefined;
  validity: Asn1Node | undefined;
  subjectName: Asn1Node | undefined;
  /** By OID, the bytes inside each extnValue, decoded only when read. */
  extensions: Map<string, Buffer>;
}

/*
 * Two independent readers. node:crypto's X509Certificate (OpenSSL) decides whether the bytes are a
 * certificate at all and gives the key, serial, fingerprint and validity; the fields Node 20 does not
 * expose (signature algorithm) or exposes only as ambiguous text (names, SANs, extensions) are read from
 * the DER with forge's generic ASN.1 reader. One odd field never costs the whole certificate: what forge
 * cannot read falls back to OpenSSL's reading where there is one, and is otherwise listed in `unreadable`
 * and taken as the least it could allow. Throws MalformedCertificateError only when OpenSSL cannot read
 * the certificate, or its validity.
 */
export function parseCertificate(der: Buffer): ParsedCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch (error) {
    throw new MalformedCertificateError(`not an X.509 certificate: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const unreadable: string[] = [];
  const attempt = <T>(field: string, read: () => T, fallback: T): T => {
    try {
      return read();
    } catch {
      unreadable.push(field);
      return fallback;
    }
  };
  const tbs = attempt("structure", () => tbsFieldsOf(der), null);
  const extension = <T>(name: ExtensionName, read: (value: Asn1Node) => T, absent: T, broken: T): T => {
    const value = tbs?.extensions.get(EXTENSION_OIDS[name]);
    if (value === undefined) return absent;
    return attempt(name, () => read(parseDer(value, `extension ${name}`)), broken);
  };
  const nameOf = (field: "subject" | "issuer", node: Asn1Node | undefined): string => {
    const read = node === undefined ? null : attempt(field, () => formatName(node), null);
    return read ?? nameFromOpenSsl(x509[field]);
  };

  const subject = nameOf("subject", tbs?.subjectName);
  const issuer = nameOf("issuer", tbs?.issuerName);
  const [notBeforeNode, notAfterNode] = children(tbs?.validity);
  const notBefore = validDate(timeOf(notBeforeNode)) ?? validDate(new Date(x509.validFrom));
  const notAfter = validDate(timeOf(notAfterNode)) ?? validDate(new Date(x509.validTo));
  if (!notBefore || !notAfter)
    throw new MalformedCertificateError("the certificate's validity is unreadable");

  const basicConstraints = extension("basicConstraints", basicConstraintsOf, null, null);
  const signatureAlgorithm = attempt(
    "signatureAlgorithm",
    () => signatureAlgorithmOf(tbs?.signatureAlgorithmIdentifier),
    { name: "unknown", hash: null },
  );
  const publicKey = attempt("publicKey", () => x509.publicKey, null);
  const key = describeKey(publicKey);
  const commonName = (name: Asn1Node | undefined): string | null =>
    name === undefined ? null : attempt("commonName", () => commonNameOf(name), null);

  const summary: CertificateSummary = {
    subject,
    issuer,
    serial: x509.serialNumber.toUpperCase(),
    sans: extension("subjectAltName", subjectAltNamesOf, noNames(), noNames()),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    keyType: key.keyType,
    keyBits: key.keyBits,
    curve: key.curve,
    signatureAlgorithm: signatureAlgorithm.name,
    isCa: basicConstraints?.ca ?? false,
    selfIssued: nameMatchKey(subject) === nameMatchKey(issuer),
    sha256: createHash("sha256").update(der).digest("hex"),
  };
  const parsed: ParsedCertificate = {
    x509,
    summary,
    subjectCommonName: commonName(tbs?.subjectName),
    issuerCommonName: commonName(tbs?.issuerName),
    extendedKeyUsage: extension("extendedKeyUsage", extendedKeyUsageOf, null, []),
    basicConstraints,
    notBefore,
    notAfter,
    signatureDigest: signatureAlgorithm.hash,
    subjectKeyIdentifier: extension("subjectKeyIdentifier", keyIdentifierOf, null, null),
    authorityKeyIdentifier: extension(
      "authorityKeyIdentifier",
      (value) => keyIdentifierOf(children(value).find((field) => isContext(field, 0))),
      null,
      null,
    ),
    subjectKey: nameMatchKey(subject),
    issuerKey: nameMatchKey(issuer),
    publicKey,
    unreadable,
  };
  if (unreadable.length > 0) summary.unreadable = [...unreadable];
  return parsed;
}

function tbsFieldsOf(der: Buffer): TbsFields {
  const [tbs, signatureAlgorithmIdentifier] = children(parseDer(der, "certificate"));
  const tbsFields = children(tbs);
  // The version field is optional ([0] EXPLICIT, absent for v1); every later field is positional.
  const fields = isContext(tbsFields[0], 0) ? tbsFields.slice(1) : tbsFields;
  const [, , issuerName, validity, subjectName] = fields;
  return {
    signatureAlgorithmIdentifier,
    issuerName,
    validity,
    subjectName,
    extensions: extensionsOf(fields.find((field) => isContext(field, 3))),
  };
}

/** OpenSSL's text (one attribute per line, most general first) in this module's order, most specific first. */
function nameFromOpenSsl(lines: string): string {
  return lines.split("\n").filter(Boolean).reverse().join(",");
}

function validDate(date: Date | null): Date | null {
  return date !== null && Number.isFinite(date.getTime()) ? date : null;
}

function describeKey(publicKey: KeyObject | null): {
  keyType: KeyType;
  keyBits: number | null;
  curve: string | null;
} {
  if (publicKey === null) return { keyType: "unknown", keyBits: null, curve: null };
  const type = publicKey.asymmetricKeyType ?? "unknown";
  const details = publicKey.asymmetricKeyDetails ?? {};
  const keyType = (KEY_TYPES.has(type) ? type : "unknown") as KeyType;
  if (type === "ec") {
    const namedCurve = details.namedCurve ?? null;
    const curve = namedCurve === null ? null : (CURVES[namedCurve] ?? { name: namedCurve, bits: null });
    return { keyType, keyBits: curve?.bits ?? null, curve: curve?.name ?? null };
  }
  const keyBits = details.modulusLength ?? EDDSA_KEY_BITS[type] ?? null;
  return { keyType, keyBits, curve: null };
}

/** By OID, the bytes inside each extnValue, undecoded: a private extension's value need not be DER at all. */
function extensionsOf(extensionsField: Asn1Node | undefined): Map<string, Buffer> {
  const extensions = new Map<string, Buffer>();
  for (const extension of children(children(extensionsField)[0])) {
    const parts = children(extension);
    const oid = oidOf(parts[0]);
    const value = parts.at(-1);
    if (oid === null || !isUniversal(value, Asn1Type.OCTETSTRING)) continue;
    extensions.set(oid, primitiveBytes(value));
  }
  return extensions;
}

function basicConstraintsOf(extension: Asn1Node): BasicConstraints {
  const fields = children(extension);
  const caField = fields.find((field) => isUniversal(field, Asn1Type.BOOLEAN));
  const pathLengthField = fields.find((field) => isUniversal(field, Asn1Type.INTEGER));
  return {
    ca: caField !== undefined && primitiveBytes(caField)[0] !== 0,
    pathLength:
      pathLengthField && typeof pathLengthField.value === "string"
        ? forgeAsn1.derToInteger(pathLengthField.value)
        : null,
  };
}

function extendedKeyUsageOf(extension: Asn1Node): string[] {
  return children(extension).flatMap((purpose) => oidOf(purpose) ?? []);
}

/** The SKI extension's OCTET STRING, or AKI's [0] keyIdentifier, as hex. */
function keyIdentifierOf(node: Asn1Node | undefined): string | null {
  return node && typeof node.value === "string" ? primitiveBytes(node).toString("hex") : null;
}

const DNS_NAME_TAG = 2;
const IP_ADDRESS_TAG = 7;

function noNames(): CertificateSummary["sans"] {
  return { dns: [], ip: [] };
}

function subjectAltNamesOf(extension: Asn1Node): CertificateSummary["sans"] {
  const sans = noNames();
  for (const generalName of children(extension)) {
    if (isContext(generalName, DNS_NAME_TAG)) sans.dns.push(primitiveBytes(generalName).toString("latin1"));
    if (isContext(generalName, IP_ADDRESS_TAG)) {
      const raw = primitiveBytes(generalName);
      if (raw.length === 4 || raw.length === 16) {
        sans.ip.push(
          formatIpAddress({ family: raw.length === 4 ? 4 : 6, value: BigInt(`0x${raw.toString("hex")}`) }),
        );
      }
    }
  }
  return sans;
}
