export type CheckStatus = "PASS" | "FAIL" | "WARN" | "INFO" | "SKIP" | "ERROR";
export const CHECK_STATUSES: readonly CheckStatus[] = ["PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"];

export type Severity = "critical" | "high" | "medium" | "low" | "info";

/**
 * What a verdict rests on: `wire` is behaviour kubetls observed (handshakes, answers per identity);
 * `config` is the component's own account of its live configuration (the kubelet's /configz). One control
 * may have one check of each; where they disagree the report shows a contradiction.
 */
export type CheckSource = "wire" | "config";
export const CHECK_SOURCES: readonly CheckSource[] = ["wire", "config"];

/** One probe's verdict on one endpoint. `cis` holds the control ids of the chosen benchmark version. */
export interface CheckResult {
  id: string;
  title: string;
  cis: string[];
  status: CheckStatus;
  severity: Severity;
  source: CheckSource;
  evidence: string;
  remediation: string;
  /**
   * Present (true) only when the verdict that decided is a critical finding: beyond the probe's severity, what
   * was observed gives anyone on the network a direct way in (e.g. anonymous use of the API server's node proxy).
   */
  critical?: true;
}
