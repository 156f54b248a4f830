import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIpAddress, parseIpAddress } from "../../src/targets/index.js";
import { certificateMatchesHost, dnsNameMatches } from "../../src/x509/hostname.js";

const canonical = (text: string) => {
  const address = parseIpAddress(text);
  return address && formatIpAddress(address);
};
const v6 = (raw: Buffer) => ({ family: 6 as const, value: BigInt(`0x${raw.toString("hex")}`) });

describe("formatIpAddress", () => {
  it("writes IPv6 per RFC 5952: lower case, longest zero run compressed, first on a tie, no single-group ::", () => {
    const cases: [string, string][] = [
      ["FD00:0:0:0:0:0:0:1", "fd00::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["0:0:0:0:0:0:0:0", "::"],
      ["0:0:0:0:0:0:0:1", "::1"],
      ["fe80:0:0:0:0:0:0:0", "fe80::"],
      ["::ffff:10.0.0.7", "::ffff:10.0.0.7"],
      ["::ffff:a00:7", "::ffff:10.0.0.7"],
    ];
    for (const [input, expected] of cases) {
      expect(canonical(input), input).toBe(expected);
    }
    expect(canonical("10.0.0.7")).toBe("10.0.0.7");
  });

  it("agrees with the WHATWG URL serializer (also RFC 5952) on every non-mapped IPv6 address", () => {
    const groups = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 8,
      maxLength: 8,
    });
    fc.assert(
      fc.property(groups, (words) => {
        const raw = Buffer.alloc(16);
        words.forEach((word, index) => {
          raw.writeUInt16BE(word, index * 2);
        });
        const isMapped = raw.subarray(0, 10).every((byte) => byte === 0) && raw.readUInt16BE(10) === 0xffff;
        fc.pre(!isMapped);
        const text = formatIpAddress(v6(raw));
        expect(`[${text}]`).toBe(new URL(`http://[${words.map((w) => w.toString(16)).join(":")}]/`).hostname);
        expect(parseIpAddress(text)?.value).toBe(v6(raw).value);
      }),
    );
  });

  it("matches IPv4 SANs for both spellings of one peer, ignores brackets and zones, rejects non-IPs", () => {
    const sans = { dns: [], ip: ["10.0.0.7", "fe80::1"] };
    expect(certificateMatchesHost(sans, "::ffff:10.0.0.7")).toBe(true);
    expect(certificateMatchesHost(sans, "[fe80::1%eth0]")).toBe(true);
    expect(certificateMatchesHost(sans, "10.0.0.8")).toBe(false);
    expect(certificateMatchesHost(sans, "node1")).toBe(false);
    expect(canonical("10.0.0.256")).toBeUndefined();
  });
});

describe("dnsNameMatches", () => {
  it("applies RFC 6125 wildcards: one whole left-most label, never across dots or partial", () => {
    expect(dnsNameMatches("node1.example.com", "node1.example.com")).toBe(true);
    expect(dnsNameMatches("*.example.com", "node1.example.com")).toBe(true);
    expect(dnsNameMatches("*.example.com", "a.node1.example.com")).toBe(false);
    expect(dnsNameMatches("*.example.com", "example.com")).toBe(false);
    expect(dnsNameMatches("*.example.com", ".example.com")).toBe(false);
    expect(dnsNameMatches("*.com", "example.com")).toBe(false);
    expect(dnsNameMatches("f*o.example.com", "foo.example.com")).toBe(false);
    expect(dnsNameMatches("*o.example.com", "foo.example.com")).toBe(false);
    expect(dnsNameMatches("a.*.example.com", "a.b.example.com")).toBe(false);
    expect(dnsNameMatches("*.*.example.com", "a.b.example.com")).toBe(false);
  });

  it("never lets a wildcard span a dot, whatever the labels", () => {
    const label = fc.stringMatching(/^[a-z0-9-]{1,10}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 2, maxLength: 4 }), label, label, (suffix, a, b) => {
        const domain = suffix.join(".");
        expect(dnsNameMatches(`*.${domain}`, `${a}.${domain}`)).toBe(true);
        expect(dnsNameMatches(`*.${domain}`, `${a}.${b}.${domain}`)).toBe(false);
        expect(dnsNameMatches(`*.${domain}`, domain)).toBe(false);
      }),
    );
  });
});

describe("certificateMatchesHost", () => {
  const sans = { dns: ["Node1.Example.com", "10.0.0.9"], ip: ["10.0.0.7", "fd00::7", "::ffff:192.0.2.1"] };

  it("matches IP hosts only against IP SANs", () => {
    expect(certificateMatchesHost(sans, "10.0.0.7")).toBe(true);
    expect(certificateMatchesHost(sans, "::ffff:10.0.0.7")).toBe(true);
    expect(certificateMatchesHost(sans, "192.0.2.1")).toBe(true);
    expect(certificateMatchesHost(sans, "fd00:0::7")).toBe(true);
    expect(certificateMatchesHost(sans, "10.0.0.9")).toBe(false);
  });

  it("matches DNS hosts case-insensitively, ignoring a trailing dot", () => {
    expect(certificateMatchesHost(sans, "node1.example.COM.")).toBe(true);
    expect(certificateMatchesHost(sans, "node1")).toBe(false);
    expect(certificateMatchesHost(sans, "")).toBe(false);
  });
});
