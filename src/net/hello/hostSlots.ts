import { type HostLimiters, runOnHost } from "../../scan/index.js";

/** Process-wide: two scans of one host's ports share the budget. */
const limiters: HostLimiters = new Map();

/**
 * Runs `task` once fewer than `concurrency` tasks for the same host are running, across every caller in
 * the process. The first caller's concurrency wins.
 */
export function withHostSlot<T>(host: string, concurrency: number, task: () => Promise<T>): Promise<T> {
  return runOnHost(limiters, host, concurrency, task);
}
