import { compareControlIds } from "../correlate/index.js";
import { type CheckResult, type CheckStatus, endpointKey, type ScanResult } from "../model/index.js";
import { withCriticalLabel } from "./criticalFinding.js";
import { sortEndpoints } from "./order.js";
import { stringifySafe } from "./safeJson.js";

/**
 * kube-bench `--json` output, field for field as its Go structs serialise (check/controls.go,
 * check/check.go; docs/cis-numbering.md §5): `Controls`/`Totals` carry no json tags, and `AuditEnv`,
 * `AuditConfig`, `IsMultiple` only yaml tags, so Go writes them under their field names.
 */
export type KubeBenchStatus = "PASS" | "FAIL" | "WARN" | "INFO";

export interface KubeBenchCheck {
  test_number: string;
  test_desc: string;
  audit: string;
  AuditEnv: string;
  AuditConfig: string;
  type: string;
  remediation: string;
  test_info: string[];
  status: KubeBenchStatus;
  actual_value: string;
  scored: boolean;
  IsMultiple: boolean;
  expected_result: string;
  reason?: string;
}

export interface KubeBenchGroup {
  section: string;
  type: string;
  pass: number;
  fail: number;
  warn: number;
  info: number;
  desc: string;
  results: KubeBenchCheck[];
}

export interface KubeBenchTotals {
  total_pass: number;
  total_fail: number;
  total_warn: number;
  total_info: number;
}

export interface KubeBenchControls extends KubeBenchTotals {
  id: string;
  version: string;
  text: string;
  node_type: string;
  tests: KubeBenchGroup[];
}

export interface KubeBenchDocument {
  Controls: KubeBenchControls[];
  Totals: KubeBenchTotals;
}

/** The benchmark's top-level sections, as kube-bench's cfg/cis-* files name them. */
const COMPONENTS: Record<string, { text: string; nodeType: string }> = {
  "1": { text: "Control Plane Security Configuration", nodeType: "master" },
  "2": { text: "Etcd Node Configuration", nodeType: "etcd" },
  "3": { text: "Control Plane Configuration", nodeType: "controlplane" },
  "4": { text: "Worker Node Security Configuration", nodeType: "node" },
  "5": { text: "Kubernetes Policies", nodeType: "policies" },
};

const GROUPS: Record<string, string> = {
  "1.1": "Control Plane Node Configuration Files",
  "1.2": "API Server",
  "1.3": "Controller Manager",
  "1.4": "Scheduler",
  "2": "Etcd Node Configuration",
  "3.1": "Authentication and Authorization",
  "3.2": "Logging",
  "4.1": "Worker Node Configuration Files",
  "4.2": "Kubelet",
  "4.3": "kube-proxy",
};

const AUDIT = "kubetls wire probe";
/** Endpoints named per status line of `actual_value`; a sweep of thousands would drown a dashboard. */
const MAX_LISTED = 20;
/** The order statuses are listed in `actual_value`: what needs action first. */
const LISTING_ORDER: readonly CheckStatus[] = ["FAIL", "ERROR", "WARN", "INFO", "SKIP", "PASS"];

/** One endpoint's verdict on one control, from one probe. */
interface Observation {
  endpoint: string;
  check: CheckResult;
}

/** `4.2.10` is in group `4.2` of component `4`; etcd's `2.2` is in group `2`, as kube-bench has it. */
function sectionOf(control: string): { component: string; group: string } {
  const parts = control.split(".");
  const component = parts[0] ?? control;
  return { component, group: parts.length > 2 ? parts.slice(0, 2).join(".") : component };
}

/**
 * One verdict per control over every endpoint and probe: FAIL if any FAILs; else WARN if any WARNs or
 * ERRORs (kube-bench has no ERROR: a check that could not run is WARN there too); else PASS if any
 * PASSes; else INFO (only INFO and SKIP, and kube-bench reports a skipped check as INFO).
 */
function verdict(statuses: ReadonlySet<CheckStatus>): KubeBenchStatus {
  if (statuses.has("FAIL")) return "FAIL";
  if (statuses.has("WARN") || statuses.has("ERROR")) return "WARN";
  if (statuses.has("PASS")) return "PASS";
  return "INFO";
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join("; ");
  return items.length > MAX_LISTED ? `${shown}; … and ${items.length - MAX_LISTED} more` : shown;
}

/** Per status, the endpoints, with the evidence where something is wrong: `FAIL (1 of 3): 10.0.0.12:10250: ...`. */
function actualValue(observations: readonly Observation[]): string {
  const lines: string[] = [];
  for (const status of LISTING_ORDER) {
    const matching = observations.filter((observation) => observation.check.status === status);
    if (matching.length === 0) continue;
    const items = matching.map(({ endpoint, check }) =>
      status === "PASS" ? endpoint : `${endpoint}: ${withCriticalLabel(check, check.evidence)}`,
    );
    lines.push(`${status} (${matching.length} of ${observations.length}): ${listed(items)}`);
  }
  return lines.join("\n");
}

