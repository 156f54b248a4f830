import { createECDH, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { type TlsVersion, versionCode } from "./versions.js";

export interface ClientHelloOptions {
  version: TlsVersion;
  /** Cipher suite codes in the order to offer them. */
  suites: readonly number[];
  /** Sent as SNI when it is a DNS name; IP literals never are (RFC 6066 section 3). */
  servername?: string | undefined;
}

const HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const MAX_RECORD = 16384;
const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

const EXT_SERVER_NAME = 0x0000;
const EXT_SUPPORTED_GROUPS = 0x000a;
const EXT_EC_POINT_FORMATS = 0x000b;
const EXT_SIGNATURE_ALGORITHMS = 0x000d;
const EXT_PADDING = 0x0015;
const EXT_SUPPORTED_VERSIONS = 0x002b;
const EXT_PSK_KEY_EXCHANGE_MODES = 0x002d;
const EXT_KEY_SHARE = 0x0033;
const EXT_RENEGOTIATION_INFO = 0xff01;

const GROUP_X25519 = 0x001d;
const GROUP_SECP256R1 = 0x0017;

// Modern groups first; the legacy curves and FFDHE groups let old servers find a common group.
const SUPPORTED_GROUPS = [
  GROUP_X25519,
  GROUP_SECP256R1,
  0x0018, // secp384r1
  0x0019, // secp521r1
  0x001e, // x448
  0x001a, // brainpoolP256r1
  0x001b, // brainpoolP384r1
  0x001c, // brainpoolP512r1
  0x0016, // secp256k1
  0x0015, // secp224r1
  0x0100, // ffdhe2048
  0x0101, // ffdhe3072
  0x0102, // ffdhe4096
  0x0103, // ffdhe6144
  0x0104, // ffdhe8192
];

// Broad on purpose, SHA-1 included: an old server must find something it can sign with, or it fails
// the handshake and we would misread that as the suite or version being refused.
const SIGNATURE_ALGORITHMS = [
  0x0403, // ecdsa_secp256r1_sha256
  0x0503, // ecdsa_secp384r1_sha384
  0x0603, // ecdsa_secp521r1_sha512
  0x0807, // ed25519
  0x0808, // ed448
  0x0804, // rsa_pss_rsae_sha256
  0x0805, // rsa_pss_rsae_sha384
  0x0806, // rsa_pss_rsae_sha512
  0x0809, // rsa_pss_pss_sha256
  0x080a, // rsa_pss_pss_sha384
  0x080b, // rsa_pss_pss_sha512
  0x0401, // rsa_pkcs1_sha256
  0x0501, // rsa_pkcs1_sha384
  0x0601, // rsa_pkcs1_sha512
  0x0303, // ecdsa_sha224
  0x0301, // rsa_pkcs1_sha224
  0x0402, // dsa_sha256
  0x0302, // dsa_sha224
  0x0203, // ecdsa_sha1
  0x0201, // rsa_pkcs1_sha1
  0x0202, // dsa_sha1
];

function u8(value: number): Buffer {
  return Buffer.from([value & 0xff]);
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

function vector8(body: Buffer): Buffer {
  return Buffer.concat([u8(body.length), body]);
}

function vector16(body: Buffer): Buffer {
  return Buffer.concat([u16(body.length), body]);
}

function list16(values: readonly number[]): Buffer {
  return Buffer.concat(values.map(u16));
}

function extension(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), vector16(body)]);
}

function serverNameExtension(name: string): Buffer {
  const hostName = Buffer.from(name, "ascii");
  return extension(EXT_SERVER_NAME, vector16(Buffer.concat([u8(0), vector16(hostName)])));
}

function keyShareExtension(): Buffer {
  // The handshake never gets as far as key agreement, but servers validate the share they pick:
  // x25519 takes any 32 bytes, P-256 needs a real point on the curve.
  const p256 = createECDH("prime256v1");
  const entries = [
    Buffer.concat([u16(GROUP_X25519), vector16(randomBytes(32))]),
    Buffer.concat([u16(GROUP_SECP256R1), vector16(p256.generateKeys())]),
  ];
  return extension(EXT_KEY_SHARE, vector16(Buffer.concat(entries)));
}

