import { createHash, generateKeyPair, type KeyObject, randomBytes, sign, X509Certificate } from "node:crypto";
import { promisify } from "node:util";
import type forge from "node-forge";

const generateKeyPairAsync = promisify(generateKeyPair);

type Forge = typeof forge;

/*
 * The whole of node-forge (43 modules) is loaded on the first mint, not at start-up: a scan mints one
 * identity and can start dialling meanwhile, and reading certificates needs only forge's ASN.1 reader.
 */
let forgeLoading: Promise<Forge> | undefined;
function loadForge(): Promise<Forge> {
  forgeLoading ??= import("node-forge").then((module) => module.default);
  return forgeLoading;
}

export type KeySpec =
  | { type: "rsa"; bits: number }
  | { type: "ec"; curve: "P-256" | "P-384" }
  | { type: "ed25519" };

export type SignatureHash = "sha256" | "sha384" | "sha1" | "md5";

export type ExtendedKeyUsage = "serverAuth" | "clientAuth";

export interface DistinguishedName {
  commonName: string;
  /** Several O values are how Kubernetes encodes groups (e.g. system:masters). */
  organizations?: string[];
}

export interface CertificateSpec {
  subject: DistinguishedName;
  key: KeySpec;
  /** Omit for a self-signed certificate. */
  issuer?: MintedCertificate;
  isCa?: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Omit for no EKU extension at all (then any use is allowed). */
  extendedKeyUsage?: ExtendedKeyUsage[];
  notBefore?: Date;
  notAfter?: Date;
  signatureHash?: SignatureHash;
}

/** A certificate with its private key, in the forms both node:tls and reports want. */
export interface MintedCertificate {
  subject: DistinguishedName;
  certPem: string;
  certDer: Buffer;
  keyPem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  x509: X509Certificate;
  /** SHA-1 of the public key bits, as RFC 5280 4.2.1.2 method (1); links AKI to SKI. */
  keyIdentifier: Buffer;
}

const DAY_MS = 86_400_000;

/*
 * node-forge builds the TBSCertificate (names, validity, extensions) but can only hold RSA keys, so the
 * subject key is spliced in as node:crypto's SPKI DER and the signature is made by node:crypto. One path
 * mints RSA, ECDSA and Ed25519 certificates alike, including deliberately weak ones (SHA-1, MD5, 1024-bit)
 * that the lab needs to prove the validator catches them.
 */
export async function mintCertificate(spec: CertificateSpec): Promise<MintedCertificate> {
  const [forge, { privateKey, publicKey }] = await Promise.all([loadForge(), generateKeys(spec.key)]);
  const spkiDer = publicKey.export({ type: "spki", format: "der" });
  const keyIdentifier = subjectKeyIdentifier(forge, spkiDer);
  const signer = spec.issuer ?? { subject: spec.subject, privateKey, keyIdentifier };
  const signatureAlgorithm = signatureAlgorithmFor(signer.privateKey, spec.signatureHash ?? "sha256");

  const cert = forge.pki.createCertificate();
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  cert.validity.notBefore = spec.notBefore ?? new Date(Date.now() - 5 * 60_000);
  cert.validity.notAfter = spec.notAfter ?? new Date(cert.validity.notBefore.getTime() + 365 * DAY_MS);
  cert.setSubject(toForgeAttributes(spec.subject));
  cert.setIssuer(toForgeAttributes(signer.subject));
  cert.publicKey = placeholderRsaKey(forge);
  // Overwritten below; forge insists on some algorithm while building the TBS.
  cert.siginfo.algorithmOid = signatureAlgorithm.oid;
  cert.setExtensions(extensionsFor(forge, spec, keyIdentifier, signer.keyIdentifier));

  const tbs = forge.pki.getTBSCertificate(cert);
  tbs.value[2] = algorithmIdentifier(forge, signatureAlgorithm);
  tbs.value[6] = forge.asn1.fromDer(spkiDer.toString("binary"));
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
  const signature = sign(signatureAlgorithm.hash, tbsDer, signer.privateKey);

  const certificate = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(forge, signatureAlgorithm),
    forge.asn1.create(
      forge.asn1.Class.UNIVERSAL,
      forge.asn1.Type.BITSTRING,
      false,
      `\u0000${signature.toString("binary")}`,
    ),
  ]);
  const certDer = Buffer.from(forge.asn1.toDer(certificate).getBytes(), "binary");
  const x509 = new X509Certificate(certDer);
  return {
    subject: spec.subject,
    certPem: x509.toString(),
    certDer,
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    privateKey,
    publicKey,
    x509,
    keyIdentifier,
  };
}

