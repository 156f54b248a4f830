import { InputError, type InputErrorCode } from "../model/index.js";

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
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The one place an input error becomes an exit code. Input the operator can fix is 2; a report that cannot
 * be written and a broken probe shipped with kubetls are 3, as the scan cannot run or finish.
 */
const EXIT_FOR_INPUT_ERROR: Readonly<Record<InputErrorCode, ExitCode>> = {
  KUBETLS_ERR_USAGE: EXIT.usage,
  KUBETLS_ERR_TARGET: EXIT.usage,
  KUBETLS_ERR_TARGET_FILE: EXIT.usage,
  KUBETLS_ERR_CA_BUNDLE: EXIT.usage,
  KUBETLS_ERR_IDENTITY_FILE: EXIT.usage,
  KUBETLS_ERR_KUBECONFIG: EXIT.usage,
  KUBETLS_ERR_KUBE_BENCH_FILE: EXIT.usage,
  KUBETLS_ERR_BENCHMARK_MISMATCH: EXIT.usage,
  KUBETLS_ERR_UNKNOWN_BENCHMARK: EXIT.usage,
  KUBETLS_ERR_MERGE: EXIT.usage,
  KUBETLS_ERR_LAB_PKI: EXIT.usage,
  KUBETLS_ERR_PROBE_FILE: EXIT.scanFailed,
  KUBETLS_ERR_OUTPUT: EXIT.scanFailed,
};

/** What the CLI prints and returns for an error that ended a command. */
export function describeFailure(error: unknown): { exitCode: ExitCode; message: string } {
  if (error instanceof InputError) {
    return { exitCode: EXIT_FOR_INPUT_ERROR[error.code], message: error.message };
  }
  return {
    exitCode: EXIT.scanFailed,
    message: `scan failed: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** A flag or argument of the command line itself. */
export class UsageError extends InputError {
  constructor(message: string) {
    super("KUBETLS_ERR_USAGE", message);
  }
}
