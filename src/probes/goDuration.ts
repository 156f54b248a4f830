/*
 * Go's time.Duration text, as metav1.Duration writes it in a kubelet's /configz ("4h0m0s", "1m0s",
 * "100ms", "0s") and as people write it ("5m", "1.5h"). Parsed to nanoseconds as a number: exact for any
 * duration a kubelet config holds (below 2^53 ns, about 104 days, and still ordered correctly beyond).
 */
const UNIT_NANOSECONDS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const DURATION = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Nanoseconds, or null when the value is not a Go duration string. "0" alone is zero, as in Go. */
export function parseGoDuration(value: unknown): number | null {
  if (typeof value !== "string") return null;
  if (value === "0" || value === "+0" || value === "-0") return 0;
  if (!DURATION.test(value)) return null;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(TERM)) {
    total += Number(amount) * (UNIT_NANOSECONDS[unit as string] ?? Number.NaN);
  }
  if (!Number.isFinite(total)) return null;
  return value.startsWith("-") ? -total : total;
}
