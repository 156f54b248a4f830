import type { CheckStatus } from "./check.js";

/** One side of a config-vs-wire pair: which check on which endpoint said what. */
export interface ContradictionSide {
  /** `host:port` of the endpoint the check ran on (the read-only port's check sits on :10255). */
  endpoint: string;
  check: string;
  status: CheckStatus;
  evidence: string;
}

/**
 * Where a component's own live configuration and its behaviour on the wire disagree about one control
 * on one host: e.g. `authentication.anonymous.enabled: false` in /configz while an anonymous GET got 200.
 * A proxy in front of the kubelet, or a restart that never happened, produces exactly these.
 */
export interface ConfigContradiction {
  host: string;
  /** The control id in the scan's benchmark. */
  control: string;
  title: string;
  config: ContradictionSide;
  /** The wire checks carrying the same control on the same host whose decided verdict differs. */
  wire: ContradictionSide[];
  explanation: string;
}
