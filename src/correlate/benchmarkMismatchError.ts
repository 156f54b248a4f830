import { InputError } from "../model/index.js";
/** kube-bench and the scan number controls by different benchmarks: joining them would pair wrong controls. */
export class BenchmarkMismatchError extends InputError {
  constructor(
    readonly flagsBenchmark: string,
    readonly scanBenchmark: string,
    /** One control that moves between the two, e.g. `kubelet.serving-cert is 4.2.10 in cis-1.6, 4.2.9 in cis-1.12`. */
    example: string | null,
    /** Whether kubetls can number its checks by kube-bench's benchmark, so rescanning is a way out. */
    kubetlsKnowsFlagsBenchmark: boolean,
  ) {
    const rescan = kubetlsKnowsFlagsBenchmark ? `, or kubetls with --benchmark ${flagsBenchmark}` : "";
    super(
      "KUBETLS_ERR_BENCHMARK_MISMATCH",
      `the kube-bench results are numbered by ${flagsBenchmark} but the scan by ${scanBenchmark}: control ids ` +
        `differ between benchmark versions${example ? ` (${example})` : ""}. Run kube-bench with ` +
        `--benchmark ${scanBenchmark}${rescan}.`,
    );
  }
}
