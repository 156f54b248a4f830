import { InputError } from "../model/index.js";
/** A kube-bench result file that cannot be used: the message names the file and the JSON path. */
export class KubeBenchFileError extends InputError {
  constructor(
    readonly file: string,
    /** `Controls[0].tests[2].results[1].test_number`, a line and column, or empty for the whole file. */
    readonly path: string,
    problem: string,
  ) {
    super(
      "KUBETLS_ERR_KUBE_BENCH_FILE",
      path === "" ? `${file}: ${problem}` : `${file}: ${path}: ${problem}`,
    );
  }
}
