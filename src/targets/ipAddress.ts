import { isIP } from "node:net";
import { type ParseResult, parsed, rejected } from "./parseResult.js";

export type IpFamily = 4 | 6;

/**
 * An IP address as a number, so ranges are counters and membership is a comparison. BigInt because IPv6
 * needs 128 bits; one representation for both families keeps every caller family-agnostic.
 */
export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export const ADDRESS_BITS: Readonly<Record<IpFamily, bigint>> = { 4: 32n, 6: 128n };

const IPV4_MAX = 0xffff_ffffn;
/** ::ffff:0:0/96 — how a dual-stack socket shows an IPv4 peer. */
const IPV4_MAPPED_BASE = 0xffffn << 32n;

export function isIpv4Mapped(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}

export function ipv4ToMapped(value: bigint): bigint {
  return IPV4_MAPPED_BASE | value;
}

export function mappedToIpv4(value: bigint): bigint {
  return value & IPV4_MAX;
}

/** Strict literal parse (dotted quad, or IPv6 without zone); anything else is not an IP address. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const result = parseIpLiteral(text);
  return result.ok ? result.value : undefined;
}

/**
 * node:net's isIP decides what is valid, so kubetls agrees with what the socket layer will accept; the
 * conversion and, when isIP says no, the explanation of why, are ours.
 */
export function parseIpLiteral(text: string): ParseResult<IpAddress> {
  const family = isIP(text);
  if (family === 4) return parsed({ family: 4, value: ipv4Value(text) });
  if (family === 6) {
    if (text.includes("%")) return rejected("IPv6 zone index (%...) is not supported");
    return parsed({ family: 6, value: ipv6Value(text) });
  }
  return rejected(text.includes(":") ? ipv6Problem(text) : ipv4Problem(text));
}

/** True when the text is plainly meant as an IPv4 address (digits and dots only), valid or not. */
export function looksLikeIpv4(text: string): boolean {
  return /^[\d.]+$/.test(text) && text.includes(".");
}

export function formatIpAddress(address: IpAddress): string {
  return address.family === 4 ? formatIpv4(address.value) : formatIpv6(address.value);
}

function ipv4Value(text: string): bigint {
  return text.split(".").reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

/** Only called on text isIP accepted as IPv6, so it need not re-validate. */
function ipv6Value(text: string): bigint {
  let hexPart = text;
  const embeddedIpv4: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    const ipv4 = ipv4Value(text.slice(lastColon + 1));
    embeddedIpv4.push(Number(ipv4 >> 16n), Number(ipv4 & 0xffffn));
    // Keep a "::" that ends right before the IPv4 part; drop a lone separating ":".
    hexPart = text.endsWith("::", lastColon + 1) ? text.slice(0, lastColon + 1) : text.slice(0, lastColon);
  }
  const [head = "", tail] = hexPart.split("::");
  const headGroups = splitGroups(head);
  const tailGroups = tail === undefined ? [] : splitGroups(tail);
  const zeroCount = 8 - headGroups.length - tailGroups.length - embeddedIpv4.length;
  const groups = [...headGroups, ...new Array<number>(zeroCount).fill(0), ...tailGroups, ...embeddedIpv4];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

function splitGroups(text: string): number[] {
  return text === "" ? [] : text.split(":").map((group) => Number.parseInt(group, 16));
}

function ipv4Problem(text: string): string {
  const octets = text.split(".");
  if (octets.length !== 4) return `expected 4 dot-separated octets, found ${octets.length}`;
  for (const octet of octets) {
    if (octet === "") return "empty octet";
    if (!/^\d+$/.test(octet)) return `octet ${JSON.stringify(octet)} is not a decimal number`;
    if (Number(octet) > 255) return `octet ${octet} out of range (0-255)`;
    // Some tools read 010 as octal 8, others as decimal 10: refuse rather than guess.
    if (octet.length > 1 && octet.startsWith("0")) {
      return `octet ${JSON.stringify(octet)} has a leading zero (octal or decimal? write it without)`;
    }
  }
  return "not a valid IPv4 address";
}

function ipv6Problem(text: string): string {
  const badCharacter = /[^0-9a-fA-F:.]/.exec(text);
  if (badCharacter) return `character ${JSON.stringify(badCharacter[0])} not allowed in an IPv6 address`;
  const compressions = text.split("::").length - 1;
  if (compressions > 1) return "'::' may appear only once";
  if (text.includes(":::")) return "':::' is not valid";
  const lastColon = text.lastIndexOf(":");
  const ipv4Tail = text.slice(lastColon + 1);
  if (ipv4Tail.includes(".") && isIP(ipv4Tail) !== 4) {
    return `embedded IPv4 part ${JSON.stringify(ipv4Tail)}: ${ipv4Problem(ipv4Tail)}`;
  }
  const groups = text.split(":").filter((group) => group !== "" && !group.includes("."));
  const longGroup = groups.find((group) => group.length > 4);
  if (longGroup !== undefined) return `group ${JSON.stringify(longGroup)} has more than 4 hex digits`;
  if ((text.startsWith(":") && !text.startsWith("::")) || (text.endsWith(":") && !text.endsWith("::"))) {
    return "stray ':' at the start or end";
  }
  const groupCount = groups.length + (ipv4Tail.includes(".") ? 2 : 0);
  if (compressions === 0 && groupCount !== 8) return `expected 8 groups, found ${groupCount}`;
  if (compressions === 1 && groupCount > 7) return `too many groups (${groupCount}) for '::' compression`;
  return "not a valid IPv6 address";
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
}

/** RFC 5952: lower case, no leading zeros, the longest run (first on a tie) of 2+ zero groups as "::". */
function formatIpv6(value: bigint): string {
  // RFC 5952 section 5: IPv4-mapped addresses read best in mixed notation.
  if (isIpv4Mapped(value)) return `::ffff:${formatIpv4(mappedToIpv4(value))}`;
  const groups = Array.from({ length: 8 }, (_, index) =>
    Number((value >> BigInt(112 - 16 * index)) & 0xffffn),
  );
  const run = longestZeroRun(groups);
  const hex = (part: number[]) => part.map((group) => group.toString(16)).join(":");
  if (run.length < 2) return hex(groups);
  return `${hex(groups.slice(0, run.start))}::${hex(groups.slice(run.start + run.length))}`;
}

function longestZeroRun(groups: number[]): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let start = -1;
  for (let index = 0; index <= groups.length; index++) {
    if (index < groups.length && groups[index] === 0) {
      if (start < 0) start = index;
      continue;
    }
    if (start >= 0 && index - start > best.length) best = { start, length: index - start };
    start = -1;
  }
  return best;
}
