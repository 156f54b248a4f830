import { isIP } from "node:net";

/*
 * IP addresses as they appear in certificates (4 or 16 raw bytes in an iPAddress SAN) or as a user typed
 * them. Text is brought to 16 bytes (IPv4 as ::ffff:a.b.c.d) so an IPv4-mapped IPv6 address and its
 * IPv4 form compare equal, as they are the same peer on a dual-stack socket.
 */

/** The 16-byte form of an IP literal (brackets and an IPv6 zone are tolerated); null if not an IP. */
export function ipLiteralBytes(text: string): Buffer | null {
  const literal = text.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const family = isIP(literal);
  if (family === 4) return mapIpv4(ipv4Bytes(literal));
  if (family === 6) return ipv6Bytes(literal);
  return null;
}

/** Canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, longest zero run compressed). */
export function formatIpAddress(raw: Buffer): string {
  if (raw.length === 4) return [...raw].join(".");
  const groups = Array.from({ length: 8 }, (_, index) => raw.readUInt16BE(index * 2));
  // RFC 5952 5: IPv4-mapped addresses keep their dotted-quad tail.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return `::ffff:${[...raw.subarray(12)].join(".")}`;
  }
  const run = longestZeroRun(groups);
  const hex = groups.map((group) => group.toString(16));
  if (!run) return hex.join(":");
  return `${hex.slice(0, run.start).join(":")}::${hex.slice(run.start + run.length).join(":")}`;
}

function longestZeroRun(groups: number[]): { start: number; length: number } | null {
  let best: { start: number; length: number } | null = null;
  let start = -1;
  for (let index = 0; index <= groups.length; index++) {
    if (index < groups.length && groups[index] === 0) {
      if (start < 0) start = index;
      continue;
    }
    const length = start < 0 ? 0 : index - start;
    // A single zero group is not compressed; on a tie the first run wins.
    if (length >= 2 && (!best || length > best.length)) best = { start, length };
    start = -1;
  }
  return best;
}

function mapIpv4(ipv4: Buffer): Buffer {
  return Buffer.concat([Buffer.alloc(10), Buffer.from([0xff, 0xff]), ipv4]);
}

function ipv4Bytes(text: string): Buffer {
  return Buffer.from(text.split(".").map(Number));
}

// Only called on text node:net already accepted as IPv6, so the shape is known to be valid.
function ipv6Bytes(text: string): Buffer {
  let tail = text;
  let ipv4Tail: Buffer | null = null;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    ipv4Tail = ipv4Bytes(text.slice(lastColon + 1));
    tail = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = "", rest] = tail.split("::");
  const parse = (part: string): number[] =>
    part === "" ? [] : part.split(":").map((h) => Number.parseInt(h, 16));
  const headGroups = parse(head);
  const restGroups = rest === undefined ? [] : parse(rest);
  const zeros = Array<number>(8 - headGroups.length - restGroups.length).fill(0);
  const bytes = Buffer.alloc(16);
  [...headGroups, ...zeros, ...restGroups].forEach((group, index) => {
    bytes.writeUInt16BE(group, index * 2);
  });
  if (ipv4Tail) ipv4Tail.copy(bytes, 12);
  return bytes;
}
