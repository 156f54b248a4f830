/**
 * Every way the operator's input (flags, target expressions, files, names) can be unusable, as a stable
 * code scripts can match, as undici's `UND_ERR_*` codes are. The message names the input and says what
 * is wrong; the CLI prints it as-is and maps the code to an exit code in one place (cli/exitCodes.ts).
 */
export const INPUT_ERROR_CODES = [
  /** A flag or argument of the command line itself. */
  "KUBETLS_ERR_USAGE",
  /** A target, exclusion, scope entry, port list or shard that cannot be parsed or is too large. */
  "KUBETLS_ERR_TARGET",
  /** A targets file (`-f`) that cannot be read at all. */
  "KUBETLS_ERR_TARGET_FILE",
  "KUBETLS_ERR_CA_BUNDLE",
  /** --client-cert / --client-key. */
  "KUBETLS_ERR_IDENTITY_FILE",
  "KUBETLS_ERR_KUBECONFIG",
  /** --flags: kube-bench's JSON. */
  "KUBETLS_ERR_KUBE_BENCH_FILE",
  /** kube-bench's results are numbered by another benchmark than the scan. */
  "KUBETLS_ERR_BENCHMARK_MISMATCH",
  "KUBETLS_ERR_UNKNOWN_BENCHMARK",
  /** A probe definition in probes/: shipped with kubetls, so a broken one is an installation problem. */
  "KUBETLS_ERR_PROBE_FILE",
  /** `kubetls merge` inputs that cannot be joined. */
  "KUBETLS_ERR_MERGE",
  /** A report destination (-o, --output-*) that cannot be written. */
  "KUBETLS_ERR_OUTPUT",
  /** `kubetls certs`: a directory already holding a PKI, or bad names. */
  "KUBETLS_ERR_LAB_PKI",
] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

/** The base of every operator-input error; subclasses only fix the code and build the message. */
export class InputError extends Error {
  readonly code: InputErrorCode;

  constructor(code: InputErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
