import { type NetError, netError } from "../../model/index.js";
import { formatDistinguishedName, MalformedCertificateError } from "../../x509/index.js";
import { type TlsAlert, tlsAlert } from "./alerts.js";
import { ByteQueue, ByteReader, MalformedInput } from "./bytes.js";
import { type TlsVersion, versionFromCode } from "./versions.js";

export interface ServerHello {
  /** The version the server chose: supported_versions when present, else the legacy field. */
  version: TlsVersion;
  cipherSuite: number;
  compressionMethod: number;
  sessionId: Buffer;
  random: Buffer;
  extensions: Array<{ type: number; data: Buffer }>;
  /** The RFC 8446 HelloRetryRequest: a ServerHello with a fixed random. */
  helloRetryRequest: boolean;
}

export interface CertificateRequest {
  certificateTypes: number[];
  /** TLS 1.2 only; empty before. */
  signatureAlgorithms: number[];
  /** The acceptable client CAs as DER Names, in the order sent. */
  caNamesDer: Buffer[];
  /** The same names as RFC 4514 strings, e.g. `CN=kubernetes`. */
  caNames: string[];
}

/** What the server said before the encrypted part (TLS 1.3) or before the client's turn (TLS 1.2 and older). */
export interface ServerFlight {
  serverHello: ServerHello | null;
  /** The TLS <= 1.2 Certificate message: DER certificates in served order. */
  certificates: Buffer[] | null;
  serverKeyExchange: boolean;
  certificateRequest: CertificateRequest | null;
  serverHelloDone: boolean;
  /** Warning-level alerts the server sent and carried on after (e.g. unrecognized_name). */
  warnings: TlsAlert[];
}

export type FlightProgress =
  | { status: "partial"; flight: ServerFlight }
  /** ServerHelloDone (TLS <= 1.2), or the ServerHello of TLS 1.3 or of a HelloRetryRequest. */
  | { status: "complete"; flight: ServerFlight }
  | { status: "alert"; flight: ServerFlight; alert: TlsAlert }
  | { status: "error"; flight: ServerFlight; error: NetError };

/** The most a server may send before its flight ends; a bigger chain is an error, not an allocation. */
export const MAX_FLIGHT_BYTES = 256 * 1024;

const RECORD_HEADER = 5;
// RFC 5246 6.2.3: a ciphertext record may exceed 2^14 by 2048; anything longer is not TLS.
const MAX_RECORD_BODY = 16384 + 2048;
const HANDSHAKE_HEADER = 4;

const CONTENT_CHANGE_CIPHER_SPEC = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const CONTENT_HEARTBEAT = 24;

const HS_HELLO_REQUEST = 0;
const HS_SERVER_HELLO = 2;
const HS_CERTIFICATE = 11;
const HS_SERVER_KEY_EXCHANGE = 12;
const HS_CERTIFICATE_REQUEST = 13;
const HS_SERVER_HELLO_DONE = 14;

const EXT_SUPPORTED_VERSIONS = 0x002b;

const HELLO_RETRY_RANDOM = Buffer.from(
  "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c",
  "hex",
);

function emptyFlight(): ServerFlight {
  return {
    serverHello: null,
    certificates: null,
    serverKeyExchange: false,
    certificateRequest: null,
    serverHelloDone: false,
    warnings: [],
  };
}

function parseServerHello(body: Buffer): ServerHello {
  const reader = new ByteReader(body);
  const legacyVersion = reader.u16("ServerHello version");
  const random = Buffer.from(reader.bytes(32, "ServerHello random"));
  const sessionId = Buffer.from(reader.vector(1, "ServerHello session id"));
  if (sessionId.length > 32) throw new MalformedInput("ServerHello session id longer than 32 bytes");
  const cipherSuite = reader.u16("ServerHello cipher suite");
  const compressionMethod = reader.u8("ServerHello compression method");
  const extensions: ServerHello["extensions"] = [];
  let selectedVersion = legacyVersion;
  // Extensions are optional before TLS 1.3: an SSL 3.0 ServerHello simply ends here.
  if (reader.remaining > 0) {
    const list = new ByteReader(reader.vector(2, "ServerHello extensions"));
    while (list.remaining > 0) {
      const type = list.u16("extension type");
      const data = Buffer.from(list.vector(2, "extension data"));
      extensions.push({ type, data });
      if (type === EXT_SUPPORTED_VERSIONS) {
        if (data.length !== 2) throw new MalformedInput("bad supported_versions in ServerHello");
        selectedVersion = data.readUInt16BE(0);
      }
    }
  }
  reader.expectEnd("ServerHello");
  const version = versionFromCode(selectedVersion);
  if (version === null) {
    throw new MalformedInput(`ServerHello chose unknown version 0x${selectedVersion.toString(16)}`);
  }
  return {
    version,
    cipherSuite,
    compressionMethod,
    sessionId,
    random,
    extensions,
    helloRetryRequest: random.equals(HELLO_RETRY_RANDOM),
  };
}

