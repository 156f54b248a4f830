import pLimit, { type LimitFunction } from "p-limit";

interface HostLimiter {
  limit: LimitFunction;
  users: number;
}

const limiters = new Map<string, HostLimiter>();

/**
 * Runs `task` once fewer than `concurrency` tasks for the same host are running, across every caller in
 * the process: two scans of one host's ports share the budget. The first caller's concurrency wins.
 */
export async function withHostSlot<T>(host: string, concurrency: number, task: () => Promise<T>): Promise<T> {
  const key = host.toLowerCase();
  let entry = limiters.get(key);
  if (entry === undefined) {
    entry = { limit: pLimit(Math.max(1, concurrency)), users: 0 };
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
