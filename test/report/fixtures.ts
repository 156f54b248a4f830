import { createHash } from "node:crypto";
import type {
  CertificateSummary,
  CheckResult,
  CheckStatus,
  EndpointResult,
  NetErrorCode,
  ScanResult,
  TlsSession,
} from "../../src/model/index.js";
import { summarize } from "../../src/report/index.js";

/** Fields the model gains later; the schema already allows them, so the fixtures use them now. */
export interface AuthProbe {
  path: string;
  outcome: "http" | NetErrorCode;
  status: number | null;
  user: string | null;
  snippet: string | null;
}
export type ClientCertRequest = { sent: true; caNames: string[] } | { sent: false } | null;
export interface ScannedTlsSession extends TlsSession {
  versions?: string[];
  cipherSuites?: Record<string, string[]>;
  clientCertRequest?: ClientCertRequest;
}
export interface FutureEndpointResult extends EndpointResult {
  tls: ScannedTlsSession | null;
  auth?: { anonymous?: AuthProbe[]; untrusted?: AuthProbe[]; trusted?: AuthProbe[] };
}

function fingerprint(seed: string): string {
  return createHash("sha256").update(seed).digest("hex");
}

function rsaCert(
  subject: string,
  issuer: string,
  extra: Partial<CertificateSummary> = {},
): CertificateSummary {
  return {
    subject,
    issuer,
    serial: "3a1f09c2",
    sans: { dns: [], ip: [] },
    notBefore: "2025-01-01T00:00:00.000Z",
    notAfter: "2026-01-01T00:00:00.000Z",
    keyType: "rsa",
    keyBits: 2048,
    curve: null,
    signatureAlgorithm: "sha256WithRSAEncryption",
    isCa: false,
    selfIssued: subject === issuer,
    sha256: fingerprint(subject),
    ...extra,
  };
}

function ecCert(subject: string, issuer: string, curve: string, extra: Partial<CertificateSummary> = {}) {
  return rsaCert(subject, issuer, {
    keyType: "ec",
    keyBits: curve === "secp384r1" ? 384 : 256,
    curve,
    signatureAlgorithm: curve === "secp384r1" ? "ecdsa-with-SHA384" : "ecdsa-with-SHA256",
    ...extra,
  });
}

function check(id: string, status: CheckStatus, cis: string[] = []): CheckResult {
  return {
    id,
    title: `${id} title`,
    cis,
    status,
    severity: status === "FAIL" ? "high" : "info",
    source: "wire",
    evidence: `${id}: observed on the wire`,
    remediation: status === "FAIL" ? `Fix ${id}.` : "",
  };
}

