export { type CaptureTlsOptions, captureTls, type TlsCapture } from "./captureTls.js";
export { classifySocketError } from "./classifySocketError.js";
export { discoverPort, type PortDiscovery } from "./discoverPort.js";
export { FORBIDDEN_KUBELET_PATHS, isForbiddenKubeletPath, PPROF_INDEX_PATH } from "./forbiddenPaths.js";
export {
  CIPHER_SUITES,
  type CipherSuite,
  cipherSuiteByName,
  scanTlsProtocols,
  type TlsProtocolScan,
  type TlsScanMode,
} from "./hello/index.js";
export { type HttpGetRequest, httpGet } from "./httpGet.js";
export {
  type ClientIdentity,
  DEFAULT_MAX_BODY_BYTES,
  type HttpAnswer,
  type HttpFailure,
  type HttpGetOptions,
  type HttpOutcome,
  type HttpSession,
  type HttpSessionSettings,
  openHttpSession,
  type ServerVerification,
} from "./httpSession.js";
export { type PlainHttpAnswer, type PlainHttpOptions, probePlainHttp } from "./probePlainHttp.js";
export { printableLine, printableSnippet } from "./snippet.js";
export type { NetTarget } from "./target.js";
