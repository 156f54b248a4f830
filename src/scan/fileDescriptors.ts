import { readFileSync } from "node:fs";

/** The soft limit on open files of this process, or null where it cannot be read (not Linux). */
export function openFileLimit(): number | null {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((candidate) => candidate.startsWith("Max open files"));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === undefined || soft === "unlimited") return null;
    const value = Number(soft);
    return Number.isInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

export interface ConnectBudget {
  /** Discovery connects allowed in flight. */
  inFlight: number;
  /** Set when the open-file limit lowered what was asked for: the limit that did it. */
  cappedByFileLimit: number | null;
}

/**
 * How many discovery connects may be in flight: what was asked for, unless the open-file limit cannot
 * hold that many sockets next to `reserved` (probing sockets, files, stdio). Running into EMFILE would
 * turn open ports into local errors, so the cap is taken up front and said out loud.
 */
export function connectBudget(requested: number, reserved: number, limit = openFileLimit()): ConnectBudget {
  if (limit === null) return { inFlight: requested, cappedByFileLimit: null };
  const available = Math.max(16, limit - reserved);
  return requested <= available
    ? { inFlight: requested, cappedByFileLimit: null }
    : { inFlight: available, cappedByFileLimit: limit };
}
