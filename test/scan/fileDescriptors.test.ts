import { describe, expect, it } from "vitest";
import { connectBudget, openFileLimit } from "../../src/scan/index.js";

describe("connectBudget: discovery fits the open-file limit", () => {
  it("keeps what was asked for when the limit holds it next to the reserve", () => {
    expect(connectBudget(4096, 640, 20000)).toEqual({ inFlight: 4096, cappedByFileLimit: null });
  });

  it("lowers it, and names the limit, when it does not", () => {
    expect(connectBudget(4096, 640, 1024)).toEqual({ inFlight: 384, cappedByFileLimit: 1024 });
    expect(connectBudget(4096, 640, 300)).toEqual({ inFlight: 16, cappedByFileLimit: 300 });
  });

  it("reads this process's soft limit on Linux", () => {
    const limit = openFileLimit();
    if (process.platform === "linux") expect(limit).toBeGreaterThan(0);
    expect(connectBudget(8, 0, limit).inFlight).toBe(8);
  });
});
