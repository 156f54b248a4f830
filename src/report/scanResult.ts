import type { Correlation } from "../correlate/index.js";
import type { CheckStatus, ConfigContradiction, EndpointResult } from "../model/index.js";

/** A target expression that could not be turned into endpoints, and where it came from. */
export interface InvalidTarget {
  input: string;
  /** Where the input was read: `argv`, `stdin`, a file path with line, `kubeconfig`, ... */
  source: string;
  reason: string;
}

export interface ScanSummary {
  endpoints: number;
  reachable: number;
  /** Every status is present, zero included, so consumers never have to default a missing key. */
  findings: Record<CheckStatus, number>;
}

/** One whole run: what was asked, when, and every endpoint's record. Validated by schema/kubetls-result.schema.json. */
export interface ScanResult {
  schemaVersion: 1;
  tool: { name: "kubetls"; version: string };
  startedAt: string;
  finishedAt: string;
  /** The CIS benchmark version the control ids refer to, e.g. `cis-1.12`. */
  benchmark: string;
  targets: { expressions: string[]; invalid: InvalidTarget[] };
  summary: ScanSummary;
  endpoints: EndpointResult[];
  /** With --flags: kube-bench's verdicts joined to the wire's, per control; contradictions first. */
  correlation?: Correlation;
  /** Per host and control, where a config check (e.g. the kubelet's /configz) and a wire check disagree. */
  configContradictions?: ConfigContradiction[];
}

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
