import pLimit from "p-limit";

export interface ScheduleOptions<R> {
  concurrency: number;
  /** Called as each item finishes, in completion order (jsonl and progress stream from here). */
  onResult: (result: R) => void | Promise<void>;
}

export interface ScheduleStats {
  started: number;
  finished: number;
}

/**
 * Runs `work` over an async stream with at most `concurrency` items in flight, pulling the next item
 * only when a slot is free: memory stays flat however long the stream is (a /8 costs what a /24 does).
 * `work` must not reject; a rejection is a bug and stops the run loudly rather than losing a result.
 */
export async function schedule<T, R>(
  items: AsyncIterable<T>,
  work: (item: T) => Promise<R>,
  options: ScheduleOptions<R>,
): Promise<ScheduleStats> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const limit = pLimit(concurrency);
  const stats: ScheduleStats = { started: 0, finished: 0 };
  let inFlight = 0;
  let failure: unknown = null;
  // One waiter for "a slot freed up", resolved by whichever task ends: O(1) per item, whatever the
  // concurrency (racing every in-flight promise per item made a 1024-wide sweep slower than a 64-wide one).
  let slotFreed: (() => void) | null = null;
  let drained: (() => void) | null = null;

  for await (const item of items) {
    if (failure !== null) break;
    stats.started += 1;
    inFlight += 1;
    void limit(() => work(item))
      .then((result) => options.onResult(result))
      .then(
        () => {
          stats.finished += 1;
        },
        (error: unknown) => {
          failure ??= error;
        },
      )
      .finally(() => {
        inFlight -= 1;
        slotFreed?.();
        slotFreed = null;
        if (inFlight === 0) drained?.();
      });
    // Backpressure: do not read further from the stream until a slot frees up.
    if (inFlight >= concurrency) {
      await new Promise<void>((resolve) => {
        slotFreed = resolve;
      });
    }
  }
  if (inFlight > 0) {
    await new Promise<void>((resolve) => {
      drained = resolve;
    });
  }
  if (failure !== null) throw failure;
  return stats;
}
