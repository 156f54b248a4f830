import { createServer, type Server, type TlsOptions } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildClientHello, helloProbe, sniName, type TlsVersion } from "../../../src/net/hello/index.js";
import { close, listen, loopbackAddress, makePki, type TestPki } from "./fixtures.js";

interface DecodedHello {
  recordVersion: number;
  legacyVersion: number;
  sessionIdLength: number;
  suites: number[];
  extensions: Map<number, Buffer>;
  handshakeLength: number;
}

/** An independent reading of the ClientHello, as a server would do it. */
function decode(bytes: Buffer): DecodedHello {
  expect(bytes[0]).toBe(22);
  const recordVersion = bytes.readUInt16BE(1);
  expect(bytes.readUInt16BE(3)).toBe(bytes.length - 5);
  const message = bytes.subarray(5);
  expect(message[0]).toBe(1);
  const handshakeLength = message.readUIntBE(1, 3);
  expect(handshakeLength).toBe(message.length - 4);
  const body = message.subarray(4);
  let at = 0;
  const legacyVersion = body.readUInt16BE(at);
  at += 2 + 32;
  const sessionIdLength = body[at] ?? 0;
  at += 1 + sessionIdLength;
  const suitesLength = body.readUInt16BE(at);
  at += 2;
  const suites: number[] = [];
  for (let i = 0; i < suitesLength; i += 2) suites.push(body.readUInt16BE(at + i));
  at += suitesLength;
  const compressionLength = body[at] ?? 0;
  expect([...body.subarray(at + 1, at + 1 + compressionLength)]).toEqual([0]);
  at += 1 + compressionLength;
  const extensions = new Map<number, Buffer>();
  if (at < body.length) {
    const end = at + 2 + body.readUInt16BE(at);
    expect(end).toBe(body.length);
    at += 2;
    while (at < end) {
      const type = body.readUInt16BE(at);
      const length = body.readUInt16BE(at + 2);
      extensions.set(type, body.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    expect(at).toBe(end);
  }
  return { recordVersion, legacyVersion, sessionIdLength, suites, extensions, handshakeLength };
}

describe("buildClientHello", () => {
  it("writes each version's hello the way that version expects", () => {
    const expected: Record<TlsVersion, [number, number]> = {
      SSLv3: [0x0300, 0x0300],
      TLSv1: [0x0301, 0x0301],
      "TLSv1.1": [0x0301, 0x0302],
      "TLSv1.2": [0x0301, 0x0303],
      "TLSv1.3": [0x0301, 0x0303],
    };
    for (const [version, [record, legacy]] of Object.entries(expected) as Array<
      [TlsVersion, [number, number]]
    >) {
      const hello = decode(
        buildClientHello({ version, suites: [0x002f, 0x0035], servername: "kubelet.test" }),
      );
      expect(hello.recordVersion).toBe(record);
      expect(hello.legacyVersion).toBe(legacy);
      if (version === "SSLv3") {
        expect(hello.extensions.size).toBe(0);
        expect(hello.suites).toEqual([0x002f, 0x0035, 0x00ff]);
      } else {
        expect(hello.suites).toEqual([0x002f, 0x0035]);
        expect(hello.extensions.has(0x000a)).toBe(true);
        expect(hello.extensions.get(0x000b)).toEqual(Buffer.from([1, 0]));
        expect(hello.extensions.has(0xff01)).toBe(version !== "TLSv1.3");
        expect(hello.extensions.has(0x000d)).toBe(version === "TLSv1.2" || version === "TLSv1.3");
      }
      // The F5 ClientHello bug: never a 256-511 byte record.
      const recordLength = hello.handshakeLength + 4;
      expect(recordLength < 256 || recordLength >= 512).toBe(true);
    }
  });

  it("offers TLS 1.3 properly: supported_versions, real key shares, psk modes, a session id", () => {
    const hello = decode(buildClientHello({ version: "TLSv1.3", suites: [0x1301], servername: "a.test" }));
    expect(hello.sessionIdLength).toBe(32);
    expect(hello.extensions.get(0x002b)).toEqual(Buffer.from([2, 3, 4]));
    expect(hello.extensions.get(0x002d)).toEqual(Buffer.from([1, 1]));
    const shares = hello.extensions.get(0x0033) ?? Buffer.alloc(0);
    expect(shares.readUInt16BE(0)).toBe(shares.length - 2);
    expect(shares.readUInt16BE(2)).toBe(0x001d);
    expect(shares.readUInt16BE(4)).toBe(32);
    expect(shares.readUInt16BE(38)).toBe(0x0017);
    expect(shares.readUInt16BE(40)).toBe(65);
    expect(shares[42]).toBe(4); // uncompressed point
    const algorithms = hello.extensions.get(0x000d) ?? Buffer.alloc(0);
    const list = Array.from({ length: (algorithms.length - 2) / 2 }, (_, i) =>
      algorithms.readUInt16BE(2 + 2 * i),
    );
    expect(list).toContain(0x0201); // rsa_pkcs1_sha1
    expect(list).toContain(0x0203); // ecdsa_sha1
  });

  it("sends SNI for DNS names only", () => {
    const named = decode(
      buildClientHello({ version: "TLSv1.2", suites: [0xc02f], servername: "node-1.kube.test" }),
    );
    const sni = named.extensions.get(0x0000) ?? Buffer.alloc(0);
    expect(sni.subarray(5).toString()).toBe("node-1.kube.test");
    for (const servername of ["10.0.0.1", "::1", "fe80::1", "", undefined]) {
      expect(
        decode(buildClientHello({ version: "TLSv1.2", suites: [0xc02f], servername })).extensions.has(0),
      ).toBe(false);
    }
    expect(sniName("api.kube.test.")).toBe("api.kube.test");
  });

  it("splits a hello bigger than a record across records", () => {
    const suites = Array.from({ length: 9000 }, (_, i) => i + 1);
    const bytes = buildClientHello({ version: "TLSv1.2", suites });
    expect(bytes[0]).toBe(22);
    const first = bytes.readUInt16BE(3);
    expect(first).toBe(16384);
    expect(bytes[5 + first]).toBe(22);
  });
});

describe("helloProbe against node:tls", () => {
  let pki: TestPki;
  const servers: Server[] = [];
  beforeAll(async () => {
    pki = await makePki();
  });
  afterAll(async () => {
    await Promise.all(servers.map(close));
    pki?.cleanup();
  });

  async function serve(options: TlsOptions, onServername?: (name: string) => void) {
    const server = createServer({
      key: pki.ecdsa.key,
      cert: pki.ecdsa.cert,
      ...options,
      SNICallback: (name, callback) => {
        onServername?.(name);
        callback(null);
      },
    });
    server.on("tlsClientError", () => {});
    const host = loopbackAddress();
    const port = await listen(server, host);
    servers.push(server);
    return { host, port };
  }

  it("delivers SNI to the server for a DNS servername and none for an IP target", async () => {
    const seen: string[] = [];
    const target = await serve({}, (name) => seen.push(name));
    const named = await helloProbe({
      ...target,
      servername: "kubelet.test",
      version: "TLSv1.3",
      suites: [0x1301],
      timeoutMs: 5_000,
    });
    expect(named.accepted).toBe(true);
    const bare = await helloProbe({ ...target, version: "TLSv1.2", suites: [0xc02b], timeoutMs: 5_000 });
    expect(bare.accepted).toBe(true);
    expect(seen).toEqual(["kubelet.test"]);
  });

  it("gets a TLS 1.3 ServerHello from a P-256-only server (the key share is a real point)", async () => {
    const target = await serve({ ecdhCurve: "P-256", minVersion: "TLSv1.3" });
    const probe = await helloProbe({
      ...target,
      version: "TLSv1.3",
      suites: [0x1302, 0x1301],
      timeoutMs: 5_000,
    });
    expect(probe).toMatchObject({ accepted: true, negotiatedVersion: "TLSv1.3", helloRetryRequest: false });
    expect(probe.certificateRequest).toBeUndefined();
  });

  it("takes a HelloRetryRequest as the version and suite accepted", async () => {
    const target = await serve({ ecdhCurve: "P-384", minVersion: "TLSv1.3" });
    const probe = await helloProbe({ ...target, version: "TLSv1.3", suites: [0x1303], timeoutMs: 5_000 });
    expect(probe).toMatchObject({
      accepted: true,
      helloRetryRequest: true,
      suite: "TLS_CHACHA20_POLY1305_SHA256",
    });
  });

  it("reports the version a server falls back to, and the alert that refuses a suite", async () => {
    const target = await serve({ maxVersion: "TLSv1.2" });
    const tls13 = await helloProbe({ ...target, version: "TLSv1.3", suites: [0x1301], timeoutMs: 5_000 });
    expect(tls13.accepted).toBe(false);
    expect(tls13.alert?.descriptionName).toMatch(/handshake_failure|protocol_version/);
    const rsaOnly = await helloProbe({ ...target, version: "TLSv1.2", suites: [0xc02f], timeoutMs: 5_000 });
    expect(rsaOnly).toMatchObject({
      accepted: false,
      alert: { levelName: "fatal", descriptionName: "handshake_failure" },
    });
    expect(rsaOnly.error).toBeUndefined();
  });
});
