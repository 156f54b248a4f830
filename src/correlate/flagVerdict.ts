import type { FlagStatus } from "../model/index.js";

export const FLAG_STATUSES: readonly FlagStatus[] = ["PASS", "FAIL", "WARN", "INFO"];

/**
 * What kube-bench's test itself concluded, which its status hides for unscored controls: kube-bench reports
 * an unscored control whose test failed as WARN, the same status as a control it never tested.
 */
export type FlagOutcome = "passed" | "failed" | "not-tested";

/** One kube-bench check result: what the flags and config files say about one CIS control on one node. */
export interface FlagVerdict {
  control: string;
  status: FlagStatus;
  text: string;
  remediation: string;
  actualValue: string;
  /** The benchmark the control id belongs to, normalised to kube-bench's folder name: `cis-1.12`. */
  benchmark: string;
  /** kube-bench's target: `master`, `node`, `etcd`, `controlplane`, `policies`; empty when absent. */
  nodeType: string;
  /** kube-bench does not score it (`type: manual`, `scored: false`, or a "(Manual)" text). */
  manual: boolean;
  outcome: FlagOutcome;
  /** kube-bench's reason for a WARN or INFO ("Test marked as a manual test", an audit error); empty when none. */
  reason: string;
}
