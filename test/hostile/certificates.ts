import { type KeyObject, sign } from "node:crypto";
import forge from "node-forge";
import { type MintedCertificate, mintCertificate } from "../../src/x509/index.js";

/**
 * Hostile and odd certificates by class: valid signatures over structures real parsers trip on. Each is
 * re-signed by a real key, so `openssl verify` judges the structure, not a broken signature.
 */

const asn1 = forge.asn1;
const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

/** TBSCertificate fields by position, after the [0] version. */
const TBS_SUBJECT_PUBLIC_KEY_INFO = 6;

/**
 * Re-signs `certificateDer` with `signer` (an ECDSA key) after `edit` changed its TBSCertificate; the
 * signature algorithm is set to ecdsa-with-SHA256 in both places it appears.
 */
export function resign(
  certificateDer: Buffer,
  signer: KeyObject,
  edit: (tbs: forge.asn1.Asn1[]) => void,
): Buffer {
  const certificate = asn1.fromDer(certificateDer.toString("binary"));
  const [tbs] = certificate.value as forge.asn1.Asn1[];
  if (!tbs || !Array.isArray(tbs.value)) throw new Error("not a certificate");
  const algorithm = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(ECDSA_WITH_SHA256).getBytes()),
  ]);
  tbs.value[2] = algorithm;
  edit(tbs.value);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), "binary");
  const signature = sign("sha256", tbsDer, signer);
  const rebuilt = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithm,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature.toString("binary")}`),
  ]);
  return Buffer.from(asn1.toDer(rebuilt).getBytes(), "binary");
}

/** Classes of subject public key that node:crypto (OpenSSL) cannot decode, though the certificate parses. */
export type UndecodableKey =
  /** An algorithm OpenSSL has no decoder for (GOST R 34.10-2012 here). */
  | "unknown-algorithm"
  /** id-ecPublicKey on P-256 with a point that is not on the curve. */
  | "ec-point-off-curve"
  /** rsaEncryption whose key bits are not an RSAPublicKey. */
  | "rsa-garbage";

function subjectPublicKeyInfo(kind: UndecodableKey): forge.asn1.Asn1 {
  const oid = (dotted: string) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());
  const bits = (bytes: string) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${bytes}`);
  const algorithm = (...parts: forge.asn1.Asn1[]) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
  const spki = (...parts: forge.asn1.Asn1[]) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
  switch (kind) {
    case "unknown-algorithm":
      return spki(algorithm(oid("1.2.643.7.1.1.1.1")), bits(`\u0004\u0040${"G".repeat(64)}`));
    case "ec-point-off-curve":
      return spki(
        algorithm(oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")),
        bits(`\u0004${"B".repeat(64)}`),
      );
    case "rsa-garbage":
      return spki(
        algorithm(oid("1.2.840.113549.1.1.1"), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "")),
        bits("not an RSAPublicKey"),
      );
  }
}

/** `certificate` with its subject key replaced by one node:crypto cannot decode, re-signed by `signer`. */
export function withUndecodableKey(
  certificate: MintedCertificate,
  signer: KeyObject,
  kind: UndecodableKey,
): Buffer {
  return resign(certificate.certDer, signer, (tbs) => {
    tbs[TBS_SUBJECT_PUBLIC_KEY_INFO] = subjectPublicKeyInfo(kind);
  });
}

/**
 * `certificate` with one more, non-critical extension under a private OID whose value is `value` as it
 * stands: not DER unless the caller makes it so. RFC 5280 lets a verifier ignore it; `openssl verify` does.
 */
export function withPrivateExtension(
  certificate: MintedCertificate,
  signer: KeyObject,
  value: Buffer,
  oid = "1.3.6.1.4.1.57264.99.1",
): Buffer {
  return resign(certificate.certDer, signer, (tbs) => {
    const extensions = tbs.find(
      (field) => field.tagClass === asn1.Class.CONTEXT_SPECIFIC && field.type === 3,
    );
    const list = extensions && Array.isArray(extensions.value) ? extensions.value[0] : undefined;
    if (!list || !Array.isArray(list.value)) throw new Error("the certificate has no extensions to add to");
    list.value.push(
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, value.toString("binary")),
      ]),
    );
  });
}

/** The same certificate with a known extension (by OID) whose value is replaced by `value`. */
export function withBrokenExtension(
  certificate: MintedCertificate,
  signer: KeyObject,
  oid: string,
  value: Buffer,
): Buffer {
  return resign(certificate.certDer, signer, (tbs) => replaceExtensionValue(tbs, oid, value));
}

function replaceExtensionValue(tbs: forge.asn1.Asn1[], oid: string, value: Buffer): void {
  const extensions = tbs.find((field) => field.tagClass === asn1.Class.CONTEXT_SPECIFIC && field.type === 3);
  const list = extensions && Array.isArray(extensions.value) ? extensions.value[0] : undefined;
  const wanted = asn1.oidToDer(oid).getBytes();
  const extension = (Array.isArray(list?.value) ? list.value : []).find(
    (candidate) => Array.isArray(candidate.value) && candidate.value[0]?.value === wanted,
  );
  if (!extension || !Array.isArray(extension.value)) throw new Error(`no extension ${oid}`);
  extension.value[extension.value.length - 1] = asn1.create(
    asn1.Class.UNIVERSAL,
    asn1.Type.OCTETSTRING,
    false,
    value.toString("binary"),
  );
}

