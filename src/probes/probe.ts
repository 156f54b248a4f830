import type { CheckSource, CheckStatus, Role, Severity } from "../model/index.js";
import type { Condition } from "./condition.js";

/** One verdict rule: when the condition holds (or always, for the fallback), this status and evidence. */
export interface Verdict {
  status: CheckStatus;
  when: Condition | null;
  /** A template: `{fact.path}` is replaced by that fact's value. */
  evidence: string;
  /** A critical finding (the YAML's `critical: true`, FAIL verdicts only): marked as such in every report. */
  critical?: true;
}

/** A probe as loaded from probes/<id>.yaml: data only, evaluated by evaluateProbes. */
export interface Probe {
  id: string;
  title: string;
  roles: Role[];
  severity: Severity;
  /**
   * What the verdicts rest on (the YAML's `source`): observed behaviour (`wire`, the default) or the live
   * configuration (`config`). Named apart from `source`, the file it was loaded from.
   */
  checkSource: CheckSource;
  /** Benchmark id (e.g. "cis-1.12") -> control ids; an empty list means the benchmark has no such control. */
  controls: Record<string, string[]>;
  /** The facts the probe reads, for people and for the loader's check that they exist. */
  reads: string[];
  /** Tried in order; the first whose condition holds decides. The last must have no condition. */
  verdicts: Verdict[];
  remediation: string;
  references: string[];
  /** Where it was loaded from, for error messages. */
  source: string;
}

export interface BenchmarkCatalogue {
  defaultBenchmark: string;
  benchmarks: { id: string; title: string }[];
}

export interface ProbeSet {
  catalogue: BenchmarkCatalogue;
  probes: Probe[];
}
