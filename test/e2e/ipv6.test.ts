import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScanResult } from "../../src/model/index.js";

import { mintCertificate } from "../../src/x509/index.js";
import { runCli } from "../support/cli.js";

/*
 * IPv6 end to end on the v6 loopback: the [v6]:port target form, the IP SAN check on a v6 address,
 * and the canonical v6 spelling in the report (the target is typed uncompressed on purpose).
 */
describe("kubetls scan over IPv6", () => {
  let server: Server;
  let caFile: string;
  let port: number;

  beforeAll(async () => {
    const ca = await mintCertificate({
      subject: { commonName: "kubernetes" },
      key: { type: "ec", curve: "P-256" },
      isCa: true,
    });
    const leaf = await mintCertificate({
      subject: { commonName: "v6-node" },
      key: { type: "ec", curve: "P-256" },
      issuer: ca,
      ipAddresses: ["::1"],
      extendedKeyUsage: ["serverAuth"],
    });
    caFile = join(await mkdtemp(join(tmpdir(), "kubetls-v6-")), "ca.crt");
    await writeFile(caFile, ca.certPem);
    server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_request, response) => {
      response.writeHead(401, { "content-type": "text/plain" });
      response.end("Unauthorized");
    });
    await new Promise<void>((resolve) => server.listen(0, "::1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it("scans [::1]:port, detects a kubelet from its 401, and validates the v6 IP SAN", async () => {
    const run = await runCli([
      "scan",
      `[0:0:0:0:0:0:0:1]:${port}`,
      "--ca-file",
      caFile,
      "--format",
      "json",
      "--fail-on",
      "none",
    ]);
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout) as ScanResult;
    const endpoint = result.endpoints[0];
    expect(endpoint).toMatchObject({ host: "::1", port, role: "kubelet", reachable: true, speaksTls: true });
    expect(endpoint?.chain[0]?.sans.ip).toEqual(["::1"]);
    expect(endpoint?.validation).toMatchObject({ trusted: true, errors: [] });
    expect(endpoint?.checks.find((check) => check.id === "kubelet.anonymous-auth")?.status).toBe("PASS");
  });
});