const TLS13: TlsSession = { version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", alpn: "h2" };

export const goodKubelet: FutureEndpointResult = {
  host: "10.0.0.11",
  port: 10250,
  role: "kubelet",
  state: "open",
  reachable: true,
  error: null,
  speaksTls: true,
  plainHttp: false,
  tls: TLS13,
  chain: [
    rsaCert("CN=node1", "CN=kubernetes", { sans: { dns: ["node1"], ip: ["10.0.0.11"] } }),
    rsaCert("CN=kubernetes", "CN=kubernetes", { isCa: true, keyBits: 4096 }),
  ],
  validation: { trusted: true, errors: [], expiresInDays: 364 },
  checks: [
    check("kubelet-anonymous-auth", "PASS", ["4.2.1"]),
    check("kubelet-authz-mode", "PASS", ["4.2.2"]),
    check("kubelet-serving-cert", "PASS", ["4.2.10"]),
  ],
};

export const selfGeneratedKubelet: FutureEndpointResult = {
  ...goodKubelet,
  host: "10.0.0.12",
  tls: { version: "TLSv1.2", cipher: "ECDHE-RSA-AES128-GCM-SHA256", alpn: null },
  chain: [
    rsaCert("CN=node2@1735689600", "CN=node2-ca@1735689600"),
    rsaCert("CN=node2-ca@1735689600", "CN=node2-ca@1735689600", { isCa: true }),
  ],
  validation: { trusted: false, errors: ["untrusted-root", "kubelet-self-generated"], expiresInDays: 12 },
  checks: [
    check("kubelet-anonymous-auth", "FAIL", ["4.2.1"]),
    check("kubelet-authz-mode", "WARN", ["4.2.2"]),
    check("kubelet-serving-cert", "FAIL", ["4.2.10"]),
  ],
};

export const unreachableKubelet: FutureEndpointResult = {
  host: "10.0.0.13",
  port: 10250,
  role: "kubelet",
  state: "closed",
  reachable: false,
  error: { code: "refused", message: "connect ECONNREFUSED 10.0.0.13:10250" },
  speaksTls: false,
  plainHttp: false,
  tls: null,
  chain: [],
  validation: null,
  checks: [],
};

export const readOnlyKubelet: FutureEndpointResult = {
  host: "10.0.0.11",
  port: 10255,
  role: "kubelet-readonly",
  state: "open",
  reachable: true,
  error: null,
  speaksTls: false,
  plainHttp: true,
  tls: null,
  chain: [],
  validation: null,
  checks: [check("kubelet-readonly-port", "FAIL", ["4.2.4"])],
};

export const apiserver: FutureEndpointResult = {
  host: "api.cluster.example",
  port: 6443,
  role: "apiserver",
  state: "open",
  reachable: true,
  error: null,
  speaksTls: true,
  plainHttp: false,
  tls: { version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", alpn: "h2" },
  chain: [
    ecCert("CN=kube-apiserver", "CN=kubernetes-ca", "prime256v1", {
      sans: { dns: ["kubernetes", "kubernetes.default", "api.cluster.example"], ip: ["10.96.0.1"] },
    }),
    ecCert("CN=kubernetes-ca", "CN=kubernetes-ca", "secp384r1", { isCa: true }),
  ],
  validation: { trusted: true, errors: [], expiresInDays: 300 },
  checks: [check("apiserver-tls-min-version", "PASS", ["1.2.25"]), check("apiserver-ciphers", "INFO")],
};

export const kubeletWithAuth: FutureEndpointResult = {
  ...goodKubelet,
  host: "fd00::11",
  auth: {
    anonymous: [{ path: "/pods", outcome: "http", status: 401, user: null, snippet: "Unauthorized" }],
    untrusted: [{ path: "/pods", outcome: "handshake-rejected", status: null, user: null, snippet: null }],
    trusted: [
      { path: "/pods", outcome: "http", status: 200, user: "kubetls", snippet: '{"kind":"PodList"' },
      { path: "/configz", outcome: "http", status: 403, user: "kubetls", snippet: "Forbidden" },
    ],
  },
};

export const etcdWithHelloScan: FutureEndpointResult = {
  host: "fd00::20",
  port: 2379,
  role: "etcd",
  state: "open",
  reachable: true,
  error: null,
  speaksTls: true,
  plainHttp: false,
  tls: {
    version: "TLSv1.3",
    cipher: "TLS_AES_128_GCM_SHA256",
    alpn: null,
    versions: ["TLSv1.2", "TLSv1.3"],
    cipherSuites: {
      "TLSv1.2": ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"],
      "TLSv1.3": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"],
    },
    clientCertRequest: { sent: true, caNames: ["CN=etcd-ca"] },
  },
  chain: [ecCert("CN=etcd-server", "CN=etcd-ca", "prime256v1")],
  validation: { trusted: false, errors: ["incomplete-chain"], expiresInDays: -3 },
  checks: [check("etcd-client-cert-auth", "PASS", ["2.2"]), check("etcd-expiry", "ERROR")],
};

export const allEndpoints: FutureEndpointResult[] = [
  apiserver,
  etcdWithHelloScan,
  unreachableKubelet,
  readOnlyKubelet,
  kubeletWithAuth,
  selfGeneratedKubelet,
  goodKubelet,
];

export function scanResult(endpoints: EndpointResult[] = allEndpoints): ScanResult {
  return {
    schemaVersion: 1,
    tool: { name: "kubetls", version: "0.1.0" },
    startedAt: "2025-06-01T12:00:00.000Z",
    finishedAt: "2025-06-01T12:00:04.250Z",
    benchmark: "cis-1.12",
    targets: {
      expressions: ["10.0.0.11-13", "fd00::11", "[fd00::20]:2379", "api.cluster.example:6443", "10.0.0.300"],
      invalid: [{ input: "10.0.0.300", source: "argv", reason: "octet 300 is out of range 0-255" }],
    },
    summary: summarize(endpoints),
    endpoints,
    unopened: [],
  };
}
