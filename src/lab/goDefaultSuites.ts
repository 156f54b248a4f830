import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import type { Server as HttpsServer } from "node:https";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { Duplex } from "node:stream";
import type { MintedCertificate } from "../x509/index.js";

/*
 * Go's crypto/tls before 1.22 keeps two 3DES suites at the end of its default server list; OpenSSL 3 (and so
 * node:tls) cannot negotiate 3DES at all, even at @SECLEVEL=0. To imitate a Go 1.19 server with an RSA
 * certificate (etcd, a kubelet, the controller manager without --tls-cipher-suites), the lab puts this front
 * before a node:tls server restricted to Go's other default suites: a TLS 1.2 ClientHello that offers one of those
 * goes to node:tls; one that offers none of them but a 3DES suite gets Go's first flight for that suite
 * (ServerHello, Certificate, a signed ServerKeyExchange for ECDHE, the CertificateRequest when client
 * certificates are asked for, ServerHelloDone), exactly what a scanner that writes its own ClientHello sees, and
 * the connection is closed after it: no client here can offer 3DES to go further.
 */

/** Go 1.19's default TLS 1.2 suites usable with an RSA certificate, bar 3DES, in OpenSSL's spelling. */
export const GO_DEFAULT_RSA_CIPHERS = [
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "ECDHE-RSA-AES128-SHA",
  "ECDHE-RSA-AES256-SHA",
  "AES128-GCM-SHA256",
  "AES256-GCM-SHA384",
  "AES128-SHA",
  "AES256-SHA",
].join(":");

/** The same suites by IANA code: an offer that contains one of them is answered by node:tls. */
const GO_DEFAULT_RSA_CODES = new Set([
  0xc02f, 0xc030, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
]);

/** Go's 3DES suites in its preference order: TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA. */
const GO_3DES_CODES = [0xc012, 0x000a] as const;
const ECDHE_RSA_3DES = 0xc012;

const TLS12 = 0x0303;
const HANDSHAKE = 22;
const MAX_CLIENT_HELLO = 16 * 1024;
const X25519 = 0x001d;
const RSA_PKCS1_SHA256 = 0x0401;

export interface GoDefaultSuitesOptions {
  chain: readonly MintedCertificate[];
  /** The CAs named in the CertificateRequest; empty: no certificate is asked for. */
  clientCas: readonly MintedCertificate[];
}

/** A TCP server that answers as Go's default suites would, handing everything node:tls can serve to `inner`. */
export function goDefaultSuitesFront(inner: HttpsServer, options: GoDefaultSuitesOptions): Server {
  return createTcpServer((socket) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const hello = parseClientHello(buffered);
      if (hello === "partial" && buffered.length < MAX_CLIENT_HELLO) return;
      socket.off("data", onData);
      const pick = hello === "partial" || hello === null ? null : goPicks3des(hello);
      if (pick === null || hello === "partial" || hello === null) {
        inner.emit("connection", replaying(buffered, socket));
        return;
      }
      socket.end(firstFlight(hello, pick, options));
    };
    socket.on("data", onData);
  });
}

/*
 * node:tls takes over a net.Socket's handle and would never see bytes already read from it, so the server is
 * given a stream that replays them first and then relays the socket both ways.
 */
function replaying(alreadyRead: Buffer, socket: Socket): Duplex {
  const relay = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      socket.write(chunk, done);
    },
    final(done) {
      socket.end();
      done();
    },
    destroy(error, done) {
      socket.destroy();
      done(error);
    },
  });
  relay.push(alreadyRead);
  socket.on("data", (chunk: Buffer) => relay.push(chunk));
  socket.on("end", () => relay.push(null));
  socket.on("close", () => relay.destroy());
  return relay;
}

interface ClientHello {
  version: number;
  random: Buffer;
  sessionId: Buffer;
  suites: number[];
}

/** The 3DES suite Go would pick for this offer, or null when node:tls (or nobody) should answer. */
function goPicks3des(hello: ClientHello): number | null {
  if (hello.version !== TLS12) return null;
  if (hello.suites.some((code) => GO_DEFAULT_RSA_CODES.has(code))) return null;
  return GO_3DES_CODES.find((code) => hello.suites.includes(code)) ?? null;
}

/** A whole ClientHello from the first bytes; "partial" until it has arrived, null when it is not one. */
function parseClientHello(bytes: Buffer): ClientHello | "partial" | null {
  if (bytes.length < 5) return "partial";
  if (bytes[0] !== HANDSHAKE) return null;
  const recordLength = bytes.readUInt16BE(3);
  if (bytes.length < 5 + recordLength) return "partial";
  const body = bytes.subarray(5, 5 + recordLength);
  // A ClientHello split over several records is not one this front needs to answer.
  if (body[0] !== 1 || body.length < 4 || body.readUIntBE(1, 3) + 4 > body.length) return null;
  try {
    let offset = 4;
    const version = body.readUInt16BE(offset);
    offset += 2;
    const random = body.subarray(offset, offset + 32);
    offset += 32;
    const sessionIdLength = body.readUInt8(offset);
    const sessionId = body.subarray(offset + 1, offset + 1 + sessionIdLength);
    offset += 1 + sessionIdLength;
    const suitesLength = body.readUInt16BE(offset);
    offset += 2;
    const suites: number[] = [];
    for (let at = offset; at < offset + suitesLength; at += 2) suites.push(body.readUInt16BE(at));
    return { version, random, sessionId, suites };
  } catch {
    return null;
  }
}

