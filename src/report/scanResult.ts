import type { CheckStatus, EndpointResult, PortState, ScanSummary, UnopenedGroup } from "../model/index.js";

function emptyFindings(): Record<CheckStatus, number> {
  return { PASS: 0, FAIL: 0, WARN: 0, INFO: 0, SKIP: 0, ERROR: 0 };
}

function emptyStates(): Record<PortState, number> {
  return { open: 0, closed: 0, filtered: 0, unscanned: 0 };
}

export function summarize(
  endpoints: readonly EndpointResult[],
  unopened: readonly UnopenedGroup[] = [],
): ScanSummary {
  const findings = emptyFindings();
  const states = emptyStates();
  for (const endpoint of endpoints) {
    states[endpoint.state]++;
    for (const check of endpoint.checks) findings[check.status]++;
  }
  for (const group of unopened) states[group.state] += group.count;
  const total = states.open + states.closed + states.filtered + states.unscanned;
  return { endpoints: total, states, reachable: states.open, findings };
}
