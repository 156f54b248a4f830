import { describe, expect, it } from "vitest";
import { parseTarget, TargetSyntaxError } from "../../src/targets/index.js";

describe("parseTarget: valid expressions", () => {
  it("reads a single IPv4 address as a one-address interval", () => {
    expect(parseTarget("10.0.0.7")).toEqual({
      kind: "addresses",
      family: 4,
      first: 0x0a000007n,
      last: 0x0a000007n,
    });
  });

  it("reads an IPv4 CIDR", () => {
    expect(parseTarget("10.0.0.0/24")).toEqual({
      kind: "addresses",
      family: 4,
      first: 0x0a000000n,
      last: 0x0a0000ffn,
    });
  });

  it("normalises a CIDR with host bits set to its network", () => {
    expect(parseTarget("10.0.0.77/24")).toEqual(parseTarget("10.0.0.0/24"));
    expect(parseTarget("fd00::1234/120")).toEqual(parseTarget("fd00::1200/120"));
  });

  it("reads /0 and /32 edges", () => {
    expect(parseTarget("0.0.0.0/0")).toMatchObject({ first: 0n, last: 0xffffffffn });
    expect(parseTarget("10.1.2.3/32")).toMatchObject({ first: 0x0a010203n, last: 0x0a010203n });
  });

  it("reads a full IPv4 range and the last-octet shorthand", () => {
    const full = parseTarget("10.0.0.10-10.0.0.40");
    expect(full).toEqual({ kind: "addresses", family: 4, first: 0x0a00000an, last: 0x0a000028n });
    expect(parseTarget("10.0.0.10-40")).toEqual(full);
    expect(parseTarget("10.0.0.10-10.0.1.5")).toMatchObject({ last: 0x0a000105n });
  });

  it("reads IPv6 addresses, compressed or not, in any case", () => {
    const expected = {
      kind: "addresses",
      family: 6,
      first: (0xfd00n << 112n) | 1n,
      last: (0xfd00n << 112n) | 1n,
    };
    expect(parseTarget("fd00::1")).toEqual(expected);
    expect(parseTarget("FD00:0:0:0:0:0:0:1")).toEqual(expected);
    expect(parseTarget("fd00:0000::0001")).toEqual(expected);
    expect(parseTarget("::")).toMatchObject({ first: 0n });
    expect(parseTarget("::ffff:10.0.0.1")).toMatchObject({ first: (0xffffn << 32n) | 0x0a000001n });
  });

  it("reads an IPv6 CIDR and range", () => {
    const base = 0xfd00n << 112n;
    expect(parseTarget("fd00::/120")).toEqual({
      kind: "addresses",
      family: 6,
      first: base,
      last: base | 0xffn,
    });
    expect(parseTarget("fd00::1-fd00::20")).toEqual({
      kind: "addresses",
      family: 6,
      first: base | 1n,
      last: base | 0x20n,
    });
  });

  it("keeps host names exactly as written", () => {
    expect(parseTarget("node1.example")).toEqual({ kind: "hostname", host: "node1.example" });
    expect(parseTarget("Node-1.Example.")).toEqual({ kind: "hostname", host: "Node-1.Example." });
    expect(parseTarget("localhost")).toEqual({ kind: "hostname", host: "localhost" });
    expect(parseTarget("10-0-0-1.nip.io")).toEqual({ kind: "hostname", host: "10-0-0-1.nip.io" });
    const longest = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(longest).toHaveLength(253);
    expect(parseTarget(longest)).toEqual({ kind: "hostname", host: longest });
  });

  it("reads host:port for names, IPv4 and bracketed IPv6 (canonicalised)", () => {
    expect(parseTarget("node1.example:6443")).toEqual({
      kind: "host-port",
      host: "node1.example",
      port: 6443,
    });
    expect(parseTarget("10.0.0.7:10250")).toEqual({ kind: "host-port", host: "10.0.0.7", port: 10250 });
    expect(parseTarget("[FD00:0::1]:10250")).toEqual({ kind: "host-port", host: "fd00::1", port: 10250 });
  });

  it("accepts a bracketed IPv6 address without a port", () => {
    expect(parseTarget("[fd00::1]")).toEqual(parseTarget("fd00::1"));
  });
});

