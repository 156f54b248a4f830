import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintCertificate } from "../../src/x509/index.js";
import { BUILT_CLI, runCli, uniqueLabNetwork } from "../support/cli.js";

/*
 * Operator input is checked before anything is dialled: a tripwire listener is the only target, and it must
 * see no connection when a flag is wrong. A report file is replaced only by a whole new report: a scan that
 * is killed halfway leaves the previous one untouched.
 */
let directory: string;
let tripwire: Server;
let tripwireHost: string;
let tripwirePort: number;
const connections: string[] = [];
const held = new Set<Socket>();
let pair: { cert: string; key: string; otherKey: string };

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "kubetls-input-"));
  tripwireHost = `${uniqueLabNetwork()}.1`;
  // Accepts and says nothing: a scan that reaches it waits out its deadline, which the kill test needs.
  tripwire = createServer((socket) => {
    connections.push(`${socket.remoteAddress}:${socket.remotePort}`);
    held.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => held.delete(socket));
  });
  await new Promise<void>((resolve) => tripwire.listen(0, tripwireHost, () => resolve()));
  const address = tripwire.address();
  tripwirePort = typeof address === "object" && address !== null ? address.port : 0;
  const ca = await mintCertificate({
    subject: { commonName: "input-ca" },
    key: { type: "ec", curve: "P-256" },
    isCa: true,
  });
  const [client, other] = await Promise.all(
    ["kubelet-client", "someone-else"].map((commonName) =>
      mintCertificate({
        subject: { commonName },
        key: { type: "ec", curve: "P-256" },
        issuer: ca,
        extendedKeyUsage: ["clientAuth"],
      }),
    ),
  );
  pair = {
    cert: join(directory, "client.crt"),
    key: join(directory, "client.key"),
    otherKey: join(directory, "other.key"),
  };
  await writeFile(pair.cert, client?.certPem ?? "");
  await writeFile(pair.key, client?.keyPem ?? "");
  await writeFile(pair.otherKey, other?.keyPem ?? "");
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => tripwire?.close(() => resolve()));
  await rm(directory, { recursive: true, force: true });
});

const target = () => `${tripwireHost}:${tripwirePort}@kubelet`;

describe("operator input checked before anything is dialled", () => {
  it("a --client-cert whose --client-key does not match: exit 2 at start-up, nothing dialled", async () => {
    const before = connections.length;
    const run = await runCli(["scan", target(), "--client-cert", pair.cert, "--client-key", pair.otherKey]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/other\.key is not the private key of .*client\.crt.*the pair does not match/);
    expect(run.stdout).toBe("");
    expect(connections.length).toBe(before);

    const notAKey = await runCli(["scan", target(), "--client-cert", pair.cert, "--client-key", pair.cert]);
    expect(notAKey.code).toBe(2);
    expect(connections.length).toBe(before);
  });

  it("every report path is checked before the scan, with a message in words; nothing dialled", async () => {
    const before = connections.length;
    for (const flag of [
      "-o",
      "--output-json",
      "--output-sarif",
      "--output-junit",
      "--output-html",
      "--output-table",
      "--output-kube-bench",
    ]) {
      const run = await runCli(["scan", target(), "--tls-scan", "off", flag, "/nonexistent/dir/report"]);
      expect({ flag, code: run.code }).toEqual({ flag, code: 3 });
      expect(run.stderr).toMatch(/cannot write the report to \/nonexistent\/dir\/report: no such directory/);
      expect(run.stdout).toBe("");
    }
    const intoDirectory = await runCli(["scan", target(), "--output-json", directory]);
    expect(intoDirectory.code).toBe(3);
    expect(intoDirectory.stderr).toMatch(/it is a directory/);
    const twice = join(directory, "twice.json");
    const sameFile = await runCli(["scan", target(), "-o", twice, "--output-json", twice]);
    expect(sameFile.code).toBe(2);
    expect(sameFile.stderr).toMatch(/named by two report flags/);
    expect(connections.length).toBe(before);
  }, 240_000);

  it("a killed scan leaves the previous report whole; a finished one replaces it and leaves no temporary file", async () => {
    const report = join(directory, "report.json");
    const extra = join(directory, "report.html");
    await writeFile(report, "the previous report\n");
    await writeFile(extra, "the previous html\n");
    const before = connections.length;
    const child = spawn(
      process.execPath,
      [
        BUILT_CLI,
        "scan",
        target(),
        "--format",
        "json",
        "-o",
        report,
        "--output-html",
        extra,
        "--timeout",
        "20000",
      ],
      { stdio: "ignore" },
    );
    const deadline = Date.now() + 30_000;
    while (connections.length === before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connections.length).toBeGreaterThan(before);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(await readFile(report, "utf8")).toBe("the previous report\n");
    expect(await readFile(extra, "utf8")).toBe("the previous html\n");

    for (const socket of held) socket.destroy();
    // The killed run's temporary files stay behind (nothing could remove them): clear them to see the next run's.
    for (const name of await readdir(directory)) {
      if (name.endsWith(".tmp")) await rm(join(directory, name));
    }
    const finished = await runCli([
      "scan",
      target(),
      "--format",
      "json",
      "-o",
      report,
      "--output-html",
      extra,
      "--timeout",
      "500",
      "--fail-on",
      "none",
    ]);
    expect(finished.code).toBe(0);
    expect(JSON.parse(await readFile(report, "utf8"))).toHaveProperty("schemaVersion", 1);
    expect(await readFile(extra, "utf8")).toMatch(/^<!DOCTYPE html>/i);
    expect((await readdir(directory)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});
