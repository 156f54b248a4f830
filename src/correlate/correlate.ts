import {
  type Agreement,
  type CheckResult,
  type CheckStatus,
  type ControlCorrelation,
  type Correlation,
  type EndpointResult,
  endpointKey,
  type FlagStatus,
  type ScanResult,
} from "../model/index.js";
import { BenchmarkMismatchError } from "./benchmarkMismatchError.js";
import { compareControlIds } from "./controlId.js";
import type { ProbeControls } from "./correlation.js";
import { contradictionSentence } from "./explanations.js";
import type { FlagVerdict } from "./flagVerdict.js";

const WIRE_SEVERITY: Readonly<Record<CheckStatus, number>> = {
  SKIP: 0,
  PASS: 1,
  INFO: 2,
  WARN: 3,
  ERROR: 4,
  FAIL: 5,
};
const FLAG_SEVERITY: Readonly<Record<FlagStatus, number>> = { PASS: 0, INFO: 1, WARN: 2, FAIL: 3 };
const AGREEMENT_RANK: Readonly<Record<Agreement, number>> = {
  contradiction: 0,
  agree: 1,
  "wire-only": 2,
  "flags-only": 2,
  undecided: 2,
};
const MANUAL_REASON = "Test marked as a manual test";

interface WireResult {
  endpoint: EndpointResult;
  check: CheckResult;
}

interface ControlInputs {
  flags: FlagVerdict[];
  wire: WireResult[];
  probes: ProbeControls[];
}

/**
 * Joins kube-bench's verdicts (what the flags and files say) with the scan's (what the wire shows) per CIS
 * control of the scan's benchmark. Every control either side reports appears once.
 */
export function correlate(
  scan: ScanResult,
  flags: readonly FlagVerdict[],
  probes: readonly ProbeControls[],
): Correlation {
  const benchmark = scan.benchmark;
  const wireProbes = probes.filter((probe) => probe.checkSource !== "config");
  assertSameBenchmark(benchmark, flags, wireProbes);
  const probesByControl = new Map<string, ProbeControls[]>();
  for (const probe of wireProbes) {
    for (const control of probe.controls[benchmark] ?? []) {
      probesByControl.set(control, [...(probesByControl.get(control) ?? []), probe]);
    }
  }
  const inputs = new Map<string, ControlInputs>();
  const inputsFor = (control: string): ControlInputs => {
    let found = inputs.get(control);
    if (!found) {
      found = { flags: [], wire: [], probes: probesByControl.get(control) ?? [] };
      inputs.set(control, found);
    }
    return found;
  };
  for (const flag of flags) inputsFor(flag.control).flags.push(flag);
  for (const endpoint of scan.endpoints) {
    for (const check of endpoint.checks) {
      // kube-bench reads configuration too; only what the wire showed is set against it.
      if (check.source === "config") continue;
      for (const control of new Set(check.cis)) inputsFor(control).wire.push({ endpoint, check });
    }
  }
  const controls = [...inputs].map(([control, input]) => correlateControl(control, input));
  controls.sort(
    (a, b) =>
      AGREEMENT_RANK[a.agreement] - AGREEMENT_RANK[b.agreement] || compareControlIds(a.control, b.control),
  );
  return { benchmark, controls };
}

function assertSameBenchmark(
  benchmark: string,
  flags: readonly FlagVerdict[],
  probes: readonly ProbeControls[],
): void {
  const foreign = flags.find((flag) => flag.benchmark !== benchmark)?.benchmark;
  if (foreign === undefined) return;
  const movedProbes = probes.filter((probe) => {
    const there = probe.controls[foreign] ?? [];
    const here = probe.controls[benchmark] ?? [];
    return there.length > 0 && here.length > 0 && there.join(",") !== here.join(",");
  });
  // Prefer a control the user's kube-bench file actually reports.
  const reported = new Set(flags.filter((flag) => flag.benchmark === foreign).map((flag) => flag.control));
  const moved =
    movedProbes.find((probe) => (probe.controls[foreign] ?? []).some((control) => reported.has(control))) ??
    movedProbes[0];
  const example = moved
    ? `${moved.id} is ${(moved.controls[foreign] ?? []).join(", ")} in ${foreign} and ${(moved.controls[benchmark] ?? []).join(", ")} in ${benchmark}`
    : null;
  const known = new Set(probes.flatMap((probe) => Object.keys(probe.controls)));
  throw new BenchmarkMismatchError(foreign, benchmark, example, known.size === 0 || known.has(foreign));
}

function correlateControl(control: string, input: ControlInputs): ControlCorrelation {
  const flag = worstFlag(input.flags);
  const wireVerdict = worstWire(input.wire.map((result) => result.check.status));
  const deciding = input.wire.filter((result) => result.check.status === wireVerdict);
  const wireEvidence = unique(
    deciding.map((result) => `${endpointKey(result.endpoint)}: ${result.check.evidence}`),
  );
  const probeIds = unique([
    ...input.probes.map((probe) => probe.id),
    ...input.wire.map((result) => result.check.id),
  ]);
  const side: Sides = {
    flag,
    wire: wireVerdict,
    wireEvidence,
    probeIds,
    // The checks that set the verdict speak first when choosing an explanation.
    checkIds: unique([...deciding.map((result) => result.check.id), ...probeIds]),
    endpoints: endpointTally(input.wire),
  };
  const { agreement, explanation } = explain(side);
  return {
    control,
    title:
      input.flags[0]?.text ??
      input.probes.find((probe) => probe.title)?.title ??
      input.wire[0]?.check.title ??
      "",
    flagVerdict: flag?.status ?? null,
    wireVerdict,
    wireEvidence,
    agreement,
    explanation,
    probeIds,
  };
}

