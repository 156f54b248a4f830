import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab/index.js";
import type { EndpointResult, ScanResult } from "../../src/model/index.js";

import { labScanArgs, runCli, uniqueLabNetwork } from "../support/cli.js";

/*
 * The scanner's protocol facts for the lab's legacy and CIS-only kubelets, checked against an independent
 * TLS client: openssl s_client, one handshake per suite OpenSSL knows, per version, and the CA names it
 * prints from the CertificateRequest. Then the verdicts those facts lead to, in two benchmark numberings.
 */
const run = promisify(execFile);
const POSTURES = ["kubelet-legacy-tls", "kubelet-cis-ciphers"] as const;
const LAB_CA_SUBJECT = "CN=kubernetes";

interface OpenSslSuite {
  /** OpenSSL's own name, what -cipher takes. */
  openssl: string;
  /** The RFC/IANA name (`openssl ciphers -stdname`), what kubetls reports. */
  iana: string;
}

let lab: Lab;
let suites: OpenSslSuite[];
const scans = new Map<string, ScanResult>();

beforeAll(async () => {
  lab = await startLab({ network: uniqueLabNetwork(), only: [...POSTURES] });
  suites = await openSslTls12Suites();
  for (const benchmark of ["cis-1.12", "cis-1.6"]) {
    const scan = await runCli([
      "scan",
      lab.targetRange,
      "--roles",
      "kubelet",
      "--tls-scan",
      "full",
      "--benchmark",
      benchmark,
      ...labScanArgs(lab, 3000),
    ]);
    expect(scan.stderr).toBe("");
    scans.set(benchmark, JSON.parse(scan.stdout) as ScanResult);
  }
}, 180_000);

afterAll(async () => {
  await lab?.stop();
});

function addressOf(posture: string): string {
  const instance = lab.postures.find((candidate) => candidate.name === posture);
  if (!instance) throw new Error(`posture ${posture} is not running`);
  return instance.address;
}

function kubeletOf(posture: string, benchmark = "cis-1.12"): EndpointResult {
  const host = addressOf(posture);
  const endpoint = scans
    .get(benchmark)
    ?.endpoints.find((candidate) => candidate.host === host && candidate.port === 10250);
  if (!endpoint) throw new Error(`${posture} is missing from the ${benchmark} scan`);
  return endpoint;
}

/** Every suite `openssl ciphers -V 'ALL:@SECLEVEL=0'` lists for TLS <= 1.2, with its standard name. */
async function openSslTls12Suites(): Promise<OpenSslSuite[]> {
  const { stdout } = await run("openssl", ["ciphers", "-V", "-stdname", "ALL:@SECLEVEL=0"]);
  const found: OpenSslSuite[] = [];
  for (const line of stdout.split("\n")) {
    const match = /0x[0-9A-F]{2},0x[0-9A-F]{2} - (\S+)\s+- (\S+)\s+(\S+)/.exec(line);
    if (match?.[1] && match[2] && match[3] && match[3] !== "TLSv1.3")
      found.push({ iana: match[1], openssl: match[2] });
  }
  return found;
}

/** One s_client handshake (stdin closed, so it ends at once); its output when it completed, else null. */
function sClient(host: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    const child = execFile(
      "openssl",
      ["s_client", "-connect", `${host}:10250`, ...args],
      { timeout: 10_000 },
      (error, stdout) => resolve(!error && /Cipher is (?!\(NONE\))/.test(stdout) ? stdout : null),
    );
    child.stdin?.end();
  });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index] as T);
      }
    }),
  );
  return results;
}

