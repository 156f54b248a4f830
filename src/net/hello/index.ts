export { type TlsAlert, tlsAlert } from "./alerts.js";
export {
  CIPHER_SUITES,
  type CipherSuite,
  cipherSuiteByCode,
  cipherSuiteByName,
  cipherSuiteName,
  suitesForVersion,
} from "./cipherSuites.js";
export { buildClientHello, type ClientHelloOptions, sniName } from "./clientHello.js";
export { type HelloProbeOptions, type HelloProbeResult, helloProbe } from "./helloProbe.js";
export {
  type ClientCertRequestFact,
  scanTlsProtocols,
  type TlsProtocolScan,
  type TlsProtocolScanOptions,
  type TlsProtocolScanTarget,
  type TlsScanMode,
} from "./scanTlsProtocols.js";
export {
  type CertificateRequest,
  type FlightProgress,
  MAX_FLIGHT_BYTES,
  parseServerFlight,
  type ServerFlight,
  ServerFlightParser,
  type ServerHello,
} from "./serverFlight.js";
export { isTlsVersion, TLS_VERSIONS, type TlsVersion, versionCode, versionFromCode } from "./versions.js";
