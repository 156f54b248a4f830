import type { IncomingMessage, ServerResponse } from "node:http";
import type { CheckStatus, Role, ValidationErrorCode } from "../model/index.js";
import { type MintedCertificate, mintCertificate, mintKubeletSelfGeneratedChain } from "../x509/index.js";
import { apiserverHandler } from "./apiserverEmulator.js";
import { writeJson, writeText } from "./kubeletEmulator.js";
import {
  expectation,
  type ListenerExpectation,
  type Posture,
  type PostureContext,
  type PostureListener,
} from "./posture.js";
import { authenticate, isClusterAdmin } from "./requestIdentity.js";

export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
export const CONTROLLER_MANAGER_PORT = 10257;
export const SCHEDULER_PORT = 10259;
export const APISERVER_INSECURE_PORT = 8080;

const PPROF_INDEX = "/debug/pprof/";
/** The head of Go's net/http/pprof index page: names and counts of profiles, no profile data. */
const PPROF_INDEX_PAGE =
  "<html>\n<head>\n<title>/debug/pprof/</title>\n</head>\n<body>\n/debug/pprof/<br>\n<br>\nTypes of profiles available:\n" +
  "<table><thead><td>Count</td><td>Profile</td></thead>\n<tr><td>0</td><td><a href='allocs?debug=1'>allocs</a></td></tr>\n" +
  "</table>\n</body>\n</html>\n";

/*
 * The rest of a control plane, as real v1.20 components and etcd 3.4 behave on the wire (see
 * /work/shared/KUBERNETES.md): etcd's client and peer ports, the controller manager's and scheduler's secure
 * ports, and the API server's insecure port of v1.19 and before.
 */
