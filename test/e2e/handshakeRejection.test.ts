import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab/index.js";
import type { ScanResult } from "../../src/model/index.js";
import { labScanArgs, runCli, uniqueLabNetwork } from "../support/cli.js";

/*
 * A handshake rejection proves something only when some identity got through. A kubelet port that rejects
 * every client, the trusted one included, earns no PASS on any check that needs a client; one that rejects
 * certless clients but lets the trusted certificate in passes; without a trusted identity nothing is claimed.
 */
const POSTURES = ["kubelet-rejects-everyone", "kubelet-strict-tls12"] as const;
const CLIENT_CHECKS = [
  "kubelet.https",
  "kubelet.anonymous-auth",
  "kubelet.authorization",
  "kubelet.client-ca",
];
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

/** Scans both postures' kubelet ports; `withIdentity` false drops --client-cert/--client-key. */
async function scanBoth(withIdentity: boolean, failOn: string) {
  const args = labScanArgs(lab);
  const withoutPair = withIdentity
    ? args
    : args.filter(
        (_, index) =>
          !["--client-cert", "--client-key"].includes(args[index] ?? "") &&
          !["--client-cert", "--client-key"].includes(args[index - 1] ?? ""),
      );
  const run = await runCli([
    "scan",
    ...POSTURES.map((posture) => `${addressOf(posture)}:10250`),
    ...withoutPair,
    "--fail-on",
    failOn,
  ]);
  const result = JSON.parse(run.stdout) as ScanResult;
  const statuses = (posture: string) =>
    Object.fromEntries(
      (result.endpoints.find((endpoint) => endpoint.host === addressOf(posture))?.checks ?? [])
        .filter((check) => CLIENT_CHECKS.includes(check.id))
        .map((check) => [check.id, check.status]),
    );
  return { run, statuses, result };
}

describe("handshake rejections", () => {
  it("a server that rejects every identity, the trusted one included, earns ERROR, never PASS", async () => {
    const { run, statuses } = await scanBoth(true, "ERROR");
    expect(statuses("kubelet-rejects-everyone")).toEqual({
      "kubelet.https": "ERROR",
      "kubelet.anonymous-auth": "ERROR",
      "kubelet.authorization": "ERROR",
      "kubelet.client-ca": "ERROR",
    });
    // The strict one let the trusted certificate through: its rejection of certless clients is proof.
    expect(statuses("kubelet-strict-tls12")).toEqual({
      "kubelet.https": "PASS",
      "kubelet.anonymous-auth": "PASS",
      "kubelet.authorization": "PASS",
      "kubelet.client-ca": "PASS",
    });
    expect(run.code).toBe(1);
  });

  it("without a trusted identity a handshake rejection proves nothing: no PASS, and the reason says so", async () => {
    const { statuses, result } = await scanBoth(false, "none");
    for (const posture of POSTURES) {
      const found = statuses(posture);
      expect(found["kubelet.https"], posture).toBe("INFO");
      expect(found["kubelet.anonymous-auth"], posture).toBe("INFO");
      expect(found["kubelet.authorization"], posture).toBe("INFO");
    }
    const evidence = result.endpoints
      .flatMap((endpoint) => endpoint.checks)
      .filter((check) => check.id === "kubelet.anonymous-auth")
      .map((check) => check.evidence);
    for (const text of evidence) expect(text).toMatch(/give --client-cert\/--client-key/);
  });
});
