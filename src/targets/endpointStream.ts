import { type Endpoint, endpointKey } from "../model/index.js";
import { type PortRole, portRolesOf } from "../roles/index.js";
import { AddressSet } from "./addressSet.js";
import { TargetError } from "./errors.js";
import { normaliseHostname } from "./hostname.js";
import { formatIpAddress } from "./ipAddress.js";
import { shardOf } from "./shard.js";
import { assertNotTooLarge } from "./sizeGuard.js";
import { parseTarget, type TargetExpression } from "./targetExpression.js";
import { readTargetLines } from "./targetFileLines.js";
import type { TargetPlan } from "./targetPlan.js";

/**
 * What the target stream yields: an endpoint to probe, or a line of a targets file that could not be
 * understood (`source` is `file:line`). Bad lines are reported and skipped so one typo does not stop a scan.
 */
export type TargetItem =
  | { kind: "endpoint"; endpoint: Endpoint }
  | { kind: "invalid"; input: string; source: string; reason: string };

/**
 * Parses positional targets up front, so the CLI can refuse a bad command line (exit 2) before probing
 * anything. Throws `TargetSyntaxError`, or `TargetTooLargeError` unless `allowLarge`.
 */
export function validateTargets(
  targets: readonly string[],
  options: { allowLarge?: boolean } = {},
): TargetExpression[] {
  return targets.map((input) => parseChecked(input, options.allowLarge ?? false));
}

/**
 * Every endpoint of the plan, lazily: positional targets first, then each targets file, in the order
 * given; address-major (all ports of one address, then the next address). Ranges are walked with a BigInt
 * counter and never materialised, so a /8 costs the memory of a /24. Excluded hosts are never yielded.
 *
 * Repeats of one host (a single address, host name or host:port) are yielded once. Ranges and CIDRs are
 * not deduplicated against each other or against single hosts: that would mean remembering every address
 * they cover, which is exactly the memory the laziness saves.
 */
export async function* streamEndpoints(plan: TargetPlan): AsyncGenerator<TargetItem, void, undefined> {
  const shard = plan.shard;
  if (shard === undefined) {
    yield* streamAllEndpoints(plan);
    return;
  }
  for await (const item of streamAllEndpoints(plan)) {
    // Invalid lines are reported by shard 0 only, so merged shards list each once.
    const mine =
      item.kind === "endpoint" ? shardOf(item.endpoint.host, shard.count) === shard.index : shard.index === 0;
    if (mine) yield item;
  }
}

async function* streamAllEndpoints(plan: TargetPlan): AsyncGenerator<TargetItem, void, undefined> {
  const positional = validateTargets(plan.targets, plan);
  const expander = new EndpointExpander(portRolesOf(plan.ports), AddressSet.parse(plan.exclude, "exclusion"));
  for (const expression of positional) yield* expander.expand(expression);
  for (const file of plan.targetFiles) {
    for await (const line of readTargetLines(file, plan.stdin)) {
      let expression: TargetExpression;
      try {
        expression = parseChecked(line.text, plan.allowLarge);
      } catch (error) {
        if (!(error instanceof TargetError)) throw error;
        yield { kind: "invalid", input: line.text, source: line.source, reason: error.reason };
        continue;
      }
      yield* expander.expand(expression);
    }
  }
}

function parseChecked(input: string, allowLarge: boolean): TargetExpression {
  const expression = parseTarget(input);
  assertNotTooLarge(input, expression, allowLarge);
  return expression;
}

/** Turns one expression into its endpoints, applying exclusions and single-host deduplication. */
class EndpointExpander {
  readonly #portRoles: readonly PortRole[];
  readonly #excluded: AddressSet;
  /** host:port keys of single hosts already yielded; grows with the number of such targets only. */
  readonly #seenSingleHosts = new Set<string>();

  constructor(portRoles: readonly PortRole[], excluded: AddressSet) {
    this.#portRoles = portRoles;
    this.#excluded = excluded;
  }

  *expand(expression: TargetExpression): Generator<TargetItem, void, undefined> {
    switch (expression.kind) {
      case "host-port":
        if (this.#excluded.contains(expression.host)) return;
        yield* this.#once({
          host: expression.host,
          port: expression.port,
          role: expression.role ?? "unknown",
        });
        return;
      case "hostname":
        if (this.#excluded.contains(expression.host)) return;
        for (const { port, role } of this.#portRoles)
          yield* this.#once({ host: expression.host, port, role });
        return;
      case "addresses":
        yield* this.#expandAddresses(expression);
        return;
    }
  }

  *#expandAddresses({
    family,
    first,
    last,
  }: TargetExpression & { kind: "addresses" }): Generator<TargetItem> {
    const isSingle = first === last;
    let value = first;
    while (value <= last) {
      const excludedThrough = this.#excluded.lastContainedFrom({ family, value });
      if (excludedThrough !== undefined) {
        value = excludedThrough + 1n;
        continue;
      }
      const host = formatIpAddress({ family, value });
      for (const { port, role } of this.#portRoles) {
        const endpoint: Endpoint = { host, port, role };
        if (isSingle) yield* this.#once(endpoint);
        else yield { kind: "endpoint", endpoint };
      }
      value++;
    }
  }

  *#once(endpoint: Endpoint): Generator<TargetItem> {
    // Host names compare as DNS does; IP hosts are already canonical, so their text is their identity.
    const key = endpointKey({ host: normaliseHostname(endpoint.host), port: endpoint.port });
    if (this.#seenSingleHosts.has(key)) return;
    this.#seenSingleHosts.add(key);
    yield { kind: "endpoint", endpoint };
  }
}
