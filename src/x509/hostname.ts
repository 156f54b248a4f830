import type { CertificateSummary } from "../model/index.js";
import { ipv4ToMapped, parseIpAddress } from "../targets/index.js";

/*
 * Does the certificate name the host as scanned? RFC 6125 as Go's crypto/x509 applies it: an IP host only
 * against IP SANs, a DNS host only against DNS SANs, and never the subject CN (Go 1.15 dropped that).
 */
export function certificateMatchesHost(sans: CertificateSummary["sans"], host: string): boolean {
  const hostIp = comparableIp(host);
  if (hostIp !== null) return sans.ip.some((san) => comparableIp(san) === hostIp);
  const hostname = normalizeDnsName(host);
  if (hostname === "") return false;
  return sans.dns.some((san) => dnsNameMatches(normalizeDnsName(san), hostname));
}

function normalizeDnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** Exact match, or a whole left-most `*` label standing for exactly one non-empty host label. */
export function dnsNameMatches(pattern: string, hostname: string): boolean {
  if (!pattern.startsWith("*.")) return pattern === hostname;
  const patternRest = pattern.slice(2).split(".");
  const hostLabels = hostname.split(".");
  // `*.com` would cover a whole TLD: the wildcard needs at least two labels after it.
  if (patternRest.length < 2 || patternRest.some((label) => label === "" || label.includes("*")))
    return false;
  if (hostLabels.length !== patternRest.length + 1 || hostLabels[0] === "") return false;
  return hostLabels.slice(1).join(".") === patternRest.join(".");
}

/* IPv4 as ::ffff:a.b.c.d, so an IPv4-mapped IPv6 host and its IPv4 SAN (the same peer) compare equal. */
function comparableIp(text: string): bigint | null {
  const address = parseIpAddress(text.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, ""));
  if (!address) return null;
  return address.family === 4 ? ipv4ToMapped(address.value) : address.value;
}
