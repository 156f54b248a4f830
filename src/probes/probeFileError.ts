import { InputError } from "../model/index.js";
/** A malformed probe file: the message names the file and the field, and the run stops. */
export class ProbeFileError extends InputError {
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super("KUBETLS_ERR_PROBE_FILE", `${file}: ${field}: ${problem}`);
  }
}
