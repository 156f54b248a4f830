import type { ConnectionGate } from "./connectionRate.js";
import { DeadlineExceeded } from "./deadline.js";

/**
 * An endpoint's outer deadline that does not run while the endpoint waits for a --rate slot: with a slow
 * rate and many endpoints in flight, queueing for the shared gate is the operator's choice, not a
 * misbehaving peer, and must not turn healthy endpoints into timeouts.
 */
export async function withWorkDeadline<T>(
  gate: ConnectionGate,
  ms: number,
  work: (pacedGate: ConnectionGate) => Promise<T>,
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
  const pacedGate: ConnectionGate = {
    take: async () => {
      pause();
      try {
        await gate.take();
      } finally {
        resume();
      }
    },
  };
  run();
  try {
    return await Promise.race([work(pacedGate), expired]);
  } finally {
    clearTimeout(timer);
  }
}
