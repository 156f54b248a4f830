import { isDeepStrictEqual } from "node:util";
import type { Condition, FactCondition } from "./condition.js";
import { readFact } from "./factPath.js";
import { parseGoDuration } from "./goDuration.js";

export function evaluateCondition(condition: Condition, facts: unknown): boolean {
  if ("all" in condition) return condition.all.every((inner) => evaluateCondition(inner, facts));
  if ("any" in condition) return condition.any.some((inner) => evaluateCondition(inner, facts));
  if ("not" in condition) return !evaluateCondition(condition.not, facts);
  const read = readFact(facts, condition.fact);
  const actual = read === undefined && "default" in condition ? condition.default : read;
  const expected = operandOf(condition, facts);
  switch (condition.op) {
    case "is":
      return isDeepStrictEqual(actual, expected);
    case "isNot":
      return !isDeepStrictEqual(actual, expected);
    case "in":
      return Array.isArray(expected) && expected.some((candidate) => isDeepStrictEqual(candidate, actual));
    case "includes":
      return asArray(actual).some((element) => isDeepStrictEqual(element, expected));
    case "includesAny":
      return asArray(expected).some((wanted) =>
        asArray(actual).some((element) => isDeepStrictEqual(element, wanted)),
      );
    case "includesAll":
      return asArray(expected).every((wanted) =>
        asArray(actual).some((element) => isDeepStrictEqual(element, wanted)),
      );
    case "excludesAll":
      return !asArray(expected).some((wanted) =>
        asArray(actual).some((element) => isDeepStrictEqual(element, wanted)),
      );
    case "anyNotIn":
      return outside(actual, expected).length > 0;
    case "matches": {
      const pattern = new RegExp(String(expected));
      return asArray(actual).some((element) => typeof element === "string" && pattern.test(element));
    }
    case "exists":
      return (actual !== undefined && actual !== null) === expected;
    case "isEmpty":
      return (asArray(actual).length === 0) === expected;
    case "greaterThan":
      return typeof actual === "number" && typeof expected === "number" && actual > expected;
    case "lessThan":
      return typeof actual === "number" && typeof expected === "number" && actual < expected;
    case "atLeast":
      return typeof actual === "number" && typeof expected === "number" && actual >= expected;
    case "allIn":
      // A list containment that proves something: an empty or absent list is contained in nothing.
      return asArray(actual).length > 0 && outside(actual, expected).length === 0;
    case "durationAtLeast":
    case "durationAbove":
    case "durationAtMost":
      return compareDurations(condition.op, actual, expected);
  }
}

/**
 * What the `anyNotIn` conditions that made `condition` hold found outside their lists, each element once:
 * the `{$anyNotIn}` of a verdict's evidence. Conditions under `not`, or in an `any` branch that did not
 * hold, found nothing that explains the verdict.
 */
export function anyNotInWitnesses(condition: Condition, facts: unknown): unknown[] {
  return witnesses(condition, facts, "anyNotIn", (inner) =>
    outside(readFact(facts, inner.fact), operandOf(inner, facts)),
  );
}

/** Likewise for `matches`: the strings that matched (the `{$matches}` of a verdict's evidence). */
export function matchesWitnesses(condition: Condition, facts: unknown): unknown[] {
  return witnesses(condition, facts, "matches", (inner) => {
    const pattern = new RegExp(String(operandOf(inner, facts)));
    return asArray(readFact(facts, inner.fact)).filter(
      (element) => typeof element === "string" && pattern.test(element),
    );
  });
}

function witnesses(
  condition: Condition,
  facts: unknown,
  op: "anyNotIn" | "matches",
  elementsOf: (inner: FactCondition) => unknown[],
): unknown[] {
  const found: unknown[] = [];
  const collect = (inner: Condition): void => {
    if ("all" in inner) inner.all.forEach(collect);
    else if ("any" in inner) inner.any.filter((branch) => evaluateCondition(branch, facts)).forEach(collect);
    else if ("not" in inner) return;
    else if (inner.op === op) {
      for (const element of elementsOf(inner)) {
        if (!found.some((seen) => isDeepStrictEqual(seen, element))) found.push(element);
      }
    }
  };
  if (evaluateCondition(condition, facts)) collect(condition);
  return found;
}

/** False whenever either side is not a Go duration: an unreadable value proves nothing. */
function compareDurations(
  op: "durationAtLeast" | "durationAbove" | "durationAtMost",
  actual: unknown,
  expected: unknown,
): boolean {
  const value = parseGoDuration(actual);
  const bound = parseGoDuration(expected);
  if (value === null || bound === null) return false;
  if (op === "durationAtLeast") return value >= bound;
  if (op === "durationAbove") return value > bound;
  return value <= bound;
}

function operandOf(condition: FactCondition, facts: unknown): unknown {
  return condition.valueFact === undefined ? condition.value : readFact(facts, condition.valueFact);
}

/** The elements of `actual` that are not in the list `allowed`. */
function outside(actual: unknown, allowed: unknown): unknown[] {
  const list = asArray(allowed);
  return asArray(actual).filter(
    (element) => !list.some((candidate) => isDeepStrictEqual(candidate, element)),
  );
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
