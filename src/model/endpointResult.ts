import type { CertificateSummary, ChainValidation } from "./certificate.js";
import type { CheckResult } from "./check.js";
import type { Role } from "./endpoint.js";
import type { NetError } from "./netError.js";

export interface TlsSession {
  version: string;
  cipher: string;
  alpn: string | null;
}

/** The one flat record kubetls keeps per endpoint: every fact, then the verdicts over them. */
export interface EndpointResult {
  host: string;
  port: number;
  role: Role;
  reachable: boolean;
  error: NetError | null;
  speaksTls: boolean;
  plainHttp: boolean;
  tls: TlsSession | null;
  chain: CertificateSummary[];
  validation: ChainValidation | null;
  checks: CheckResult[];
}
