import {
  type Asn1Node,
  Asn1Type,
  children,
  encodeDer,
  isUniversal,
  MalformedCertificateError,
  oidOf,
  parseDer,
  stringOf,
} from "./asn1.js";

/*
 * RFC 4514 short names, plus the few others that Go (SERIALNUMBER, POSTALCODE) and OpenSSL (emailAddress)
 * print by name; anything else is printed as dotted OID with the hex DER value, as RFC 4514 2.4 requires.
 */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "SERIALNUMBER",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.17": "POSTALCODE",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "emailAddress",
};

const COMMON_NAME_OID = "2.5.4.3";

interface Attribute {
  oid: string;
  node: Asn1Node;
}

/** A DER-encoded X.501 Name (a certificate's subject or issuer, a CertificateRequest CA name) as RFC 4514. */
export function formatDistinguishedName(nameDer: Buffer): string {
  return formatName(parseDer(nameDer, "distinguished name"));
}

/** RFC 4514: the most specific RDN (last in DER order) first, RDNs joined by ",", multi-valued by "+". */
export function formatName(name: Asn1Node): string {
  return relativeDistinguishedNames(name)
    .reverse()
    .map((rdn) => rdn.map(formatAttribute).join("+"))
    .join(",");
}

/** The most specific CN, as Go's pkix.Name keeps it; null when the name has none. */
export function commonNameOf(name: Asn1Node): string | null {
  const commonNames = relativeDistinguishedNames(name)
    .flat()
    .filter((attribute) => attribute.oid === COMMON_NAME_OID);
  const last = commonNames.at(-1);
  return last ? stringOf(last.node) : null;
}

/*
 * Issuer-to-subject comparison key. RFC 5280 7.1 compares names case-insensitively with internal whitespace
 * folded; this approximates that on the formatted form, which is enough to pick candidates (the signature
 * check decides).
 */
export function nameMatchKey(formattedName: string): string {
  return formattedName.toLowerCase().replace(/\s+/g, " ").trim();
}

/** X.501: a Name is a SEQUENCE of RDNs, each a non-empty SET of (type, value); anything else is malformed. */
function relativeDistinguishedNames(name: Asn1Node): Attribute[][] {
  if (!isUniversal(name, Asn1Type.SEQUENCE))
    throw new MalformedCertificateError("a distinguished name must be a SEQUENCE");
  return children(name).map((rdn) => {
    if (!isUniversal(rdn, Asn1Type.SET) || children(rdn).length === 0) {
      throw new MalformedCertificateError("each relative distinguished name must be a non-empty SET");
    }
    return children(rdn).flatMap((attributeTypeAndValue) => {
      const [type, value] = children(attributeTypeAndValue);
      const oid = oidOf(type);
      return oid && value ? [{ oid, node: value }] : [];
    });
  });
}

function formatAttribute({ oid, node }: Attribute): string {
  const name = ATTRIBUTE_NAMES[oid];
  const text = stringOf(node);
  if (name === undefined || text === null) return `${name ?? oid}=#${encodeDer(node).toString("hex")}`;
  return `${name}=${escapeAttributeValue(text)}`;
}

/** RFC 4514 2.4: escape the specials, a leading '#' or space, a trailing space, and control characters. */
function escapeAttributeValue(value: string): string {
  const characters = [...value];
  return characters
    .map((character, index) => {
      const codePoint = character.codePointAt(0) ?? 0;
      if ('"+,;<>\\'.includes(character)) return `\\${character}`;
      if (codePoint < 0x20 || codePoint === 0x7f) return `\\${codePoint.toString(16).padStart(2, "0")}`;
      const atEdge = index === 0 || index === characters.length - 1;
      if (character === " " && atEdge) return "\\ ";
      if (character === "#" && index === 0) return "\\#";
      return character;
    })
    .join("");
}
