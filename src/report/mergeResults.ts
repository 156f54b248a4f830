import { endpointKey, InputError, type ScanResult, type UnopenedGroup } from "../model/index.js";
import { sortEndpoints } from "./order.js";
import { summarize } from "./scanResult.js";

export class MergeError extends InputError {
  constructor(message: string) {
    super("KUBETLS_ERR_MERGE", message);
  }
}

/**
 * Shards of one sweep (`--shard I/N`) into one result: endpoints joined (a repeated host:port keeps the
 * later shard's record), invalid targets joined, the earliest start and latest finish, summary recounted,
 * the kube-bench correlation kept when there is one result.
 * Shards numbered by different benchmarks cannot be merged: their control ids mean different things.
 */
export function mergeResults(results: readonly ScanResult[]): ScanResult {
  const [first, ...rest] = results;
  if (!first) throw new MergeError("nothing to merge");
  for (const result of rest) {
    if (result.benchmark !== first.benchmark) {
      throw new MergeError(
        `cannot merge a ${result.benchmark} result with a ${first.benchmark} one: control ids differ`,
      );
    }
  }
  const byKey = new Map(
    results.flatMap((result) => result.endpoints).map((endpoint) => [endpointKey(endpoint), endpoint]),
  );
  const endpoints = sortEndpoints([...byKey.values()]);
  const unopened = mergeUnopened(results.flatMap((result) => result.unopened ?? []));
  return {
    schemaVersion: 1,
    tool: first.tool,
    startedAt: results.map((result) => result.startedAt).sort()[0] ?? first.startedAt,
    finishedAt:
      results
        .map((result) => result.finishedAt)
        .sort()
        .at(-1) ?? first.finishedAt,
    benchmark: first.benchmark,
    targets: {
      expressions: [...new Set(results.flatMap((result) => result.targets.expressions))],
      invalid: results.flatMap((result) => result.targets.invalid),
    },
    summary: summarize(endpoints, unopened),
    endpoints,
    unopened,
    // One result merged alone keeps its join with kube-bench whole; shards' joins cannot be added up without
    // kube-bench's own verdicts (merge --flags joins the merged result again).
    ...(results.length === 1 && first.correlation !== undefined ? { correlation: first.correlation } : {}),
  };
}

/** One group per state, port, role and code across the shards: counts added, host lists joined. */
function mergeUnopened(groups: readonly UnopenedGroup[]): UnopenedGroup[] {
  const merged = new Map<string, UnopenedGroup>();
  for (const group of groups) {
    const key = `${group.state}|${group.port}|${group.role}|${group.code}`;
    const known = merged.get(key);
    if (known) {
      known.count += group.count;
      for (const host of group.hosts) known.hosts.push(host);
    } else merged.set(key, { ...group, hosts: [...group.hosts] });
  }
  return [...merged.values()];
}
