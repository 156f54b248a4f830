import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintCertificate } from "../../src/x509/index.js";
import { mintHugeCertificate, mintLoopyCrossSignedChain, pem } from "./certificates.js";
import {
  type HostilePeer,
  hostileHost,
  listen,
  startHttp2OnlyPeer,
  startHttpPeer,
  startRelay,
  startTcpPeer,
  startTlsPeer,
} from "./peers.js";
import { scanTargets } from "./scan.js";

/*
 * The README's invariants, checked over the whole corpus in one scan with a healthy endpoint among the
 * hostile ones: every endpoint is in the report once, ends in a typed state within its own deadline, and
 * the healthy one is neither delayed past its deadline nor changed by its neighbours.
 */
const TIMEOUT_MS = 800;
/** runScan's outer bound per endpoint: connect + handshake phases, then rounds of GETs of three phases. */
const ENDPOINT_DEADLINE_MS = TIMEOUT_MS * 19;
const SLACK_MS = 3_000;

const NET_ERROR_CODES = new Set([
  "refused",
  "timeout",
  "reset",
  "unreachable",
  "dns-failure",
  "not-tls",
  "handshake-rejected",
  "protocol-error",
  "body-too-large",
  "out-of-scope",
  "error",
]);

const corpus = new Map<string, HostilePeer>();
/** Odd but not wrong: judged by the deadline and typed-state invariants, not by their verdicts. */
const odd = new Map<string, HostilePeer>();
let healthy: HostilePeer;

beforeAll(async () => {
  const serving = await mintCertificate({
    subject: { commonName: "hostile" },
    key: { type: "ec", curve: "P-256" },
  });
  const tls = { tls: serving };
  const loops = await mintLoopyCrossSignedChain(6, "corpus");
  const loopy = createTlsServer({
    cert: [pem(loops.leaf.certDer), ...loops.crossCertificates.map(pem)].join(""),
    key: loops.leaf.keyPem,
  });
  loopy.on("tlsClientError", () => undefined);
  const healthyServer = createTlsServer({ cert: serving.certPem, key: serving.keyPem });
  healthyServer.on("tlsClientError", () => undefined);
  const entries: [string, Promise<HostilePeer>][] = [
    ["tcp: accept and silence", startTcpPeer({ kind: "silent" })],
    ["tcp: reset", startTcpPeer({ kind: "reset" })],
    ["tcp: close at once", startTcpPeer({ kind: "close" })],
    ["tcp: garbage", startTcpPeer({ kind: "answer", bytes: Buffer.alloc(300, 0x99) })],
    ["tls: handshake_failure alert", startTlsPeer({ kind: "alert", description: 40 })],
    ["tls: silence after ServerHello", startTlsPeer({ kind: "stall-after-server-hello" })],
    ["tls: truncated record", startTlsPeer({ kind: "truncated-record" })],
    ["tls: garbage in a record", startTlsPeer({ kind: "record-garbage", bytes: 2000 })],
    ["http: HTTP/0.9", startHttpPeer({ kind: "http09" }, tls)],
    ["http: status 2000000", startHttpPeer({ kind: "status", code: "2000000" }, tls)],
    ["http: 100 KB headers", startHttpPeer({ kind: "huge-headers", bytes: 100_000 }, tls)],
    ["http: endless body", startHttpPeer({ kind: "endless-body" }, tls)],
    ["http: silence mid-headers", startHttpPeer({ kind: "stall-mid-headers" }, tls)],
    ["http: silence mid-body", startHttpPeer({ kind: "stall-mid-body" }, tls)],
    ["http: HTTP/2 only", startHttp2OnlyPeer(serving)],
    ["x509: cross-signed loops", listen(loopy, hostileHost())],
  ];
  for (const [name, peer] of entries) corpus.set(name, await peer);
  healthy = await listen(healthyServer, hostileHost());
  const huge = await mintHugeCertificate(2_000);
  const hugeServer = createTlsServer({ cert: huge.certPem, key: huge.keyPem });
  hugeServer.on("tlsClientError", () => undefined);
  odd.set("x509: a 40 KB certificate of 2,000 names", await listen(hugeServer, hostileHost()));
  corpus.set(
    "link: goes quiet after 200 bytes of the server's flight",
    await startRelay(healthy, { stallAfterServerBytes: 200 }),
  );
});

afterAll(async () => {
  await Promise.all([...corpus.values(), ...odd.values(), healthy].map((peer) => peer?.close()));
});

describe("invariants over the hostile corpus", () => {
  it("every endpoint ends in a typed state within its deadline, none delays another, no report is lost", async () => {
    const key = (peer: HostilePeer) => `${peer.host}:${peer.port}`;
    const targets = [...[...corpus.values(), ...odd.values()].map(key), key(healthy)];
    const { result, endpoints } = await scanTargets(targets, { timeoutMs: TIMEOUT_MS, concurrency: 64 });

    // No report lost: each target once, in the streamed results and in the final report.
    expect(result.endpoints.map((endpoint) => `${endpoint.host}:${endpoint.port}`).sort()).toEqual(
      [...targets].sort(),
    );
    expect([...endpoints.keys()].sort()).toEqual([...targets].sort());

    const problems: string[] = [];
    for (const [name, peer] of [...corpus, ...odd]) {
      const timed = endpoints.get(key(peer));
      if (!timed) continue;
      const { result: endpoint, finishedAfterMs } = timed;
      if (finishedAfterMs > ENDPOINT_DEADLINE_MS + SLACK_MS)
        problems.push(`${name}: took ${Math.round(finishedAfterMs)} ms`);
      // A typed state: a net error code, or facts that say what was seen (a session, an HTTP answer).
      const typed =
        (endpoint.error !== null && NET_ERROR_CODES.has(endpoint.error.code)) ||
        endpoint.speaksTls ||
        endpoint.plainHttp;
      if (!typed) problems.push(`${name}: no typed state (${JSON.stringify(endpoint.error)})`);
      if (endpoint.error?.code === "error")
        problems.push(`${name}: untyped error: ${endpoint.error.message}`);
      if (odd.has(name)) continue;
      for (const check of endpoint.checks) {
        if (check.status === "PASS")
          problems.push(`${name}: ${check.id} PASS from a hostile peer: ${check.evidence}`);
      }
    }
    expect(problems).toEqual([]);
    // An odd but honest server is read whole: all 2,000 names.
    const hugeResult = endpoints.get(key(odd.get("x509: a 40 KB certificate of 2,000 names") as HostilePeer));
    expect(hugeResult?.result.chain[0]?.sans.dns).toHaveLength(2_000);

    const healthyResult = endpoints.get(key(healthy));
    expect(healthyResult?.result.speaksTls).toBe(true);
    expect(healthyResult?.result.error).toBeNull();
    expect(healthyResult?.result.chain.map((certificate) => certificate.subject)).toEqual(["CN=hostile"]);
    expect(healthyResult?.finishedAfterMs).toBeLessThan(ENDPOINT_DEADLINE_MS + SLACK_MS);
  });
});