function parseCertificate(body: Buffer): Buffer[] {
  const reader = new ByteReader(body);
  const list = new ByteReader(reader.vector(3, "certificate list"));
  reader.expectEnd("Certificate");
  const certificates: Buffer[] = [];
  while (list.remaining > 0) {
    const der = list.vector(3, "certificate");
    if (der.length === 0) throw new MalformedInput("empty certificate in Certificate");
    certificates.push(Buffer.from(der));
  }
  return certificates;
}

function parseCertificateRequest(body: Buffer, version: TlsVersion): CertificateRequest {
  const reader = new ByteReader(body);
  const certificateTypes = [...reader.vector(1, "certificate types")];
  const signatureAlgorithms: number[] = [];
  if (version === "TLSv1.2") {
    const algorithms = reader.vector(2, "signature algorithms");
    if (algorithms.length % 2 !== 0) throw new MalformedInput("odd signature algorithms length");
    for (let i = 0; i < algorithms.length; i += 2) signatureAlgorithms.push(algorithms.readUInt16BE(i));
  }
  const authorities = new ByteReader(reader.vector(2, "certificate authorities"));
  reader.expectEnd("CertificateRequest");
  const caNamesDer: Buffer[] = [];
  while (authorities.remaining > 0) caNamesDer.push(Buffer.from(authorities.vector(2, "distinguished name")));
  return {
    certificateTypes,
    signatureAlgorithms,
    caNamesDer,
    caNames: caNamesDer.map(caName),
  };
}

/** One advertised CA name, formatted exactly as certificate subjects are, so the two compare as strings. */
function caName(der: Buffer): string {
  try {
    return formatDistinguishedName(der);
  } catch (error) {
    if (error instanceof MalformedCertificateError)
      throw new MalformedInput("malformed CA name in CertificateRequest");
    throw error;
  }
}

function describeStart(bytes: Buffer): string {
  const text = bytes.toString("latin1");
  return /^[\x20-\x7e\r\n]+$/.test(text) ? JSON.stringify(text) : bytes.toString("hex");
}

/**
 * Incremental parser for the server's first flight. Feed it bytes as they arrive, in any fragmentation;
 * it reassembles records and handshake messages, stops at the end of the flight, and reports every
 * problem as a typed error: it never throws and never buffers more than MAX_FLIGHT_BYTES.
 */
export class ServerFlightParser {
  readonly #records = new ByteQueue();
  readonly #handshake = new ByteQueue();
  readonly #alert = new ByteQueue();
  readonly #flight = emptyFlight();
  #progress: FlightProgress = { status: "partial", flight: this.#flight };
  #received = 0;
  #sawRecord = false;

  get progress(): FlightProgress {
    return this.#progress;
  }

  /** Adds received bytes. Once the flight is over (complete, alert, error) further bytes are ignored. */
  push(chunk: Buffer): FlightProgress {
    if (this.#progress.status !== "partial") return this.#progress;
    // Bytes past the cap are never looked at, so the outcome cannot depend on how the input was split.
    const accepted = chunk.subarray(0, MAX_FLIGHT_BYTES + 1 - this.#received);
    this.#received += accepted.length;
    this.#records.push(accepted);
    this.#guard(() => this.#drainRecords());
    if (this.#progress.status === "partial" && this.#received > MAX_FLIGHT_BYTES) {
      this.#finish({
        status: "error",
        flight: this.#flight,
        error: netError("body-too-large", `server flight exceeds ${MAX_FLIGHT_BYTES} bytes`),
      });
    }
    return this.#progress;
  }

  /** The peer closed the connection: a flight still partial is an error. */
  end(): FlightProgress {
    if (this.#progress.status !== "partial") return this.#progress;
    if (!this.#sawRecord && this.#records.length > 0) {
      this.#guard(() => this.#checkNotTls());
      if (this.#progress.status !== "partial") return this.#progress;
    }
    const error =
      this.#received === 0
        ? netError("handshake-rejected", "connection closed without an answer to the ClientHello")
        : netError("protocol-error", "connection closed in the middle of the server's flight");
    this.#finish({ status: "error", flight: this.#flight, error });
    return this.#progress;
  }

  #finish(progress: FlightProgress): void {
    this.#progress = progress;
  }

  /** Malformed input surfaces as MalformedInput; anything else would be a parser bug, still not a throw. */
  #guard(step: () => unknown): void {
    try {
      step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#finish({ status: "error", flight: this.#flight, error: netError("protocol-error", message) });
    }
  }

