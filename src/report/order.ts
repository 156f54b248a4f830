import { isIPv4, isIPv6 } from "node:net";
import type { Endpoint } from "../model/index.js";

/** Family (v4, v6, name), then numeric value for addresses, then text: the zone id or the lower-cased name. */
interface HostSortKey {
  family: 0 | 1 | 2;
  value: bigint;
  text: string;
}

function ipv4Value(address: string): bigint {
  let value = 0n;
  for (const octet of address.split(".")) value = (value << 8n) | BigInt(Number(octet));
  return value;
}

/** Only called on strings `isIPv6` accepted, so the shape is known good. */
function ipv6Value(address: string): bigint {
  const groups = (part: string): bigint[] => {
    if (part === "") return [];
    const out: bigint[] = [];
    for (const piece of part.split(":")) {
      if (piece.includes(".")) {
        const v4 = ipv4Value(piece);
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else {
        out.push(BigInt(`0x${piece}`));
      }
    }
    return out;
  };
  const [head = "", tail] = address.split("::");
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<bigint>(8 - left.length - right.length).fill(0n), ...right];
  return all.reduce((value, group) => (value << 16n) | group, 0n);
}

function hostSortKey(host: string): HostSortKey {
  if (isIPv4(host)) return { family: 0, value: ipv4Value(host), text: "" };
  const zoneAt = host.indexOf("%");
  const address = zoneAt === -1 ? host : host.slice(0, zoneAt);
  if (isIPv6(address)) {
    return { family: 1, value: ipv6Value(address), text: zoneAt === -1 ? "" : host.slice(zoneAt + 1) };
  }
  return { family: 2, value: 0n, text: host.toLowerCase() };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(ka: HostSortKey, kb: HostSortKey): number {
  if (ka.family !== kb.family) return ka.family - kb.family;
  if (ka.value !== kb.value) return ka.value < kb.value ? -1 : 1;
  return compareText(ka.text, kb.text);
}

type HostPort = Pick<Endpoint, "host" | "port">;

/**
 * Report order: IPv4 by numeric value, then IPv6 by numeric value, then names alphabetically
 * (case-insensitive, code-point order so it is the same on every locale); ties broken by port.
 */
export function compareEndpoints(a: HostPort, b: HostPort): number {
  return (
    compareKeys(hostSortKey(a.host), hostSortKey(b.host)) || a.port - b.port || compareText(a.host, b.host)
  );
}

/** The same order as `compareEndpoints`, parsing each host once: a big sweep sorts in n log n comparisons. */
export function sortEndpoints<T extends HostPort>(endpoints: readonly T[]): T[] {
  return endpoints
    .map((endpoint) => ({ endpoint, key: hostSortKey(endpoint.host) }))
    .sort(
      (a, b) =>
        compareKeys(a.key, b.key) ||
        a.endpoint.port - b.endpoint.port ||
        compareText(a.endpoint.host, b.endpoint.host),
    )
    .map(({ endpoint }) => endpoint);
}