export const CONTROL_PLANE_POSTURES: readonly Posture[] = [
  {
    name: "etcd-kubeadm",
    summary:
      "kubeadm etcd: client and peer ports serve certificates from the etcd CA and require a client certificate from it (--client-cert-auth, --peer-client-cert-auth)",
    build: async (context) => {
      const chain = [await etcdServingLeaf(context)];
      // No --cipher-suites: Go's default list, which keeps 3DES before Go 1.22.
      const strict = {
        requireClientCertificate: true,
        clientCas: [context.pki.etcdCa],
        goDefaultSuites: true,
      } as const;
      return [
        etcdListener(context, ETCD_CLIENT_PORT, "etcd", chain, strict, {
          facts: { error: "handshake-rejected", validationErrors: [] },
          checks: {
            "etcd.cert-file": "PASS",
            "etcd.client-cert-auth": "PASS",
            "etcd.auto-tls": "PASS",
            "etcd.unique-ca": "PASS",
            "etcd.tls-ciphers": "FAIL",
          },
        }),
        etcdListener(context, ETCD_PEER_PORT, "etcd-peer", chain, strict, {
          facts: { error: "handshake-rejected", validationErrors: [] },
          checks: {
            "etcd-peer.cert-file": "PASS",
            "etcd-peer.client-cert-auth": "PASS",
            "etcd-peer.auto-tls": "PASS",
            "etcd.unique-ca": "PASS",
            "etcd.tls-ciphers": "FAIL",
          },
        }),
      ];
    },
  },
  {
    name: "etcd-cluster-ca",
    summary:
      "etcd whose serving certificate comes from the Kubernetes cluster CA and whose --trusted-ca-file holds the cluster CA (beside the etcd CA): no CA of its own (CIS 2.7)",
    build: async (context) => {
      // What cert-file holds: the leaf alone, issued by /etc/kubernetes/pki/ca.crt instead of etcd/ca.crt.
      const chain = [await etcdServingLeaf(context, context.pki.clusterCa)];
      const sharedTrust = {
        requireClientCertificate: true,
        clientCas: [context.pki.clusterCa, context.pki.etcdCa],
        goDefaultSuites: true,
      } as const;
      return [
        etcdListener(context, ETCD_CLIENT_PORT, "etcd", chain, sharedTrust, {
          // Judged against the etcd CA the scan was given, the cluster-issued leaf does not chain to it.
          facts: { error: "handshake-rejected", validationErrors: ["untrusted-root"] },
          checks: {
            "etcd.cert-file": "FAIL",
            "etcd.client-cert-auth": "PASS",
            "etcd.auto-tls": "PASS",
            "etcd.unique-ca": "WARN",
            "etcd.tls-ciphers": "FAIL",
          },
        }),
      ];
    },
  },
  {
    name: "etcd-strong-ciphers",
    summary:
      "kubeadm etcd with --cipher-suites set to the ECDHE AES-GCM and CHACHA20 suites: no 3DES, the Go default it replaces",
    build: async (context) => {
      const chain = [await etcdServingLeaf(context)];
      const serving = {
        requireClientCertificate: true,
        clientCas: [context.pki.etcdCa],
        ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305",
      } as const;
      return [
        etcdListener(context, ETCD_CLIENT_PORT, "etcd", chain, serving, {
          facts: { error: "handshake-rejected", validationErrors: [] },
          checks: {
            "etcd.cert-file": "PASS",
            "etcd.client-cert-auth": "PASS",
            "etcd.auto-tls": "PASS",
            "etcd.unique-ca": "PASS",
            "etcd.tls-ciphers": "PASS",
          },
        }),
      ];
    },
  },
  {
    name: "etcd-auto-tls",
    summary:
      "etcd with --auto-tls and --peer-auto-tls and no client-cert auth: a self-signed ECDSA certificate it made itself; certless /version answers 200",
    build: async (context) => {
      // etcd's SelfCert: a lone self-signed ECDSA certificate naming the listen addresses, Organization etcd.
      const selfMade = await mintCertificate({
        subject: { commonName: "etcd", organizations: ["etcd"] },
        key: { type: "ec", curve: "P-256" },
        ipAddresses: [context.address],
        extendedKeyUsage: ["serverAuth", "clientAuth"],
      });
      const open = { requireClientCertificate: false, clientCas: [] } as const;
      const verdicts = (role: "etcd" | "etcd-peer"): Record<string, CheckStatus> => ({
        [`${role}.cert-file`]: "FAIL",
        [`${role}.client-cert-auth`]: "FAIL",
        [`${role}.auto-tls`]: "FAIL",
        // Its own self-signed certificate chains to neither CA: which CA it uses is not known.
        "etcd.unique-ca": "INFO",
        // An ECDSA certificate: Go has no ECDSA 3DES suite, so nothing the rule forbids is on offer.
        "etcd.tls-ciphers": "PASS",
      });
      const facts = { validationErrors: ["self-signed"] as ValidationErrorCode[] };
      return [
        etcdListener(context, ETCD_CLIENT_PORT, "etcd", [selfMade], open, {
          facts,
          checks: verdicts("etcd"),
        }),
        etcdListener(context, ETCD_PEER_PORT, "etcd-peer", [selfMade], open, {
          facts,
          checks: verdicts("etcd-peer"),
        }),
      ];
    },
  },
  {
    name: "control-plane-v1.20",
    summary:
      "v1.20 kube-controller-manager and kube-scheduler without --tls-cert-file, bound to 0.0.0.0 and profiling on (the defaults): localhost@<ts> pairs, anonymous /healthz only, the pprof index 200 to an admin",
    build: async (context) => [
      await componentListener(context, CONTROLLER_MANAGER_PORT, "controller-manager", { profiling: true }),
      await componentListener(context, SCHEDULER_PORT, "scheduler", { profiling: true }),
    ],
  },
  {
    name: "control-plane-profiling-off",
    summary:
      "v1.20 kube-controller-manager and kube-scheduler with --profiling=false (still bound to 0.0.0.0): the pprof index answers 404 to an admin",
    build: async (context) => [
      await componentListener(context, CONTROLLER_MANAGER_PORT, "controller-manager", { profiling: false }),
      await componentListener(context, SCHEDULER_PORT, "scheduler", { profiling: false }),
    ],
  },
  {
    name: "apiserver-insecure-port",
    summary: "a v1.19 API server with --insecure-port=8080: the whole API over plain HTTP, no authn or authz",
    build: async (context) => [
      {
        port: APISERVER_INSECURE_PORT,
        role: "apiserver-insecure",
        serve: {
          kind: "plain-http",
          handler: apiserverHandler({
            gitVersion: "v1.19.16",
            // The insecure port skips authentication and authorization altogether: everyone is allowed.
            authentication: { clientCa: "none", anonymousAuth: true, tokens: new Map() },
            anonymousIsAdmin: true,
            kubeletClientCertificate: null,
            kubeletCertificateAuthority: null,
            nodes: context.labNodes,
          }),
        },
        expect: expectation({ speaksTls: false, plainHttp: true }, { "apiserver.insecure-port": "FAIL" }),
      },
    ],
  },
];

async function etcdServingLeaf(
  context: PostureContext,
  issuer: MintedCertificate = context.pki.etcdCa,
): Promise<MintedCertificate> {
  return mintCertificate({
    subject: { commonName: context.nodeName },
    key: { type: "rsa", bits: 2048 },
    issuer,
    dnsNames: [context.nodeName, "localhost"],
    ipAddresses: [context.address, "127.0.0.1"],
    extendedKeyUsage: ["serverAuth", "clientAuth"],
  });
}

/** How an etcd port serves TLS: --client-cert-auth and --trusted-ca-file, and its suites. */
interface EtcdServing {
  requireClientCertificate: boolean;
  clientCas: readonly MintedCertificate[];
  /** No --cipher-suites with an RSA certificate: Go's defaults, 3DES included (the lab's Go-like front). */
  goDefaultSuites?: boolean;
  /** --cipher-suites, in OpenSSL's spelling. */
  ciphers?: string;
}