describe("parseTarget: malformed input", () => {
  const cases: Array<[input: string, message: string]> = [
    ["10.0.0.300", 'invalid target "10.0.0.300": octet 300 out of range (0-255)'],
    ["10.0.0", 'invalid target "10.0.0": expected 4 dot-separated octets, found 3'],
    ["10.0..1", 'invalid target "10.0..1": empty octet'],
    ["010.0.0.1", 'invalid target "010.0.0.1": octet "010" has a leading zero'],
    ["10.0.0.0/abc", 'invalid target "10.0.0.0/abc": prefix length "abc" is not a number'],
    ["10.0.0.0/", 'invalid target "10.0.0.0/": missing prefix length'],
    ["10.0.0.0/33", 'invalid target "10.0.0.0/33": prefix length 33 out of range for IPv4 (0-32)'],
    ["fd00::/129", 'invalid target "fd00::/129": prefix length 129 out of range for IPv6 (0-128)'],
    ["1.2.3.4/24/5", "invalid target \"1.2.3.4/24/5\": more than one '/'"],
    ["node1.example/24", 'invalid target "node1.example/24": "node1.example" is not an IP address'],
    [
      "10.0.0.40-10.0.0.10",
      'invalid target "10.0.0.40-10.0.0.10": range end 10.0.0.10 is before its start 10.0.0.40',
    ],
    ["10.0.0.40-10", 'invalid target "10.0.0.40-10": range end 10.0.0.10 is before its start 10.0.0.40'],
    ["fd00::20-fd00::1", "range end fd00::1 is before its start fd00::20"],
    ["10.0.0.10-300", 'invalid target "10.0.0.10-300": range end 300 out of range'],
    ["10.0.0.1-fd00::1", "range mixes IPv4 and IPv6"],
    ["10.0.0.1-2-3", "more than one '-'"],
    ["10.0.0.1-", "missing range end"],
    ["fd00::1-20", "the short range form (a-40) is for IPv4 only"],
    ["", 'invalid target "": empty target'],
    ["host:99999", 'invalid target "host:99999": port 99999 out of range (1-65535)'],
    ["host:0", "port 0 out of range (1-65535)"],
    ["host:https", 'port "https" is not a number'],
    [":443", "empty host before ':'"],
    ["[fd00::1", "invalid target \"[fd00::1\": unclosed '['"],
    ["[fd00::1]10250", "expected ':port' after ']'"],
    ["[10.0.0.1]:443", "brackets are for IPv6 addresses only"],
    ["fd00::1]", "']' without a matching '['"],
    ["a..b", 'invalid target "a..b": empty label'],
    [".example", "empty label"],
    [`${"x".repeat(64)}.example`, "is 64 characters long, more than 63"],
    [`${"a.".repeat(127)}ab`, "host name is 256 characters long, more than 253"],
    ["node_1.example", 'character "_" not allowed in a host name'],
    ["-node.example", "starts or ends with '-'"],
    ["10.0.0.1 10.0.0.2", "contains whitespace"],
    [" 10.0.0.1", "contains whitespace"],
    ["10.0.0.0/24:10250", "a port can only follow a single host, not a CIDR or a range"],
    ["10.0.0.1-5:10250", "a port can only follow a single host"],
    ["fd00::1::2", "'::' may appear only once"],
    ["fd00::12345", 'group "12345" has more than 4 hex digits'],
    ["fd00::g1", 'character "g" not allowed in an IPv6 address'],
    ["1:2:3:4:5:6:7", "expected 8 groups, found 7"],
    ["fe80::1%eth0", "zone index"],
    ["node.123", "last label is all digits"],
  ];

  it.each(cases)("rejects %j", (input, message) => {
    let thrown: unknown;
    try {
      parseTarget(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TargetSyntaxError);
    const error = thrown as TargetSyntaxError;
    expect(error.message).toContain(message);
    expect(error.message.startsWith(`invalid target ${JSON.stringify(input)}: `)).toBe(true);
    expect(error.input).toBe(input);
    expect(error.message).toBe(`invalid target ${JSON.stringify(input)}: ${error.reason}`);
  });
});

describe("parseTarget: a stated role (host:port@role)", () => {
  it("keeps the role stated after '@' on host:port, IPv4, names and bracketed IPv6", () => {
    expect(parseTarget("10.0.0.7:2379@etcd")).toEqual({
      kind: "host-port",
      host: "10.0.0.7",
      port: 2379,
      role: "etcd",
    });
    expect(parseTarget("node1.example:8443@kubelet")).toMatchObject({ port: 8443, role: "kubelet" });
    expect(parseTarget("[fd00::1]:6443@apiserver")).toMatchObject({ host: "fd00::1", role: "apiserver" });
    expect(parseTarget("10.0.0.7:10250")).not.toHaveProperty("role");
  });

  it("refuses an unknown role, naming the known ones, and a role after anything but host:port", () => {
    expect(() => parseTarget("10.0.0.7:2379@etcdd")).toThrow(/unknown role "etcdd".*kubelet-readonly/);
    expect(() => parseTarget("10.0.0.7:2379@")).toThrow(/unknown role ""/);
    expect(() => parseTarget("10.0.0.0/24@kubelet")).toThrow(/only follow host:port/);
    expect(() => parseTarget("node1.example@kubelet")).toThrow(/only follow host:port/);
    expect(() => parseTarget("10.0.0.7:2379@other")).toThrow(TargetSyntaxError);
  });
});

describe("streamEndpoints with a stated role", () => {
  it("yields the stated role instead of unknown", async () => {
    const { collect, linesOf } = await import("./helpers.js");
    expect(linesOf(await collect({ targets: ["10.0.0.7:12379@etcd", "10.0.0.8:10250"] }))).toEqual([
      "10.0.0.7:12379 etcd",
      "10.0.0.8:10250 unknown",
    ]);
  });
});
