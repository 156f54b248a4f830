import { isIPv4 } from "node:net";

function ipv4ToNumber(address: string): number {
  let value = 0;
  for (const octet of address.split(".")) value = value * 256 + Number(octet);
  return value;
}

function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/**
 * A set of hosts kept as sorted runs of consecutive IPv4 addresses (other hosts one by one), so a swept
 * range costs a few numbers however many addresses it holds. Sweeps finish nearly in address order, so
 * most additions extend the last run; an out-of-order one is placed by binary search and joins its
 * neighbours when it closes a gap.
 */
export class AddressRuns {
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #others: string[] = [];

  add(host: string): void {
    if (!isIPv4(host)) {
      this.#others.push(host);
      return;
    }
    const value = ipv4ToNumber(host);
    const starts = this.#starts;
    const ends = this.#ends;
    const last = starts.length - 1;
    const lastEnd = ends[last];
    if (lastEnd === undefined || value > lastEnd + 1) {
      starts.push(value);
      ends.push(value);
      return;
    }
    if (value === lastEnd + 1) {
      ends[last] = value;
      return;
    }
    // First run starting after `value`.
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((starts[middle] ?? 0) > value) high = middle;
      else low = middle + 1;
    }
    const before = low - 1;
    const beforeEnd = before >= 0 ? ends[before] : undefined;
    if (beforeEnd !== undefined && beforeEnd >= value) return;
    const joinsBefore = beforeEnd !== undefined && beforeEnd + 1 === value;
    const joinsAfter = starts[low] === value + 1;
    if (joinsBefore && joinsAfter) {
      ends[before] = ends[low] ?? value;
      starts.splice(low, 1);
      ends.splice(low, 1);
    } else if (joinsBefore) {
      ends[before] = value;
    } else if (joinsAfter) {
      starts[low] = value;
    } else {
      starts.splice(low, 0, value);
      ends.splice(low, 0, value);
    }
  }

  has(host: string): boolean {
    if (!isIPv4(host)) return this.#others.includes(host);
    const value = ipv4ToNumber(host);
    let low = 0;
    let high = this.#starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#starts[middle] ?? 0) > value) high = middle;
      else low = middle + 1;
    }
    const end = this.#ends[low - 1];
    return end !== undefined && end >= value;
  }

  /** IPv4 runs as `first-last` (a single address alone), then the other hosts as added. */
  list(): string[] {
    const runs = this.#starts.map((start, index) => {
      const end = this.#ends[index] ?? start;
      return start === end ? numberToIpv4(start) : `${numberToIpv4(start)}-${numberToIpv4(end)}`;
    });
    return [...runs, ...this.#others];
  }
}
