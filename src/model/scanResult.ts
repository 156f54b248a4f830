import type { CheckStatus } from "./check.js";
import type { Correlation } from "./correlation.js";
import type { EndpointResult } from "./endpointResult.js";

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
}
