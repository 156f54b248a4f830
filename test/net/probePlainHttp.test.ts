import { createServer as createHttpServer } from "node:http";
import { createServer as createNetServer, type Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { probePlainHttp } from "../../src/net/index.js";
import {
  closedPort,
  elapsedSince,
  type LoopbackServer,
  listenOnLoopback,
  mintServingChain,
  type ServingChain,
  servedPem,
} from "./loopback.js";

const HOSTILE_TIMEOUT_MS = 300;
const SLACK_MS = 1500;

let serving: ServingChain;
const running: LoopbackServer[] = [];

beforeAll(async () => {
  serving = await mintServingChain({ type: "ec", curve: "P-256" });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(server: Server, host?: string): Promise<LoopbackServer> {
  const listening = await listenOnLoopback(server, host);
  running.push(listening);
  return listening;
}

/** A server that answers every connection with fixed bytes and then does what `after` says. */
function rawServer(answer: string | Buffer, after: "close" | "stay-open", requests?: string[]): Server {
  return createNetServer((socket) => {
    socket.once("data", (request) => {
      requests?.push(request.toString("latin1"));
      socket.write(answer);
      if (after === "close") socket.end();
    });
  });
}

describe("probePlainHttp", () => {
  it("sends a minimal GET /healthz and reports a read-only kubelet's answer", async () => {
    const requests: string[] = [];
    const server = await start(
      rawServer(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nok",
        "close",
        requests,
      ),
      "127.0.0.5",
    );
    const answer = await probePlainHttp(server, { timeoutMs: 2000 });
    expect(answer).toEqual({ status: 200, statusLine: "HTTP/1.1 200 OK", snippet: "ok" });
    expect(requests).toEqual([
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.5:${server.port}\r\nUser-Agent: kubetls\r\nConnection: close\r\n\r\n`,
    ]);
  });

  it("returns as soon as the promised body is in, even if the server keeps the connection open", async () => {
    const server = await start(
      rawServer("HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found", "stay-open"),
    );
    const startedAt = performance.now();
    const answer = await probePlainHttp(server, { timeoutMs: 5000 });
    expect(elapsedSince(startedAt)).toBeLessThan(1000);
    expect(answer).toEqual({ status: 404, statusLine: "HTTP/1.0 404 Not Found", snippet: "not found" });
  });

  it("de-chunks a chunked body and returns once the last chunk is in", async () => {
    const server = await start(
      createHttpServer((_request, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        response.write("o");
        response.end("k");
      }),
    );
    expect(await probePlainHttp(server, { timeoutMs: 2000 })).toEqual({
      status: 200,
      statusLine: "HTTP/1.1 200 OK",
      snippet: "ok",
    });
  });

  it("keeps at most 4 KiB, shows at most 512 printable characters, and strips control characters", async () => {
    const body = `\u001b[31m${"y".repeat(10_000)}`;
    const server = await start(
      rawServer(`HTTP/1.1 200 OK\u0007\r\nContent-Length: ${body.length}\r\n\r\n${body}`, "stay-open"),
    );
    const answer = await probePlainHttp(server, { timeoutMs: 2000 });
    expect(answer?.status).toBe(200);
    expect(answer?.statusLine).toBe("HTTP/1.1 200 OK");
    expect(answer?.snippet).toBe(`[31m${"y".repeat(508)}`);
  });

  it("returns null for a TLS port, garbage, a refused port and a silent port (within the deadline)", async () => {
    const tls = await start(createTlsServer({ cert: servedPem(serving), key: serving.leaf.keyPem }));
    expect(await probePlainHttp(tls, { timeoutMs: 2000 })).toBeNull();

    const garbage = await start(rawServer(Buffer.from("SSH-2.0-OpenSSH_9.6\r\n"), "close"));
    expect(await probePlainHttp(garbage, { timeoutMs: 2000 })).toBeNull();

    const port = await closedPort("127.0.0.6");
    expect(await probePlainHttp({ host: "127.0.0.6", port }, { timeoutMs: 2000 })).toBeNull();

    const silent = await start(createNetServer((socket) => socket.resume()));
    const startedAt = performance.now();
    expect(await probePlainHttp(silent, { timeoutMs: HOSTILE_TIMEOUT_MS })).toBeNull();
    expect(elapsedSince(startedAt)).toBeLessThan(HOSTILE_TIMEOUT_MS + SLACK_MS);
  });
});
