/**
 * The declarative matchers a probe's verdicts use, in the manner of nuclei's matchers: a fact path and
 * one operator, combined with all/any/not. Kept small on purpose: every operator here is documented in
 * probes/README.md and validated at load time.
 */
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | FactCondition;

export interface FactCondition {
  fact: string;
  op: ConditionOperator;
  value: unknown;
}

export const CONDITION_OPERATORS = [
  "is",
  "isNot",
  "in",
  "includes",
  "includesAny",
  "includesAll",
  "excludesAll",
  "matches",
  "exists",
  "isEmpty",
  "greaterThan",
  "lessThan",
] as const;

export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];
