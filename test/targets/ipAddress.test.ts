import { describe, expect, it } from "vitest";
import { formatIpAddress, parseIpAddress } from "../../src/targets/index.js";

/** Parse then format: the canonical spelling of any accepted literal. */
function canonical(text: string): string {
  const address = parseIpAddress(text);
  if (!address) throw new Error(`not an address: ${text}`);
  return formatIpAddress(address);
}

describe("IP address arithmetic", () => {
  it("round-trips IPv4 through its number", () => {
    expect(parseIpAddress("10.0.0.7")).toEqual({ family: 4, value: 0x0a000007n });
    expect(parseIpAddress("255.255.255.255")).toEqual({ family: 4, value: 0xffffffffn });
    expect(formatIpAddress({ family: 4, value: 0xc0a80101n })).toBe("192.168.1.1");
    expect(formatIpAddress({ family: 4, value: 0n })).toBe("0.0.0.0");
  });

  it("formats IPv6 per RFC 5952", () => {
    // Lower case, leading zeros dropped.
    expect(canonical("FD00:0000:0000:0000:0000:0000:0000:00AB")).toBe("fd00::ab");
    // The longest run of zero groups is compressed...
    expect(canonical("2001:db8:0:0:1:0:0:0")).toBe("2001:db8:0:0:1::");
    expect(canonical("2001:0:0:1:0:0:0:1")).toBe("2001:0:0:1::1");
    // ...the first one on a tie...
    expect(canonical("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    // ...and a single zero group is never compressed.
    expect(canonical("2001:db8:0:1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1");
    expect(canonical("0:0:0:0:0:0:0:0")).toBe("::");
    expect(canonical("0:0:0:0:0:0:0:1")).toBe("::1");
    expect(canonical("1:0:0:0:0:0:0:0")).toBe("1::");
    expect(canonical("fd00:1:2:3:4:5:6:7")).toBe("fd00:1:2:3:4:5:6:7");
  });

  it("reads embedded IPv4 and writes IPv4-mapped addresses in mixed notation", () => {
    expect(parseIpAddress("::ffff:10.0.0.1")).toEqual({ family: 6, value: (0xffffn << 32n) | 0x0a000001n });
    expect(canonical("0:0:0:0:0:ffff:a00:1")).toBe("::ffff:10.0.0.1");
    expect(canonical("::10.0.0.1")).toBe("::a00:1");
    expect(canonical("64:ff9b::192.0.2.33")).toBe("64:ff9b::c000:221");
    expect(canonical("1:2:3:4:5:6:10.0.0.1")).toBe("1:2:3:4:5:6:a00:1");
  });

  it("refuses non-literals", () => {
    for (const text of ["node1", "10.0.0.256", "010.0.0.1", "fe80::1%eth0", "[fd00::1]", "", "1::2::3"]) {
      expect(parseIpAddress(text)).toBeUndefined();
    }
  });
});
