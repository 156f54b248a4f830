import { createHash, X509Certificate } from "node:crypto";
import forge from "node-forge";
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
  /** Extended key usage OIDs; null when the extension is absent, which allows any use. */
  extendedKeyUsage: string[] | null;
  /** null when the extension is absent (then the certificate is not a CA). */
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
}

const EXTENSION_OIDS = {
  basicConstraints: "2.5.29.19",
  extendedKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
} as const;

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

/*
 * node:crypto's X509Certificate gives the key, serial and fingerprint for every key type; the fields Node 20
 * does not expose (signature algorithm) or exposes only as ambiguous text (names, SANs, extensions) are read
 * from the DER itself.
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
  const [tbs, signatureAlgorithmIdentifier] = children(parseDer(der, "certificate"));
  const tbsFields = children(tbs);
  // The version field is optional ([0] EXPLICIT, absent for v1); every later field is positional.
  const fields = isContext(tbsFields[0], 0) ? tbsFields.slice(1) : tbsFields;
  const [, , issuerName, validity, subjectName] = fields;
  const [notBeforeNode, notAfterNode] = children(validity);
  const notBefore = timeOf(notBeforeNode);
  const notAfter = timeOf(notAfterNode);
  if (!issuerName || !subjectName || !notBefore || !notAfter) {
    throw new MalformedCertificateError("certificate TBS is missing its names or validity");
  }
  const extensions = extensionsOf(fields.find((field) => isContext(field, 3)));
  const subject = formatName(subjectName);
  const issuer = formatName(issuerName);
  const basicConstraints = basicConstraintsOf(extensions.get(EXTENSION_OIDS.basicConstraints));
  const signatureAlgorithm = signatureAlgorithmOf(signatureAlgorithmIdentifier);
  const key = describeKey(x509);

  return {
    x509,
    summary: {
      subject,
      issuer,
      serial: x509.serialNumber.toUpperCase(),
      sans: subjectAltNamesOf(extensions.get(EXTENSION_OIDS.subjectAltName)),
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      keyType: key.keyType,
      keyBits: key.keyBits,
      curve: key.curve,
      signatureAlgorithm: signatureAlgorithm.name,
      isCa: basicConstraints?.ca ?? false,
      selfIssued: nameMatchKey(subject) === nameMatchKey(issuer),
      sha256: createHash("sha256").update(der).digest("hex"),
    },
    subjectCommonName: commonNameOf(subjectName),
    issuerCommonName: commonNameOf(issuerName),
    extendedKeyUsage: extendedKeyUsageOf(extensions.get(EXTENSION_OIDS.extendedKeyUsage)),
    basicConstraints,
    notBefore,
    notAfter,
    signatureDigest: signatureAlgorithm.hash,
    subjectKeyIdentifier: keyIdentifierOf(extensions.get(EXTENSION_OIDS.subjectKeyIdentifier)),
    authorityKeyIdentifier: keyIdentifierOf(
      children(extensions.get(EXTENSION_OIDS.authorityKeyIdentifier)).find((field) => isContext(field, 0)),
    ),
    subjectKey: nameMatchKey(subject),
    issuerKey: nameMatchKey(issuer),
  };
}

function describeKey(x509: X509Certificate): {
  keyType: KeyType;
  keyBits: number | null;
  curve: string | null;
} {
  const publicKey = x509.publicKey;
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

/** Extension OID -> the DER inside extnValue, already decoded. */
function extensionsOf(extensionsField: Asn1Node | undefined): Map<string, Asn1Node> {
  const extensions = new Map<string, Asn1Node>();
  for (const extension of children(children(extensionsField)[0])) {
    const parts = children(extension);
    const oid = oidOf(parts[0]);
    const value = parts.at(-1);
    if (oid === null || !isUniversal(value, Asn1Type.OCTETSTRING)) continue;
    extensions.set(oid, parseDer(primitiveBytes(value), `extension ${oid}`));
  }
  return extensions;
}

function basicConstraintsOf(extension: Asn1Node | undefined): BasicConstraints | null {
  if (!extension) return null;
  const fields = children(extension);
  const caField = fields.find((field) => isUniversal(field, Asn1Type.BOOLEAN));
  const pathLengthField = fields.find((field) => isUniversal(field, Asn1Type.INTEGER));
  return {
    ca: caField !== undefined && primitiveBytes(caField)[0] !== 0,
    pathLength:
      pathLengthField && typeof pathLengthField.value === "string"
        ? forge.asn1.derToInteger(pathLengthField.value)
        : null,
  };
}

function extendedKeyUsageOf(extension: Asn1Node | undefined): string[] | null {
  if (!extension) return null;
  return children(extension).flatMap((purpose) => oidOf(purpose) ?? []);
}

/** The SKI extension's OCTET STRING, or AKI's [0] keyIdentifier, as hex. */
function keyIdentifierOf(node: Asn1Node | undefined): string | null {
  return node && typeof node.value === "string" ? primitiveBytes(node).toString("hex") : null;
}

const DNS_NAME_TAG = 2;
const IP_ADDRESS_TAG = 7;

function subjectAltNamesOf(extension: Asn1Node | undefined): CertificateSummary["sans"] {
  const sans: CertificateSummary["sans"] = { dns: [], ip: [] };
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
