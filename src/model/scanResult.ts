import type { CheckStatus } from "./check.js";
import type { ConfigContradiction } from "./configContradiction.js";
import type { Correlation } from "./correlation.js";
import type { EndpointResult } from "./endpointResult.js";
import type { PortState } from "./portState.js";
import type { UnopenedGroup } from "./unopenedEndpoints.js";

/** A target expression that could not be turned into endpoints, and where it came from. */
export interface InvalidTarget {
  input: string;
  /** Where the input was read: `argv`, `stdin`, a file path with line, `kubeconfig`, ... */
  source: string;
  reason: string;
}

export interface ScanSummary {
  /** Every endpoint the scan took up: those listed in `endpoints` and those counted in `unopened`. */
  endpoints: number;
  /** Endpoints per port state; they add up to `endpoints`. */
  states: Record<PortState, number>;
  /** The same as `states.open`: kept for consumers of older reports. */
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
  /** Open endpoints, and the closed or filtered ones judged because a component of their host answered. */
  endpoints: EndpointResult[];
  /** Every other endpoint that never opened: counts and hosts per state, port, role and error code. */
  unopened: UnopenedGroup[];
  /** With --flags: kube-bench's verdicts joined to the wire's, per control; contradictions first. */
  correlation?: Correlation;
  /** Per host and control, where a config check (e.g. the kubelet's /configz) and a wire check disagree. */
  configContradictions?: ConfigContradiction[];
}
