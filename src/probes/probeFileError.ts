/** A malformed probe file: the message names the file and the field, and the run stops. */
export class ProbeFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
    this.name = "ProbeFileError";
  }
}
