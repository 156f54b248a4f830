import { describe, expect, it } from "vitest";
import { parseGoDuration } from "../../src/probes/goDuration.js";
import { evaluateCondition } from "../../src/probes/index.js";

describe("Go durations", () => {
  it("parses what metav1.Duration writes and what people write", () => {
    expect(parseGoDuration("4h0m0s")).toBe(4 * 3600e9);
    expect(parseGoDuration("1m0s")).toBe(60e9);
    expect(parseGoDuration("100ms")).toBe(100e6);
    expect(parseGoDuration("1.5h")).toBe(5400e9);
    expect(parseGoDuration("0s")).toBe(0);
    expect(parseGoDuration("0")).toBe(0);
    expect(parseGoDuration("-5m")).toBe(-300e9);
    for (const bad of ["", "5", "5 m", "m", "4h0x", 300, null, "1d"]) expect(parseGoDuration(bad)).toBeNull();
  });
});

describe("the operators config checks need", () => {
  const config = { timeout: "4h0m0s", zero: "0s", odd: "soon", qps: 5, suites: ["A", "B"], none: [] };
  const holds = (condition: Parameters<typeof evaluateCondition>[0]) => evaluateCondition(condition, config);

  it("compares durations, and an unreadable one proves nothing either way", () => {
    expect(holds({ fact: "timeout", op: "durationAtLeast", value: "5m" })).toBe(true);
    expect(holds({ fact: "timeout", op: "durationAtLeast", value: "5h" })).toBe(false);
    expect(holds({ fact: "zero", op: "durationAbove", value: "0s" })).toBe(false);
    expect(holds({ fact: "zero", op: "durationAtMost", value: "0s" })).toBe(true);
    expect(holds({ fact: "odd", op: "durationAbove", value: "0s" })).toBe(false);
    expect(holds({ fact: "odd", op: "durationAtMost", value: "0s" })).toBe(false);
    expect(holds({ fact: "missing", op: "durationAtMost", value: "0s" })).toBe(false);
  });

  it("reads an absent fact as its default, and only an absent one", () => {
    expect(holds({ fact: "readOnlyPort", op: "is", value: 0, default: 0 })).toBe(true);
    expect(holds({ fact: "readOnlyPort", op: "is", value: 0 })).toBe(false);
    expect(holds({ fact: "qps", op: "is", value: 0, default: 0 })).toBe(false);
    expect(holds({ fact: "missing", op: "durationAbove", value: "0s", default: "4h0m0s" })).toBe(true);
  });

  it("checks list containment, where an empty list is contained in nothing", () => {
    expect(holds({ fact: "suites", op: "allIn", value: ["A", "B", "C"] })).toBe(true);
    expect(holds({ fact: "suites", op: "allIn", value: ["A"] })).toBe(false);
    expect(holds({ fact: "none", op: "allIn", value: ["A"] })).toBe(false);
    expect(holds({ fact: "missing", op: "allIn", value: ["A"] })).toBe(false);
  });

  it("compares numbers inclusively with atLeast", () => {
    expect(holds({ fact: "qps", op: "atLeast", value: 5 })).toBe(true);
    expect(holds({ fact: "qps", op: "atLeast", value: 6 })).toBe(false);
    expect(holds({ fact: "timeout", op: "atLeast", value: 0 })).toBe(false);
  });
});
