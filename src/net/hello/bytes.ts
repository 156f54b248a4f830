/** Thrown inside the parsers on malformed input; never escapes the module's public functions. */
export class MalformedInput extends Error {}

/** Bounds-checked big-endian reader over one complete message. */
export class ByteReader {
  readonly #buffer: Buffer;
  #offset = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#buffer.length - this.#offset;
  }

  bytes(length: number, what: string): Buffer {
    if (length > this.remaining) throw new MalformedInput(`truncated ${what}`);
    const out = this.#buffer.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  u8(what: string): number {
    return this.bytes(1, what).readUInt8(0);
  }

  u16(what: string): number {
    return this.bytes(2, what).readUInt16BE(0);
  }

  u24(what: string): number {
    return this.bytes(3, what).readUIntBE(0, 3);
  }

  /** A TLS vector: a `lengthBytes`-wide length prefix, then that many bytes. */
  vector(lengthBytes: 1 | 2 | 3, what: string): Buffer {
    const length = lengthBytes === 1 ? this.u8(what) : lengthBytes === 2 ? this.u16(what) : this.u24(what);
    return this.bytes(length, what);
  }

  expectEnd(what: string): void {
    if (this.remaining !== 0) throw new MalformedInput(`${this.remaining} trailing bytes after ${what}`);
  }
}

/**
 * A FIFO of received chunks. Bytes are copied only when a caller needs a contiguous run, so feeding
 * a flight one byte at a time stays linear.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** The first `length` bytes, contiguous, without consuming them; undefined until that many arrived. */
  peek(length: number): Buffer | undefined {
    if (length > this.#length) return undefined;
    if (length === 0) return Buffer.alloc(0);
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= length) return first.subarray(0, length);
    let gathered = 0;
    let count = 0;
    while (gathered < length) {
      gathered += this.#chunks[count]?.length ?? 0;
      count += 1;
    }
    const merged = Buffer.concat(this.#chunks.slice(0, count));
    this.#chunks.splice(0, count, merged);
    return merged.subarray(0, length);
  }

  take(length: number): Buffer | undefined {
    const out = this.peek(length);
    if (out === undefined || length === 0) return out;
    const first = this.#chunks[0];
    if (first !== undefined) {
      if (first.length === length) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(length);
    }
    this.#length -= length;
    return out;
  }
}
