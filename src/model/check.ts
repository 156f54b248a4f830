export type CheckStatus = "PASS" | "FAIL" | "WARN" | "INFO" | "SKIP" | "ERROR";
export const CHECK_STATUSES: readonly CheckStatus[] = ["PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"];

export type Severity = "critical" | "high" | "medium" | "low" | "info";

/** One probe's verdict on one endpoint. `cis` holds the control ids of the chosen benchmark version. */
export interface CheckResult {
  id: string;
  title: string;
  cis: string[];
  status: CheckStatus;
  severity: Severity;
  evidence: string;
  remediation: string;
}
