export type { CertificateSummary, ChainValidation, KeyType, ValidationErrorCode } from "./certificate.js";
export {
  CHECK_SOURCES,
  CHECK_STATUSES,
  type CheckResult,
  type CheckSource,
  type CheckStatus,
  type Severity,
} from "./check.js";
export type { ConfigContradiction, ContradictionSide } from "./configContradiction.js";
export type { Agreement, ControlCorrelation, Correlation, FlagStatus } from "./correlation.js";
export { type Endpoint, endpointKey, ROLES, type Role } from "./endpoint.js";
export type {
  AnonymousNodeProxyProbe,
  AuthFacts,
  AuthProbe,
  ClientCertRequest,
  EndpointResult,
  Identity,
  NodeLeftOut,
  NodeProxyProbe,
  TlsSession,
} from "./endpointResult.js";
export { INPUT_ERROR_CODES, InputError, type InputErrorCode, isInputError } from "./inputError.js";
export { DEFAULT_MAX_NODES, type KubeletConfigFact } from "./kubeletConfig.js";
export { type NetError, type NetErrorCode, netError, neverConnected } from "./netError.js";
export { PORT_STATES, type PortState, stateOfFailedConnect } from "./portState.js";
export {
  findReportFormat,
  formatForPath,
  MERGEABLE_FORMATS,
  REPORT_FORMAT_CATALOG,
  REPORT_FORMATS,
  type ReportFormat,
  type ReportFormatInfo,
  reportFormatsMarkdown,
} from "./reportFormat.js";
export type { InvalidTarget, ScanResult, ScanSummary } from "./scanResult.js";
export type { UnopenedGroup } from "./unopenedEndpoints.js";
