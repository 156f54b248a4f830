import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, ScanResult } from "../../src/model/index.js";
import { formatTerminalReport } from "../../src/report/index.js";
import { ROLE_DEFINITIONS } from "../../src/roles/index.js";
import { type MintedCertificate, mintCertificate } from "../../src/x509/index.js";
import { runCli, uniqueLabNetwork } from "../support/cli.js";

/*
 * --expiry-warn-days on real TLS servers whose certificates are minted here with chosen dates: one server per
 * TLS role of the role registry with a leaf 10 days from expiry (WARN at the default 30, PASS at 5), and API
 * servers whose leaf expired, is not valid until 2035, or has 400 days left.
 */
const DAY_MS = 86_400_000;
const TLS_ROLES = ROLE_DEFINITIONS.filter((definition) => definition.transport === "tls");
const network = uniqueLabNetwork();
const servers: Server[] = [];
let caFile: string;
const expiring: { target: string; role: string }[] = [];
const other: Record<"expired" | "future" | "healthy", string> = { expired: "", future: "", healthy: "" };

function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * DAY_MS);
}

async function serve(address: string, port: number, ca: MintedCertificate, notBefore: Date, notAfter: Date) {
  const leaf = await mintCertificate({
    subject: { commonName: `expiry-${address}` },
    key: { type: "ec", curve: "P-256" },
    issuer: ca,
    ipAddresses: [address],
    extendedKeyUsage: ["serverAuth"],
    notBefore,
    notAfter,
  });
  const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_request, response) => {
    response.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => resolve());
  });
  servers.push(server);
  return `${address}:${port}`;
}

beforeAll(async () => {
  const ca = await mintCertificate({
    subject: { commonName: "expiry-test-ca" },
    key: { type: "ec", curve: "P-256" },
    isCa: true,
  });
  caFile = join(tmpdir(), `kubetls-expiry-ca-${process.pid}-${Date.now()}.pem`);
  await writeFile(caFile, ca.certPem);
  for (const [index, definition] of TLS_ROLES.entries()) {
    const port = definition.ports.defaults[0] ?? 8443;
    // Half a day past 10 days, so the whole days left are 10 however long the scan takes.
    const target = await serve(`${network}.${index + 1}`, port, ca, daysFromNow(-30), daysFromNow(10.5));
    expiring.push({ target: `${target}@${definition.role}`, role: definition.role });
  }
  other.expired = await serve(`${network}.101`, 6443, ca, daysFromNow(-400), daysFromNow(-2.5));
  other.future = await serve(`${network}.102`, 6443, ca, new Date("2035-01-01"), new Date("2036-01-01"));
  other.healthy = await serve(`${network}.103`, 6443, ca, daysFromNow(-1), daysFromNow(400.5));
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function scan(targets: string[], extra: string[] = []): Promise<ScanResult> {
  const run = await runCli([
    "scan",
    ...targets,
    "--ca-file",
    caFile,
    "--tls-scan",
    "off",
    "--timeout",
    "8000",
    "--format",
    "json",
    "--fail-on",
    "none",
    ...extra,
  ]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ScanResult;
}

function expiryCheck(result: ScanResult, target: string): CheckResult | undefined {
  const [host, port] = target.replace(/@.*/, "").split(":");
  return result.endpoints
    .find((endpoint) => endpoint.host === host && endpoint.port === Number(port))
    ?.checks.find((check) => check.id === "tls.cert-expiry");
}

describe("--expiry-warn-days", () => {
  it("is checked on every TLS role of the registry: WARN within the default 30 days, the days in the evidence", async () => {
    expect(TLS_ROLES.map(({ role }) => role)).toEqual(
      expect.arrayContaining(["kubelet", "apiserver", "etcd", "controller-manager", "scheduler"]),
    );
    const result = await scan(expiring.map(({ target }) => target));
    for (const { target, role } of expiring) {
      const check = expiryCheck(result, target);
      expect({ role, status: check?.status }).toEqual({ role, status: "WARN" });
      expect(check?.evidence).toMatch(/expires in 10 days \(notAfter .+\), within --expiry-warn-days 30$/);
    }
    // The terminal report leads with the WARN and its reason, the days included.
    const table = formatTerminalReport(result, {
      color: false,
      width: 100,
      showClosed: false,
      verbose: false,
    });
    expect(table).toMatch(/^WARN .+The serving certificate is valid now and does not expire/m);
    expect(table.replace(/\s+/g, " ")).toContain("expires in 10 days");
  });

  it("follows the flag: with --expiry-warn-days 5 the same certificates PASS", async () => {
    const result = await scan(
      expiring.map(({ target }) => target),
      ["--expiry-warn-days", "5"],
    );
    for (const { target } of expiring) {
      const check = expiryCheck(result, target);
      expect(check?.status).toBe("PASS");
      expect(check?.evidence).toMatch(/expires in 10 days .*beyond --expiry-warn-days 5$/);
    }
  });

  it("FAILs an expired and a not-yet-valid (2035-2036) leaf, and PASSes one with 400 days left", async () => {
    const result = await scan([
      `${other.expired}@apiserver`,
      `${other.future}@apiserver`,
      `${other.healthy}@apiserver`,
    ]);
    const expired = expiryCheck(result, other.expired);
    expect(expired?.status).toBe("FAIL");
    expect(expired?.evidence).toMatch(/expired: notAfter .* \(-3 days from now\)/);
    const future = expiryCheck(result, other.future);
    expect(future?.status).toBe("FAIL");
    expect(future?.evidence).toMatch(/not valid yet .*valid 2035-01-01.* to 2036-01-01/);
    const healthy = expiryCheck(result, other.healthy);
    expect(healthy?.status).toBe("PASS");
    expect(healthy?.evidence).toMatch(/expires in 400 days/);
  });

  it("refuses a value that is not a whole number of days with exit 2 and one line", async () => {
    const run = await runCli(["scan", "127.0.0.1:1", "--expiry-warn-days", "-3"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--expiry-warn-days takes a whole number of 0 or more, got "-3"/);
  });
});
