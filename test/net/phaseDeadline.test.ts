import { describe, expect, it } from "vitest";
import type { NetError } from "../../src/model/index.js";
import { PhaseDeadline } from "../../src/net/phaseDeadline.js";

const TARGET = { host: "127.0.0.1", port: 10250 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("PhaseDeadline pause and resume", () => {
  it("holds the clock while paused and runs only what was left after resume", async () => {
    const expired: { error: NetError; at: number }[] = [];
    const startedAt = performance.now();
    const deadline = new PhaseDeadline(TARGET, 200, (error) => {
      expired.push({ error, at: performance.now() - startedAt });
    });
    deadline.enter("answer");
    await sleep(100);
    deadline.pause();
    await sleep(300);
    expect(expired).toEqual([]);
    deadline.resume();
    await sleep(250);
    expect(expired).toHaveLength(1);
    // 100 ms before the pause, about 100 ms after it: the 300 ms paused do not count.
    expect(expired[0]?.at).toBeGreaterThanOrEqual(480);
    expect(expired[0]?.error.message).toBe("no complete HTTP answer from 127.0.0.1:10250 within 200 ms");
  });

  it("does nothing on resume without a pause, nor on pause once stopped", async () => {
    let fired = 0;
    const deadline = new PhaseDeadline(TARGET, 50, () => fired++);
    deadline.resume();
    deadline.enter("headers");
    deadline.stop();
    deadline.pause();
    deadline.resume();
    await sleep(120);
    expect(fired).toBe(0);
    expect(deadline.expired).toBeUndefined();
  });
});
