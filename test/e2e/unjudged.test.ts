import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScanResult } from "../../src/model/index.js";
import { type LoopbackServer, listenOnLoopback } from "../net/loopback.js";
import { runCli, uniqueLabNetwork } from "../support/cli.js";

/** Accepts and never says a word. */
function tarpit(): Server {
  return createServer((socket: Socket) => socket.on("error", () => undefined));
}

/** Answers every connection with bytes that are neither TLS nor HTTP, then hangs up. */
function garbagePeer(): Server {
  return createServer((socket: Socket) => {
    socket.on("error", () => undefined);
    socket.end(Buffer.from("\u0000\u00ffSSH-ish garbage\r\n\u0007\u0000".repeat(8), "latin1"));
  });
}

/** A server on a fixed port (the role's well-known one), torn down with its connections. */
async function listenOn(server: Server, host: string, port: number): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    host,
    port,
    connections: () => sockets.size,
    allClosed: async () => undefined,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/*
 * Issue 8: a host:port whose role cannot be detected must not end without a verdict. On a well-known port
 * it is judged as that port's role; elsewhere `endpoint.role` says ERROR. Either way --fail-on ERROR counts it.
 */
describe("host:port targets whose role cannot be detected", () => {
  const network = uniqueLabNetwork();
  const servers: LoopbackServer[] = [];
  let wellKnownTarpit: LoopbackServer;
  let wellKnownGarbage: LoopbackServer;
  let randomTarpit: LoopbackServer;
  let randomGarbage: LoopbackServer;

  beforeAll(async () => {
    wellKnownTarpit = await listenOn(tarpit(), `${network}.1`, 10250);
    wellKnownGarbage = await listenOn(garbagePeer(), `${network}.2`, 6443);
    randomTarpit = await listenOnLoopback(tarpit(), `${network}.3`);
    randomGarbage = await listenOnLoopback(garbagePeer(), `${network}.4`);
    servers.push(wellKnownTarpit, wellKnownGarbage, randomTarpit, randomGarbage);
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  const target = (server: LoopbackServer) => `${server.host}:${server.port}`;
  const scan = (targets: string[]) =>
    runCli([
      "scan",
      ...targets,
      "--format",
      "json",
      "--timeout",
      "600",
      "--tls-scan",
      "off",
      "--fail-on",
      "ERROR",
      "-q",
    ]);

  it("judges a tarpit and a garbage peer on well-known ports as that port's role: ERROR, exit 1", async () => {
    const run = await scan([target(wellKnownTarpit), target(wellKnownGarbage)]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as ScanResult;
    const byPort = new Map(result.endpoints.map((endpoint) => [endpoint.port, endpoint]));
    const kubelet = byPort.get(10250);
    expect(kubelet?.role).toBe("kubelet");
    expect(kubelet?.checks.find((check) => check.id === "kubelet.https")?.status).toBe("ERROR");
    const apiserver = byPort.get(6443);
    expect(apiserver?.role).toBe("apiserver");
    expect(apiserver?.checks.some((check) => check.status === "ERROR")).toBe(true);
    expect(apiserver?.checks.some((check) => check.status === "PASS")).toBe(false);
  });

  it("gives a tarpit and a garbage peer on other ports an endpoint.role ERROR, exit 1", async () => {
    for (const server of [randomTarpit, randomGarbage]) {
      const run = await scan([target(server)]);
      expect({ target: target(server), code: run.code }).toEqual({ target: target(server), code: 1 });
      const [endpoint] = (JSON.parse(run.stdout) as ScanResult).endpoints;
      expect(endpoint?.checks.map((check) => [check.id, check.status])).toEqual([["endpoint.role", "ERROR"]]);
      expect(endpoint?.checks[0]?.evidence).toMatch(/host:port@role/);
    }
  });

  it("judges a host:port by the role stated after '@', whatever port it is on", async () => {
    const run = await scan([`${target(randomTarpit)}@kubelet`]);
    expect(run.code).toBe(1);
    const [endpoint] = (JSON.parse(run.stdout) as ScanResult).endpoints;
    expect(endpoint?.role).toBe("kubelet");
    expect(endpoint?.checks.find((check) => check.id === "kubelet.https")?.status).toBe("ERROR");
    expect(endpoint?.checks.some((check) => check.status === "PASS")).toBe(false);
  });
});
