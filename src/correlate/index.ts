export { BenchmarkMismatchError } from "./benchmarkMismatchError.js";
export { normaliseBenchmark } from "./benchmarkName.js";
export { configContradictions } from "./configVsWire.js";
export { compareControlIds } from "./controlId.js";
export { correlate } from "./correlate.js";
export type { ProbeControls } from "./correlation.js";
export {
  type Contradiction,
  contradictionSentence,
  GENERIC_CONTRADICTIONS,
  KNOWN_CONTRADICTIONS,
} from "./explanations.js";
export { FLAG_STATUSES, type FlagOutcome, type FlagVerdict } from "./flagVerdict.js";
export { KubeBenchFileError } from "./kubeBenchFileError.js";
export { parseKubeBenchJson } from "./parseKubeBenchJson.js";
export { readKubeBenchFile } from "./readKubeBenchFile.js";
