import type { CheckStatus, ScanResult } from "../model/index.js";

import { UsageError } from "./exitCodes.js";

/** INFO < WARN < ERROR < FAIL: a check that could not run is worse than a warning, better than a failure. */
const RANK: Partial<Record<CheckStatus, number>> = { INFO: 1, WARN: 2, ERROR: 3, FAIL: 4 };

export type FailOn = CheckStatus | "none";

export function parseFailOn(value: string): FailOn {
  const upper = value.toUpperCase();
  if (upper === "NONE") return "none";
  if (upper in RANK) return upper as CheckStatus;
  throw new UsageError(`--fail-on takes FAIL, ERROR, WARN, INFO or none, got "${value}"`);
}

export function hasFindingsAtOrAbove(result: ScanResult, failOn: FailOn): boolean {
  if (failOn === "none") return false;
  const threshold = RANK[failOn] ?? Number.POSITIVE_INFINITY;
  return result.endpoints.some((endpoint) =>
    endpoint.checks.some((check) => (RANK[check.status] ?? 0) >= threshold),
  );
}
