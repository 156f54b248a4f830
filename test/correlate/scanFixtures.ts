import type { CheckResult, CheckStatus, EndpointResult, Role, ScanResult } from "../../src/model/index.js";
import { summarize } from "../../src/report/index.js";

export function check(id: string, status: CheckStatus, cis: string[], evidence: string): CheckResult {
  return {
    id,
    title: `${id} title`,
    cis,
    status,
    severity: status === "FAIL" ? "high" : "info",
    source: "wire",
    evidence,
    remediation: status === "FAIL" ? `Fix ${id}.` : "",
  };
}

export function endpoint(host: string, port: number, role: Role, checks: CheckResult[]): EndpointResult {
  const reachable = !checks.every((item) => item.status === "SKIP");
  return {
    host,
    port,
    role,
    state: reachable ? "open" : "closed",
    reachable,
    error: reachable ? null : { code: "refused", message: `connect ECONNREFUSED ${host}:${port}` },
    speaksTls: reachable && role !== "kubelet-readonly",
    plainHttp: role === "kubelet-readonly",
    tls: null,
    chain: [],
    validation: null,
    checks,
  };
}

export function scanResult(benchmark: string, endpoints: EndpointResult[]): ScanResult {
  return {
    schemaVersion: 1,
    tool: { name: "kubetls", version: "0.1.0" },
    startedAt: "2025-06-01T12:00:00.000Z",
    finishedAt: "2025-06-01T12:00:03.000Z",
    benchmark,
    targets: { expressions: ["10.0.0.0/24"], invalid: [] },
    summary: summarize(endpoints),
    endpoints,
    unopened: [],
  };
}

/** The check ids the correlation tests use, numbered as in kube-bench's cfg/ folders. */
export const PROBES = [
  {
    id: "kubelet.anonymous-auth",
    controls: { "cis-1.5": ["4.2.1"], "cis-1.6": ["4.2.1"], "cis-1.12": ["4.2.1"] },
  },
  {
    id: "kubelet.authorization",
    controls: { "cis-1.5": ["4.2.2"], "cis-1.6": ["4.2.2"], "cis-1.12": ["4.2.2"] },
  },
  {
    id: "kubelet.client-ca",
    controls: { "cis-1.5": ["4.2.3"], "cis-1.6": ["4.2.3"], "cis-1.12": ["4.2.3"] },
  },
  {
    id: "kubelet.read-only-port",
    controls: { "cis-1.5": ["4.2.4"], "cis-1.6": ["4.2.4"], "cis-1.12": ["4.2.4"] },
  },
  {
    id: "kubelet.serving-cert",
    title: "The kubelet serves a certificate that validates against the kubelet CA",
    controls: { "cis-1.5": ["4.2.10"], "cis-1.6": ["4.2.10"], "cis-1.12": ["4.2.9"] },
  },
  {
    id: "kubelet.tls-ciphers",
    controls: { "cis-1.5": ["4.2.13"], "cis-1.6": ["4.2.13"], "cis-1.12": ["4.2.12"] },
  },
  {
    id: "apiserver.anonymous-auth",
    controls: { "cis-1.5": ["1.2.1"], "cis-1.6": ["1.2.1"], "cis-1.12": ["1.2.1"] },
  },
  {
    id: "apiserver.kubelet-client-cert",
    controls: { "cis-1.5": ["1.2.5"], "cis-1.6": ["1.2.5"], "cis-1.12": ["1.2.4"] },
  },
  {
    id: "apiserver.kubelet-certificate-authority",
    controls: { "cis-1.5": ["1.2.6"], "cis-1.6": ["1.2.6"], "cis-1.12": ["1.2.5"] },
  },
  {
    id: "apiserver.serving-cert",
    title: "The API server serves a certificate that validates against the cluster CA",
    controls: { "cis-1.5": ["1.2.30"], "cis-1.6": ["1.2.30"], "cis-1.12": ["1.2.24"] },
  },
];

const apiserver = endpoint("10.0.0.1", 6443, "apiserver", [
  check(
    "apiserver.anonymous-auth",
    "FAIL",
    ["1.2.1"],
    "GET /version without credentials answered 200 as system:anonymous",
  ),
  check(
    "apiserver.kubelet-client-cert",
    "FAIL",
    ["1.2.4"],
    "GET /api/v1/nodes/node-1/proxy/healthz: the kubelet answered 401 to the API server",
  ),
  check(
    "apiserver.kubelet-certificate-authority",
    "FAIL",
    ["1.2.5"],
    "the API server proxied to 10.0.0.12:10250, whose serving certificate is self-generated",
  ),
]);

const node1 = endpoint("10.0.0.11", 10250, "kubelet", [
  check(
    "kubelet.anonymous-auth",
    "PASS",
    ["4.2.1"],
    "GET /pods without a client certificate: 401 Unauthorized",
  ),
  check("kubelet.authorization", "PASS", ["4.2.2"], "GET /pods as system:anonymous: 403 Forbidden"),
  check(
    "kubelet.client-ca",
    "FAIL",
    ["4.2.3"],
    "no CertificateRequest: the kubelet asks for no client certificate",
  ),
  check(
    "kubelet.serving-cert",
    "PASS",
    ["4.2.9"],
    "served chain validates against the configured CA; leaf CN=system:node:node-1 expires in 300 days",
  ),
  check("kubelet.tls-ciphers", "FAIL", ["4.2.12"], "accepts TLS 1.2 suites outside the CIS list: AES128-SHA"),
]);

const node2 = endpoint("10.0.0.12", 10250, "kubelet", [
  check(
    "kubelet.anonymous-auth",
    "PASS",
    ["4.2.1"],
    "GET /pods without a client certificate: 401 Unauthorized",
  ),
  check("kubelet.authorization", "PASS", ["4.2.2"], "GET /pods as system:anonymous: 403 Forbidden"),
  check(
    "kubelet.client-ca",
    "PASS",
    ["4.2.3"],
    "CertificateRequest names CN=kubernetes; an untrusted client certificate got 401",
  ),
  check(
    "kubelet.serving-cert",
    "PASS",
    ["4.2.9"],
    "served chain validates against the configured CA; leaf CN=system:node:node-2 expires in 290 days",
  ),
  check("kubelet.tls-ciphers", "ERROR", ["4.2.12"], "cipher scan did not finish: timeout"),
]);

const node3 = endpoint("fd00::13", 10250, "kubelet", [
  check("kubelet.anonymous-auth", "SKIP", ["4.2.1"], "nothing to test: refused"),
  check("kubelet.client-ca", "SKIP", ["4.2.3"], "nothing to test: refused"),
  check("kubelet.serving-cert", "SKIP", ["4.2.9"], "nothing to test: refused"),
]);

const readOnly = endpoint("10.0.0.11", 10255, "kubelet-readonly", [
  check(
    "kubelet.read-only-port",
    "FAIL",
    ["4.2.4"],
    "plain HTTP GET /pods answered 200 without authentication",
  ),
]);

/** A kubeadm cluster numbered by cis-1.12: two live kubelets, one down, the read-only port open, one API server. */
export const cis112Scan: ScanResult = scanResult("cis-1.12", [apiserver, node1, node2, node3, readOnly]);
