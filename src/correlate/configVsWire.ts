import {
  type CheckResult,
  type ConfigContradiction,
  type ContradictionSide,
  type EndpointResult,
  endpointKey,
} from "../model/index.js";
import { configWireExplanation } from "./configWireExplanations.js";
import { compareControlIds } from "./controlId.js";

interface Placed {
  endpoint: string;
  check: CheckResult;
}

/** Only PASS and FAIL are decisions; INFO, WARN, SKIP and ERROR leave a side open, never contradicting. */
const decided = (check: CheckResult): boolean => check.status === "PASS" || check.status === "FAIL";

/**
 * Per host and control of the scan's benchmark: a config check and a wire check that carry the same
 * control and reach opposite decisions. Grouped by host, not endpoint, because the two can sit on
 * different ports of one node (readOnlyPort in the kubelet's /configz on 10250, the answer on 10255).
 */
export function configContradictions(endpoints: readonly EndpointResult[]): ConfigContradiction[] {
  const byHost = new Map<string, Placed[]>();
  for (const endpoint of endpoints) {
    const placed = endpoint.checks.map((check) => ({ endpoint: endpointKey(endpoint), check }));
    byHost.set(endpoint.host, [...(byHost.get(endpoint.host) ?? []), ...placed]);
  }
  const found: ConfigContradiction[] = [];
  for (const [host, checks] of byHost) {
    const configChecks = checks.filter(({ check }) => check.source === "config" && decided(check));
    for (const config of configChecks) {
      for (const control of new Set(config.check.cis)) {
        const disagreeing = checks.filter(
          ({ check }) =>
            check.source === "wire" &&
            decided(check) &&
            check.status !== config.check.status &&
            check.cis.includes(control),
        );
        const first = disagreeing[0];
        if (!first) continue;
        found.push({
          host,
          control,
          title: config.check.title,
          config: side(config),
          wire: disagreeing.map(side),
          explanation: configWireExplanation(config.check.id, config.check.status, first.check.status),
        });
      }
    }
  }
  return found.sort((a, b) => compareControlIds(a.control, b.control) || a.host.localeCompare(b.host));
}

function side({ endpoint, check }: Placed): ContradictionSide {
  return { endpoint, check: check.id, status: check.status, evidence: check.evidence };
}