function firstFlight(hello: ClientHello, suite: number, options: GoDefaultSuitesOptions): Buffer {
  const serverRandom = randomBytes(32);
  const extensions = Buffer.concat([
    // renegotiation_info (empty), and the uncompressed point format for the ECDHE suite.
    Buffer.from([0xff, 0x01, 0x00, 0x01, 0x00]),
    ...(suite === ECDHE_RSA_3DES ? [Buffer.from([0x00, 0x0b, 0x00, 0x02, 0x01, 0x00])] : []),
  ]);
  const serverHello = Buffer.concat([
    u16(TLS12),
    serverRandom,
    Buffer.from([hello.sessionId.length]),
    hello.sessionId,
    u16(suite),
    Buffer.from([0]),
    u16(extensions.length),
    extensions,
  ]);
  const certificates = Buffer.concat(options.chain.map((certificate) => withU24(certificate.certDer)));
  const messages = [handshake(2, serverHello), handshake(11, withU24(certificates))];
  const leaf = options.chain[0];
  if (suite === ECDHE_RSA_3DES && leaf) {
    messages.push(handshake(12, serverKeyExchange(hello.random, serverRandom, leaf)));
  }
  if (options.clientCas.length > 0) {
    const names = Buffer.concat(options.clientCas.map((ca) => withU16(subjectDer(ca.certDer))));
    // Certificate types rsa_sign and ecdsa_sign, the signature algorithms Go lists first, then the CA names.
    const algorithms = Buffer.from([0x04, 0x03, 0x08, 0x04, 0x04, 0x01]);
    messages.push(
      handshake(13, Buffer.concat([Buffer.from([2, 1, 64]), withU16(algorithms), withU16(names)])),
    );
  }
  messages.push(handshake(14, Buffer.alloc(0)));
  const payload = Buffer.concat(messages);
  return Buffer.concat([Buffer.from([HANDSHAKE]), u16(TLS12), u16(payload.length), payload]);
}

/** ECDHE parameters on x25519, signed with the leaf's RSA key over both randoms (RFC 8422 section 5.4). */
function serverKeyExchange(clientRandom: Buffer, serverRandom: Buffer, leaf: MintedCertificate): Buffer {
  const { publicKey } = generateKeyPairSync("x25519");
  const point = publicKey.export({ type: "spki", format: "der" }).subarray(-32);
  const params = Buffer.concat([Buffer.from([3]), u16(X25519), Buffer.from([point.length]), point]);
  const signature = sign("sha256", Buffer.concat([clientRandom, serverRandom, params]), leaf.privateKey);
  return Buffer.concat([params, u16(RSA_PKCS1_SHA256), withU16(signature)]);
}

/** The DER subject Name of a certificate: the sixth element of tbsCertificate, counting the optional version. */
function subjectDer(certificateDer: Buffer): Buffer {
  const tbs = tlvAt(certificateDer, tlvAt(certificateDer, 0).contentStart);
  let at = tbs.contentStart;
  const fields: { start: number; end: number }[] = [];
  while (at < tbs.end && fields.length < 6) {
    const field = tlvAt(certificateDer, at);
    fields.push({ start: at, end: field.end });
    at = field.end;
  }
  const hasVersion = certificateDer[tbs.contentStart] === 0xa0;
  const subject = fields[hasVersion ? 5 : 4];
  if (!subject) throw new Error("certificate without a subject");
  return certificateDer.subarray(subject.start, subject.end);
}

function tlvAt(der: Buffer, at: number): { contentStart: number; end: number } {
  const first = der.readUInt8(at + 1);
  if (first < 0x80) return { contentStart: at + 2, end: at + 2 + first };
  const lengthBytes = first & 0x7f;
  const length = der.readUIntBE(at + 2, lengthBytes);
  return { contentStart: at + 2 + lengthBytes, end: at + 2 + lengthBytes + length };
}

function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u24(body.length), body]);
}

function withU16(body: Buffer): Buffer {
  return Buffer.concat([u16(body.length), body]);
}

function withU24(body: Buffer): Buffer {
  return Buffer.concat([u24(body.length), body]);
}

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}

function u24(value: number): Buffer {
  const out = Buffer.alloc(3);
  out.writeUIntBE(value, 0, 3);
  return out;
}