describe.each(POSTURES)("%s: the scanner against openssl s_client", (posture) => {
  it("accepts exactly the TLS 1.2 suites openssl can negotiate", async () => {
    const host = addressOf(posture);
    const accepted = await mapLimit(suites, 8, async (suite) =>
      (await sClient(host, ["-tls1_2", "-cipher", `${suite.openssl}:@SECLEVEL=0`])) === null
        ? null
        : suite.iana,
    );
    const byOpenSsl = accepted.filter((name): name is string => name !== null).sort();
    expect(byOpenSsl.length).toBeGreaterThan(0);
    expect([...(kubeletOf(posture).tls?.cipherSuites?.["TLSv1.2"] ?? [])].sort()).toEqual(byOpenSsl);
  });

  it.each([
    ["TLSv1", "-tls1"],
    ["TLSv1.1", "-tls1_1"],
  ])("accepts exactly the %s suites openssl can negotiate", async (version, flag) => {
    const host = addressOf(posture);
    const accepted = await mapLimit(suites, 8, async (suite) =>
      (await sClient(host, [flag, "-cipher", `${suite.openssl}:@SECLEVEL=0`])) === null ? null : suite.iana,
    );
    const byOpenSsl = accepted.filter((name): name is string => name !== null).sort();
    // The legacy posture really speaks these versions; the CIS-only one must accept none.
    expect(byOpenSsl.length > 0).toBe(posture === "kubelet-legacy-tls");
    expect([...(kubeletOf(posture).tls?.cipherSuites?.[version] ?? [])].sort()).toEqual(byOpenSsl);
  });

  it("accepts exactly the versions openssl can negotiate", async () => {
    const host = addressOf(posture);
    const flags: [string, string][] = [
      ["TLSv1", "-tls1"],
      ["TLSv1.1", "-tls1_1"],
      ["TLSv1.2", "-tls1_2"],
      ["TLSv1.3", "-tls1_3"],
    ];
    const byOpenSsl: string[] = [];
    for (const [version, flag] of flags) {
      if ((await sClient(host, [flag, "-cipher", "ALL:@SECLEVEL=0"])) !== null) byOpenSsl.push(version);
    }
    expect(kubeletOf(posture).tls?.versions).toEqual(byOpenSsl);
  });

  it("reads the CertificateRequest's CA names as openssl prints them: the lab CA", async () => {
    const output = await sClient(addressOf(posture), ["-tls1_2", "-cipher", "ALL:@SECLEVEL=0"]);
    const section =
      /Acceptable client certificate CA names\n([\s\S]*?)\n(?:Client Certificate Types|Requested Signature)/.exec(
        output ?? "",
      );
    const printed = (section?.[1] ?? "")
      .split("\n")
      .map((name) => name.replaceAll(" = ", "=").replaceAll(", ", ","));
    expect(printed).toEqual([LAB_CA_SUBJECT]);
    expect(kubeletOf(posture).tls?.clientCertRequest).toEqual({ sent: true, caNames: [LAB_CA_SUBJECT] });
    expect(lab.pki.clusterCa.x509.subject).toBe(LAB_CA_SUBJECT);
  });
});

describe("the verdicts over those facts", () => {
  const statuses = (posture: string, benchmark: string) =>
    Object.fromEntries(
      kubeletOf(posture, benchmark)
        .checks.filter((check) => /^kubelet\.(tls-|client-ca)/.test(check.id))
        .map((check) => [check.id, { status: check.status, cis: check.cis }]),
    );

  it("fails the legacy kubelet on versions and suites in every numbering, listing the offending suites", () => {
    for (const [benchmark, control] of [
      ["cis-1.12", "4.2.12"],
      ["cis-1.6", "4.2.13"],
    ] as const) {
      expect(statuses("kubelet-legacy-tls", benchmark)).toEqual({
        "kubelet.client-ca": { status: "PASS", cis: ["4.2.3"] },
        "kubelet.tls-ciphers": { status: "FAIL", cis: [control] },
        "kubelet.tls-min-version": { status: "FAIL", cis: [] },
      });
    }
    const ciphers = kubeletOf("kubelet-legacy-tls").checks.find(
      (check) => check.id === "kubelet.tls-ciphers",
    );
    expect(ciphers?.evidence).toContain("TLS_RSA_WITH_AES_128_CBC_SHA");
    expect(ciphers?.evidence).not.toContain("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  });

  it("sees the CIS-only kubelet accept just the CIS suites its RSA key can use", () => {
    expect(kubeletOf("kubelet-cis-ciphers").tls?.cipherSuites).toEqual({
      "TLSv1.2": [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      ],
      "TLSv1.3": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"],
    });
  });

  it("passes the CIS-only kubelet in every numbering", () => {
    for (const [benchmark, control] of [
      ["cis-1.12", "4.2.12"],
      ["cis-1.6", "4.2.13"],
    ] as const) {
      expect(statuses("kubelet-cis-ciphers", benchmark)).toEqual({
        "kubelet.client-ca": { status: "PASS", cis: ["4.2.3"] },
        "kubelet.tls-ciphers": { status: "PASS", cis: [control] },
        "kubelet.tls-min-version": { status: "PASS", cis: [] },
      });
    }
    const clientCa = kubeletOf("kubelet-cis-ciphers").checks.find(
      (check) => check.id === "kubelet.client-ca",
    );
    expect(clientCa?.evidence).toContain(`CertificateRequest names ${LAB_CA_SUBJECT}`);
  });
});
