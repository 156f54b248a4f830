export type { Condition, ConditionOperator } from "./condition.js";
export { evaluateCondition } from "./evaluateCondition.js";
export { evaluateProbes } from "./evaluateProbes.js";
export { renderEvidence } from "./evidenceTemplate.js";
export { readFact } from "./factPath.js";
export { type EndpointFacts, FACT_ROOTS, type ScanContext } from "./facts.js";
export { defaultProbesDirectory, loadProbes } from "./loadProbes.js";
export type { BenchmarkCatalogue, Probe, ProbeSet, Verdict } from "./probe.js";
export { ProbeFileError } from "./probeFileError.js";
