import { setTimeout as sleep } from "node:timers/promises";

/** Paces new connections to a global rate: every dial in the scan asks for a slot first. */
export interface ConnectionGate {
  /** Resolves when the caller may open one new connection. */
  take(): Promise<void>;
}

export const UNLIMITED_GATE: ConnectionGate = { take: async () => {} };

/*
 * Evenly spaced slots rather than a bursty bucket: a scan of a fleet should look like a steady trickle
 * to IDS and conntrack tables, never like N simultaneous SYNs.
 */
export function connectionGate(connectionsPerSecond: number | null): ConnectionGate {
  if (connectionsPerSecond === null || !Number.isFinite(connectionsPerSecond) || connectionsPerSecond <= 0) {
    return UNLIMITED_GATE;
  }
  const spacingMs = 1000 / connectionsPerSecond;
  let nextSlot = 0;
  return {
    take: async () => {
      const now = performance.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + spacingMs;
      if (slot > now) await sleep(slot - now);
    },
  };
}
