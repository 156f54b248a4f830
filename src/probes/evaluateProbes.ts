import type { CheckResult } from "../model/index.js";
import { anyNotInWitnesses, evaluateCondition, matchesWitnesses } from "./evaluateCondition.js";
import { renderEvidence } from "./evidenceTemplate.js";
import type { EndpointFacts } from "./facts.js";
import type { Probe } from "./probe.js";

/**
 * facts -> verdicts, a pure function: every probe for the endpoint's role, first matching verdict wins.
 * `cis` carries the control ids of the benchmark the scan was asked for.
 */
export function evaluateProbes(probes: readonly Probe[], facts: EndpointFacts): CheckResult[] {
  return probes
    .filter((probe) => probe.roles.includes(facts.role))
    .map((probe) => {
      const verdict = probe.verdicts.find(
        (candidate) => candidate.when === null || evaluateCondition(candidate.when, facts),
      );
      // The loader guarantees a fallback verdict, so `verdict` is always found.
      const chosen = verdict ?? probe.verdicts[probe.verdicts.length - 1];
      const anyNotIn = chosen?.when ? anyNotInWitnesses(chosen.when, facts) : [];
      const matches = chosen?.when ? matchesWitnesses(chosen.when, facts) : [];
      return {
        id: probe.id,
        title: probe.title,
        cis: probe.controls[facts.scan.benchmark] ?? [],
        status: chosen?.status ?? "ERROR",
        severity: probe.severity,
        source: probe.checkSource,
        evidence: renderEvidence(chosen?.evidence ?? "", facts, { anyNotIn, matches }),
        remediation: probe.remediation,
        ...(chosen?.critical ? { critical: true as const } : {}),
      };
    });
}
