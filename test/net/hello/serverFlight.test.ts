import { connect } from "node:net";
import { createServer } from "node:tls";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildClientHello,
  type FlightProgress,
  MAX_FLIGHT_BYTES,
  parseServerFlight,
  ServerFlightParser,
} from "../../../src/net/hello/index.js";
import { close, listen, loopbackAddress, makePki } from "./fixtures.js";
import {
  alert,
  CN,
  certificate,
  certificateRequest,
  derName,
  HELLO_RETRY_RANDOM,
  handshake,
  O,
  records,
  serverHello,
  serverHelloDone,
  serverKeyExchange,
} from "./wire.js";

/** Feeds `bytes` in pieces cut at `cuts` (any order, duplicates allowed), then ends the stream. */
function feed(bytes: Buffer, cuts: readonly number[] = [], end = false): FlightProgress {
  const parser = new ServerFlightParser();
  const points = [...new Set(cuts.filter((cut) => cut > 0 && cut < bytes.length))].sort((a, b) => a - b);
  let start = 0;
  for (const point of [...points, bytes.length]) {
    parser.push(bytes.subarray(start, point));
    start = point;
  }
  return end ? parser.end() : parser.progress;
}

/** Deep equality that stays fast over thousands of comparisons of Buffer-heavy results. */
function expectSame(actual: FlightProgress, expected: FlightProgress): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual).toEqual(expected);
}

const cas = [
  derName([[{ oid: O, value: "kubetls test" }], [{ oid: CN, value: "kubernetes" }]]),
  derName([[{ oid: CN, value: "front-proxy-ca" }]]),
];
const chain = [Buffer.alloc(700, 1), Buffer.alloc(500, 2)];
const tls12Flight = records(
  22,
  Buffer.concat([
    serverHello({ version: 0x0303, suite: 0xc02f }),
    certificate(chain),
    serverKeyExchange(),
    certificateRequest(cas),
    serverHelloDone(),
  ]),
  300,
);

