import pLimit, { type LimitFunction } from "p-limit";

/** Runs a task for a host once fewer than `perHost` tasks for that host are running. */
export type PerHostLimit = <T>(host: string, task: () => Promise<T>) => Promise<T>;

/** One p-limit per host that has tasks; an entry is dropped when its last task settles. */
export type HostLimiters = Map<string, { limit: LimitFunction; users: number }>;

/**
 * Runs `task` under `host`'s limiter in `limiters`, creating it with `perHost` slots when the host has none
 * yet (so the first caller's figure holds while the host is busy). Limiters exist only while a host has
 * tasks, so a sweep keeps a handful of entries, not one per address.
 */
export async function runOnHost<T>(
  limiters: HostLimiters,
  host: string,
  perHost: number,
  task: () => Promise<T>,
): Promise<T> {
  const key = host.toLowerCase();
  let entry = limiters.get(key);
  if (entry === undefined) {
    entry = { limit: pLimit(Math.max(1, perHost)), users: 0 };
    limiters.set(key, entry);
  }
  entry.users += 1;
  try {
    return await entry.limit(task);
  } finally {
    entry.users -= 1;
    if (entry.users === 0) limiters.delete(key);
  }
}

/**
 * Discovery keeps thousands of connects in flight across a range, but never more than `perHost` towards
 * one address: a targets file listing one host's ports by the thousand must not flood that host.
 */
export function perHostLimit(perHost: number): PerHostLimit {
  const limiters: HostLimiters = new Map();
  return (host, task) => runOnHost(limiters, host, perHost, task);
}