/** `certificate` re-issued by `signer` for `subject`'s key: its SPKI and subject key identifier swapped in. */
export function withSubjectKey(
  certificate: MintedCertificate,
  signer: KeyObject,
  subject: MintedCertificate,
): Buffer {
  return resign(certificate.certDer, signer, (tbs) => {
    tbs[TBS_SUBJECT_PUBLIC_KEY_INFO] = asn1.fromDer(
      subject.publicKey.export({ type: "spki", format: "der" }).toString("binary"),
    );
    const keyIdentifier = asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.OCTETSTRING,
      false,
      subject.keyIdentifier.toString("binary"),
    );
    replaceExtensionValue(tbs, "2.5.29.14", Buffer.from(asn1.toDer(keyIdentifier).getBytes(), "binary"));
  });
}

export interface LoopyChain {
  /** The leaf (its key serves TLS), issued under the first CA name. */
  leaf: MintedCertificate;
  /** Every cross certificate: each CA name issued by every other, in the order a server should send them. */
  crossCertificates: Buffer[];
  /** A root none of them chains to, for a bundle that makes the search look everywhere. */
  unrelatedRoot: MintedCertificate;
}

/**
 * `names` CA names, each with its own key, and for every ordered pair (A, B) a certificate for A's key
 * issued by B: names x (names - 1) cross certificates, every one a valid issuer of the others under the
 * same name. A depth-first path search that revisits certificates explores every simple path among them,
 * exponential in their number. 4 names give the 12 cross certificates (13 with the leaf) of the issue's
 * 6 KB chain. Ordered as an Euler circuit, so a TLS stack walking issuer links from the leaf sends all.
 */
export async function mintLoopyCrossSignedChain(names: number, prefix = "loop"): Promise<LoopyChain> {
  const keys = await Promise.all(
    Array.from({ length: names }, (_, index) =>
      mintCertificate({
        subject: { commonName: `${prefix}-ca-${index}` },
        key: { type: "ec", curve: "P-256" },
        isCa: true,
      }),
    ),
  );
  const crossCertificates: Buffer[] = [];
  for (const [subject, issuer] of eulerCircuit(names)) {
    const subjectCa = keys[subject] as MintedCertificate;
    const issuerCa = keys[issuer] as MintedCertificate;
    const cross = await mintCertificate({
      subject: subjectCa.subject,
      key: { type: "ec", curve: "P-256" },
      issuer: issuerCa,
      isCa: true,
    });
    // Same name, the subject CA's own key: spliced in so the cross certificate issues what that CA issued.
    crossCertificates.push(withSubjectKey(cross, issuerCa.privateKey, subjectCa));
  }
  const leaf = await mintCertificate({
    subject: { commonName: `${prefix}-leaf` },
    key: { type: "ec", curve: "P-256" },
    issuer: keys[0] as MintedCertificate,
    dnsNames: [`${prefix}-leaf`],
    extendedKeyUsage: ["serverAuth"],
  });
  const unrelatedRoot = await mintCertificate({
    subject: { commonName: `${prefix}-unrelated-root` },
    key: { type: "ec", curve: "P-256" },
    isCa: true,
  });
  return { leaf, crossCertificates, unrelatedRoot };
}

/** Edges (subject, issuer) of the complete directed graph on `n` vertices, as one walk from vertex 0. */
function eulerCircuit(n: number): [number, number][] {
  const unused = Array.from({ length: n }, (_, from) =>
    Array.from({ length: n }, (_, to) => to).filter((to) => to !== from),
  );
  const stack = [0];
  const circuit: number[] = [];
  while (stack.length > 0) {
    const vertex = stack.at(-1) as number;
    const next = unused[vertex]?.shift();
    if (next === undefined) circuit.push(stack.pop() as number);
    else stack.push(next);
  }
  circuit.reverse();
  return circuit.slice(1).map((to, index) => [circuit[index] as number, to]);
}

/** A valid leaf carrying `dnsNames` SANs (2,000 make a certificate of about 40 KB), and its key. */
export function mintHugeCertificate(
  dnsNames: number,
  issuer?: MintedCertificate,
): Promise<MintedCertificate> {
  return mintCertificate({
    subject: { commonName: "huge" },
    key: { type: "ec", curve: "P-256" },
    ...(issuer ? { issuer } : {}),
    dnsNames: Array.from({ length: dnsNames }, (_, index) => `name-${index}.huge.example`),
    extendedKeyUsage: ["serverAuth"],
  });
}

/** A PEM block for a DER certificate, for a server's `cert` option. */
export function pem(der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