function reason(observations: readonly Observation[], status: KubeBenchStatus): string | undefined {
  const errors = observations.filter((observation) => observation.check.status === "ERROR").length;
  if (status === "WARN" && errors > 0) {
    return `the probe could not decide on ${errors} endpoint${errors === 1 ? "" : "s"} (kubetls ERROR, reported as WARN)`;
  }
  if (status === "INFO" && observations.every((observation) => observation.check.status === "SKIP")) {
    return "not applicable to any endpoint probed (kubetls SKIP, reported as INFO)";
  }
  return undefined;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((value) => value !== ""))];
}

function toCheck(control: string, observations: readonly Observation[]): KubeBenchCheck {
  const status = verdict(new Set(observations.map((observation) => observation.check.status)));
  const probes = unique(observations.map((observation) => observation.check.id));
  const remediation = unique(observations.map((observation) => observation.check.remediation.trim())).join(
    "\n",
  );
  const check: KubeBenchCheck = {
    test_number: control,
    test_desc: unique(observations.map((observation) => observation.check.title)).join(" / "),
    audit: AUDIT,
    AuditEnv: "",
    AuditConfig: "",
    type: "",
    remediation,
    // kube-bench appends the remediation to test_info when it runs a check.
    test_info: [remediation],
    status,
    actual_value: actualValue(observations),
    scored: true,
    IsMultiple: new Set(observations.map((observation) => observation.endpoint)).size > 1,
    expected_result: `kubetls probe ${probes.join(", ")} passes on every endpoint it applies to`,
  };
  const why = reason(observations, status);
  if (why !== undefined) check.reason = why;
  return check;
}

function emptyTotals(): KubeBenchTotals {
  return { total_pass: 0, total_fail: 0, total_warn: 0, total_info: 0 };
}

function addTo(totals: KubeBenchTotals, status: KubeBenchStatus): void {
  if (status === "PASS") totals.total_pass++;
  else if (status === "FAIL") totals.total_fail++;
  else if (status === "WARN") totals.total_warn++;
  else totals.total_info++;
}

function toGroup(section: string, results: KubeBenchCheck[]): KubeBenchGroup {
  const count = (status: KubeBenchStatus) => results.filter((result) => result.status === status).length;
  return {
    section,
    type: "",
    pass: count("PASS"),
    fail: count("FAIL"),
    warn: count("WARN"),
    info: count("INFO"),
    desc: GROUPS[section] ?? section,
    results,
  };
}

function kubeBenchDocument(result: ScanResult): KubeBenchDocument {
  // Checks with no control id in the chosen benchmark (cis: []) have no kube-bench counterpart and
  // are left out; they still appear in every other format.
  const byControl = new Map<string, Observation[]>();
  for (const endpoint of sortEndpoints(result.endpoints)) {
    const key = endpointKey(endpoint);
    for (const check of endpoint.checks) {
      for (const control of new Set(check.cis)) {
        const observations = byControl.get(control) ?? [];
        observations.push({ endpoint: key, check });
        byControl.set(control, observations);
      }
    }
  }
  const components = new Map<string, Map<string, KubeBenchCheck[]>>();
  for (const control of [...byControl.keys()].sort(compareControlIds)) {
    const { component, group } = sectionOf(control);
    const groups = components.get(component) ?? new Map<string, KubeBenchCheck[]>();
    components.set(component, groups);
    const checks = groups.get(group) ?? [];
    groups.set(group, checks);
    checks.push(toCheck(control, byControl.get(control) ?? []));
  }
  const totals = emptyTotals();
  const controls = [...components].map(([component, groups]): KubeBenchControls => {
    const known = COMPONENTS[component];
    const summary = emptyTotals();
    for (const check of [...groups.values()].flat()) {
      addTo(summary, check.status);
      addTo(totals, check.status);
    }
    return {
      id: component,
      version: result.benchmark,
      text: known?.text ?? `Section ${component}`,
      node_type: known?.nodeType ?? "",
      tests: [...groups].map(([section, checks]) => toGroup(section, checks)),
      ...summary,
    };
  });
  return { Controls: controls, Totals: totals };
}

/**
 * The run in kube-bench's `--json` shape, so dashboards and tooling that read kube-bench read
 * kubetls: one Controls per benchmark component (master 1, etcd 2, node 4), groups by section, one
 * result per control aggregated over every endpoint. Statuses map PASS, FAIL, WARN and INFO as is,
 * ERROR to WARN and SKIP to INFO, with a `reason` saying so.
 */
export function formatKubeBench(result: ScanResult): string {
  return `${stringifySafe(kubeBenchDocument(result), 2)}\n`;
}
