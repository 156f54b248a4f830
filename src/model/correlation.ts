import type { CheckStatus } from "./check.js";

/** The statuses kube-bench writes into its `--json` output. */
export type FlagStatus = "PASS" | "FAIL" | "WARN" | "INFO";

/**
 * How the two views of one control relate. Only PASS and FAIL count as a decision: kube-bench's WARN and
 * INFO, and the wire's WARN, INFO, SKIP and ERROR, leave the control open on that side.
 */
export type Agreement = "agree" | "contradiction" | "wire-only" | "flags-only" | "undecided";

export interface ControlCorrelation {
  control: string;
  /** kube-bench's control text when it has the control, else the kubetls probe's title. */
  title: string;
  /** The worst over kube-bench's results for the control (several nodes may report it): FAIL > WARN > INFO > PASS. */
  flagVerdict: FlagStatus | null;
  /** The worst over every endpoint's checks carrying the control: FAIL > ERROR > WARN > INFO > PASS > SKIP. */
  wireVerdict: CheckStatus | null;
  /** `host:port: evidence` of the checks that set the wire verdict. */
  wireEvidence: string[];
  agreement: Agreement;
  explanation: string;
  /** kubetls probes (and scanned checks) that carry this control in the benchmark; empty when kubetls has none. */
  probeIds: string[];
}

/** Contradictions first, then agreements, then the rest; each by control id in numeric order. */
export interface Correlation {
  benchmark: string;
  controls: ControlCorrelation[];
}