function worstFlag(flags: readonly FlagVerdict[]): FlagVerdict | null {
  let worst: FlagVerdict | null = null;
  for (const flag of flags) {
    if (worst === null || FLAG_SEVERITY[flag.status] > FLAG_SEVERITY[worst.status]) worst = flag;
  }
  return worst;
}

function worstWire(statuses: readonly CheckStatus[]): CheckStatus | null {
  let worst: CheckStatus | null = null;
  for (const status of statuses) {
    if (worst === null || WIRE_SEVERITY[status] > WIRE_SEVERITY[worst]) worst = status;
  }
  return worst;
}

/** Endpoints whose own worst verdict on the control is FAIL, and those that decided it at all. */
function endpointTally(results: readonly WireResult[]): { failing: number; decided: number } {
  const perEndpoint = new Map<string, CheckStatus[]>();
  for (const { endpoint, check } of results) {
    const key = endpointKey(endpoint);
    perEndpoint.set(key, [...(perEndpoint.get(key) ?? []), check.status]);
  }
  let failing = 0;
  let decided = 0;
  for (const statuses of perEndpoint.values()) {
    const worst = worstWire(statuses);
    if (worst === "FAIL") failing++;
    if (worst === "FAIL" || worst === "PASS") decided++;
  }
  return { failing, decided };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

interface Sides {
  flag: FlagVerdict | null;
  wire: CheckStatus | null;
  wireEvidence: string[];
  probeIds: string[];
  checkIds: string[];
  endpoints: { failing: number; decided: number };
}

function isDecision(status: FlagStatus | CheckStatus | null | undefined): status is "PASS" | "FAIL" {
  return status === "PASS" || status === "FAIL";
}

function explain(side: Sides): { agreement: Agreement; explanation: string } {
  const { flag, wire } = side;
  const flagStatus = flag?.status ?? null;
  if (isDecision(flagStatus) && isDecision(wire)) {
    if (flagStatus === wire) {
      return {
        agreement: "agree",
        explanation:
          wire === "PASS"
            ? "kube-bench found the setting, and the wire shows the running component enforces it."
            : "kube-bench did not find the setting, and the wire shows the running component exposed: both say fix it.",
      };
    }
    let explanation = contradictionSentence(flagStatus === "PASS" ? "PASS/FAIL" : "FAIL/PASS", side.checkIds);
    const { failing, decided } = side.endpoints;
    if (wire === "FAIL" && failing < decided) {
      explanation += ` Only ${failing} of ${decided} endpoints fail it: kube-bench may have checked one of those that pass.`;
    }
    return { agreement: "contradiction", explanation };
  }
  if (isDecision(wire)) return { agreement: "wire-only", explanation: wireOnly(side, wire) };
  if (flag !== null && isDecision(flagStatus)) {
    return { agreement: "flags-only", explanation: flagsOnly(side, flagStatus) };
  }
  return {
    agreement: "undecided",
    explanation: `neither side decided it: kube-bench ${flagPhrase(flag)}; the wire ${wirePhrase(side)}.`,
  };
}

function wireOnly(side: Sides, wire: "PASS" | "FAIL"): string {
  const { flag } = side;
  const decided = `the wire decided it: ${wire}.`;
  if (flag === null) {
    return `kube-bench has no result for this control (that target was not checked, or its results are in another file); ${decided}`;
  }
  if (flag.status === "INFO") return `kube-bench skipped this control (INFO${reasonNote(flag)}); ${decided}`;
  if (flag.outcome === "failed") {
    const base = `kube-bench marks this control manual; ${decided} Its own test did not pass (kube-bench reports an unscored failure as WARN)`;
    return wire === "PASS"
      ? `${base}. Why they differ: ${contradictionSentence("FAIL/PASS", side.checkIds)}`
      : `${base}, and the wire confirms it.`;
  }
  if (flag.reason !== "" && flag.reason !== MANUAL_REASON) {
    return `kube-bench could not test this control (${shorten(flag.reason)}); ${decided}`;
  }
  if (flag.manual) return `kube-bench marks this control manual; ${decided}`;
  return `kube-bench did not decide this control (WARN); ${decided}`;
}

function flagsOnly(side: Sides, flagStatus: "PASS" | "FAIL"): string {
  const stands = `kube-bench's ${flagStatus} stands alone.`;
  if (side.probeIds.length === 0) return `kubetls has no wire probe for this control; ${stands}`;
  if (side.wire === null) {
    return `kubetls probes this control (${side.probeIds.join(", ")}), but no scanned endpoint answered for it; ${stands}`;
  }
  const evidence = side.wireEvidence[0] ? `: ${side.wireEvidence[0]}` : "";
  return `the wire did not decide it (${side.wire}${evidence}); ${stands}`;
}

function flagPhrase(flag: FlagVerdict | null): string {
  if (flag === null) return "has no result for it";
  if (flag.status === "INFO") return `skipped it (INFO${reasonNote(flag)})`;
  if (flag.manual && (flag.reason === "" || flag.reason === MANUAL_REASON)) return "marks it manual (WARN)";
  return `reports WARN${reasonNote(flag)}`;
}

function wirePhrase(side: Sides): string {
  if (side.wire === null) return side.probeIds.length === 0 ? "has no probe for it" : "has no result for it";
  const evidence = side.wireEvidence[0] ? `: ${side.wireEvidence[0]}` : "";
  return `reports ${side.wire}${evidence}`;
}

function reasonNote(flag: FlagVerdict): string {
  return flag.reason === "" ? "" : `: ${shorten(flag.reason)}`;
}

/** kube-bench's audit errors quote the command and its whole output. */
function shorten(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
