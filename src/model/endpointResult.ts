import type { CertificateSummary, ChainValidation } from "./certificate.js";
import type { CheckResult } from "./check.js";
import type { Role } from "./endpoint.js";
import type { KubeletConfigFact } from "./kubeletConfig.js";
import type { NetError } from "./netError.js";
import type { PortState } from "./portState.js";

export type ClientCertRequest = { sent: true; caNames: string[] } | { sent: false } | null;

export interface TlsSession {
  version: string;
  cipher: string;
  alpn: string | null;
  /** From the raw ClientHello scanner: every protocol version the server accepted, oldest first. */
  versions?: string[];
  /** Accepted suites (IANA names) per version; in quick mode only the CIS-forbidden ones for TLS <= 1.2. */
  cipherSuites?: Record<string, string[]>;
  /** Per version: true when the server enforces its own suite order, false when it follows the client's, null when it cannot tell (one suite). */
  serverPreference?: Record<string, boolean | null>;
  /** Where the server imposes its order: the accepted suites in that order, most preferred first. */
  serverOrder?: Record<string, string[]>;
  /**
   * From the raw ClientHello scanner: versions whose probe timed out or failed, so neither accepted nor
   * refused. A verdict that depends on them says it could not tell.
   */
  unknownVersions?: string[];
  /** Per accepted version, the suites whose probes timed out or failed: neither accepted nor refused. */
  unknownCipherSuites?: Record<string, string[]>;
  /** What went wrong in the raw ClientHello scan (timeouts, resets mid-flight, garbage, the attempt cap). */
  scanErrors?: NetError[];
  /** The TLS <= 1.2 CertificateRequest: whether one was sent and the CA names it advertised; null when only TLS 1.3 was spoken. */
  clientCertRequest?: ClientCertRequest;
}

export type Identity = "anonymous" | "untrusted" | "trusted";

/** One GET under one client identity: what came back, and who the server said we were. */
export interface AuthProbe {
  path: string;
  /** "http" when a response arrived (see status), otherwise the net error code. */
  outcome: "http" | NetError["code"];
  status: number | null;
  /** The user the server named in its answer (kubelet 403 text, API server Status message). */
  user: string | null;
  snippet: string | null;
}

export type AuthFacts = Partial<Record<Identity, AuthProbe[]>>;

/**
 * The API server's node proxy to one node's kubelet (GET /api/v1/nodes/NAME/proxy/healthz), joined
 * with what kubetls saw talking to that kubelet directly: together they show whether the API server
 * authenticates to kubelets and whether it verifies their serving certificates.
 */
export interface NodeProxyProbe {
  node: string;
  kubelet: string | null;
  outcome: "http" | NetError["code"];
  status: number | null;
  snippet: string | null;
  /** Direct observation of that kubelet: its chain validates against the kubelet CA. */
  kubeletChainTrusted: boolean | null;
  /** Direct observation of that kubelet: an anonymous GET /pods was refused (401, or the handshake). */
  kubeletRejectsAnonymous: boolean | null;
}

/**
 * One anonymous GET /api/v1/nodes/NAME/proxy/healthz (no certificate, no token). The API server authorizes
 * `nodes/proxy` before it dials the kubelet with its own client certificate, so a 200 means system:anonymous may
 * use the node proxy: anyone who reaches the API server reaches every kubelet through it. NAME comes from the node
 * list read with the operator's credentials (never from secrets): the first in-scope node whose credentialed proxy
 * answered 200, else the first one asked.
 */
export interface AnonymousNodeProxyProbe {
  node: string;
  outcome: "http" | NetError["code"];
  status: number | null;
  snippet: string | null;
}

/** A listed node the node proxy was not asked about, and the address and rule that kept it out. */
export interface NodeLeftOut {
  node: string;
  /** The address --node-address-types chose for it; null when it reports none of those types. */
  address: string | null;
  reason: string;
}

/** The one flat record kubetls keeps per endpoint: every fact, then the verdicts over them. */
export interface EndpointResult {
  host: string;
  port: number;
  role: Role;
  /** What the discovery connect showed: open, closed, filtered, or unscanned (never dialled). */
  state: PortState;
  /** Exactly `state === "open"`: a TCP connection was made. Kept for consumers of older reports. */
  reachable: boolean;
  error: NetError | null;
  speaksTls: boolean;
  plainHttp: boolean;
  tls: TlsSession | null;
  chain: CertificateSummary[];
  validation: ChainValidation | null;
  /**
   * Roles that should have a CA of their own (etcd, CIS 2.7): the same served chain judged against the cluster CA
   * bundle (--ca-file, else the kubeconfig's CA), to tell whether their CA is the cluster's. Absent for other roles
   * and when no chain was seen.
   */
  clusterCaValidation?: ChainValidation;
  checks: CheckResult[];
  /** Per client identity, the read-only GETs made (part of every kubelet and API server record). */
  auth?: AuthFacts;
  /** API servers kubetls holds credentials for: the node-proxy evidence, one entry per in-scope node. */
  nodeProxy?: NodeProxyProbe[];
  /** API servers whose node list was read: the same node proxy asked anonymously (a critical finding when 200). */
  anonymousNodeProxy?: AnonymousNodeProxyProbe;
  /** Why the API server's node list could not be read with the credentials given, when it could not. */
  nodeListError?: NetError;
  /** Kubelets: the live configuration from GET /configz (directly, or through the node proxy), when read. */
  kubeletConfig?: KubeletConfigFact;
  /** Listed nodes not asked about through the proxy because of --scope or their address (at most 100 named). */
  nodeProxyLeftOut?: NodeLeftOut[];
  /** Every bound the cluster phase reached for this API server (node list items, pages, bytes, time; nodes asked). */
  clusterCuts?: string[];
}
