export interface ScheduleOptions<R> {
  /** Items in flight at most (for discovery: the sockets the open-file limit allows). */
  concurrency: number;
  /**
   * At most `tasks` young items in flight; an item is young until the window's clock, a timer ticking
   * every `forMs`, has ticked twice since it started. Fast work (a refused connect) then runs in a small
   * window, and only slow work (a connect waiting on a filtered port) fans out to `concurrency`. A window
   * of thousands for fast work only makes each item live long enough for the garbage collector to
   * promote it: on a closed /16 that cost half the time and twice the memory. The clock counts timer
   * turns, not milliseconds: a process the machine's load keeps off the CPU for 50 ms sees one tick, not
   * ten, so its fast work does not look slow.
   */
  youngWindow?: { tasks: number; forMs: number };
  /** Called as each item finishes, in completion order (jsonl and progress stream from here). */
  onResult: (result: R) => void | Promise<void>;
}

export interface ScheduleStats {
  started: number;
  finished: number;
}

/**
 * What `work` may say about its item to the young window: `grownUp` when the fast part it was counted for is
 * over (a discovery connect that found the port open, whose probing has limits of its own).
 */
export interface ItemLife {
  grownUp(): void;
}

/** One started item as the young window sees it; `young` turns false when it settles, grows up or ages out. */
interface Started {
  /** The window clock's tick when the item started. */
  at: number;
  young: boolean;
}

/**
 * Runs `work` over an async stream with at most `concurrency` items in flight, pulling the next item
 * only when a slot is free: memory stays flat however long the stream is (a /8 costs what a /24 does).
 * `work` must not reject; a rejection is a bug and stops the run loudly rather than losing a result.
 */
export async function schedule<T, R>(
  items: AsyncIterable<T>,
  work: (item: T, life: ItemLife) => Promise<R>,
  options: ScheduleOptions<R>,
): Promise<ScheduleStats> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const window = options.youngWindow;
  const youngLimit = window ? Math.max(1, Math.floor(window.tasks)) : concurrency;
  const stats: ScheduleStats = { started: 0, finished: 0 };
  let inFlight = 0;
  let failure: unknown = null;
  // Items by start time: the oldest young item is always at `head`, so ageing out is a walk from there.
  const started: Started[] = [];
  let head = 0;
  let young = 0;
  // One waiter for "a slot freed up", resolved by whichever task ends: O(1) per item, whatever the
  // concurrency (racing every in-flight promise per item made a 1024-wide sweep slower than a 64-wide one).
  let slotFreed: (() => void) | null = null;
  let drained: (() => void) | null = null;
  const wake = () => {
    const waiter = slotFreed;
    slotFreed = null;
    waiter?.();
  };
  let tick = 0;
  const clock = window
    ? setInterval(
        () => {
          tick += 1;
          wake();
        },
        Math.max(1, window.forMs),
      )
    : null;
  // The clock only measures ages; the work in flight is what keeps the process alive.
  clock?.unref();
  const ageOut = (): void => {
    while (head < started.length) {
      const oldest = started[head] as Started;
      if (oldest.young && tick - oldest.at < 2) break;
      if (oldest.young) {
        oldest.young = false;
        young -= 1;
      }
      head += 1;
    }
    if (head > 1024 && head * 2 > started.length) {
      started.splice(0, head);
      head = 0;
    }
  };
  /** Resolves when a task settles or the window's clock ticks. */
  const slotOrTick = (): Promise<void> =>
    new Promise<void>((resolve) => {
      slotFreed = resolve;
    });

  try {
    for await (const item of items) {
      if (failure !== null) break;
      stats.started += 1;
      inFlight += 1;
      const entry: Started = { at: tick, young: true };
      if (window) {
        started.push(entry);
        young += 1;
      }
      const leaveWindow = (): void => {
        if (!entry.young) return;
        entry.young = false;
        young -= 1;
        wake();
      };
      let running: Promise<R>;
      try {
        running = work(item, { grownUp: leaveWindow });
      } catch (error) {
        running = Promise.reject(error);
      }
      void running
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
          leaveWindow();
          wake();
          if (inFlight === 0) drained?.();
        });
      // Backpressure: do not read further from the stream until a slot frees up.
      while (failure === null) {
        if (window) ageOut();
        if (inFlight < concurrency && young < youngLimit) break;
        await slotOrTick();
      }
    }
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        drained = resolve;
      });
    }
  } finally {
    if (clock !== null) clearInterval(clock);
  }
  if (failure !== null) throw failure;
  return stats;
}
