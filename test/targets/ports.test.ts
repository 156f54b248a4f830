import { describe, expect, it } from "vitest";
import { onlyRolePorts } from "../../src/roles/index.js";
import { formatDryRunLine, PortListError, parsePortList } from "../../src/targets/index.js";
import { collect, linesOf } from "./helpers.js";

describe("parsePortList", () => {
  it("reads comma-separated ports, trimming and dropping duplicates", () => {
    expect(parsePortList("10250,10251")).toEqual([10250, 10251]);
    expect(parsePortList(" 1, 65535 ,1")).toEqual([1, 65535]);
  });

  it("reads an empty list as no ports (role disabled)", () => {
    expect(parsePortList("")).toEqual([]);
    expect(parsePortList("  ")).toEqual([]);
  });

  it.each([
    ["0", 'invalid port list "0": port 0 out of range (1-65535)'],
    ["65536", 'invalid port list "65536": port 65536 out of range (1-65535)'],
    ["10250,abc", 'invalid port list "10250,abc": port "abc" is not a number'],
    ["10250,,10251", 'invalid port list "10250,,10251": empty port'],
    ["-1", 'port "-1" is not a number'],
    ["1.5", 'port "1.5" is not a number'],
  ])("rejects %j", (text, message) => {
    expect(() => parsePortList(text)).toThrow(PortListError);
    expect(() => parsePortList(text)).toThrow(message);
  });
});

describe("ports and roles", () => {
  it("expands a bare host to every configured port, address-major", async () => {
    const items = await collect({ targets: ["10.0.0.1-2", "fd00::1"] });
    expect(linesOf(items)).toEqual([
      "10.0.0.1:10250 kubelet",
      "10.0.0.1:10255 kubelet-readonly",
      "10.0.0.1:6443 apiserver",
      "10.0.0.1:8080 apiserver-insecure",
      "10.0.0.1:10257 controller-manager",
      "10.0.0.1:10259 scheduler",
      "10.0.0.1:2379 etcd",
      "10.0.0.1:2380 etcd-peer",
      "10.0.0.2:10250 kubelet",
      "10.0.0.2:10255 kubelet-readonly",
      "10.0.0.2:6443 apiserver",
      "10.0.0.2:8080 apiserver-insecure",
      "10.0.0.2:10257 controller-manager",
      "10.0.0.2:10259 scheduler",
      "10.0.0.2:2379 etcd",
      "10.0.0.2:2380 etcd-peer",
      "[fd00::1]:10250 kubelet",
      "[fd00::1]:10255 kubelet-readonly",
      "[fd00::1]:6443 apiserver",
      "[fd00::1]:8080 apiserver-insecure",
      "[fd00::1]:10257 controller-manager",
      "[fd00::1]:10259 scheduler",
      "[fd00::1]:2379 etcd",
      "[fd00::1]:2380 etcd-peer",
    ]);
  });

  it("uses the configured lists, and an empty list disables its role", async () => {
    const items = await collect({
      targets: ["node1.example"],
      ports: onlyRolePorts({ kubelet: [10250, 10350], apiserver: [443] }),
    });
    expect(linesOf(items)).toEqual([
      "node1.example:10250 kubelet",
      "node1.example:10350 kubelet",
      "node1.example:443 apiserver",
    ]);
    const none = await collect({
      targets: ["10.0.0.1"],
      ports: onlyRolePorts({}),
    });
    expect(none).toEqual([]);
  });

  it("probes a port listed under two roles once, under the first", async () => {
    const items = await collect({
      targets: ["10.0.0.1"],
      ports: onlyRolePorts({ kubelet: [443], apiserver: [443] }),
    });
    expect(linesOf(items)).toEqual(["10.0.0.1:443 kubelet"]);
  });

  it("yields exactly one endpoint with role unknown for host:port", async () => {
    const items = await collect({ targets: ["node1.example:6443", "[fd00::1]:10250", "10.0.0.7:8443"] });
    expect(linesOf(items)).toEqual([
      "node1.example:6443 unknown",
      "[fd00::1]:10250 unknown",
      "10.0.0.7:8443 unknown",
    ]);
  });
});

describe("formatDryRunLine", () => {
  it("prints host:port role, bracketing IPv6", () => {
    expect(formatDryRunLine({ host: "10.0.0.7", port: 10250, role: "kubelet" })).toBe(
      "10.0.0.7:10250 kubelet",
    );
    expect(formatDryRunLine({ host: "fd00::1", port: 6443, role: "apiserver" })).toBe(
      "[fd00::1]:6443 apiserver",
    );
    expect(formatDryRunLine({ host: "node1.example", port: 1, role: "unknown" })).toBe(
      "node1.example:1 unknown",
    );
  });
});
