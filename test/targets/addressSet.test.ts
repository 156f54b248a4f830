import { describe, expect, it } from "vitest";
import { AddressSet, TargetSyntaxError } from "../../src/targets/index.js";
import { collect, KUBELET_ONLY, linesOf } from "./helpers.js";

describe("AddressSet", () => {
  const set = AddressSet.parse([
    "10.0.0.5, 10.0.1.0/24 10.0.2.10-20",
    "fd00::/120,fd00::1:5",
    "Node1.Example.",
    "192.168.0.0/16",
  ]);

  it("matches IPv4 addresses, CIDRs and ranges by number, edges included", () => {
    expect(set.contains("10.0.0.5")).toBe(true);
    expect(set.contains("10.0.0.4")).toBe(false);
    expect(set.contains("10.0.1.0")).toBe(true);
    expect(set.contains("10.0.1.255")).toBe(true);
    expect(set.contains("10.0.2.0")).toBe(false);
    expect(set.contains("10.0.2.10")).toBe(true);
    expect(set.contains("10.0.2.20")).toBe(true);
    expect(set.contains("10.0.2.21")).toBe(false);
    expect(set.contains("192.168.200.1")).toBe(true);
  });

  it("matches IPv6 in any spelling, and keeps the families apart", () => {
    expect(set.contains("fd00::ff")).toBe(true);
    expect(set.contains("FD00:0:0:0:0:0:0:80")).toBe(true);
    expect(set.contains("[fd00::1]")).toBe(true);
    expect(set.contains("fd00::100")).toBe(false);
    expect(set.contains("fd00::1:5")).toBe(true);
    // ::a00:5 is 10.0.0.5's number in IPv6 space, but not the same host.
    expect(set.contains("::a00:5")).toBe(false);
    expect(AddressSet.parse(["::/96"]).contains("10.0.0.5")).toBe(false);
  });

  it("matches IPv4-mapped IPv6 against IPv4 entries, and the reverse", () => {
    expect(set.contains("::ffff:10.0.0.5")).toBe(true);
    expect(set.contains("::ffff:a00:105")).toBe(true);
    expect(set.contains("::ffff:10.0.0.6")).toBe(false);
    const mapped = AddressSet.parse(["::ffff:10.9.0.0/112"]);
    expect(mapped.contains("10.9.3.4")).toBe(true);
    expect(mapped.contains("10.10.0.0")).toBe(false);
  });

  it("matches host names case-insensitively, trailing dot ignored, without resolving", () => {
    expect(set.contains("node1.example")).toBe(true);
    expect(set.contains("NODE1.EXAMPLE.")).toBe(true);
    expect(set.contains("node2.example")).toBe(false);
    expect(set.contains("sub.node1.example")).toBe(false);
  });

  it("merges overlapping and adjacent intervals", () => {
    const merged = AddressSet.parse(["10.0.0.0-10.0.0.9 10.0.0.10-19 10.0.0.5-25 10.0.0.40"]);
    for (const last of [0, 9, 10, 19, 25, 40]) expect(merged.contains(`10.0.0.${last}`)).toBe(true);
    for (const last of [26, 39, 41]) expect(merged.contains(`10.0.0.${last}`)).toBe(false);
  });

  it("scales to many entries", () => {
    const entries = Array.from({ length: 20_000 }, (_, index) => `10.${index >> 8}.${index & 0xff}.0/30`);
    const many = AddressSet.parse(entries);
    expect(many.contains("10.78.31.3")).toBe(true);
    expect(many.contains("10.78.31.4")).toBe(false);
  });

  it("is empty when given nothing", () => {
    expect(AddressSet.parse([]).isEmpty).toBe(true);
    expect(AddressSet.parse([" , "]).isEmpty).toBe(true);
    expect(AddressSet.EMPTY.contains("10.0.0.1")).toBe(false);
  });

  it("names a bad entry", () => {
    expect(() => AddressSet.parse(["10.0.0.1,10.0.0.999"], "exclusion")).toThrow(
      'invalid exclusion "10.0.0.999": octet 999 out of range (0-255)',
    );
    expect(() => AddressSet.parse(["10.0.0.1:80"])).toThrow(TargetSyntaxError);
  });
});

describe("exclusions in the stream", () => {
  it("never yields excluded addresses, CIDRs, IPv6, mapped IPv4 or names", async () => {
    const items = await collect({
      ...KUBELET_ONLY,
      targets: [
        "10.0.0.0/29",
        "fd00::1-fd00::4",
        "node1.example",
        "node2.example",
        "10.0.0.9:443",
        "[fd00::9]:1",
      ],
      exclude: ["10.0.0.1,10.0.0.4/31", "::ffff:10.0.0.7 fd00::2", "NODE1.example.", "10.0.0.9", "fd00::9"],
    });
    expect(linesOf(items)).toEqual([
      "10.0.0.0:10250 kubelet",
      "10.0.0.2:10250 kubelet",
      "10.0.0.3:10250 kubelet",
      "10.0.0.6:10250 kubelet",
      "[fd00::1]:10250 kubelet",
      "[fd00::3]:10250 kubelet",
      "[fd00::4]:10250 kubelet",
      "node2.example:10250 kubelet",
    ]);
  });

  it("skips an excluded block inside a huge range without walking it", async () => {
    const started = performance.now();
    const items = await collect({
      ...KUBELET_ONLY,
      allowLarge: true,
      targets: ["10.0.0.0/8"],
      exclude: ["10.0.0.2-10.255.255.253"],
    });
    expect(linesOf(items)).toEqual([
      "10.0.0.0:10250 kubelet",
      "10.0.0.1:10250 kubelet",
      "10.255.255.254:10250 kubelet",
      "10.255.255.255:10250 kubelet",
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
