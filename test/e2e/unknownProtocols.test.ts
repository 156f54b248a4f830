import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab/index.js";
import type { EndpointResult, ScanResult } from "../../src/model/index.js";
import { labScanArgs, runCli, uniqueLabNetwork } from "../support/cli.js";
import { type HelloRelay, type RelayPolicy, startHelloRelay, TLS12, TLS13 } from "../support/helloRelay.js";
import { resultSchemaErrors } from "../support/schema.js";

/*
 * The lab's kubelets behind relays that lose some ClientHellos: the raw scanner's probes time out, and the
 * verdicts that depend on them must say "could not tell" (ERROR, counted by --fail-on ERROR), never PASS.
 * The same kubelets scanned directly give the verdicts their configuration deserves.
 */
let lab: Lab;
const relays: HelloRelay[] = [];

beforeAll(async () => {
  lab = await startLab({ network: uniqueLabNetwork(), only: ["kubelet-good", "kubelet-cis-ciphers"] });
}, 60_000);

afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.close()));
  await lab?.stop();
});

function addressOf(posture: string): string {
  const instance = lab.postures.find((candidate) => candidate.name === posture);
  if (!instance) throw new Error(`posture ${posture} is not running`);
  return instance.address;
}

/** A relay on the posture's own address (its serving cert names it), on another port. */
async function relayTo(posture: string, policy: RelayPolicy): Promise<HelloRelay> {
  const host = addressOf(posture);
  const relay = await startHelloRelay({ host, port: 10250 }, host, policy);
  relays.push(relay);
  return relay;
}

async function scanKubelet(host: string, port: number, extra: string[] = []) {
  const run = await runCli([
    "scan",
    host,
    "--kubelet-ports",
    String(port),
    "--roles",
    "kubelet",
    ...labScanArgs(lab),
    ...extra,
  ]);
  const result = JSON.parse(run.stdout) as ScanResult;
  const endpoint = result.endpoints.find((candidate) => candidate.port === port) as EndpointResult;
  const status = (id: string) => endpoint.checks.find((check) => check.id === id)?.status;
  return { run, result, endpoint, status };
}

const ECDHE_RSA_AES128_SHA = 0xc013;

describe("probes that got no answer are unknown, not refused", () => {
  it("a kubelet that answers TLS 1.2 hellos past the deadline is not 'TLS 1.3 only' and earns no PASS", async () => {
    const direct = await scanKubelet(addressOf("kubelet-good"), 10250);
    expect(direct.status("kubelet.tls-ciphers")).toBe("FAIL");
    expect(direct.status("kubelet.tls-min-version")).toBe("PASS");

    const relay = await relayTo("kubelet-good", (hello) =>
      hello !== null && hello.maxVersion < TLS13 ? "stall" : "forward",
    );
    // The last --fail-on wins over labScanArgs' "none": could-not-tell counts as ERROR.
    const slow = await scanKubelet(relay.host, relay.port, ["--fail-on", "ERROR"]);
    expect(slow.run.code).toBe(1);
    expect(resultSchemaErrors(slow.result)).toBeNull();
    expect(slow.endpoint.tls?.versions).toEqual(["TLSv1.3"]);
    expect(slow.endpoint.tls?.unknownVersions).toEqual(["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"]);
    expect(slow.endpoint.tls?.scanErrors?.map((error) => error.code)).toContain("timeout");
    expect(slow.status("kubelet.tls-ciphers")).toBe("ERROR");
    expect(slow.status("kubelet.tls-min-version")).toBe("ERROR");
    const ciphers = slow.endpoint.checks.find((check) => check.id === "kubelet.tls-ciphers");
    expect(ciphers?.evidence).toMatch(/^could not tell/);
    // The HTTP side went over TLS 1.3 and is known: only the protocol verdicts are open.
    expect(slow.status("kubelet.anonymous-auth")).toBe("PASS");
  });

  it("a lost suite probe turns the strong-only kubelet's PASS into could-not-tell, not a PASS", async () => {
    const direct = await scanKubelet(addressOf("kubelet-cis-ciphers"), 10250);
    expect(direct.status("kubelet.tls-ciphers")).toBe("PASS");

    let offered = 0;
    const relay = await relayTo("kubelet-cis-ciphers", (hello) => {
      if (hello === null || hello.maxVersion !== TLS12 || !hello.suites.includes(ECDHE_RSA_AES128_SHA))
        return "forward";
      offered += 1;
      return offered > 1 ? "stall" : "forward";
    });
    const lossy = await scanKubelet(relay.host, relay.port);
    expect(lossy.endpoint.tls?.unknownCipherSuites?.["TLSv1.2"]).toContain(
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    );
    expect(lossy.status("kubelet.tls-ciphers")).toBe("ERROR");
    expect(lossy.status("kubelet.tls-min-version")).toBe("PASS");
  });
});
