import { randomBytes } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { helloProbe, scanTlsProtocols, type TlsProtocolScan } from "../../../src/net/hello/index.js";
import { close, listen, loopbackAddress } from "./fixtures.js";
import { certificate, records, serverHello } from "./wire.js";

const servers: Server[] = [];
const sockets = new Set<Socket>();

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map(close));
});

async function peer(onConnection: (socket: Socket) => void): Promise<{ host: string; port: number }> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    onConnection(socket);
  });
  const host = loopbackAddress();
  const port = await listen(server, host);
  servers.push(server);
  return { host, port };
}

async function timedScan(
  target: { host: string; port: number },
  timeoutMs: number,
): Promise<[TlsProtocolScan, number]> {
  const started = performance.now();
  const scan = await scanTlsProtocols(target, { mode: "full", timeoutMs });
  return [scan, performance.now() - started];
}

function codes(scan: TlsProtocolScan): string[] {
  return [...new Set(scan.errors.map((error) => error.code))].sort();
}

describe("hostile and broken peers", () => {
  it("garbage bytes are not-tls, and the scan stops", async () => {
    const target = await peer((socket) => socket.end(Buffer.concat([Buffer.from([0x99]), randomBytes(200)])));
    const [scan, elapsed] = await timedScan(target, 2_000);
    expect(scan.versions).toEqual([]);
    expect(codes(scan)).toEqual(["not-tls"]);
    expect(scan.attempts).toBeLessThanOrEqual(5);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("TLS-looking garbage is a protocol error", async () => {
    const target = await peer((socket) => socket.end(Buffer.from([22, 3, 3, 0, 4, 2, 0, 0, 0])));
    const [scan] = await timedScan(target, 2_000);
    expect(scan.versions).toEqual([]);
    expect(codes(scan)).toEqual(["protocol-error"]);
  });

  it("plain HTTP is not-tls", async () => {
    const server = createHttpServer((_, response) => response.end("ok"));
    const host = loopbackAddress();
    const port = await listen(server as unknown as Server, host);
    servers.push(server as unknown as Server);
    const probe = await helloProbe({ host, port, version: "TLSv1.2", suites: [0xc02f], timeoutMs: 2_000 });
    expect(probe.accepted).toBe(false);
    expect(probe.error).toEqual({ code: "not-tls", message: "peer answered with plain HTTP" });
  });

  it("an immediate reset is a refusal of everything, reported, not thrown", async () => {
    const target = await peer((socket) => socket.resetAndDestroy());
    const [scan, elapsed] = await timedScan(target, 2_000);
    expect(scan.versions).toEqual([]);
    expect(scan.errors.length).toBeGreaterThan(0);
    expect(codes(scan).every((code) => code === "reset" || code === "handshake-rejected")).toBe(true);
    expect(elapsed).toBeLessThan(2_000);
    const probe = await helloProbe({ ...target, version: "TLSv1.2", suites: [0xc02f], timeoutMs: 2_000 });
    expect(probe.error?.code).toMatch(/^(reset|handshake-rejected)$/);
  });

  it("a tarpit costs a bounded time and yields timeouts", async () => {
    const target = await peer(() => {});
    const [scan, elapsed] = await timedScan(target, 300);
    expect(scan.versions).toEqual([]);
    expect(codes(scan)).toEqual(["timeout"]);
    expect(scan.attempts).toBe(5);
    // Five attempts, four at a time: two deadlines.
    expect(elapsed).toBeLessThan(3_000);
  });

  it("a server that trickles a flight forever hits the deadline", async () => {
    const flight = records(
      22,
      Buffer.concat([serverHello({ version: 0x0303, suite: 0xc02f }), certificate([Buffer.alloc(5000)])]),
    );
    const target = await peer((socket) => {
      let offset = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || offset >= flight.length) return clearInterval(timer);
        socket.write(flight.subarray(offset, offset + 1));
        offset += 1;
      }, 20);
      socket.on("close", () => clearInterval(timer));
    });
    const started = performance.now();
    const probe = await helloProbe({ ...target, version: "TLSv1.2", suites: [0xc02f], timeoutMs: 400 });
    expect(probe.error?.code).toBe("timeout");
    expect(probe.accepted).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("an endless certificate is cut off at the cap", async () => {
    const target = await peer((socket) => {
      socket.write(records(22, serverHello({ version: 0x0303, suite: 0xc02f })));
      // Claims a 16 MB Certificate message, then streams it.
      socket.write(records(22, Buffer.from([11, 0xff, 0xff, 0xff])));
      const chunk = records(22, Buffer.alloc(16384));
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk)) {}
        if (!socket.destroyed) socket.once("drain", pump);
      };
      pump();
    });
    const probe = await helloProbe({ ...target, version: "TLSv1.2", suites: [0xc02f], timeoutMs: 3_000 });
    expect(probe.error?.code).toBe("body-too-large");
  });

  it("a suite that was never offered is a protocol error, and does not loop the enumeration", async () => {
    const target = await peer((socket) =>
      socket.once("data", () => socket.write(records(22, serverHello({ version: 0x0303, suite: 0x1234 })))),
    );
    const probe = await helloProbe({ ...target, version: "TLSv1.2", suites: [0xc02f], timeoutMs: 2_000 });
    expect(probe.accepted).toBe(false);
    expect(probe.error?.code).toBe("protocol-error");
    const [scan, elapsed] = await timedScan(target, 1_000);
    expect(scan.versions).toEqual([]);
    expect(scan.attempts).toBeLessThanOrEqual(5);
    expect(elapsed).toBeLessThan(3_000);
  });

  it("a closed port is refused, quickly", async () => {
    const probe = await peer(() => {});
    const server = servers.pop();
    if (server) await close(server);
    const [scan] = await timedScan(probe, 2_000);
    expect(codes(scan)).toEqual(["refused"]);
    expect(scan.attempts).toBeLessThanOrEqual(5);
  });

  it("keeps at most perHostConcurrency attempts in flight per host, across scans of its ports", async () => {
    let open = 0;
    let peak = 0;
    const slowRefusal = (socket: Socket): void => {
      sockets.add(socket);
      open += 1;
      peak = Math.max(peak, open);
      socket.resume(); // read, so the client's FIN arrives
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
      // In flight from accept to answer: the client starts its next attempt only once it has the answer.
      setTimeout(() => {
        open -= 1;
        socket.end(records(21, Buffer.from([2, 40])));
      }, 40);
    };
    const host = loopbackAddress();
    const ports = await Promise.all(
      [0, 1].map(async () => {
        const server = createServer(slowRefusal);
        servers.push(server);
        return listen(server, host);
      }),
    );
    const scans = await Promise.all(
      ports.map((port) =>
        scanTlsProtocols({ host, port }, { mode: "full", timeoutMs: 2_000, perHostConcurrency: 3 }),
      ),
    );
    expect(scans.map((scan) => scan.attempts)).toEqual([5, 5]);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });

  it("respects the attempt cap", async () => {
    // Accepts every suite it is offered: enumeration would otherwise run through the whole registry.
    const target = await peer((socket) => {
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        const hello = Buffer.concat(chunks);
        if (hello.length < 9) return;
        const body = hello.subarray(9);
        const version = body.readUInt16BE(0);
        if (version !== 0x0303) return void socket.end(records(21, Buffer.from([2, 70])));
        const sessionLength = body[34] ?? 0;
        const suite = body.readUInt16BE(35 + sessionLength + 2);
        socket.end(
          records(22, Buffer.concat([serverHello({ version: 0x0303, suite }), Buffer.from([14, 0, 0, 0])])),
        );
      });
    });
    const scan = await scanTlsProtocols(target, { mode: "full", timeoutMs: 2_000, maxAttempts: 12 });
    expect(scan.attempts).toBe(12);
    expect(scan.versions).toEqual(["TLSv1.2"]);
    expect(scan.errors.map((error) => error.code)).toContain("error");
  });
});
