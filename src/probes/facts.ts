import type { EndpointResult } from "../model/index.js";

/** What the scan knew about its own set-up, so probes can say "cannot decide" instead of guessing. */
export interface ScanContext {
  benchmark: string;
  caConfigured: boolean;
  trustedIdentity: boolean;
  apiCredentials: boolean;
  /** How far the raw ClientHello scanner enumerated: "off" means versions and suites were never asked. */
  tlsScan?: "quick" | "full" | "off";
  /**
   * The subjects (RFC 4514, as x509's formatDistinguishedName writes them) of the cluster CA certificates
   * given with --ca-file: what a kubelet's CertificateRequest should name. Absent or empty without one.
   */
  caSubjects?: string[];
  /** --expiry-warn-days: a serving certificate expiring in fewer whole days than this is a WARN. */
  expiryWarnDays: number;
}

/** Everything gathered about one endpoint, before any verdict: the input of the pure probe evaluation. */
export type EndpointFacts = Omit<EndpointResult, "checks"> & { scan: ScanContext };

/** The top-level fact names probes may read; the loader rejects paths starting elsewhere. */
export const FACT_ROOTS: ReadonlySet<string> = new Set([
  "host",
  "port",
  "role",
  "state",
  "reachable",
  "error",
  "speaksTls",
  "plainHttp",
  "tls",
  "chain",
  "validation",
  "clusterCaValidation",
  "auth",
  "nodeProxy",
  "anonymousNodeProxy",
  "nodeListError",
  "kubeletConfig",
  "nodeProxyLeftOut",
  "clusterCuts",
  "scan",
]);
