import { createServer as createHttpServer, type RequestListener } from "node:http";
import { createServer as createHttpsServer, type ServerOptions } from "node:https";
import { createServer as createNetServer, type LookupFunction, type Server } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { httpGet } from "../../src/net/index.js";
import { redactToken } from "../../src/net/redactToken.js";
import { type MintedCertificate, mintCertificate } from "../../src/x509/mint.js";
import {
  closedPort,
  elapsedSince,
  type LoopbackServer,
  listenOnLoopback,
  mintClusterClientCa,
  mintServingChain,
  type ServingChain,
  servedPem,
} from "./loopback.js";

const HOSTILE_TIMEOUT_MS = 400;
const SLACK_MS = 1500;
const TOKEN = "kubetls-test-token.c2VjcmV0LXNob3VsZC1uZXZlci1sZWFr";

let serving: ServingChain;
let clientCa: MintedCertificate;
let client: MintedCertificate;
const running: LoopbackServer[] = [];

beforeAll(async () => {
  serving = await mintServingChain({ type: "ec", curve: "P-256" }, "kubelet");
  clientCa = await mintClusterClientCa();
  client = await mintCertificate({
    subject: { commonName: "kube-apiserver-kubelet-client", organizations: ["system:masters"] },
    key: { type: "ec", curve: "P-256" },
    issuer: clientCa,
    extendedKeyUsage: ["clientAuth"],
  });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(server: Server, host?: string): Promise<LoopbackServer> {
  const listening = await listenOnLoopback(server, host);
  running.push(listening);
  return listening;
}

function httpsServer(handler: RequestListener, options: ServerOptions = {}): Server {
  const server = createHttpsServer(
    { cert: servedPem(serving), key: serving.leaf.keyPem, ...options },
    handler,
  );
  server.on("tlsClientError", () => undefined);
  return server;
}

describe("httpGet", () => {
  it("returns a kubelet-style 401 with its text/plain body", async () => {
    const server = await start(
      httpsServer((_request, response) => {
        response.writeHead(401, { "content-type": "text/plain; charset=utf-8" });
        response.end("Unauthorized");
      }),
    );
    const outcome = await httpGet({ target: server, path: "/pods", tls: true, timeoutMs: 5000 });
    expect(outcome).toEqual({
      outcome: "http",
      status: 401,
      contentType: "text/plain; charset=utf-8",
      bodySnippet: "Unauthorized",
      bodyBytesRead: 12,
      truncated: false,
    });
  });

  it("returns an API server 403 Status JSON, control characters stripped, 512 characters at most", async () => {
    const status = {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      message: 'forbidden: User "system:anonymous" cannot get path "/api"\u001b[2J',
      reason: "Forbidden",
      details: {},
      code: 403,
      padding: "x".repeat(1000),
    };
    const server = await start(
      httpsServer((_request, response) => {
        response.writeHead(403, { "content-type": "application/json" });
        // A raw ESC, as a hostile server would send it, not JSON's escaped form.
        response.end(JSON.stringify(status).replace("\\u001b", "\u001b"));
      }),
    );
    const outcome = await httpGet({ target: server, path: "/api", tls: true, timeoutMs: 5000 });
    if (outcome.outcome !== "http") throw new Error(outcome.error.message);
    expect(outcome.status).toBe(403);
    expect(outcome.contentType).toBe("application/json");
    expect(outcome.bodySnippet).toContain('"reason":"Forbidden"');
    expect(outcome.bodySnippet).toContain('cannot get path \\"/api\\"[2J');
    expect(outcome.bodySnippet).not.toContain("\u001b");
    expect(outcome.bodySnippet).toHaveLength(512);
    expect(outcome.bodyBytesRead).toBe(Buffer.byteLength(JSON.stringify(status)) - 5);
  });

  it("sends the bearer token as an Authorization header and returns it nowhere, even when echoed", async () => {
    const seen: (string | undefined)[] = [];
    const server = await start(
      httpsServer((request, response) => {
        seen.push(request.headers.authorization);
        response.writeHead(200, { "content-type": "text/plain" });
        response.end(`you sent ${request.headers.authorization}`);
      }),
    );
    const outcome = await httpGet({
      target: server,
      path: "/configz",
      tls: true,
      identity: { bearerToken: TOKEN },
      timeoutMs: 5000,
    });
    expect(seen).toEqual([`Bearer ${TOKEN}`]);
    expect(outcome).toMatchObject({
      outcome: "http",
      status: 200,
      bodySnippet: "you sent Bearer [redacted]",
    });
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);

    const refused = await httpGet({
      target: { host: "127.0.0.1", port: await closedPort("127.0.0.1") },
      path: "/configz",
      tls: true,
      identity: { bearerToken: TOKEN },
      timeoutMs: 2000,
    });
    expect(refused.outcome).toBe("refused");
    expect(JSON.stringify(refused)).not.toContain(TOKEN);
  });

  it("stops reading a 50 MB body at maxBodyBytes and returns promptly", async () => {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, "k");
    let written = 0;
    const server = await start(
      createHttpServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/octet-stream", "content-length": total });
        const pump = (): void => {
          while (written < total && !response.destroyed) {
            written += chunk.length;
            if (!response.write(chunk)) return void response.once("drain", pump);
          }
          response.end();
        };
        response.on("error", () => undefined);
        pump();
      }),
    );
    const maxBodyBytes = 100_000;
    const startedAt = performance.now();
    const outcome = await httpGet({
      target: server,
      path: "/metrics",
      tls: false,
      timeoutMs: 5000,
      maxBodyBytes,
    });
    expect(elapsedSince(startedAt)).toBeLessThan(2000);
    if (outcome.outcome !== "http") throw new Error(outcome.error.message);
    expect(outcome.truncated).toBe(true);
    expect(outcome.bodyBytesRead).toBeGreaterThan(maxBodyBytes);
    expect(outcome.bodyBytesRead).toBeLessThanOrEqual(maxBodyBytes + 64 * 1024);
    expect(outcome.bodySnippet).toBe("k".repeat(512));
    expect(written).toBeLessThan(total / 2);
    await server.allClosed();
  });

  it("times out when the headers arrive and the body stalls", async () => {
    const server = await start(
      httpsServer((_request, response) => {
        response.writeHead(200, { "content-type": "text/plain", "content-length": 1000 });
        response.write("the start, then nothing");
      }),
    );
    const startedAt = performance.now();
    const outcome = await httpGet({
      target: server,
      path: "/healthz",
      tls: true,
      timeoutMs: HOSTILE_TIMEOUT_MS,
    });
    const elapsed = elapsedSince(startedAt);
    expect(outcome.outcome).toBe("timeout");
    expect(elapsed).toBeGreaterThanOrEqual(HOSTILE_TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(HOSTILE_TIMEOUT_MS + SLACK_MS);
    await server.allClosed();
  });

  it("times out on a server that never answers the request", async () => {
    const server = await start(httpsServer(() => undefined));
    const outcome = await httpGet({
      target: server,
      path: "/healthz",
      tls: true,
      timeoutMs: HOSTILE_TIMEOUT_MS,
    });
    expect(outcome).toEqual({
      outcome: "timeout",
      error: {
        code: "timeout",
        message: `no response headers from 127.0.0.1:${server.port} within ${HOSTILE_TIMEOUT_MS} ms`,
      },
    });
    await server.allClosed();
  });

  it("returns a 302 as it is and never follows it", async () => {
    const elsewhere = await start(
      createHttpServer((_request, response) => response.end("followed")),
      "127.0.0.4",
    );
    const server = await start(
      httpsServer((_request, response) => {
        response.writeHead(302, { location: `http://127.0.0.4:${elsewhere.port}/healthz` });
        response.end();
      }),
    );
    const outcome = await httpGet({ target: server, path: "/healthz", tls: true, timeoutMs: 5000 });
    expect(outcome).toMatchObject({ outcome: "http", status: 302 });
    expect(elsewhere.connections()).toBe(0);
  });

  it("presents the client certificate, which the server sees", async () => {
    const server = await start(
      httpsServer(
        (request, response) => {
          const peer = (request.socket as TLSSocket).getPeerCertificate();
          response.writeHead(200, { "content-type": "text/plain" });
          response.end(`CN=${peer.subject?.CN ?? "none"}`);
        },
        { requestCert: true, rejectUnauthorized: false },
      ),
    );
    const withCert = await httpGet({
      target: server,
      path: "/pods",
      tls: true,
      identity: { certPem: client.certPem, keyPem: client.keyPem },
      timeoutMs: 5000,
    });
    expect(withCert).toMatchObject({
      outcome: "http",
      status: 200,
      bodySnippet: "CN=kube-apiserver-kubelet-client",
    });
    const without = await httpGet({ target: server, path: "/pods", tls: true, timeoutMs: 5000 });
    expect(without).toMatchObject({ outcome: "http", bodySnippet: "CN=none" });
  });

  it("says handshake-rejected when a TLS 1.2 server requires a client certificate", async () => {
    const server = await start(
      httpsServer(() => undefined, {
        maxVersion: "TLSv1.2",
        requestCert: true,
        rejectUnauthorized: true,
        ca: [clientCa.certPem],
      }),
    );
    const outcome = await httpGet({ target: server, path: "/healthz", tls: true, timeoutMs: 5000 });
    expect(outcome.outcome).toBe("handshake-rejected");
    if (outcome.outcome === "http") return;
    expect(outcome.error.message).toMatch(/rejected the TLS handshake: (handshake failure|bad certificate)/);
  });

  it("says handshake-rejected when TLS 1.3 sends certificate_required on the first read", async () => {
    const server = await start(
      httpsServer(() => undefined, {
        minVersion: "TLSv1.3",
        requestCert: true,
        rejectUnauthorized: true,
        ca: [clientCa.certPem],
      }),
    );
    const outcome = await httpGet({ target: server, path: "/healthz", tls: true, timeoutMs: 5000 });
    expect(outcome).toEqual({
      outcome: "handshake-rejected",
      error: {
        code: "handshake-rejected",
        message: `127.0.0.1:${server.port} rejected the TLS handshake: certificate required (alert 116)`,
      },
    });
  });

  it("says not-tls when TLS is spoken to a plain HTTP port", async () => {
    const server = await start(createHttpServer((_request, response) => response.end("ok")));
    const outcome = await httpGet({ target: server, path: "/healthz", tls: true, timeoutMs: 2000 });
    expect(outcome.outcome).toBe("not-tls");
  });

  it("times out on a tarpit before any TLS handshake, within the deadline", async () => {
    const tarpit = await start(
      createNetServer((socket) => socket.resume()),
      "127.0.0.7",
    );
    const startedAt = performance.now();
    const outcome = await httpGet({
      target: tarpit,
      path: "/healthz",
      tls: true,
      timeoutMs: HOSTILE_TIMEOUT_MS,
    });
    expect(elapsedSince(startedAt)).toBeLessThan(HOSTILE_TIMEOUT_MS + SLACK_MS);
    expect(outcome).toEqual({
      outcome: "timeout",
      error: {
        code: "timeout",
        message: `no TLS handshake from 127.0.0.7:${tarpit.port} within ${HOSTILE_TIMEOUT_MS} ms`,
      },
    });
    await tarpit.allClosed();
  });

  it("sends SNI for a DNS name only, and resolves through the lookup it is given", async () => {
    const seen: string[] = [];
    const server = await start(
      httpsServer((_request, response) => response.end("ok"), {
        SNICallback: (name, done) => {
          seen.push(name);
          done(null, undefined);
        },
      }),
    );
    const toLoopback: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
      else callback(null, "127.0.0.1", 4);
    };
    const outcomes = [
      await httpGet({ target: server, path: "/healthz", tls: true, timeoutMs: 5000 }),
      await httpGet({
        target: server,
        path: "/healthz",
        tls: true,
        timeoutMs: 5000,
        servername: "kubelet.cluster.invalid",
      }),
      await httpGet({
        target: { host: "node1.cluster.invalid", port: server.port },
        path: "/healthz",
        tls: true,
        timeoutMs: 5000,
        lookup: toLoopback,
      }),
    ];
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["http", "http", "http"]);
    expect(seen).toEqual(["kubelet.cluster.invalid", "node1.cluster.invalid"]);
  });

  it("says dns-failure when the lookup fails, without touching DNS", async () => {
    const notFound: LookupFunction = (hostname, _options, callback) =>
      callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname }),
        "",
        0,
      );
    const outcome = await httpGet({
      target: { host: "gone.cluster.invalid", port: 10250 },
      path: "/healthz",
      tls: true,
      timeoutMs: 2000,
      lookup: notFound,
    });
    expect(outcome).toEqual({
      outcome: "dns-failure",
      error: { code: "dns-failure", message: "cannot resolve gone.cluster.invalid (ENOTFOUND)" },
    });
  });

  it("refuses a bearer token that could smuggle a header, without echoing it", async () => {
    const server = await start(httpsServer((_request, response) => response.end("should not happen")));
    const smuggling = `${TOKEN}\r\nX-Evil: 1`;
    const outcome = await httpGet({
      target: server,
      path: "/pods",
      tls: true,
      identity: { bearerToken: smuggling },
      timeoutMs: 2000,
    });
    expect(outcome.outcome).toBe("error");
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
    expect(server.connections()).toBe(0);
  });

  it("refuses forbidden kubelet paths without opening a connection", async () => {
    const server = await start(httpsServer((_request, response) => response.end("should not happen")));
    const paths = [
      "/exec/default/pod/container?command=id",
      "/run/default/pod/container",
      "/attach/ns/pod/c",
      "/portForward/ns/pod",
      "/containerLogs/kube-system/etcd/etcd",
      "/logs/",
      "/checkpoint/ns/pod/c",
      "/debug/pprof/heap",
      "//EXEC/ns/pod/c",
      "/pods/../exec/ns/pod/c",
      "/%65xec/ns/pod/c",
      "/api/v1/nodes/node1/proxy/exec/ns/pod/c",
    ];
    for (const path of paths) {
      const outcome = await httpGet({ target: server, path, tls: true, timeoutMs: 2000 });
      expect(outcome.outcome, path).toBe("out-of-scope");
    }
    expect(server.connections()).toBe(0);
  });

  it("asks the pprof index, and only it: every profile path is still refused before any connection", async () => {
    const asked: string[] = [];
    const server = await start(
      httpsServer((request, response) => {
        asked.push(request.url ?? "");
        response.end("<html><title>/debug/pprof/</title>");
      }),
    );
    for (const path of [
      "/debug/pprof/heap",
      "/debug/pprof/profile?seconds=1",
      "/debug/pprof",
      "/debug/pprof/?debug=1",
    ]) {
      const outcome = await httpGet({ target: server, path, tls: true, timeoutMs: 2000 });
      expect(outcome.outcome, path).toBe("out-of-scope");
    }
    expect(server.connections()).toBe(0);
    const index = await httpGet({ target: server, path: "/debug/pprof/", tls: true, timeoutMs: 5000 });
    expect(index.outcome === "http" && index.status).toBe(200);
    expect(asked).toEqual(["/debug/pprof/"]);
  });
});

describe("redactToken", () => {
  it("hides whole tokens and the head of one cut off at the end of the text", () => {
    const token = "s3cr3t-token-value";
    expect(redactToken(`a ${token} b ${token}`, token)).toBe("a [redacted] b [redacted]");
    expect(redactToken(`ends with s3cr3t-tok`, token)).toBe("ends with [redacted]");
    expect(redactToken("ends with s3c", token)).toBe("ends with s3c");
  });
});
