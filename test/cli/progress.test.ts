import { describe, expect, it } from "vitest";
import { progressLine } from "../../src/cli/progress.js";

describe("progressLine", () => {
  it("gives percent, rate, elapsed time and an ETA when the total is known", () => {
    const line = progressLine({
      done: 1000,
      total: 4000n,
      elapsedSeconds: 10,
      open: 3,
      failing: 2,
      warning: 1,
    });
    expect(line).toBe(
      "kubetls: 1000/4000 endpoints 25%, 100/s, elapsed 00:10, ETA 00:30, open 3, FAIL 2, WARN 1",
    );
  });

  it("says the total is unknown when targets come from files or stdin, and gives no ETA", () => {
    const line = progressLine({ done: 12, total: null, elapsedSeconds: 75, open: 0, failing: 0, warning: 0 });
    expect(line).toContain("12 endpoints (total unknown");
    expect(line).toContain("elapsed 01:15");
    expect(line).not.toContain("ETA");
  });

  it("shows hours on long sweeps and small percentages with a decimal", () => {
    const line = progressLine({
      done: 5000,
      total: 16777216n,
      elapsedSeconds: 3700,
      open: 0,
      failing: 0,
      warning: 0,
    });
    expect(line).toContain("5000/16777216 endpoints 0.0%");
    expect(line).toContain("elapsed 1:01:40");
    expect(line).toMatch(/ETA \d+:\d\d:\d\d/);
  });
});
