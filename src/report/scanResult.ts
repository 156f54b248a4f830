import type { CheckStatus, EndpointResult, ScanSummary } from "../model/index.js";

function emptyFindings(): Record<CheckStatus, number> {
  return { PASS: 0, FAIL: 0, WARN: 0, INFO: 0, SKIP: 0, ERROR: 0 };
}

export function summarize(endpoints: readonly EndpointResult[]): ScanSummary {
  const findings = emptyFindings();
  let reachable = 0;
  for (const endpoint of endpoints) {
    if (endpoint.reachable) reachable++;
    for (const check of endpoint.checks) findings[check.status]++;
  }
  return { endpoints: endpoints.length, reachable, findings };
}
