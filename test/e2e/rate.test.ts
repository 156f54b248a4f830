import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScanResult } from "../../src/model/index.js";

import { mintCertificate } from "../../src/x509/index.js";
import { runCli, uniqueLabNetwork } from "../support/cli.js";

/*
 * --rate is the promise made to a fleet's IDS and conntrack tables: every new connection kubetls opens to
 * anything, the TLS capture, the raw ClientHello attempts and the HTTP probes alike, is paced by it.
 */
describe("--rate", () => {
  let server: Server;
  let host: string;
  let port: number;
  const connectedAt: number[] = [];

  beforeAll(async () => {
    const leaf = await mintCertificate({
      subject: { commonName: "paced" },
      key: { type: "ec", curve: "P-256" },
    });
    server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_request, response) => {
      response.writeHead(401, { "content-type": "text/plain" });
      response.end("Unauthorized");
    });
    server.on("connection", () => connectedAt.push(performance.now()));
    host = `${uniqueLabNetwork()}.1`;
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it("never opens more new connections per second than asked, handshakes and probes alike", async () => {
    const rate = 20;
    const run = await runCli([
      "scan",
      `${host}:${port}`,
      "--rate",
      String(rate),
      "--format",
      "json",
      "--fail-on",
      "none",
    ]);
    const result = JSON.parse(run.stdout) as ScanResult;
    expect(result.endpoints[0]?.tls?.versions?.length).toBeGreaterThan(0);
    // Enough connections for the pacing to show: the capture, the raw scanner's attempts, the GETs.
    expect(connectedAt.length).toBeGreaterThan(rate);
    const sorted = [...connectedAt].sort((a, b) => a - b);
    for (let index = 0; index + rate < sorted.length; index++) {
      // rate + 1 connections always span at least most of a second (a little slack for timer jitter).
      expect((sorted[index + rate] ?? 0) - (sorted[index] ?? 0)).toBeGreaterThan(900);
    }
  });
});
