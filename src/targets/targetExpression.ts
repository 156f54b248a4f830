import { isScannedRole, SCANNED_ROLES, type ScannedRole } from "../roles/index.js";
import { TargetSyntaxError } from "./errors.js";
import { hostnameProblem } from "./hostname.js";
import {
  ADDRESS_BITS,
  formatIpAddress,
  type IpAddress,
  type IpFamily,
  looksLikeIpv4,
  parseIpLiteral,
} from "./ipAddress.js";
import { type ParseResult, parsed, rejected } from "./parseResult.js";
import { parsePort } from "./ports.js";

/**
 * One thing the user typed, understood. A single address, a CIDR and a range are all one closed interval
 * of numbers, so the rest of the module never needs to know which form was written.
 */
export type TargetExpression =
  | { kind: "addresses"; family: IpFamily; first: bigint; last: bigint }
  /** A DNS name as written; resolving it is the network layer's business, not ours. */
  | { kind: "hostname"; host: string }
  /**
   * An explicit endpoint: `host` is a canonical IP literal (no brackets) or a DNS name as written. `role` is set
   * when the user stated it (`host:port@role`); otherwise the scan detects it from what answers.
   */
  | { kind: "host-port"; host: string; port: number; role?: ScannedRole };

const PORT_AFTER_MANY = "a port can only follow a single host, not a CIDR or a range";

/** Parses one target expression; throws `TargetSyntaxError` quoting the input and saying what is wrong. */
export function parseTarget(input: string, entryName = "target"): TargetExpression {
  const result = parseExpression(input);
  if (!result.ok) throw new TargetSyntaxError(input, result.reason, entryName);
  return result.value;
}

function parseExpression(text: string): ParseResult<TargetExpression> {
  const at = text.lastIndexOf("@");
  if (at >= 0) return parseStatedRole(text.slice(0, at), text.slice(at + 1));
  return parseWithoutRole(text);
}

/** `10.0.0.7:2379@etcd`: the role is stated, not detected. Only an explicit host:port can carry one. */
function parseStatedRole(target: string, roleName: string): ParseResult<TargetExpression> {
  if (!isScannedRole(roleName))
    return rejected(
      `unknown role ${JSON.stringify(roleName)} after '@' (known: ${SCANNED_ROLES.join(", ")})`,
    );
  const expression = parseWithoutRole(target);
  if (!expression.ok) return expression;
  if (expression.value.kind !== "host-port")
    return rejected("a role (@role) can only follow host:port; bare hosts are probed on every role's ports");
  return parsed({ ...expression.value, role: roleName });
}

function parseWithoutRole(text: string): ParseResult<TargetExpression> {
  if (text === "") return rejected("empty target");
  if (/\s/.test(text)) return rejected("contains whitespace (give one target per argument or line)");
  if (text.startsWith("[")) return parseBracketed(text);
  if (text.includes("]")) return rejected("']' without a matching '['");
  if (text.includes("/")) return parseCidr(text);
  const colons = text.split(":").length - 1;
  if (colons === 1) return parseHostPort(text);
  if (colons > 1 || looksLikeIpv4Range(text) || looksLikeIpv4(text)) return parseAddressesOrRange(text);
  const problem = hostnameProblem(text);
  return problem === undefined ? parsed({ kind: "hostname", host: text }) : rejected(problem);
}

/** `[fd00::1]:10250`, or `[fd00::1]` alone. Brackets are only needed (and only allowed) around IPv6. */
function parseBracketed(text: string): ParseResult<TargetExpression> {
  const close = text.indexOf("]");
  if (close < 0) return rejected("unclosed '[' (an IPv6 address with a port is written [fd00::1]:10250)");
  const inside = text.slice(1, close);
  const after = text.slice(close + 1);
  if (inside.includes("/") || inside.includes("-")) return rejected(PORT_AFTER_MANY);
  const address = parseIpLiteral(inside);
  if (!address.ok) return rejected(address.reason);
  if (address.value.family !== 6) return rejected("brackets are for IPv6 addresses only");
  if (after === "") return parsed(single(address.value));
  if (!after.startsWith(":")) return rejected("expected ':port' after ']'");
  const port = parsePort(after.slice(1));
  if (!port.ok) return rejected(port.reason);
  return parsed({ kind: "host-port", host: formatIpAddress(address.value), port: port.value });
}

