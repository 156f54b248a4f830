/**
 * A deadline whose clock can be stopped while the work waits on something that is not its own (the scan's
 * other endpoints), and started again with the time that was left. It fires `onExpire` once.
 */
export class PausableDeadline {
  #remainingMs: number;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(
    deadlineMs: number,
    private readonly onExpire: () => void,
  ) {
    this.#remainingMs = deadlineMs;
    this.resume();
  }

  pause(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#remainingMs = Math.max(0, this.#remainingMs - (performance.now() - this.#startedAt));
  }

  resume(): void {
    if (this.#done || this.#timer !== undefined) return;
    this.#startedAt = performance.now();
    this.#timer = setTimeout(() => {
      this.#done = true;
      this.#timer = undefined;
      this.onExpire();
    }, this.#remainingMs);
  }

  stop(): void {
    this.#done = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
