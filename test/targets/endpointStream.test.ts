import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import {
  countAddresses,
  createTargetPlan,
  MAX_ADDRESSES_PER_EXPRESSION,
  streamEndpoints,
  TargetFileError,
  TargetSyntaxError,
  TargetTooLargeError,
  validateTargets,
} from "../../src/targets/index.js";
import { collect, KUBELET_ONLY, linesOf } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "kubetls-targets-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function targetsFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe("streamEndpoints", () => {
  it("walks a range in order, canonicalising IPv6", async () => {
    const items = await collect({ ...KUBELET_ONLY, targets: ["fd00:0::fffe-fd00::1:1", "10.0.0.254/31"] });
    expect(linesOf(items)).toEqual([
      "[fd00::fffe]:10250 kubelet",
      "[fd00::ffff]:10250 kubelet",
      "[fd00::1:0]:10250 kubelet",
      "[fd00::1:1]:10250 kubelet",
      "10.0.0.254:10250 kubelet",
      "10.0.0.255:10250 kubelet",
    ]);
  });

  it("walks to the very last address without overflowing", async () => {
    const items = await collect({
      ...KUBELET_ONLY,
      targets: ["255.255.255.254/31", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    });
    expect(linesOf(items)).toEqual([
      "255.255.255.254:10250 kubelet",
      "255.255.255.255:10250 kubelet",
      "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:10250 kubelet",
    ]);
  });

  it("yields repeated single hosts once, but does not deduplicate ranges", async () => {
    const items = await collect({
      ...KUBELET_ONLY,
      targets: [
        "10.0.0.1",
        "10.0.0.1/32",
        "10.0.0.1:10250",
        "node1.example",
        "NODE1.example.",
        "fd00::1",
        "fd00:0::1",
        "[fd00::1]:10250",
        "10.0.0.1-2",
      ],
    });
    expect(linesOf(items)).toEqual([
      "10.0.0.1:10250 kubelet",
      "node1.example:10250 kubelet",
      "[fd00::1]:10250 kubelet",
      "10.0.0.1:10250 kubelet",
      "10.0.0.2:10250 kubelet",
    ]);
  });

  it("reads targets files: comments, blank lines, whitespace, CRLF, then a bad line that does not stop it", async () => {
    const path = targetsFile(
      "nodes.txt",
      "# control plane\n\n  10.0.0.1  \r\nnode1.example:6443 # the API\n10.0.0.300\n\t10.0.0.10-11\nfd00::1\n",
    );
    const items = await collect({ ...KUBELET_ONLY, targetFiles: [path] });
    expect(items).toEqual([
      { kind: "endpoint", endpoint: { host: "10.0.0.1", port: 10250, role: "kubelet" } },
      { kind: "endpoint", endpoint: { host: "node1.example", port: 6443, role: "unknown" } },
      {
        kind: "invalid",
        input: "10.0.0.300",
        source: `${path}:5`,
        reason: "octet 300 out of range (0-255)",
      },
      { kind: "endpoint", endpoint: { host: "10.0.0.10", port: 10250, role: "kubelet" } },
      { kind: "endpoint", endpoint: { host: "10.0.0.11", port: 10250, role: "kubelet" } },
      { kind: "endpoint", endpoint: { host: "fd00::1", port: 10250, role: "kubelet" } },
    ]);
  });

  it("reports a too-large line in a file as invalid and goes on", async () => {
    const path = targetsFile("large.txt", "10.0.0.0/8\n10.0.0.1\n");
    const items = await collect({ ...KUBELET_ONLY, targetFiles: [path] });
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ kind: "invalid", input: "10.0.0.0/8", source: `${path}:1` });
    expect(items[0]?.kind === "invalid" && items[0].reason).toContain("covers 16,777,216 addresses");
    expect(items[1]).toEqual({
      kind: "endpoint",
      endpoint: { host: "10.0.0.1", port: 10250, role: "kubelet" },
    });
  });

  it("reads '-' from stdin, lazily, after positional targets and between files in the order given", async () => {
    const first = targetsFile("first.txt", "10.0.0.2\n");
    const last = targetsFile("last.txt", "10.0.0.4\n");
    const stdin = Readable.from(["# piped\n10.0.0.", "3\nbad..name\n"]);
    const items = await collect({
      ...KUBELET_ONLY,
      targets: ["10.0.0.1"],
      targetFiles: [first, "-", last],
      stdin,
    });
    expect(linesOf(items)).toEqual([
      "10.0.0.1:10250 kubelet",
      "10.0.0.2:10250 kubelet",
      "10.0.0.3:10250 kubelet",
      "10.0.0.4:10250 kubelet",
    ]);
    expect(items.filter((item) => item.kind === "invalid")).toEqual([
      {
        kind: "invalid",
        input: "bad..name",
        source: "stdin:3",
        reason: expect.stringContaining("empty label"),
      },
    ]);
  });

  it("fails with the file name when a targets file cannot be opened", async () => {
    const missing = join(scratch, "missing.txt");
    await expect(collect({ targetFiles: [missing] })).rejects.toThrow(TargetFileError);
    await expect(collect({ targetFiles: [missing] })).rejects.toThrow(
      `cannot read targets file "${missing}"`,
    );
  });

  it("fails with the file name when a targets file cannot be read (a directory)", async () => {
    await expect(collect({ targetFiles: [scratch] })).rejects.toThrow(
      `cannot read targets file "${scratch}"`,
    );
  });

  it("refuses bad positional targets and exclusions before yielding anything", async () => {
    const stream = streamEndpoints(createTargetPlan({ targets: ["10.0.0.1", "10.0.0.0/33"] }));
    await expect(stream.next()).rejects.toThrow(TargetSyntaxError);
    await expect(collect({ targets: ["10.0.0.1"], exclude: ["a..b"] })).rejects.toThrow(
      'invalid exclusion "a..b": empty label',
    );
  });
});

