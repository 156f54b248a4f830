import { TargetTooLargeError } from "./errors.js";
import type { IpFamily } from "./ipAddress.js";
import { parseTarget, type TargetExpression } from "./targetExpression.js";

/**
 * The most addresses one expression may cover without `--allow-large`: an IPv4 /16, or an IPv6 /112 (the
 * same 65,536). Beyond that a typo in a mask (/8 for /28) is far likelier than intent, and it means
 * connections to millions of hosts the user probably does not own.
 */
export const MAX_ADDRESSES_PER_EXPRESSION = 65_536n;
const LIMIT_AS_PREFIX: Readonly<Record<IpFamily, string>> = { 4: "an IPv4 /16", 6: "an IPv6 /112" };

/** How many addresses one expression covers (a host name or host:port counts as one), for progress totals. */
export function countAddresses(expression: string): bigint {
  return addressCountOf(parseTarget(expression));
}

export function addressCountOf(expression: TargetExpression): bigint {
  return expression.kind === "addresses" ? expression.last - expression.first + 1n : 1n;
}

export function assertNotTooLarge(input: string, expression: TargetExpression, allowLarge: boolean): void {
  if (allowLarge || expression.kind !== "addresses") return;
  const count = addressCountOf(expression);
  if (count > MAX_ADDRESSES_PER_EXPRESSION) {
    throw new TargetTooLargeError(
      input,
      count,
      MAX_ADDRESSES_PER_EXPRESSION,
      LIMIT_AS_PREFIX[expression.family],
    );
  }
}
