import type { CheckResult } from "../model/index.js";

/** What every format writes before a critical finding's text, so it reads the same in each. */
export const CRITICAL_LABEL = "CRITICAL";

/** `text`, led by the critical label when the check's deciding verdict is a critical finding. */
export function withCriticalLabel(check: Pick<CheckResult, "critical">, text: string): string {
  return check.critical === true ? `${CRITICAL_LABEL}: ${text}` : text;
}
