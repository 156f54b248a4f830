import type { CheckResult, Role } from "../model/index.js";
import type { Probe } from "./probe.js";

/**
 * Every probe of the role as SKIP with one reason, evaluating nothing: for an endpoint nothing could be
 * asked of (a filtered port, one never dialled), where no fact exists for any verdict to read.
 */
export function skippedChecks(
  probes: readonly Probe[],
  role: Role,
  benchmark: string,
  reason: string,
): CheckResult[] {
  return probes
    .filter((probe) => probe.roles.includes(role))
    .map((probe) => ({
      id: probe.id,
      title: probe.title,
      cis: probe.controls[benchmark] ?? [],
      status: "SKIP",
      severity: probe.severity,
      source: probe.checkSource,
      evidence: reason,
      remediation: probe.remediation,
    }));
}
