/**
 * kube-bench's `Controls[].version` in the naming of its cfg/ folders and of `--benchmark`: older folders
 * wrote a bare number ("1.6" in cis-1.6; "1.15", the Kubernetes version, in cis-1.5), newer ones "cis-1.12".
 * Non-CIS benchmarks (gke-1.2.0, eks-1.1.0, ...) are kept as written.
 */
export function normaliseBenchmark(version: string): string {
  const trimmed = version.trim();
  if (/^cis-/i.test(trimmed)) return trimmed.toLowerCase();
  if (trimmed === "1.15") return "cis-1.5";
  if (/^\d+\.\d+(\.\d+)?$/.test(trimmed)) return `cis-${trimmed}`;
  return trimmed;
}
