/**
 * kubetls as a library: `import { runScan, createTargetPlan } from "kubetls"`.
 *
 * This is the package's whole public surface (package.json `exports`). It reaches the scanner through
 * pipeline/ and the types through model/, never through cli/, so importing it loads neither the CLI nor
 * commander (test/package checks the modules an import loads).
 */

// kube-bench's verdicts joined to the wire's, as --flags does: correlate(result, flags, probes).
export {
  correlate,
  type FlagVerdict,
  parseKubeBenchJson,
  readKubeBenchFile,
} from "./correlate/index.js";
// The result: what `kubetls scan --format json` writes, validated by schema/kubetls-result.schema.json.
// Operator-input errors (runScan rejects with them) are InputErrors with a stable KUBETLS_ERR_* code.
export {
  type Agreement,
  type AnonymousNodeProxyProbe,
  type AuthFacts,
  type AuthProbe,
  type CertificateSummary,
  CHECK_SOURCES,
  CHECK_STATUSES,
  type ChainValidation,
  type CheckResult,
  type CheckSource,
  type CheckStatus,
  type ClientCertRequest,
  type ConfigContradiction,
  type ContradictionSide,
  type ControlCorrelation,
  type Correlation,
  type Endpoint,
  type EndpointResult,
  type FlagStatus,
  type Identity,
  INPUT_ERROR_CODES,
  InputError,
  type InputErrorCode,
  type InvalidTarget,
  isInputError,
  type KeyType,
  type KubeletConfigFact,
  type NetError,
  type NetErrorCode,
  type NodeLeftOut,
  type NodeProxyProbe,
  PORT_STATES,
  type PortState,
  REPORT_FORMATS,
  type ReportFormat,
  ROLES,
  type Role,
  type ScanResult,
  type ScanSummary,
  type Severity,
  type TlsSession,
  type UnopenedGroup,
  type ValidationErrorCode,
} from "./model/index.js";
// The scan: options grouped by concern (targets, trust, pacing, identity, cluster, scope), one result.
export { runScan, type ScanOptions, toolVersion, UnknownBenchmarkError } from "./pipeline/index.js";
// The probes as data (probes/*.yaml), as runScan loads them.
export { loadProbes, type Probe, type ProbeSet } from "./probes/index.js";
// Every format the CLI writes, as pure functions of a result (REPORTERS.sarif.render(result, options)).
export { MergeError, mergeResults, REPORTERS, type RenderOptions, type Reporter } from "./report/index.js";
export type { RolePorts } from "./roles/index.js";
// Targets: createTargetPlan fills the default port of every role, so only the targets need giving.
export { createTargetPlan, type TargetPlan, type TargetPlanFields } from "./targets/index.js";
