import { endpointKey, type NetError, netError } from "../model/index.js";
import type { NetTarget } from "./target.js";

/** The phases of talking to an endpoint that each get a deadline; `answer` caps a whole HTTP exchange. */
export type Phase = "connect" | "handshake" | "headers" | "body" | "answer";

const WHAT_DID_NOT_HAPPEN: Record<Phase, (where: string, ms: number) => string> = {
  connect: (where, ms) => `no TCP connection to ${where} within ${ms} ms`,
  handshake: (where, ms) => `no TLS handshake from ${where} within ${ms} ms`,
  headers: (where, ms) => `no response headers from ${where} within ${ms} ms`,
  body: (where, ms) => `the response body from ${where} stalled for ${ms} ms`,
  answer: (where, ms) => `no complete HTTP answer from ${where} within ${ms} ms`,
};

/** The `timeout` error for a phase whose deadline passed. */
export function deadlineExceeded(target: NetTarget, phase: Phase, timeoutMs: number): NetError {
  return netError("timeout", WHAT_DID_NOT_HAPPEN[phase](endpointKey(target), timeoutMs));
}

/**
 * One running deadline, moved from phase to phase; each `enter` restarts the clock. When it passes,
 * `onExpire` runs once with the timeout error, which stays readable as `expired`. Native timers: undici's
 * own timeouts run on a coarse clock that can be half a second off either way.
 */
export class PhaseDeadline {
  #timer: NodeJS.Timeout | undefined;
  #expired: NetError | undefined;
  #phase: Phase | undefined;
  #expiresAt = 0;
  #pausedWithMsLeft: number | undefined;

  constructor(
    private readonly target: NetTarget,
    private readonly timeoutMs: number,
    private readonly onExpire: (error: NetError) => void,
  ) {}

  enter(phase: Phase): void {
    this.stop();
    if (this.#expired) return;
    this.#phase = phase;
    this.#run(this.timeoutMs);
  }

  /**
   * Holds the clock of the running phase: waiting for a --rate slot is the operator's pacing, not the
   * peer's time. `resume` runs what was left of it.
   */
  pause(): void {
    if (this.#timer === undefined) return;
    const msLeft = Math.max(0, this.#expiresAt - performance.now());
    this.stop();
    this.#pausedWithMsLeft = msLeft;
  }

  resume(): void {
    const msLeft = this.#pausedWithMsLeft;
    if (msLeft === undefined || this.#expired) return;
    this.#pausedWithMsLeft = undefined;
    this.#run(msLeft);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pausedWithMsLeft = undefined;
  }

  get expired(): NetError | undefined {
    return this.#expired;
  }

  #run(ms: number): void {
    const phase = this.#phase;
    if (phase === undefined) return;
    this.#expiresAt = performance.now() + ms;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#expired = deadlineExceeded(this.target, phase, this.timeoutMs);
      this.onExpire(this.#expired);
    }, ms);
  }
}
