import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDistinguishedName, MalformedCertificateError } from "../../src/x509/index.js";
import { makePki, run, type TestPki } from "../net/hello/fixtures.js";
import { C, CN, derName, O } from "../net/hello/wire.js";

describe("formatDistinguishedName", () => {
  it("prints RFC 4514 order: the last RDN first", () => {
    const name = derName([
      [{ oid: C, tag: 0x13, value: "DE" }],
      [{ oid: O, value: "system:masters" }],
      [{ oid: CN, value: "kubernetes-admin" }],
    ]);
    expect(formatDistinguishedName(name)).toBe("CN=kubernetes-admin,O=system:masters,C=DE");
  });

  it("escapes the RFC 4514 specials and joins multi-valued RDNs with +", () => {
    expect(formatDistinguishedName(derName([[{ oid: CN, value: 'a,b+c"d\\e<f>g;h' }]]))).toBe(
      'CN=a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h',
    );
    expect(formatDistinguishedName(derName([[{ oid: CN, value: " #lead trail " }]]))).toBe(
      "CN=\\ #lead trail\\ ",
    );
    expect(formatDistinguishedName(derName([[{ oid: CN, value: "#x" }]]))).toBe("CN=\\#x");
    expect(
      formatDistinguishedName(
        derName([
          [
            { oid: O, value: "a" },
            { oid: CN, value: "b" },
          ],
        ]),
      ),
    ).toBe("O=a+CN=b");
  });

  it("decodes the string types, and hex-encodes what is not a string", () => {
    const bmp = Buffer.from("kübe", "utf16le").swap16();
    expect(formatDistinguishedName(derName([[{ oid: CN, tag: 0x1e, value: bmp }]]))).toBe("CN=kübe");
    expect(
      formatDistinguishedName(derName([[{ oid: CN, tag: 0x14, value: Buffer.from([0x6b, 0xfc]) }]])),
    ).toBe("CN=kü");
    expect(
      formatDistinguishedName(derName([[{ oid: "1.2.3.4.5", tag: 0x04, value: Buffer.from([1, 2]) }]])),
    ).toBe("1.2.3.4.5=#04020102");
    expect(
      formatDistinguishedName(derName([[{ oid: "0.9.2342.19200300.100.1.25", tag: 0x16, value: "kube" }]])),
    ).toBe("DC=kube");
    expect(formatDistinguishedName(derName([]))).toBe("");
  });

  it("throws a typed error for malformed DER", () => {
    for (const bytes of [
      [],
      [0x30],
      [0x30, 0x02, 0x31],
      [0x31, 0x00],
      [0x30, 0x80, 0x00],
      [0x30, 0x02, 0x31, 0x00],
    ]) {
      expect(() => formatDistinguishedName(Buffer.from(bytes))).toThrow(MalformedCertificateError);
    }
  });
});

describe("formatDistinguishedName agrees with openssl", () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await makePki();
  });
  afterAll(() => pki?.cleanup());

  it("on the subjects of generated certificates", async () => {
    for (const pem of [pki.clientCa, pki.rsaLeaf, pki.servingCa]) {
      const { stdout } = await run("openssl", [
        "x509",
        "-in",
        pem.certPath,
        "-noout",
        "-subject",
        "-nameopt",
        "RFC2253",
      ]);
      const expected = stdout.trim().replace(/^subject=/, "");
      const subject = subjectDer(pem.der);
      expect(formatDistinguishedName(subject)).toBe(expected);
    }
  });
});

/** The subject Name's DER inside a certificate: TBSCertificate's sixth element (v3 certificates). */
function subjectDer(certificate: Buffer): Buffer {
  const children = (buffer: Buffer): Buffer[] => {
    const out: Buffer[] = [];
    let at = 0;
    while (at < buffer.length) {
      const first = buffer[at + 1] ?? 0;
      const octets = first & 0x80 ? first & 0x7f : 0;
      let length = octets ? 0 : first;
      for (let i = 0; i < octets; i += 1) length = length * 256 + (buffer[at + 2 + i] ?? 0);
      const header = 2 + octets;
      out.push(buffer.subarray(at, at + header + length));
      at += header + length;
    }
    return out;
  };
  const content = (tlv: Buffer): Buffer => {
    const first = tlv[1] ?? 0;
    return tlv.subarray(2 + (first & 0x80 ? first & 0x7f : 0));
  };
  const [cert] = children(certificate);
  const [tbs] = children(content(cert ?? Buffer.alloc(0)));
  return children(content(tbs ?? Buffer.alloc(0)))[5] ?? Buffer.alloc(0);
}