function parseHostPort(text: string): ParseResult<TargetExpression> {
  const colon = text.indexOf(":");
  const host = text.slice(0, colon);
  const port = parsePort(text.slice(colon + 1));
  if (host === "") return rejected("empty host before ':'");
  if (looksLikeIpv4Range(host)) return rejected(PORT_AFTER_MANY);
  if (!port.ok) return rejected(port.reason);
  if (looksLikeIpv4(host)) {
    const address = parseIpLiteral(host);
    if (!address.ok) return rejected(address.reason);
    return parsed({ kind: "host-port", host: formatIpAddress(address.value), port: port.value });
  }
  const problem = hostnameProblem(host);
  if (problem !== undefined) return rejected(problem);
  return parsed({ kind: "host-port", host, port: port.value });
}

/**
 * A CIDR whose address has host bits set (10.0.0.7/24) means the network it lies in: accept it and scan
 * 10.0.0.0/24, as `ip route` does, rather than make the user redo the arithmetic.
 */
function parseCidr(text: string): ParseResult<TargetExpression> {
  const parts = text.split("/");
  if (parts.length > 2) return rejected("more than one '/'");
  const [addressText = "", prefixText = ""] = parts;
  if (prefixText.includes(":")) return rejected(PORT_AFTER_MANY);
  if (addressText === "") return rejected("missing address before '/'");
  const address = parseIpLiteral(addressText);
  if (!address.ok) {
    const isName = !addressText.includes(":") && !looksLikeIpv4(addressText);
    return rejected(
      isName ? `${JSON.stringify(addressText)} is not an IP address (a CIDR needs one)` : address.reason,
    );
  }
  const { family, value } = address.value;
  const bits = ADDRESS_BITS[family];
  if (prefixText === "") return rejected("missing prefix length after '/'");
  if (!/^\d{1,3}$/.test(prefixText))
    return rejected(`prefix length ${JSON.stringify(prefixText)} is not a number`);
  const prefix = BigInt(prefixText);
  if (prefix > bits) return rejected(`prefix length ${prefixText} out of range for IPv${family} (0-${bits})`);
  const hostMask = (1n << (bits - prefix)) - 1n;
  const first = value & ~hostMask;
  return parsed({ kind: "addresses", family, first, last: first | hostMask });
}

/** An address, `a-b` with two full addresses of one family, or IPv4 `10.0.0.10-40` (last octet only). */
function parseAddressesOrRange(text: string): ParseResult<TargetExpression> {
  const parts = text.split("-");
  if (parts.length > 2) return rejected("more than one '-'");
  const [startText = "", endText] = parts;
  const start = parseIpLiteral(startText);
  if (!start.ok) return rejected(endText === undefined ? start.reason : `range start: ${start.reason}`);
  if (endText === undefined) return parsed(single(start.value));
  const end = parseRangeEnd(start.value, endText);
  if (!end.ok) return rejected(end.reason);
  if (end.value.value < start.value.value) {
    return rejected(
      `range end ${formatIpAddress(end.value)} is before its start ${formatIpAddress(start.value)}`,
    );
  }
  return parsed({
    kind: "addresses",
    family: start.value.family,
    first: start.value.value,
    last: end.value.value,
  });
}

function parseRangeEnd(start: IpAddress, endText: string): ParseResult<IpAddress> {
  if (endText === "") return rejected("missing range end after '-'");
  if (/^\d+$/.test(endText)) {
    if (start.family !== 4)
      return rejected("the short range form (a-40) is for IPv4 only; give the full end address");
    if (Number(endText) > 255) {
      return rejected(`range end ${endText} out of range (the short form replaces the last octet, 0-255)`);
    }
    return parsed({ family: 4, value: (start.value & ~0xffn) | BigInt(endText) });
  }
  const end = parseIpLiteral(endText);
  if (!end.ok) return rejected(`range end: ${end.reason}`);
  if (end.value.family !== start.family) return rejected("range mixes IPv4 and IPv6");
  return parsed(end.value);
}

/** `10.0.0.10-...`: the part before the first '-' is a dotted number, so this is a range, not a host name. */
function looksLikeIpv4Range(text: string): boolean {
  const dash = text.indexOf("-");
  return dash > 0 && looksLikeIpv4(text.slice(0, dash));
}

function single(address: IpAddress): TargetExpression {
  return { kind: "addresses", family: address.family, first: address.value, last: address.value };
}
