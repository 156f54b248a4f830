import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab/index.js";
import type { CheckResult, ScanResult } from "../../src/model/index.js";
import { labScanArgs, runCli, uniqueLabNetwork } from "../support/cli.js";
import { startHelloRelay } from "../support/helloRelay.js";

/*
 * The control-plane checks whose verdict depends on what the operator gave: without the bundle or identity that
 * makes an observation meaningful they say so (INFO/SKIP) rather than PASS. The full lab oracle (labScan) holds
 * the verdicts with everything given.
 */
const POSTURES = ["etcd-kubeadm", "etcd-cluster-ca", "etcd-strong-ciphers", "control-plane-v1.20"] as const;
let lab: Lab;

beforeAll(async () => {
  lab = await startLab({ network: uniqueLabNetwork(), only: [...POSTURES] });
}, 60_000);

afterAll(async () => {
  await lab?.stop();
});

function addressOf(posture: string): string {
  const instance = lab.postures.find((candidate) => candidate.name === posture);
  if (!instance) throw new Error(`posture ${posture} is not running`);
  return instance.address;
}

/** labScanArgs without the flags named (each with its value). */
function argsWithout(flags: string[]): string[] {
  const args = labScanArgs(lab);
  return args.filter(
    (_, index) => !flags.includes(args[index] ?? "") && !flags.includes(args[index - 1] ?? ""),
  );
}

interface Scanned {
  (target: string, id: string): CheckResult | undefined;
  result: ScanResult;
}

async function scan(targets: string[], args: string[]): Promise<Scanned> {
  const run = await runCli(["scan", ...targets, ...args]);
  expect(run.stderr).toBe("");
  const result = JSON.parse(run.stdout) as ScanResult;
  const check = (target: string, id: string) =>
    result.endpoints
      .find((endpoint) => `${endpoint.host}:${endpoint.port}` === target)
      ?.checks.find((candidate) => candidate.id === id);
  return Object.assign(check, { result });
}

describe("etcd 2.7: a CA distinct from the cluster's", () => {
  it("WARNs when the chain ends at --ca-file, PASSes only when it ends at --etcd-ca-file and not at --ca-file", async () => {
    const shared = `${addressOf("etcd-cluster-ca")}:2379`;
    const own = `${addressOf("etcd-kubeadm")}:2379`;
    const check = await scan([shared, own], labScanArgs(lab));
    expect(check(shared, "etcd.unique-ca")).toMatchObject({ status: "WARN", cis: ["2.7"] });
    expect(check(shared, "etcd.unique-ca")?.evidence).toMatch(/chains to the cluster CA bundle/);
    expect(check(own, "etcd.unique-ca")).toMatchObject({ status: "PASS", cis: ["2.7"] });
  });

  it("says INFO, never PASS, when the cluster bundle or the etcd bundle is missing", async () => {
    const own = `${addressOf("etcd-kubeadm")}:2379`;
    const withoutCluster = await scan([own], argsWithout(["--ca-file"]));
    expect(withoutCluster(own, "etcd.unique-ca")?.status).toBe("INFO");
    expect(withoutCluster(own, "etcd.unique-ca")?.evidence).toMatch(/no cluster CA was given/);
    const withoutEtcd = await scan([own], argsWithout(["--etcd-ca-file"]));
    expect(withoutEtcd(own, "etcd.unique-ca")?.status).toBe("INFO");
    expect(withoutEtcd(own, "etcd.unique-ca")?.evidence).toMatch(/no --etcd-ca-file/);
  });

  it("still WARNs a shared CA without --etcd-ca-file: the chain ending at the cluster CA is enough", async () => {
    const shared = `${addressOf("etcd-cluster-ca")}:2379`;
    const check = await scan([shared], argsWithout(["--etcd-ca-file"]));
    expect(check(shared, "etcd.unique-ca")?.status).toBe("WARN");
  });
});

describe("etcd cipher rule (etcd.tls-ciphers, no CIS number)", () => {
  it("FAILs Go's default 3DES suites, naming them, and PASSes --cipher-suites without them", async () => {
    const goDefaults = `${addressOf("etcd-kubeadm")}:2379`;
    const strong = `${addressOf("etcd-strong-ciphers")}:2379`;
    const check = await scan([goDefaults, strong], labScanArgs(lab));
    expect(check(goDefaults, "etcd.tls-ciphers")).toMatchObject({ status: "FAIL", cis: [] });
    expect(check(goDefaults, "etcd.tls-ciphers")?.evidence).toMatch(
      /TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA$/,
    );
    expect(check(strong, "etcd.tls-ciphers")).toMatchObject({ status: "PASS", cis: [] });
  });

  it("says ERROR (could not tell), never PASS, when the ClientHellos offering 3DES get no answer", async () => {
    const host = addressOf("etcd-strong-ciphers");
    const relay = await startHelloRelay({ host, port: 2379 }, host, (hello) =>
      hello?.suites.includes(0x000a) ? "stall" : "forward",
    );
    try {
      const target = `${relay.host}:${relay.port}`;
      const check = await scan([`${target}@etcd`], labScanArgs(lab));
      expect(relay.stalled()).toBeGreaterThan(0);
      expect(check(target, "etcd.tls-ciphers")?.status).toBe("ERROR");
      expect(check(target, "etcd.tls-ciphers")?.evidence).toMatch(/^could not tell/);
    } finally {
      await relay.close();
    }
  });
});

describe("profiling 1.3.2 / 1.4.1", () => {
  it("SKIPs without a trusted identity, and never asks the pprof index anonymously", async () => {
    const cm = `${addressOf("control-plane-v1.20")}:10257`;
    const scheduler = `${addressOf("control-plane-v1.20")}:10259`;
    const check = await scan([cm, scheduler], argsWithout(["--client-cert", "--client-key"]));
    for (const [target, id] of [
      [cm, "controller-manager.profiling"],
      [scheduler, "scheduler.profiling"],
    ] as const) {
      expect(check(target, id)?.status, id).toBe("SKIP");
      expect(check(target, id)?.evidence, id).toMatch(/no trusted identity/);
    }
    // The index is asked of the trusted identity alone: anonymous and untrusted requests never name it.
    const asked = check.result.endpoints.flatMap((endpoint) =>
      [...(endpoint.auth?.anonymous ?? []), ...(endpoint.auth?.untrusted ?? [])].map((probe) => probe.path),
    );
    expect(asked.length).toBeGreaterThan(0);
    expect(asked).not.toContain("/debug/pprof/");
    expect(lab.sensitiveRequests).toEqual([]);
  });

  it("asks the pprof index with the trusted identity, and FAILs profiling on", async () => {
    const cm = `${addressOf("control-plane-v1.20")}:10257`;
    const check = await scan([cm], labScanArgs(lab));
    const trusted = check.result.endpoints[0]?.auth?.trusted ?? [];
    expect(trusted.find((probe) => probe.path === "/debug/pprof/")).toMatchObject({
      outcome: "http",
      status: 200,
    });
    expect(check(cm, "controller-manager.profiling")).toMatchObject({ status: "FAIL", cis: ["1.3.2"] });
    expect(lab.sensitiveRequests).toEqual([]);
  });
});
