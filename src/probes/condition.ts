/**
 * The declarative matchers a probe's verdicts use, in the manner of nuclei's matchers: a fact path and
 * one operator, combined with all/any/not. Kept small on purpose: every operator is documented in
 * probes/README.md and validated at load time.
 */
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | FactCondition;

export interface FactCondition {
  fact: string;
  op: ConditionOperator;
  /** The operand as written; ignored when `valueFact` is set. */
  value: unknown;
  /** `OPERATOR: { fact: PATH }`: the operand is read from the same facts (e.g. `scan.caSubjects`). */
  valueFact?: string;
  /**
   * `default: VALUE`: what an absent fact means. A kubelet's /configz omits zero values (`readOnlyPort`
   * absent is 0, `rotateCertificates` absent is false), so absence is judged by that meaning, not as unknown.
   */
  default?: unknown;
}

export const CONDITION_OPERATORS = [
  "is",
  "isNot",
  "in",
  "includes",
  "includesAny",
  "includesAll",
  "excludesAll",
  "anyNotIn",
  "matches",
  "exists",
  "isEmpty",
  "greaterThan",
  "lessThan",
  "atLeast",
  "allIn",
  "durationAtLeast",
  "durationAbove",
  "durationAtMost",
] as const;

export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** The operators whose operand is a list: a literal list or `{ fact: PATH }`. */
export const LIST_OPERATORS: ReadonlySet<ConditionOperator> = new Set([
  "in",
  "includesAny",
  "includesAll",
  "excludesAll",
  "anyNotIn",
  "allIn",
]);

/** The operators whose operand is a Go duration string ("5m", "4h0m0s"), compared as durations. */
export const DURATION_OPERATORS: ReadonlySet<ConditionOperator> = new Set([
  "durationAtLeast",
  "durationAbove",
  "durationAtMost",
]);
