/** Documented in the README; scripts and CI depend on these staying put. */
export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  scanFailed: 3,
} as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
