import type { ConnectionGate } from "./connectionRate.js";
import { DeadlineExceeded } from "./deadline.js";

/** Wraps a wait that is not the work's own, so the deadline stops while it lasts. */
export type OutsideWait = <W>(waiting: Promise<W>) => Promise<W>;

/**
 * Runs `work` under a deadline that does not run while the work waits on something wrapped in `outside`:
 * a --rate slot, or the rest of the scan. Rejects with DeadlineExceeded when the work's own time is up.
 */
export async function withDeadlineExceptWaits<T>(
  ms: number,
  work: (outside: OutsideWait) => Promise<T>,
): Promise<T> {
  let remaining = ms;
  let startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let waiting = 0;
  let expire: (error: DeadlineExceeded) => void = () => {};
  const expired = new Promise<never>((_, reject) => {
    expire = reject;
  });
  const run = () => {
    startedAt = performance.now();
    timer = setTimeout(() => expire(new DeadlineExceeded(ms)), remaining);
  };
  const pause = () => {
    waiting += 1;
    if (waiting > 1) return;
    clearTimeout(timer);
    remaining -= performance.now() - startedAt;
  };
  const resume = () => {
    waiting -= 1;
    if (waiting === 0) run();
  };
  const outside: OutsideWait = async (waitingFor) => {
    pause();
    try {
      return await waitingFor;
    } finally {
      resume();
    }
  };
  run();
  try {
    return await Promise.race([work(outside), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An endpoint's outer deadline that does not run while the endpoint waits for a --rate slot: with a slow
 * rate and many endpoints in flight, queueing for the shared gate is the operator's choice, not a
 * misbehaving peer, and must not turn healthy endpoints into timeouts.
 */
export function withWorkDeadline<T>(
  gate: ConnectionGate,
  ms: number,
  work: (pacedGate: ConnectionGate) => Promise<T>,
): Promise<T> {
  return withDeadlineExceptWaits(ms, (outside) => work({ take: () => outside(gate.take()) }));
}
