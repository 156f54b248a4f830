import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { connectionGate, DeadlineExceeded, schedule, withWorkDeadline } from "../../src/scan/index.js";

async function* counting(limit: number, pulled: { count: number }): AsyncGenerator<number> {
  for (let value = 0; value < limit; value++) {
    pulled.count += 1;
    yield value;
  }
}

describe("schedule", () => {
  it("keeps at most `concurrency` in flight, pulls the stream only as slots free, and delivers every result", async () => {
    const pulled = { count: 0 };
    let inFlight = 0;
    let peak = 0;
    let maxAhead = 0;
    const results: number[] = [];
    const stats = await schedule(
      counting(200, pulled),
      async (value) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        maxAhead = Math.max(maxAhead, pulled.count - results.length);
        await sleep(value % 7);
        inFlight -= 1;
        return value * 2;
      },
      { concurrency: 8, onResult: (result) => void results.push(result) },
    );
    expect(peak).toBe(8);
    // Backpressure: never more than the in-flight window read ahead of the finished results.
    expect(maxAhead).toBeLessThanOrEqual(8);
    expect(stats).toEqual({ started: 200, finished: 200 });
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, index) => index * 2));
  });

  it("streams results in completion order, not input order", async () => {
    const order: number[] = [];
    await schedule(
      counting(3, { count: 0 }),
      async (value) => {
        await sleep((3 - value) * 20);
        return value;
      },
      { concurrency: 3, onResult: (value) => void order.push(value) },
    );
    expect(order).toEqual([2, 1, 0]);
  });

  it("fails loudly when work rejects, after the tasks in flight settle", async () => {
    let settled = 0;
    await expect(
      schedule(
        counting(50, { count: 0 }),
        async (value) => {
          await sleep(1);
          settled += 1;
          if (value === 10) throw new Error("bug in work");
          return value;
        },
        { concurrency: 4, onResult: () => {} },
      ),
    ).rejects.toThrow("bug in work");
    expect(settled).toBeLessThan(50);
  });
});

describe("connectionGate", () => {
  it("spaces connections evenly at the given rate", async () => {
    const gate = connectionGate(50);
    const started = performance.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        await gate.take();
        times.push(performance.now() - started);
      }),
    );
    times.sort((a, b) => a - b);
    // 6 slots 20 ms apart: the last opens about 100 ms after the first.
    expect(times.at(-1)).toBeGreaterThanOrEqual(95);
    expect(times.at(-1)).toBeLessThan(400);
  });

  it("is a no-op without a rate", async () => {
    const gate = connectionGate(null);
    const started = performance.now();
    for (let index = 0; index < 1000; index++) await gate.take();
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("withWorkDeadline", () => {
  it("moves on at the deadline with a typed error, and passes results through before it", async () => {
    const gate = connectionGate(null);
    await expect(withWorkDeadline(gate, 50, () => sleep(5_000))).rejects.toBeInstanceOf(DeadlineExceeded);
    await expect(withWorkDeadline(gate, 50, async () => 7)).resolves.toBe(7);
  });

  it("does not count time spent waiting for a --rate slot", async () => {
    const gate = connectionGate(5);
    // Six slots 200 ms apart: a second of queueing, far past a 300 ms deadline for about 60 ms of work.
    const result = withWorkDeadline(gate, 300, async (paced) => {
      for (let index = 0; index < 6; index++) {
        await paced.take();
        await sleep(10);
      }
      return "done";
    });
    await expect(result).resolves.toBe("done");
    // Without pausing, the same work overruns.
    await expect(
      withWorkDeadline(connectionGate(null), 300, async () => {
        await sleep(1_000);
      }),
    ).rejects.toBeInstanceOf(DeadlineExceeded);
  });
});