describe("ServerFlightParser on crafted flights", () => {
  it("parses a TLS 1.2 flight: suite, chain in order, CertificateRequest names, done", () => {
    const progress = parseServerFlight(tls12Flight);
    expect(progress.status).toBe("complete");
    const { flight } = progress;
    expect(flight.serverHello?.version).toBe("TLSv1.2");
    expect(flight.serverHello?.cipherSuite).toBe(0xc02f);
    expect(flight.certificates).toEqual(chain);
    expect(flight.serverKeyExchange).toBe(true);
    expect(flight.certificateRequest?.caNames).toEqual(["CN=kubernetes,O=kubetls test", "CN=front-proxy-ca"]);
    expect(flight.certificateRequest?.caNamesDer).toEqual(cas);
    expect(flight.certificateRequest?.signatureAlgorithms).toEqual([0x0804, 0x0403]);
    expect(flight.certificateRequest?.certificateTypes).toEqual([1, 64]);
    expect(flight.serverHelloDone).toBe(true);
  });

  it("gives the same result however the flight is cut, at every byte boundary", () => {
    const whole = parseServerFlight(tls12Flight);
    for (let cut = 1; cut < tls12Flight.length; cut += 1) {
      expectSame(feed(tls12Flight, [cut]), whole);
    }
    expectSame(
      feed(
        tls12Flight,
        Array.from({ length: tls12Flight.length }, (_, i) => i),
      ),
      whole,
    );
  });

  it("stays partial on every truncation and calls the close an error", () => {
    for (let length = 0; length < tls12Flight.length; length += 1) {
      const prefix = tls12Flight.subarray(0, length);
      expect(parseServerFlight(prefix).status).toBe("partial");
      const ended = feed(prefix, [], true);
      expect(ended.status).toBe("error");
      if (ended.status === "error")
        expect(ended.error.code).toBe(length === 0 ? "handshake-rejected" : "protocol-error");
    }
  });

  it("parses an SSL 3.0 / TLS 1.0 flight: no extensions, no signature algorithms in CertificateRequest", () => {
    const bytes = records(
      22,
      Buffer.concat([
        serverHello({ version: 0x0300, suite: 0x000a, noExtensions: true }),
        certificate([Buffer.from([0x30, 0x00])]),
        certificateRequest([cas[1] as Buffer], false),
        serverHelloDone(),
      ]),
      16384,
      0x0300,
    );
    const progress = parseServerFlight(bytes);
    expect(progress.status).toBe("complete");
    expect(progress.flight.serverHello?.version).toBe("SSLv3");
    expect(progress.flight.certificateRequest?.caNames).toEqual(["CN=front-proxy-ca"]);
    expect(progress.flight.certificateRequest?.signatureAlgorithms).toEqual([]);
  });

  it("completes at a TLS 1.3 ServerHello and ignores the encrypted rest", () => {
    const bytes = Buffer.concat([
      records(22, serverHello({ version: 0x0304, suite: 0x1302 })),
      records(20, Buffer.from([1])),
      records(23, Buffer.alloc(100)),
    ]);
    const progress = parseServerFlight(bytes);
    expect(progress.status).toBe("complete");
    expect(progress.flight.serverHello?.version).toBe("TLSv1.3");
    expect(progress.flight.serverHello?.cipherSuite).toBe(0x1302);
    expect(progress.flight.serverHello?.helloRetryRequest).toBe(false);
  });

  it("recognises a HelloRetryRequest by its random", () => {
    const bytes = records(22, serverHello({ version: 0x0304, suite: 0x1301, random: HELLO_RETRY_RANDOM }));
    const progress = parseServerFlight(bytes);
    expect(progress.status).toBe("complete");
    expect(progress.flight.serverHello?.helloRetryRequest).toBe(true);
  });

  it("names fatal alerts, and carries on past a warning", () => {
    const refused = parseServerFlight(alert(2, 40));
    expect(refused).toMatchObject({
      status: "alert",
      alert: { level: 2, levelName: "fatal", description: 40, descriptionName: "handshake_failure" },
    });
    expect(parseServerFlight(alert(2, 70))).toMatchObject({ alert: { descriptionName: "protocol_version" } });
    const warned = parseServerFlight(Buffer.concat([alert(1, 112), tls12Flight]));
    expect(warned.status).toBe("complete");
    expect(warned.flight.warnings).toMatchObject([{ descriptionName: "unrecognized_name" }]);
  });

  it("calls plain HTTP and other non-TLS answers not-tls", () => {
    const http = parseServerFlight(Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"));
    expect(http).toMatchObject({
      status: "error",
      error: { code: "not-tls", message: "peer answered with plain HTTP" },
    });
    expect(parseServerFlight(Buffer.from("SSH-2.0-OpenSSH_9.2\r\n"))).toMatchObject({
      error: { code: "not-tls" },
    });
    // Too short to tell until the peer closes.
    expect(feed(Buffer.from("HT"), [], true)).toMatchObject({ error: { code: "not-tls" } });
  });

  it("reports protocol errors with a typed code", () => {
    const cases: Buffer[] = [
      records(22, Buffer.concat([certificate(chain)])), // no ServerHello first
      records(23, Buffer.alloc(10)), // application data
      Buffer.from([22, 3, 3, 0xff, 0xff]), // record overflow
      Buffer.concat([
        records(22, serverHello({ version: 0x0303, suite: 1 })),
        Buffer.from([22, 9, 9, 0, 1, 0]),
      ]),
      records(22, serverHello({ version: 0x0399, suite: 1 })), // unknown version
      records(22, handshake(2, Buffer.alloc(10))), // short ServerHello
      records(
        22,
        Buffer.concat([
          serverHello({ version: 0x0303, suite: 1 }),
          certificateRequest([Buffer.from([0x30, 0x05, 1])]),
        ]),
      ), // malformed DN
    ];
    for (const bytes of cases) {
      expect(parseServerFlight(bytes)).toMatchObject({ status: "error", error: { code: "protocol-error" } });
    }
  });

  it("refuses to buffer a flight past the cap", () => {
    const huge = Array.from({ length: 30 }, () => Buffer.alloc(10_000, 3));
    const bytes = records(
      22,
      Buffer.concat([serverHello({ version: 0x0303, suite: 1 }), certificate(huge), serverHelloDone()]),
    );
    expect(bytes.length).toBeGreaterThan(MAX_FLIGHT_BYTES);
    expect(parseServerFlight(bytes)).toMatchObject({ status: "error", error: { code: "body-too-large" } });
    const declared = records(
      22,
      Buffer.concat([serverHello({ version: 0x0303, suite: 1 }), Buffer.from([11, 0x7f, 0, 0])]),
    );
    expect(parseServerFlight(declared)).toMatchObject({ status: "error", error: { code: "body-too-large" } });
  });

  it("stays linear when a big flight arrives one byte at a time", () => {
    const big = records(
      22,
      Buffer.concat([
        serverHello({ version: 0x0303, suite: 1 }),
        certificate(Array.from({ length: 20 }, () => Buffer.alloc(10_000, 5))),
        serverHelloDone(),
      ]),
    );
    const started = performance.now();
    const parser = new ServerFlightParser();
    for (let i = 0; i < big.length; i += 1) parser.push(big.subarray(i, i + 1));
    expect(parser.progress.status).toBe("complete");
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

const versionArb = fc.constantFrom(0x0300, 0x0301, 0x0302, 0x0303);
const nameArb = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/);
const flightArb = fc.record({
  version: versionArb,
  suite: fc.integer({ min: 0, max: 0xffff }),
  chain: fc.array(fc.uint8Array({ minLength: 1, maxLength: 400 }), { maxLength: 3 }),
  serverKeyExchange: fc.boolean(),
  caNames: fc.option(fc.array(nameArb, { maxLength: 3 }), { nil: undefined }),
  fragment: fc.integer({ min: 1, max: 600 }),
});

type FlightSpec = typeof flightArb extends fc.Arbitrary<infer T> ? T : never;

function encode(spec: FlightSpec): Buffer {
  const messages = [
    serverHello({ version: spec.version, suite: spec.suite, noExtensions: spec.version === 0x0300 }),
  ];
  messages.push(certificate(spec.chain.map((bytes) => Buffer.from(bytes))));
  if (spec.serverKeyExchange) messages.push(serverKeyExchange());
  if (spec.caNames !== undefined) {
    messages.push(
      certificateRequest(
        spec.caNames.map((name) => derName([[{ oid: CN, value: name }]])),
        spec.version === 0x0303,
      ),
    );
  }
  messages.push(serverHelloDone());
  return records(22, Buffer.concat(messages), spec.fragment, spec.version);
}

describe("ServerFlightParser properties", () => {
  it("parses any well-formed TLS <= 1.2 flight to what was encoded, however it is cut", () => {
    fc.assert(
      fc.property(flightArb, fc.array(fc.nat({ max: 5000 }), { maxLength: 40 }), (spec, cuts) => {
        const bytes = encode(spec);
        const whole = parseServerFlight(bytes);
        expect(whole.status).toBe("complete");
        expect(whole.flight.serverHello?.cipherSuite).toBe(spec.suite);
        expect(whole.flight.certificates).toEqual(spec.chain.map((bytes) => Buffer.from(bytes)));
        expect(whole.flight.certificateRequest?.caNames).toEqual(spec.caNames?.map((name) => `CN=${name}`));
        expectSame(feed(bytes, cuts), whole);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on arbitrary bytes and agrees with itself across fragmentations", () => {
    const tlsLooking = fc
      .tuple(
        fc.constantFrom(20, 21, 22, 23),
        fc.constantFrom(0x0300, 0x0303),
        fc.uint8Array({ maxLength: 3000 }),
      )
      .map(([type, version, rest]) =>
        Buffer.concat([Buffer.from([type, version >> 8, version & 0xff]), rest]),
      );
    const anyBytes = fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(
        fc.oneof(anyBytes, tlsLooking),
        fc.array(fc.nat({ max: 3000 }), { maxLength: 30 }),
        fc.boolean(),
        (bytes, cuts, end) => {
          const whole = feed(bytes, [], end);
          expect(["partial", "complete", "alert", "error"]).toContain(whole.status);
          if (end) expect(whole.status).not.toBe("partial");
          expectSame(feed(bytes, cuts, end), whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never throws on corrupted valid flights", () => {
    fc.assert(
      fc.property(
        flightArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat({ max: 5000 }), { maxLength: 20 }),
        (spec, flips, cuts) => {
          const bytes = Buffer.from(encode(spec));
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const whole = feed(bytes, [], true);
          expect(["complete", "alert", "error"]).toContain(whole.status);
          expectSame(feed(bytes, cuts, true), whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("ServerFlightParser on a flight captured from node:tls", () => {
  it("parses the real bytes the same at every byte boundary", async () => {
    const pki = await makePki();
    const server = createServer({
      key: pki.rsaLeaf.key,
      cert: pki.rsaLeaf.cert + pki.servingCa.cert,
      maxVersion: "TLSv1.2",
      requestCert: true,
      rejectUnauthorized: false,
      ca: [pki.clientCa.cert],
    });
    server.on("tlsClientError", () => {});
    const host = loopbackAddress();
    const port = await listen(server, host);
    try {
      const captured = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const parser = new ServerFlightParser();
        const socket = connect({ host, port }, () =>
          socket.write(buildClientHello({ version: "TLSv1.2", suites: [0xc02f] })),
        );
        socket.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          if (parser.push(chunk).status !== "partial") {
            socket.destroy();
            resolve(Buffer.concat(chunks));
          }
        });
        socket.on("error", reject);
        setTimeout(() => reject(new Error("no flight")), 5_000).unref();
      });
      const whole = parseServerFlight(captured);
      expect(whole.status).toBe("complete");
      expect(whole.flight.certificates).toEqual([pki.rsaLeaf.der, pki.servingCa.der]);
      expect(whole.flight.certificateRequest?.caNames).toEqual(["CN=kubernetes,O=kubetls test"]);
      for (let cut = 1; cut < captured.length; cut += 1) expectSame(feed(captured, [cut]), whole);
    } finally {
      await close(server);
      pki.cleanup();
    }
  });
});
