import { TargetSyntaxError } from "./errors.js";
import { normaliseHostname } from "./hostname.js";
import {
  type IpAddress,
  type IpFamily,
  ipv4ToMapped,
  isIpv4Mapped,
  mappedToIpv4,
  parseIpAddress,
} from "./ipAddress.js";
import { parseTarget } from "./targetExpression.js";

/** Sorted, merged, disjoint closed intervals: membership is one binary search, whatever the sizes. */
class IntervalList {
  readonly #starts: bigint[] = [];
  readonly #ends: bigint[] = [];

  constructor(intervals: Array<[bigint, bigint]>) {
    intervals.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [start, end] of intervals) {
      const last = this.#ends.length - 1;
      const lastEnd = this.#ends[last];
      // Adjacent intervals merge too, so a run of excluded addresses is one interval to jump over.
      if (lastEnd !== undefined && start <= lastEnd + 1n) {
        if (end > lastEnd) this.#ends[last] = end;
      } else {
        this.#starts.push(start);
        this.#ends.push(end);
      }
    }
  }

  get isEmpty(): boolean {
    return this.#starts.length === 0;
  }

  /** The end of the interval holding `value`, or undefined when no interval does. */
  endOfIntervalHolding(value: bigint): bigint | undefined {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const start = this.#starts[middle] as bigint;
      const end = this.#ends[middle] as bigint;
      if (value < start) high = middle - 1;
      else if (value > end) low = middle + 1;
      else return end;
    }
    return undefined;
  }
}

/**
 * A set of hosts given as addresses, CIDRs, ranges and host names, for `--exclude` and `--scope`.
 * IPs match by number (IPv4 and IPv6 kept apart, but an IPv4-mapped IPv6 address `::ffff:a.b.c.d` is the
 * IPv4 address it carries); names match case-insensitively, trailing dot ignored. Names are never resolved:
 * an IP entry does not match a name that happens to resolve to it.
 */
export class AddressSet {
  static readonly EMPTY = new AddressSet(new IntervalList([]), new IntervalList([]), new Set());

  readonly #ipv4: IntervalList;
  readonly #ipv6: IntervalList;
  readonly #hostnames: ReadonlySet<string>;

  private constructor(ipv4: IntervalList, ipv6: IntervalList, hostnames: ReadonlySet<string>) {
    this.#ipv4 = ipv4;
    this.#ipv6 = ipv6;
    this.#hostnames = hostnames;
  }

  /**
   * Builds a set from user lists; each string may hold several entries separated by commas or spaces
   * (`--exclude "10.0.0.1, 10.0.1.0/24"`). Throws `TargetSyntaxError` naming the bad entry as `entryName`.
   */
  static parse(lists: Iterable<string>, entryName = "address"): AddressSet {
    const intervals: Record<IpFamily, Array<[bigint, bigint]>> = { 4: [], 6: [] };
    const hostnames = new Set<string>();
    for (const list of lists) {
      for (const entry of list.split(/[\s,]+/)) {
        if (entry === "") continue;
        const expression = parseTarget(entry, entryName);
        if (expression.kind === "addresses")
          intervals[expression.family].push([expression.first, expression.last]);
        else if (expression.kind === "hostname") hostnames.add(normaliseHostname(expression.host));
        else throw new TargetSyntaxError(entry, "give a host without a port", entryName);
      }
    }
    return new AddressSet(new IntervalList(intervals[4]), new IntervalList(intervals[6]), hostnames);
  }

  get isEmpty(): boolean {
    return this.#ipv4.isEmpty && this.#ipv6.isEmpty && this.#hostnames.size === 0;
  }

  /** `host` is an IP literal (IPv6 with or without brackets) or a DNS name. */
  contains(host: string): boolean {
    const literal = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
    const address = parseIpAddress(literal);
    if (address) return this.containsAddress(address);
    return this.#hostnames.has(normaliseHostname(host));
  }

  containsAddress(address: IpAddress): boolean {
    return this.lastContainedFrom(address) !== undefined;
  }

  /**
   * When `address` is in the set, the last address of its family such that every address from `address` up
   * to it is in the set too, so a range walk can skip an excluded block in one step. Otherwise undefined.
   */
  lastContainedFrom(address: IpAddress): bigint | undefined {
    const { family, value } = address;
    if (family === 4) {
      const direct = this.#ipv4.endOfIntervalHolding(value);
      const viaMapped = this.#ipv6.endOfIntervalHolding(ipv4ToMapped(value));
      const mappedEnd = viaMapped === undefined ? undefined : mappedToIpv4(clampToMapped(viaMapped));
      return maxDefined(direct, mappedEnd);
    }
    const direct = this.#ipv6.endOfIntervalHolding(value);
    if (!isIpv4Mapped(value)) return direct;
    const viaIpv4 = this.#ipv4.endOfIntervalHolding(mappedToIpv4(value));
    return maxDefined(direct, viaIpv4 === undefined ? undefined : ipv4ToMapped(viaIpv4));
  }
}

/** An IPv6 interval may run past ::ffff:255.255.255.255; only its IPv4-mapped part speaks for IPv4. */
function clampToMapped(value: bigint): bigint {
  const lastMapped = ipv4ToMapped(0xffff_ffffn);
  return value > lastMapped ? lastMapped : value;
}

function maxDefined(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