describe("validateTargets", () => {
  it("returns the parsed expressions of a good list", () => {
    expect(validateTargets(["10.0.0.1", "node1.example:6443"])).toEqual([
      { kind: "addresses", family: 4, first: 0x0a000001n, last: 0x0a000001n },
      { kind: "host-port", host: "node1.example", port: 6443 },
    ]);
  });

  it("throws TargetSyntaxError quoting the first bad target", () => {
    expect(() => validateTargets(["10.0.0.1", "10.0.0.10-300"])).toThrow(TargetSyntaxError);
    expect(() => validateTargets(["10.0.0.1", "10.0.0.10-300"])).toThrow('invalid target "10.0.0.10-300"');
  });
});

describe("size guard", () => {
  it("allows exactly a /16 and a /112", () => {
    expect(() => validateTargets(["10.0.0.0/16", "fd00::/112", "10.0.0.0-10.0.255.255"])).not.toThrow();
    expect(MAX_ADDRESSES_PER_EXPRESSION).toBe(65_536n);
  });

  it("refuses anything larger, saying how many, the limit, why, and the override", () => {
    let thrown: unknown;
    try {
      validateTargets(["10.0.0.0/8"]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TargetTooLargeError);
    const error = thrown as TargetTooLargeError;
    expect(error.addressCount).toBe(16_777_216n);
    expect(error.limit).toBe(65_536n);
    expect(error.message).toBe(
      'target "10.0.0.0/8" covers 16,777,216 addresses, more than the limit of 65,536 (an IPv4 /16) for one ' +
        "expression: a mistyped mask can mean millions of connections to hosts you do not own; " +
        "pass --allow-large if you mean it",
    );
    expect(() => validateTargets(["fd00::/111"])).toThrow("covers 131,072 addresses");
    expect(() => validateTargets(["fd00::/111"])).toThrow("(an IPv6 /112)");
    expect(() => validateTargets(["10.0.0.0-10.1.0.0"])).toThrow("covers 65,537 addresses");
  });

  it("is lifted by allowLarge", () => {
    expect(() => validateTargets(["10.0.0.0/8", "fd00::/64"], { allowLarge: true })).not.toThrow();
  });

  it("counts addresses per expression", () => {
    expect(countAddresses("10.0.0.0/8")).toBe(16_777_216n);
    expect(countAddresses("0.0.0.0/0")).toBe(4_294_967_296n);
    expect(countAddresses("fd00::/64")).toBe(2n ** 64n);
    expect(countAddresses("10.0.0.10-40")).toBe(31n);
    expect(countAddresses("10.0.0.7")).toBe(1n);
    expect(countAddresses("node1.example")).toBe(1n);
    expect(countAddresses("[fd00::1]:10250")).toBe(1n);
    expect(() => countAddresses("10.0.0.0/33")).toThrow(TargetSyntaxError);
  });
});

describe("laziness", () => {
  it("takes the first 1000 endpoints of a /8 without materialising it, and returns promptly", async () => {
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const stream = streamEndpoints(
      createTargetPlan({ ...KUBELET_ONLY, targets: ["10.0.0.0/8"], allowLarge: true }),
    );
    const hosts: string[] = [];
    while (hosts.length < 1000) {
      const next = await stream.next();
      if (next.done) break;
      if (next.value.kind === "endpoint") hosts.push(next.value.endpoint.host);
    }
    const finished = await stream.return(undefined);
    const elapsed = performance.now() - started;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    expect(hosts).toHaveLength(1000);
    expect(hosts[0]).toBe("10.0.0.0");
    expect(hosts[999]).toBe("10.0.3.231");
    expect(finished.done).toBe(true);
    expect((await stream.next()).done).toBe(true);
    // 16.7 million addresses as strings would be hundreds of MB; the walk itself is a few counters.
    expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);
    expect(elapsed).toBeLessThan(1000);
  });

  it("stops reading a targets file when the consumer stops", async () => {
    const lines = Array.from(
      { length: 50_000 },
      (_, index) => `10.${index >> 16}.${(index >> 8) & 0xff}.${index & 0xff}`,
    );
    const path = targetsFile("many.txt", `${lines.join("\n")}\n`);
    const stream = streamEndpoints(createTargetPlan({ ...KUBELET_ONLY, targetFiles: [path] }));
    const first = await stream.next();
    await stream.return(undefined);
    expect(first.value).toEqual({
      kind: "endpoint",
      endpoint: { host: "10.0.0.0", port: 10250, role: "kubelet" },
    });
    expect((await stream.next()).done).toBe(true);
  });
});
