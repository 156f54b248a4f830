import { TargetError } from "./errors.js";

/** `--shard I/N`: this process scans shard I (0-based) of N. */
export interface Shard {
  index: number;
  count: number;
}

export class ShardSyntaxError extends TargetError {
  constructor(input: string, reason: string) {
    super(input, reason, `invalid --shard "${input}": ${reason}`);
  }
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new ShardSyntaxError(
      text,
      "expected I/N with 0 <= I < N, e.g. 0/4 (JOB_COMPLETION_INDEX/completions)",
    );
  }
  return { index, count };
}

/*
 * Which shard a host belongs to: FNV-1a of the host string. All ports of one host land in the same shard
 * (so one node's results stay together and per-host limits hold), and every process computes the same
 * split from the same targets without talking to the others.
 */
export function shardOf(host: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < host.length; index++) {
    hash ^= host.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}
