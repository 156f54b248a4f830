import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  connectionGate,
  DeadlineExceeded,
  perHostLimit,
  schedule,
  withWorkDeadline,
} from "../../src/scan/index.js";

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

describe("schedule with a young window", () => {
  async function peakInFlight(taskMs: number): Promise<{ peak: number; results: number }> {
    let inFlight = 0;
    let peak = 0;
    let results = 0;
    await schedule(
      counting(60, { count: 0 }),
      async (value) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await sleep(taskMs);
        inFlight -= 1;
        return value;
      },
      {
        concurrency: 24,
        youngWindow: { tasks: 4, forMs: 20 },
        onResult: () => {
          results += 1;
        },
      },
    );
    return { peak, results };
  }

  it("keeps fast work inside the young window", async () => {
    expect(await peakInFlight(1)).toEqual({ peak: 4, results: 60 });
  });

  it("lets an item that has grown up (its discovery done) out of the window before it ends", async () => {
    let peak = 0;
    let inFlight = 0;
    let timeToPeak = Number.POSITIVE_INFINITY;
    const started = performance.now();
    await schedule(
      counting(20, { count: 0 }),
      async (value, life) => {
        inFlight += 1;
        if (inFlight > peak) {
          peak = inFlight;
          if (peak === 20) timeToPeak = performance.now() - started;
        }
        // The fast part is over at once; the slow part (probing) follows outside the window.
        life.grownUp();
        await sleep(300);
        inFlight -= 1;
        return value;
      },
      // A clock too slow to age anything out during the test: only growing up frees the window.
      { concurrency: 24, youngWindow: { tasks: 2, forMs: 60_000 }, onResult: () => {} },
    );
    expect(peak).toBe(20);
    expect(timeToPeak).toBeLessThan(250);
  });

  it("lets slow work fan out past the window as it ages, never past `concurrency`", async () => {
    const { peak, results } = await peakInFlight(400);
    expect(results).toBe(60);
    // 4 more every 20 ms while the first ones wait 400 ms: the whole budget fills long before any ends.
    expect(peak).toBeGreaterThan(8);
    expect(peak).toBeLessThanOrEqual(24);
  });
});

describe("perHostLimit", () => {
  it("never runs more than the per-host figure for one host, hands slots over in order, and forgets idle hosts", async () => {
    const towardsHost = perHostLimit(3);
    const running = new Map<string, number>();
    const peaks = new Map<string, number>();
    const order: number[] = [];
    const task = (host: string, index: number) => async () => {
      const now = (running.get(host) ?? 0) + 1;
      running.set(host, now);
      peaks.set(host, Math.max(peaks.get(host) ?? 0, now));
      if (host === "a") order.push(index);
      await sleep(index % 3);
      running.set(host, (running.get(host) ?? 0) - 1);
      return index;
    };
    const first = Array.from({ length: 30 }, (_, index) => towardsHost("a", task("a", index)));
    const other = Array.from({ length: 10 }, (_, index) => towardsHost("B", task("b", index)));
    // Newcomers arriving while slots are being handed over must queue behind the waiters.
    await sleep(1);
    const late = Array.from({ length: 10 }, (_, index) => towardsHost("A", task("a", 30 + index)));
    const done = await Promise.all([...first, ...other, ...late]);
    expect(done).toHaveLength(50);
    expect(peaks.get("a")).toBe(3);
    expect(peaks.get("b")).toBe(3);
    expect(order).toEqual(Array.from({ length: 40 }, (_, index) => index));
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
