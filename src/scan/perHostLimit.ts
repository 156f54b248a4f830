/** Runs a task for a host once fewer than `perHost` tasks for that host are running. */
export type PerHostLimit = <T>(host: string, task: () => Promise<T>) => Promise<T>;

/** The slots of one host that has tasks: how many run, and who waits, first come first served. */
interface HostSlots {
  running: number;
  limit: number;
  waiting: (() => void)[];
}

/** The hosts that have tasks; an entry is dropped when its last task settles. */
export type HostLimiters = Map<string, HostSlots>;

/**
 * Runs `task` under `host`'s slots in `limiters`, creating them with `perHost` slots when the host has none
 * yet (so the first caller's figure holds while the host is busy). Entries exist only while a host has
 * tasks, so a sweep keeps a handful of entries, not one per address. A counter and a queue rather than a
 * p-limit per host: a sweep creates one entry per address, and a p-limit each was a visible share of its CPU.
 */
export async function runOnHost<T>(
  limiters: HostLimiters,
  host: string,
  perHost: number,
  task: () => Promise<T>,
): Promise<T> {
  const key = host.toLowerCase();
  let slots = limiters.get(key);
  if (slots === undefined) {
    slots = { running: 0, limit: Math.max(1, Math.floor(perHost)), waiting: [] };
    limiters.set(key, slots);
  }
  if (slots.running >= slots.limit) {
    // A finishing task hands its slot straight to the first waiter, so no newcomer slips in between.
    const queue = slots.waiting;
    await new Promise<void>((resolve) => queue.push(resolve));
  } else {
    slots.running += 1;
  }
  try {
    return await task();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else {
      slots.running -= 1;
      if (slots.running === 0) limiters.delete(key);
    }
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
