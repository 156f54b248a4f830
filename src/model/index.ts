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
export { type Endpoint, endpointKey, ROLES, type Role } from "./endpoint.js";
export type {
  AuthFacts,
  AuthProbe,
  ClientCertRequest,
  EndpointResult,
  Identity,
  NodeLeftOut,
  NodeProxyProbe,
  TlsSession,
} from "./endpointResult.js";
export { DEFAULT_MAX_NODES, type KubeletConfigFact } from "./kubeletConfig.js";
export { type NetError, type NetErrorCode, netError, neverConnected } from "./netError.js";
export { PORT_STATES, type PortState, stateOfFailedConnect } from "./portState.js";
export type { UnopenedGroup } from "./unopenedEndpoints.js";
