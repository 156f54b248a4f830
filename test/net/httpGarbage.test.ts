import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpGet } from "../../src/net/index.js";
import { type MintedCertificate, mintCertificate } from "../../src/x509/index.js";
import {
  type HostilePeer,
  type HttpBehaviour,
  startHttp2OnlyPeer,
  startHttpPeer,
  startTcpPeer,
} from "../hostile/peers.js";

const TIMEOUT_MS = 800;
// Phases are connect, headers, body; a stalled exchange ends on the first deadline that passes.
const WHOLE_EXCHANGE_MS = 3 * TIMEOUT_MS;
const SLACK_MS = 1_500;

let serving: MintedCertificate;
const peers: HostilePeer[] = [];

beforeAll(async () => {
  serving = await mintCertificate({
    subject: { commonName: "garbage" },
    key: { type: "ec", curve: "P-256" },
  });
});

afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
});

async function get(peer: HostilePeer, tls: boolean) {
  peers.push(peer);
  const started = performance.now();
  const outcome = await httpGet({ target: peer, path: "/healthz", tls, timeoutMs: TIMEOUT_MS });
  return { outcome, elapsedMs: performance.now() - started };
}

/** Every class of malformed answer, the code it must end in, and what the message must name. */
const MALFORMED: { name: string; behaviour: HttpBehaviour; message: RegExp }[] = [
  {
    name: "an HTTP/0.9 reply (no status line)",
    behaviour: { kind: "http09" },
    message: /malformed HTTP \(Expected HTTP\//,
  },
  {
    name: "a status code of 2000000",
    behaviour: { kind: "status", code: "2000000" },
    message: /Invalid response status/,
  },
  {
    name: "100 KB of response headers",
    behaviour: { kind: "huge-headers", bytes: 100_000 },
    message: /headers larger/,
  },
  {
    name: "HTTP/2 frames where HTTP/1.1 was asked",
    behaviour: { kind: "h2-frames" },
    message: /malformed HTTP/,
  },
  { name: "a chunk size that is not hex", behaviour: { kind: "bad-chunk" }, message: /chunk size/ },
  { name: "a header line without a colon", behaviour: { kind: "bad-header" }, message: /header token/ },
];

describe("HTTP garbage is typed", () => {
  for (const tls of [false, true]) {
    const over = tls ? "over TLS" : "in plain HTTP";
    it.each(MALFORMED)(
      `$name ${over} is a protocol-error naming what was wrong`,
      async ({ behaviour, message }) => {
        const peer = await startHttpPeer(behaviour, tls ? { tls: serving } : {});
        const { outcome } = await get(peer, tls);
        expect(outcome.outcome).toBe("protocol-error");
        if (outcome.outcome === "http") return;
        expect(outcome.error.message).toMatch(message);
        expect(outcome.error.message).toContain(`${peer.host}:${peer.port}`);
      },
    );
  }

  it("an HTTP/2-only TLS server (ALPN h2, no HTTP/1.1) is a protocol-error, not a handshake rejection", async () => {
    const { outcome } = await get(await startHttp2OnlyPeer(serving), true);
    expect(outcome.outcome).toBe("protocol-error");
    if (outcome.outcome !== "http") expect(outcome.error.message).toMatch(/HTTP\/2-only/);
  });

  it("an endless body is read up to the cap and cut, promptly, with the cut said", async () => {
    const { outcome, elapsedMs } = await get(await startHttpPeer({ kind: "endless-body" }), false);
    expect(outcome).toMatchObject({ outcome: "http", status: 200, truncated: true });
    if (outcome.outcome === "http") expect(outcome.bodyBytesRead).toBeGreaterThan(65_536);
    expect(elapsedMs).toBeLessThan(WHOLE_EXCHANGE_MS + SLACK_MS);
  });

  it.each<[string, HttpBehaviour]>([
    ["mid-headers", { kind: "stall-mid-headers" }],
    ["mid-body", { kind: "stall-mid-body" }],
  ])("a tarpit %s is a timeout within the exchange's deadline", async (_, behaviour) => {
    const { outcome, elapsedMs } = await get(await startHttpPeer(behaviour, { tls: serving }), true);
    expect(outcome.outcome).toBe("timeout");
    expect(elapsedMs).toBeLessThan(WHOLE_EXCHANGE_MS + SLACK_MS);
  });

  it("a slow link dripping a valid answer a byte at a time ends at a deadline, never waits for the whole", async () => {
    const answer = `HTTP/1.1 200 OK\r\ncontent-length: 4000\r\n\r\n${"x".repeat(4000)}`;
    const { outcome, elapsedMs } = await get(
      await startTcpPeer({ kind: "drip", bytes: answer, intervalMs: 5 }),
      false,
    );
    // Each byte restarts the body phase; the whole exchange's deadline is what ends it.
    expect(outcome.outcome).toBe("timeout");
    if (outcome.outcome !== "http")
      expect(outcome.error.message).toMatch(/no complete HTTP answer|no response headers/);
    expect(elapsedMs).toBeLessThan(WHOLE_EXCHANGE_MS + SLACK_MS);
  });
});
