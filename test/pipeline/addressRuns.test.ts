import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AddressRuns } from "../../src/pipeline/addressRuns.js";

const ip = (value: number) => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");

describe("AddressRuns", () => {
  it("keeps a swept /16 as one run however the addresses arrive", () => {
    const runs = new AddressRuns();
    const base = 10 * 2 ** 24;
    // Nearly in order, as a sweep with many connects in flight finishes.
    for (let block = 0; block < 65536; block += 64) {
      for (let offset = 63; offset >= 0; offset--) runs.add(ip(base + block + offset));
    }
    expect(runs.list()).toEqual(["10.0.0.0-10.0.255.255"]);
    expect(runs.has("10.0.200.1")).toBe(true);
    expect(runs.has("10.1.0.0")).toBe(false);
  });

  it("lists single addresses alone and other hosts after the IPv4 runs", () => {
    const runs = new AddressRuns();
    for (const host of ["node-b", "10.0.0.9", "fd00::1", "10.0.0.1", "10.0.0.2", "10.0.0.3"]) runs.add(host);
    expect(runs.list()).toEqual(["10.0.0.1-10.0.0.3", "10.0.0.9", "node-b", "fd00::1"]);
    expect(runs.has("fd00::1")).toBe(true);
  });

  it("covers exactly the addresses added, in any order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }), (values) => {
        const runs = new AddressRuns();
        for (const value of values) runs.add(ip(value));
        const expanded = runs.list().flatMap((entry) => {
          const [first = "", last = first] = entry.split("-");
          const toNumber = (text: string) =>
            text.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
          const out: number[] = [];
          for (let value = toNumber(first); value <= toNumber(last); value++) out.push(value);
          return out;
        });
        expect(expanded).toEqual([...new Set(values)].sort((a, b) => a - b));
        for (const value of values) expect(runs.has(ip(value))).toBe(true);
      }),
    );
  });
});
