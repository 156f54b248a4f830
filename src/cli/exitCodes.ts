/** Documented in the README; scripts and CI depend on these staying put. */
export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  scanFailed: 3,
  /** No endpoint was open, or every target was invalid: nothing was observed, so nothing is vouched for. */
  nothingObserved: 4,
  /** The reader of stdout went away (`| head`): the shell's code for a death by SIGPIPE. */
  readerGone: 141,
} as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