function etcdListener(
  context: PostureContext,
  port: number,
  role: Role,
  chain: MintedCertificate[],
  serving: EtcdServing,
  expected: { facts: Partial<Omit<ListenerExpectation, "checks">>; checks: Record<string, CheckStatus> },
): PostureListener {
  return {
    port,
    role,
    serve: {
      kind: "tls",
      chain,
      clientCas: [...serving.clientCas],
      requireClientCertificate: serving.requireClientCertificate,
      // Go's TLS 1.2 path: the certless client gets its alert in the handshake itself.
      maxVersion: "TLSv1.2",
      ...(serving.goDefaultSuites ? { goDefaultSuites: true } : {}),
      ...(serving.ciphers ? { ciphers: serving.ciphers } : {}),
      handler: etcdHandler(context),
    },
    expect: expectation({ speaksTls: true, plainHttp: false, ...expected.facts }, expected.checks),
  };
}

/** etcd's HTTP side as kubetls may see it: /version and /health only; every other path 404s. */
function etcdHandler(_context: PostureContext) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = new URL(request.url ?? "/", "https://etcd").pathname;
    if (path === "/version") writeJson(response, 200, { etcdserver: "3.4.13", etcdcluster: "3.4.0" });
    else if (path === "/health") writeJson(response, 200, { health: "true", reason: "" });
    else writeText(response, 404, "404 page not found\n");
  };
}

/**
 * A v1.20 controller manager or scheduler secure port: client-go's self-generated localhost pair, a client
 * certificate requested naming the cluster CA, delegated authn/authz (anonymous /healthz only, 403 JSON
 * elsewhere, 401 for an untrusted certificate; an admin reads /metrics).
 */
async function componentListener(
  context: PostureContext,
  port: number,
  role: "controller-manager" | "scheduler",
  flags: { profiling: boolean },
): Promise<PostureListener> {
  const { leaf, ca } = await mintKubeletSelfGeneratedChain("localhost");
  return {
    port,
    role,
    serve: {
      kind: "tls",
      chain: [leaf, ca],
      clientCas: [context.pki.clusterCa],
      handler: componentHandler(context, `${context.address}:${port}`, flags),
    },
    expect: expectation(
      {
        speaksTls: true,
        plainHttp: false,
        validationErrors: ["kubelet-self-generated", "untrusted-root", "name-mismatch"],
      },
      {
        // Answering at the lab's 127.x.y.n address (not 127.0.0.1) shows it is bound to more than 127.0.0.1.
        [`${role}.bind-address`]: "FAIL",
        // The scan's trusted pair is a cluster admin here, so the pprof index answer decides.
        [`${role}.profiling`]: flags.profiling ? "FAIL" : "PASS",
      },
    ),
  };
}

/*
 * k8s.io/apiserver's handler chain: authentication, then authorization, then routing, so an authorized caller
 * learns from a 404 that a route is absent. With --profiling (routes/profiling.go) /debug/pprof/ is Go's pprof
 * index and the profiles lie below it; any request below the index is written down as sensitive.
 */
function componentHandler(context: PostureContext, server: string, flags: { profiling: boolean }) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = new URL(request.url ?? "/", "https://component").pathname;
    if (path.startsWith("/debug/pprof") && request.url !== PPROF_INDEX)
      context.sensitive.record({ server, path: request.url ?? path });
    const authentication = authenticate(request, {
      clientCa: "cluster",
      anonymousAuth: true,
      tokens: new Map(),
    });
    if (authentication.kind === "rejected") {
      writeJson(response, 401, statusBody(401, "Unauthorized", "Unauthorized"));
      return;
    }
    const admin = authentication.kind === "user" && isClusterAdmin(authentication.user);
    const user = authentication.kind === "user" ? authentication.user.name : "system:anonymous";
    if (path === "/healthz") writeText(response, 200, "ok");
    else if (["/livez", "/readyz", "/version"].includes(path))
      writeText(response, 404, "404 page not found\n");
    else if (!admin)
      writeJson(
        response,
        403,
        statusBody(403, "Forbidden", `forbidden: User "${user}" cannot get path "${path}"`),
      );
    else if (path === "/metrics") writeText(response, 200, "# HELP process_start_time_seconds\n");
    else if (path === PPROF_INDEX && flags.profiling) writeHtml(response, PPROF_INDEX_PAGE);
    else writeText(response, 404, "404 page not found\n");
  };
}

function writeHtml(response: ServerResponse, body: string): void {
  response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  response.end(body);
}

function statusBody(code: number, reason: string, message: string): object {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    details: {},
    code,
  };
}
