import type forge from "node-forge";
import forgeAsn1 from "node-forge/lib/asn1.js";

export type Asn1Node = forge.asn1.Asn1;

const { Class, Type } = forgeAsn1;

export { Type as Asn1Type };

/** Thrown when bytes that should be a certificate (or a name) are not decodable DER. */
export class MalformedCertificateError extends Error {
  readonly code = "malformed-certificate";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MalformedCertificateError";
  }
}

/*
 * forge's generic ASN.1 reader works for any key type, unlike its certificate parser (RSA only). BIT STRING
 * auto-decoding is off: it guesses, and a signature that happens to look like DER would become a tree.
 */
export function parseDer(der: Buffer, what: string): Asn1Node {
  try {
    const fromDer = forgeAsn1.fromDer as unknown as (
      bytes: string,
      options: { strict: boolean; decodeBitStrings: boolean },
    ) => Asn1Node;
    return fromDer(der.toString("binary"), { strict: true, decodeBitStrings: false });
  } catch (error) {
    throw new MalformedCertificateError(`${what} is not valid DER: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function children(node: Asn1Node | undefined): Asn1Node[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

export function primitiveBytes(node: Asn1Node | undefined): Buffer {
  return node && typeof node.value === "string" ? Buffer.from(node.value, "binary") : Buffer.alloc(0);
}

export function isUniversal(node: Asn1Node | undefined, type: forge.asn1.Type): node is Asn1Node {
  return node !== undefined && node.tagClass === Class.UNIVERSAL && node.type === type;
}

export function isContext(node: Asn1Node | undefined, tag: number): node is Asn1Node {
  return node !== undefined && node.tagClass === Class.CONTEXT_SPECIFIC && node.type === tag;
}

export function oidOf(node: Asn1Node | undefined): string | null {
  if (!isUniversal(node, Type.OID) || typeof node.value !== "string") return null;
  return forgeAsn1.derToOid(node.value);
}

export function encodeDer(node: Asn1Node): Buffer {
  return Buffer.from(forgeAsn1.toDer(node).getBytes(), "binary");
}

export function timeOf(node: Asn1Node | undefined): Date | null {
  if (!node || node.tagClass !== Class.UNIVERSAL || typeof node.value !== "string") return null;
  if (node.type === Type.UTCTIME) return forgeAsn1.utcTimeToDate(node.value);
  if (node.type === Type.GENERALIZEDTIME) return forgeAsn1.generalizedTimeToDate(node.value);
  return null;
}

/** The text of a directory string, whichever of the ASN.1 string types carries it. */
export function stringOf(node: Asn1Node): string | null {
  if (node.tagClass !== Class.UNIVERSAL || typeof node.value !== "string") return null;
  const bytes = Buffer.from(node.value, "binary");
  switch (node.type as number) {
    case Type.UTF8:
      return bytes.toString("utf8");
    case Type.BMPSTRING:
      // forge's DER reader has already decoded the UTF-16BE code units into the string.
      return node.value;
    case UNIVERSAL_STRING:
      return decodeUtf32be(bytes);
    case Type.PRINTABLESTRING:
    case Type.IA5STRING:
    case TELETEX_STRING:
    case VISIBLE_STRING:
    case NUMERIC_STRING:
      return bytes.toString("latin1");
    default:
      return null;
  }
}

const NUMERIC_STRING = 18;
const TELETEX_STRING = 20;
const VISIBLE_STRING = 26;
const UNIVERSAL_STRING = 28;

function decodeUtf32be(bytes: Buffer): string {
  const codePoints: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.length; offset += 4) {
    const codePoint = bytes.readUInt32BE(offset);
    codePoints.push(codePoint <= 0x10ffff ? codePoint : 0xfffd);
  }
  return String.fromCodePoint(...codePoints);
}
