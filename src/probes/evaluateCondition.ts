import { isDeepStrictEqual } from "node:util";
import type { Condition } from "./condition.js";
import { readFact } from "./factPath.js";

export function evaluateCondition(condition: Condition, facts: unknown): boolean {
  if ("all" in condition) return condition.all.every((inner) => evaluateCondition(inner, facts));
  if ("any" in condition) return condition.any.some((inner) => evaluateCondition(inner, facts));
  if ("not" in condition) return !evaluateCondition(condition.not, facts);
  const actual = readFact(facts, condition.fact);
  const expected = condition.value;
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
  }
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