function extensionsFor(options: ClientHelloOptions): Buffer[] {
  const { version } = options;
  // SSL 3.0 predates extensions; some SSL 3.0 stacks choke on them.
  if (version === "SSLv3") return [];
  const extensions: Buffer[] = [];
  const name = sniName(options.servername);
  if (name !== null) extensions.push(serverNameExtension(name));
  if (version !== "TLSv1.3") extensions.push(extension(EXT_RENEGOTIATION_INFO, vector8(Buffer.alloc(0))));
  extensions.push(extension(EXT_SUPPORTED_GROUPS, vector16(list16(SUPPORTED_GROUPS))));
  extensions.push(extension(EXT_EC_POINT_FORMATS, vector8(Buffer.from([0]))));
  if (version === "TLSv1.2" || version === "TLSv1.3") {
    extensions.push(extension(EXT_SIGNATURE_ALGORITHMS, vector16(list16(SIGNATURE_ALGORITHMS))));
  }
  if (version === "TLSv1.3") {
    extensions.push(extension(EXT_SUPPORTED_VERSIONS, vector8(u16(versionCode("TLSv1.3")))));
    extensions.push(extension(EXT_PSK_KEY_EXCHANGE_MODES, vector8(Buffer.from([1])))); // psk_dhe_ke
    extensions.push(keyShareExtension());
  }
  return extensions;
}

/** The SNI to send for a servername, or null for IP literals and empty names. */
export function sniName(servername: string | undefined): string | null {
  if (servername === undefined || servername === "" || isIP(servername) !== 0) return null;
  return servername.endsWith(".") ? servername.slice(0, -1) : servername;
}

function clientHelloBody(options: ClientHelloOptions, extensions: Buffer[]): Buffer {
  const suites =
    options.version === "SSLv3" ? [...options.suites, EMPTY_RENEGOTIATION_INFO_SCSV] : options.suites;
  // TLS 1.3 middlebox compatibility mode (RFC 8446 D.4) wants a non-empty session id.
  const sessionId = options.version === "TLSv1.3" ? randomBytes(32) : Buffer.alloc(0);
  const legacyVersion = options.version === "TLSv1.3" ? versionCode("TLSv1.2") : versionCode(options.version);
  const parts = [
    u16(legacyVersion),
    randomBytes(32),
    vector8(sessionId),
    vector16(list16(suites)),
    vector8(Buffer.from([0])), // null compression only
  ];
  if (extensions.length > 0) parts.push(vector16(Buffer.concat(extensions)));
  return Buffer.concat(parts);
}

/** One ClientHello handshake message, wrapped in as many handshake records as it needs. */
export function buildClientHello(options: ClientHelloOptions): Buffer {
  const extensions = extensionsFor(options);
  let body = clientHelloBody(options, extensions);
  // Some load balancers hang on ClientHellos of 256-511 bytes; RFC 7685 padding steps over the range.
  if (extensions.length > 0 && body.length + 4 >= 256 && body.length + 4 < 512) {
    const padding = Math.max(0, 512 - (body.length + 4) - 4);
    body = clientHelloBody(options, [...extensions, extension(EXT_PADDING, Buffer.alloc(padding))]);
  }
  const message = Buffer.concat([u8(CLIENT_HELLO), u24(body.length), body]);
  // Record version 3.1 for every TLS version (what OpenSSL sends); SSL 3.0 servers want 3.0.
  const recordVersion = options.version === "SSLv3" ? versionCode("SSLv3") : versionCode("TLSv1");
  const records: Buffer[] = [];
  for (let offset = 0; offset < message.length; offset += MAX_RECORD) {
    const fragment = message.subarray(offset, offset + MAX_RECORD);
    records.push(Buffer.concat([u8(HANDSHAKE), u16(recordVersion), u16(fragment.length), fragment]));
  }
  return Buffer.concat(records);
}
