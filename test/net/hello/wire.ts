/** A server's side of the wire, written by hand, for feeding the parser what a server would send. */

export function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}

export function u24(value: number): Buffer {
  const out = Buffer.alloc(3);
  out.writeUIntBE(value, 0, 3);
  return out;
}

export function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u24(body.length), body]);
}

/** Splits `payload` into records of the given content type, `fragment` bytes at most each. */
export function records(type: number, payload: Buffer, fragment = 16384, version = 0x0303): Buffer {
  const out: Buffer[] = [];
  for (let offset = 0; offset < payload.length; offset += fragment) {
    const body = payload.subarray(offset, offset + fragment);
    out.push(Buffer.concat([Buffer.from([type]), u16(version), u16(body.length), body]));
  }
  return Buffer.concat(out);
}

export const HELLO_RETRY_RANDOM = Buffer.from(
  "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c",
  "hex",
);

export interface ServerHelloSpec {
  /** Wire version: 0x0300 .. 0x0304; 0x0304 goes in supported_versions. */
  version: number;
  suite: number;
  random?: Buffer;
  /** Omit the extensions block entirely (SSL 3.0 style). */
  noExtensions?: boolean;
}

export function serverHello(spec: ServerHelloSpec): Buffer {
  const tls13 = spec.version === 0x0304;
  const extensions: Buffer[] = [];
  if (tls13) {
    extensions.push(Buffer.concat([u16(0x002b), u16(2), u16(0x0304)]));
    extensions.push(Buffer.concat([u16(0x0033), u16(36), u16(0x001d), u16(32), Buffer.alloc(32, 7)]));
  } else {
    extensions.push(Buffer.concat([u16(0xff01), u16(1), Buffer.from([0])]));
  }
  const parts = [
    u16(tls13 ? 0x0303 : spec.version),
    spec.random ?? Buffer.alloc(32, 0x42),
    Buffer.from([0]),
    u16(spec.suite),
    Buffer.from([0]),
  ];
  if (!spec.noExtensions) {
    const block = Buffer.concat(extensions);
    parts.push(u16(block.length), block);
  }
  return handshake(2, Buffer.concat(parts));
}

export function certificate(ders: readonly Buffer[]): Buffer {
  const list = Buffer.concat(ders.map((der) => Buffer.concat([u24(der.length), der])));
  return handshake(11, Buffer.concat([u24(list.length), list]));
}

export function certificateRequest(caNames: readonly Buffer[], withSignatureAlgorithms = true): Buffer {
  const names = Buffer.concat(caNames.map((der) => Buffer.concat([u16(der.length), der])));
  const parts: Buffer[] = [Buffer.from([2, 1, 64])];
  if (withSignatureAlgorithms) parts.push(u16(4), u16(0x0804), u16(0x0403));
  parts.push(u16(names.length), names);
  return handshake(13, Buffer.concat(parts));
}

export const serverKeyExchange = (): Buffer => handshake(12, Buffer.alloc(40, 9));
export const serverHelloDone = (): Buffer => handshake(14, Buffer.alloc(0));

export function alert(level: number, description: number): Buffer {
  return records(21, Buffer.from([level, description]));
}

// DER, just enough for Names.
function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const header =
    length < 0x80
      ? Buffer.from([tag, length])
      : length < 0x100
        ? Buffer.from([tag, 0x81, length])
        : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, content]);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [(arcs[0] ?? 0) * 40 + (arcs[1] ?? 0)];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128))
      chunk.unshift((rest & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

export interface Attribute {
  oid: string;
  /** DER string tag; 0x0c UTF8String by default. */
  tag?: number;
  value: Buffer | string;
}

/** A DER Name from RDNs in encoding order (the first is the most significant, e.g. C or O). */
export function derName(rdns: ReadonlyArray<readonly Attribute[]>): Buffer {
  return tlv(
    0x30,
    Buffer.concat(
      rdns.map((rdn) =>
        tlv(
          0x31,
          Buffer.concat(
            rdn.map((attribute) =>
              tlv(
                0x30,
                Buffer.concat([
                  oid(attribute.oid),
                  tlv(
                    attribute.tag ?? 0x0c,
                    typeof attribute.value === "string"
                      ? Buffer.from(attribute.value, "utf8")
                      : attribute.value,
                  ),
                ]),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

export const CN = "2.5.4.3";
export const O = "2.5.4.10";
export const C = "2.5.4.6";