async function generateKeys(key: KeySpec): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (key.type) {
    case "rsa":
      return generateKeyPairAsync("rsa", { modulusLength: key.bits, publicExponent: 65537 });
    case "ec":
      return generateKeyPairAsync("ec", { namedCurve: key.curve === "P-256" ? "prime256v1" : "secp384r1" });
    case "ed25519":
      return generateKeyPairAsync("ed25519");
  }
}

interface SignatureAlgorithm {
  oid: string;
  /** null for Ed25519, which hashes internally. */
  hash: string | null;
  /** RSA PKCS#1 identifiers carry an explicit NULL parameter; ECDSA and EdDSA carry none. */
  nullParameters: boolean;
}

const RSA_SIGNATURE_OIDS: Record<SignatureHash, string> = {
  md5: "1.2.840.113549.1.1.4",
  sha1: "1.2.840.113549.1.1.5",
  sha256: "1.2.840.113549.1.1.11",
  sha384: "1.2.840.113549.1.1.12",
};

const ECDSA_SIGNATURE_OIDS: Partial<Record<SignatureHash, string>> = {
  sha1: "1.2.840.10045.4.1",
  sha256: "1.2.840.10045.4.3.2",
  sha384: "1.2.840.10045.4.3.3",
};

function signatureAlgorithmFor(signingKey: KeyObject, hash: SignatureHash): SignatureAlgorithm {
  switch (signingKey.asymmetricKeyType) {
    case "rsa":
      return { oid: RSA_SIGNATURE_OIDS[hash], hash, nullParameters: true };
    case "ec": {
      const oid = ECDSA_SIGNATURE_OIDS[hash];
      if (!oid) throw new Error(`ECDSA signatures with ${hash} are not supported`);
      return { oid, hash, nullParameters: false };
    }
    case "ed25519":
      return { oid: "1.3.101.112", hash: null, nullParameters: false };
    default:
      throw new Error(`cannot sign with a ${signingKey.asymmetricKeyType} key`);
  }
}

function algorithmIdentifier(forge: Forge, algorithm: SignatureAlgorithm): forge.asn1.Asn1 {
  const { asn1 } = forge;
  const parts = [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(algorithm.oid).getBytes()),
  ];
  if (algorithm.nullParameters) parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
}

function subjectKeyIdentifier(forge: Forge, spkiDer: Buffer): Buffer {
  const spki = forge.asn1.fromDer(spkiDer.toString("binary"));
  const subjectPublicKey = spki.value[1] as forge.asn1.Asn1;
  // BIT STRING value starts with the unused-bits byte, which is not part of the key.
  const keyBits = (subjectPublicKey.value as string).slice(1);
  return createHash("sha1").update(Buffer.from(keyBits, "binary")).digest();
}

function toForgeAttributes(name: DistinguishedName): forge.pki.CertificateField[] {
  return [
    ...(name.organizations ?? []).map((value) => ({ name: "organizationName", value })),
    { name: "commonName", value: name.commonName },
  ];
}

function extensionsFor(
  forge: Forge,
  spec: CertificateSpec,
  keyIdentifier: Buffer,
  authorityKeyIdentifier: Buffer,
): object[] {
  const { asn1 } = forge;
  const isCa = spec.isCa ?? false;
  const extensions: object[] = [
    { name: "basicConstraints", cA: isCa, critical: true },
    isCa
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : {
          name: "keyUsage",
          digitalSignature: true,
          keyEncipherment: spec.key.type === "rsa",
          critical: true,
        },
    {
      id: "2.5.29.14",
      value: asn1.create(
        asn1.Class.UNIVERSAL,
        asn1.Type.OCTETSTRING,
        false,
        keyIdentifier.toString("binary"),
      ),
    },
  ];
  if (spec.issuer) {
    extensions.push({
      id: "2.5.29.35",
      value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, authorityKeyIdentifier.toString("binary")),
      ]),
    });
  }
  if (spec.extendedKeyUsage && spec.extendedKeyUsage.length > 0) {
    extensions.push({
      name: "extKeyUsage",
      ...Object.fromEntries(spec.extendedKeyUsage.map((eku) => [eku, true])),
    });
  }
  const altNames = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(spec.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) extensions.push({ name: "subjectAltName", altNames });
  return extensions;
}

// Any RSA key satisfies forge's TBS builder; its SPKI is replaced before signing and never leaves this file.
let placeholder: forge.pki.rsa.PublicKey | undefined;
function placeholderRsaKey(forge: Forge): forge.pki.rsa.PublicKey {
  placeholder ??= forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger("3"), new forge.jsbn.BigInteger("3"));
  return placeholder;
}
