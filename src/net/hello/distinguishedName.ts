import { ByteReader, MalformedInput } from "./bytes.js";

// RFC 4514 section 3 short names, plus the few others OpenSSL and Go print by name.
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "2.5.4.5": "serialNumber",
  "1.2.840.113549.1.9.1": "emailAddress",
};

const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;
const TAG_OID = 0x06;

interface Tlv {
  tag: number;
  content: Buffer;
  /** Tag, length and content: what RFC 4514 hex-encodes for a value it cannot print. */
  encoded: Buffer;
}

function readTlv(reader: ByteReader, source: Buffer): Tlv {
  const start = reader.offset;
  const tag = reader.u8("DER tag");
  if ((tag & 0x1f) === 0x1f) throw new MalformedInput("DER high tag numbers are not used in names");
  const first = reader.u8("DER length");
  let length = first;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 3) throw new MalformedInput("unsupported DER length");
    length = 0;
    for (let i = 0; i < octets; i += 1) length = length * 256 + reader.u8("DER length");
  }
  const content = reader.bytes(length, "DER value");
  return { tag, content, encoded: source.subarray(start, reader.offset) };
}

function readAll(buffer: Buffer): Tlv[] {
  const reader = new ByteReader(buffer);
  const items: Tlv[] = [];
  while (reader.remaining > 0) items.push(readTlv(reader, buffer));
  return items;
}

function expectOne(buffer: Buffer, tag: number, what: string): Tlv {
  const items = readAll(buffer);
  const only = items[0];
  if (items.length !== 1 || only === undefined || only.tag !== tag)
    throw new MalformedInput(`expected ${what}`);
  return only;
}

function decodeOid(content: Buffer): string {
  if (content.length === 0) throw new MalformedInput("empty OID");
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new MalformedInput("OID arc too large");
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = Math.min(2, Math.floor(value / 40));
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  if ((content[content.length - 1] ?? 0) & 0x80) throw new MalformedInput("truncated OID");
  return arcs.join(".");
}

function decodeString(value: Tlv): string | null {
  switch (value.tag) {
    case 0x0c: // UTF8String
      return value.content.toString("utf8");
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x14: // TeletexString: in practice Latin-1
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      return value.content.toString("latin1");
    case 0x1e: {
      // BMPString: UCS-2 big-endian
      if (value.content.length % 2 !== 0) throw new MalformedInput("odd BMPString length");
      return Buffer.from(value.content).swap16().toString("utf16le");
    }
    case 0x1c: {
      // UniversalString: UCS-4 big-endian
      if (value.content.length % 4 !== 0) throw new MalformedInput("bad UniversalString length");
      const points: number[] = [];
      for (let i = 0; i < value.content.length; i += 4) points.push(value.content.readUInt32BE(i));
      if (points.some((point) => point > 0x10ffff)) throw new MalformedInput("bad UniversalString");
      return String.fromCodePoint(...points);
    }
    default:
      return null;
  }
}

/** RFC 4514 section 2.4 escaping. */
function escapeValue(value: string): string {
  let out = value.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, "\\00");
  if (out.startsWith(" ") || out.startsWith("#")) out = `\\${out}`;
  if (out.endsWith(" ") && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function formatAttribute(attribute: Tlv): string {
  if (attribute.tag !== TAG_SEQUENCE) throw new MalformedInput("expected AttributeTypeAndValue");
  const [type, value, ...rest] = readAll(attribute.content);
  if (type === undefined || value === undefined || rest.length > 0 || type.tag !== TAG_OID) {
    throw new MalformedInput("malformed AttributeTypeAndValue");
  }
  const oid = decodeOid(type.content);
  const text = decodeString(value);
  const name = ATTRIBUTE_NAMES[oid] ?? oid;
  return text === null ? `${name}=#${value.encoded.toString("hex")}` : `${name}=${escapeValue(text)}`;
}

/**
 * A DER Name as an RFC 4514 string (last RDN first, e.g. `CN=kubernetes, O=acme`), joined with ", " like
 * the rest of kubetls. Throws MalformedInput on bad DER.
 */
export function decodeDistinguishedName(der: Buffer): string {
  const name = expectOne(der, TAG_SEQUENCE, "Name SEQUENCE");
  const rdns = readAll(name.content).map((rdn) => {
    if (rdn.tag !== TAG_SET) throw new MalformedInput("expected RelativeDistinguishedName SET");
    const attributes = readAll(rdn.content);
    if (attributes.length === 0) throw new MalformedInput("empty RelativeDistinguishedName");
    return attributes.map(formatAttribute).join("+");
  });
  return rdns.reverse().join(", ");
}

/** Like decodeDistinguishedName, but null for malformed input. */
export function formatDistinguishedName(der: Buffer): string | null {
  try {
    return decodeDistinguishedName(der);
  } catch (error) {
    if (error instanceof MalformedInput) return null;
    throw error;
  }
}