  #drainRecords(): void {
    while (this.#progress.status === "partial") {
      const header = this.#records.peek(RECORD_HEADER);
      if (header === undefined) return;
      if (!this.#sawRecord && this.#checkNotTls()) return;
      const type = header.readUInt8(0);
      const length = header.readUInt16BE(3);
      if (header.readUInt8(1) !== 3)
        throw new MalformedInput(`record with version ${header.toString("hex", 1, 3)}`);
      if (length > MAX_RECORD_BODY)
        throw new MalformedInput(`record of ${length} bytes exceeds the TLS limit`);
      if (this.#records.length < RECORD_HEADER + length) return;
      const record = this.#records.take(RECORD_HEADER + length)?.subarray(RECORD_HEADER) ?? Buffer.alloc(0);
      this.#sawRecord = true;
      this.#onRecord(type, record);
    }
  }

  /**
   * The first record header (or what arrived of it before the close) decides whether this is TLS at all;
   * an HTTP server answers a ClientHello with `HTTP/1.1 400`.
   */
  #checkNotTls(): boolean {
    const start = this.#records.peek(Math.min(this.#records.length, RECORD_HEADER)) ?? Buffer.alloc(0);
    const type = start[0] ?? 0;
    const knownType = type >= CONTENT_CHANGE_CIPHER_SPEC && type <= CONTENT_HEARTBEAT;
    if (knownType && (start.length < 2 || start[1] === 3)) return false;
    const message = start.toString("latin1").startsWith("HTTP/")
      ? "peer answered with plain HTTP"
      : `peer answered with non-TLS bytes ${describeStart(start)}`;
    this.#finish({ status: "error", flight: this.#flight, error: netError("not-tls", message) });
    return true;
  }

  #onRecord(type: number, body: Buffer): void {
    switch (type) {
      case CONTENT_HANDSHAKE:
        this.#handshake.push(body);
        this.#drainHandshake();
        return;
      case CONTENT_ALERT:
        this.#alert.push(body);
        this.#drainAlerts();
        return;
      case CONTENT_CHANGE_CIPHER_SPEC:
      case CONTENT_HEARTBEAT:
        return;
      case CONTENT_APPLICATION_DATA:
        throw new MalformedInput("application data before the handshake finished");
      default:
        throw new MalformedInput(`record of unknown content type ${type}`);
    }
  }

  #drainAlerts(): void {
    while (this.#progress.status === "partial") {
      const bytes = this.#alert.take(2);
      if (bytes === undefined) return;
      const alert = tlsAlert(bytes.readUInt8(0), bytes.readUInt8(1));
      // A warning (other than close_notify) does not end the handshake: Java warns unrecognized_name.
      if (alert.level === 1 && alert.description !== 0) {
        this.#flight.warnings.push(alert);
      } else {
        this.#finish({ status: "alert", flight: this.#flight, alert });
      }
    }
  }

  #drainHandshake(): void {
    while (this.#progress.status === "partial") {
      const header = this.#handshake.peek(HANDSHAKE_HEADER);
      if (header === undefined) return;
      const length = header.readUIntBE(1, 3);
      if (length > MAX_FLIGHT_BYTES) {
        this.#finish({
          status: "error",
          flight: this.#flight,
          error: netError(
            "body-too-large",
            `handshake message of ${length} bytes exceeds ${MAX_FLIGHT_BYTES}`,
          ),
        });
        return;
      }
      const message = this.#handshake.take(HANDSHAKE_HEADER + length);
      if (message === undefined) return;
      this.#onHandshake(header.readUInt8(0), message.subarray(HANDSHAKE_HEADER));
    }
  }

  #onHandshake(type: number, body: Buffer): void {
    const hello = this.#flight.serverHello;
    if (hello === null) {
      if (type === HS_HELLO_REQUEST) return;
      if (type !== HS_SERVER_HELLO)
        throw new MalformedInput(`expected ServerHello, got handshake type ${type}`);
      const parsed = parseServerHello(body);
      this.#flight.serverHello = parsed;
      // Past a TLS 1.3 ServerHello (or a HelloRetryRequest) everything is encrypted or a new round.
      if (parsed.helloRetryRequest || parsed.version === "TLSv1.3") {
        this.#finish({ status: "complete", flight: this.#flight });
      }
      return;
    }
    switch (type) {
      case HS_CERTIFICATE:
        this.#flight.certificates = parseCertificate(body);
        return;
      case HS_SERVER_KEY_EXCHANGE:
        this.#flight.serverKeyExchange = true;
        return;
      case HS_CERTIFICATE_REQUEST:
        this.#flight.certificateRequest = parseCertificateRequest(body, hello.version);
        return;
      case HS_SERVER_HELLO_DONE:
        if (body.length !== 0) throw new MalformedInput("ServerHelloDone with a body");
        this.#flight.serverHelloDone = true;
        this.#finish({ status: "complete", flight: this.#flight });
        return;
      case HS_SERVER_HELLO:
        throw new MalformedInput("second ServerHello");
      default:
        // CertificateStatus and the like: not needed, harmless.
        return;
    }
  }
}

/** Parses a whole captured server flight in one go. */
export function parseServerFlight(bytes: Buffer): FlightProgress {
  const parser = new ServerFlightParser();
  parser.push(bytes);
  return parser.progress;
}
