import type { CheckStatus, ValidationErrorCode } from "../model/index.js";
import {
  type CertificateSpec,
  type MintedCertificate,
  mintCertificate,
  mintKubeletSelfGeneratedChain,
} from "../x509/index.js";
import { type ApiserverBehaviour, apiserverHandler } from "./apiserverEmulator.js";
import { CONTROL_PLANE_POSTURES } from "./controlPlanePostures.js";
import { type KubeletBehaviour, kubeletReadOnlyHandler, kubeletSecureHandler } from "./kubeletEmulator.js";
import {
  expectation,
  type ListenerExpectation,
  type Posture,
  type PostureContext,
  type PostureListener,
} from "./posture.js";

export const KUBELET_PORT = 10250;
export const KUBELET_READONLY_PORT = 10255;
export const APISERVER_PORT = 6443;

/** A bearer token the lab API server maps to a cluster admin, for kubeconfig-based scans. */
export const LAB_ADMIN_TOKEN = "kubetls-lab-admin-token";

/*
 * The postures. Each imitates one real configuration and states what a correct scan reports; the
 * end-to-end tests assert exactly that, so a posture is a test case and a demo row at once.
 */
export const POSTURES: readonly Posture[] = [
  {
    name: "kubelet-good",
    summary:
      "kubeadm kubelet: cluster-CA serving cert with IP SAN, client CA set, anonymous off, Webhook authz",
    isNode: true,
    build: async (context) => [await kubeletListener(context, await servingLeaf(context), {})],
  },
  {
    name: "kubelet-self-generated",
    summary:
      "kubelet without --tls-cert-file: serves its own <host>@<ts> leaf from a throwaway <host>-ca@<ts>",
    isNode: true,
    build: async (context) => {
      const { leaf, ca } = await mintKubeletSelfGeneratedChain(context.nodeName);
      return [
        await kubeletListener(context, [leaf, ca], {
          errors: ["kubelet-self-generated", "untrusted-root", "name-mismatch"],
          behaviour: { tlsCertFile: null },
          // /configz still names a tlsCertFile: <cert-dir>/kubelet.crt, the pair it wrote itself.
          checks: { "kubelet-config.tls-cert-file": "INFO" },
        }),
      ];
    },
  },
  {
    name: "kubelet-expired",
    summary: "serving certificate that expired (rotation broken)",
    build: async (context) => [
      await kubeletListener(
        context,
        await servingLeaf(context, { notBefore: daysFromNow(-400), notAfter: daysFromNow(-35) }),
        { errors: ["expired"] },
      ),
    ],
  },
  {
    name: "kubelet-not-yet-valid",
    summary: "serving certificate dated in the future (clock skew on the signer)",
    build: async (context) => [
      await kubeletListener(
        context,
        await servingLeaf(context, { notBefore: daysFromNow(30), notAfter: daysFromNow(400) }),
        { errors: ["not-yet-valid"] },
      ),
    ],
  },
  {
    name: "kubelet-name-mismatch",
    summary: "serving certificate issued for another node's name and address",
    build: async (context) => [
      await kubeletListener(
        context,
        await servingLeaf(context, { dnsNames: ["some-other-node"], ipAddresses: ["127.255.255.254"] }),
        { errors: ["name-mismatch"] },
      ),
    ],
  },
  {
    name: "kubelet-ecdsa",
    summary: "serverTLSBootstrap kubelet: ECDSA P-256 leaf from the kubelet-serving signer (cluster CA)",
    isNode: true,
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context, { key: { type: "ec", curve: "P-256" } }), {
        behaviour: { reportedConfig: { serverTlsBootstrap: true } },
        checks: { "kubelet-config.tls-cert-file": "PASS" },
      }),
    ],
  },
  {
    name: "kubelet-incomplete-chain",
    summary: "leaf issued by an intermediate CA that the server does not send",
    build: async (context) => {
      const intermediate = await mintCertificate({
        subject: { commonName: "kubelet-serving-intermediate" },
        key: { type: "ec", curve: "P-384" },
        issuer: context.pki.clusterCa,
        isCa: true,
      });
      const leaf = await servingLeaf(context, { issuer: intermediate });
      return [await kubeletListener(context, leaf, { errors: ["incomplete-chain"] })];
    },
  },
  {
    name: "kubelet-weak-key",
    summary: "serving certificate with a 1024-bit RSA key",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context, { key: { type: "rsa", bits: 1024 } }), {
        errors: ["weak-key"],
      }),
    ],
  },
  {
    name: "kubelet-sha1",
    summary: "serving certificate signed with SHA-1 (Go refuses these since 1.18)",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context, { signatureHash: "sha1" }), {
        errors: ["weak-signature"],
      }),
    ],
  },
  {
    name: "kubelet-client-eku",
    summary: "a client certificate (EKU clientAuth only) configured as the serving certificate",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context, { extendedKeyUsage: ["clientAuth"] }), {
        errors: ["not-server-auth"],
      }),
    ],
  },
  {
    name: "kubelet-self-signed",
    summary: "a lone self-signed serving certificate (hand-made, like etcd --auto-tls)",
    build: async (context) => {
      const leaf = await mintCertificate({
        subject: { commonName: context.nodeName },
        key: { type: "ec", curve: "P-256" },
        dnsNames: [context.nodeName],
        ipAddresses: [context.address],
        extendedKeyUsage: ["serverAuth"],
      });
      return [await kubeletListener(context, [leaf], { errors: ["self-signed"] })];
    },
  },
  {
    name: "kubelet-foreign-ca",
    summary: "serving chain from a CA that is not the cluster's",
    build: async (context) => {
      const leaf = await servingLeaf(context, { issuer: context.pki.foreignCa });
      return [
        await kubeletListener(context, [leaf[0] as MintedCertificate, context.pki.foreignCa], {
          errors: ["untrusted-root"],
        }),
      ];
    },
  },
  {
    name: "kubelet-plain-http",
    summary: "something answering plain HTTP on the kubelet's TLS port",
    build: async (context) => [
      {
        port: KUBELET_PORT,
        role: "kubelet",
        serve: {
          kind: "plain-http",
          handler: kubeletSecureHandler(behaviourFor(context, {}), context.sensitive, context.address),
        },
        expect: expectation(
          { speaksTls: false, plainHttp: true, error: "not-tls" },
          {
            "kubelet.https": "FAIL",
            // No TLS: no serving certificate and no client-certificate authentication at all.
            "kubelet.serving-cert": "FAIL",
            "kubelet.anonymous-auth": "PASS",
            "kubelet.authorization": "PASS",
            "kubelet.client-ca": "FAIL",
            "kubelet.tls-ciphers": "SKIP",
            "kubelet.tls-min-version": "SKIP",
            // No TLS, so no trusted identity: anonymous /configz is 401 and the configuration stays unread.
            ...CONFIG_NOT_READ,
          },
        ),
      },
    ],
  },
  {
    name: "kubelet-always-allow",
    summary: "kubelet on flag defaults: anonymous auth on, AlwaysAllow, read-only port 10255 open",
    build: async (context) => {
      const behaviour = {
        authentication: { clientCa: "cluster" as const, anonymousAuth: true, tokens: new Map() },
        authorizationMode: "AlwaysAllow" as const,
        readOnlyPort: KUBELET_READONLY_PORT,
      };
      return [
        await kubeletListener(context, await servingLeaf(context), {
          behaviour,
          checks: {
            "kubelet.anonymous-auth": "FAIL",
            "kubelet.authorization": "FAIL",
            "kubelet-config.anonymous-auth": "FAIL",
            "kubelet-config.authorization": "FAIL",
            "kubelet-config.read-only-port": "FAIL",
          },
        }),
        readOnlyListener(context, behaviourFor(context, behaviour)),
      ];
    },
  },
  {
    name: "kubelet-anonymous-allowed",
    summary: "anonymous auth on and an RBAC binding granting system:anonymous nodes/proxy: /pods answers 200",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context), {
        behaviour: {
          authentication: { clientCa: "cluster", anonymousAuth: true, tokens: new Map() },
          anonymousAuthorized: true,
        },
        // The config says Webhook, yet anonymous gets 200: the RBAC binding, which only the wire shows.
        checks: {
          "kubelet.anonymous-auth": "FAIL",
          "kubelet.authorization": "FAIL",
          "kubelet-config.anonymous-auth": "FAIL",
        },
      }),
    ],
  },
  {
    name: "kubelet-anonymous-forbidden",
    summary: "anonymous auth on, Webhook authorization denies: 403 naming system:anonymous",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context), {
        behaviour: { authentication: { clientCa: "cluster", anonymousAuth: true, tokens: new Map() } },
        checks: { "kubelet.anonymous-auth": "FAIL", "kubelet-config.anonymous-auth": "FAIL" },
      }),
    ],
  },
  {
    name: "kubelet-any-client-ca",
    summary: "believes any client certificate it is shown: the untrusted CN gets a 403 naming it",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context), {
        behaviour: { authentication: { clientCa: "any", anonymousAuth: false, tokens: new Map() } },
        checks: { "kubelet.client-ca": "FAIL" },
      }),
    ],
  },
  {
    name: "kubelet-no-client-ca",
    summary: "no --client-ca-file: no certificate is requested, so even the API server's is never seen",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context), {
        behaviour: { authentication: { clientCa: "none", anonymousAuth: false, tokens: new Map() } },
        // The trusted certificate is never asked for, so /configz is 401 for every identity: unread.
        checks: { "kubelet.client-ca": "FAIL", ...CONFIG_NOT_READ },
      }),
    ],
  },
  {
    name: "kubelet-strict-tls12",
    summary: "a TLS 1.2 terminator that fails the handshake without a verified client certificate",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context), {
        tls: { requireClientCertificate: true, maxVersion: "TLSv1.2" },
        expect: { error: "handshake-rejected", validationErrors: [] },
      }),
    ],
  },
  {
    name: "kubelet-strict-tls13",
    summary: "TLS 1.3 only and a client certificate required: the rejection arrives on the first read",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context), {
        tls: { requireClientCertificate: true, minVersion: "TLSv1.3" },
      }),
    ],
  },
  {
    name: "kubelet-rejects-everyone",
    summary:
      "a TLS terminator that demands a client certificate from a CA nobody here holds: every handshake fails, the trusted identity's too",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context), {
        tls: { requireClientCertificate: true, clientCas: [context.pki.foreignCa] },
        // A rejection proves nothing when no identity got through: no PASS on anything that needs a client,
        // and no identity could read /configz either.
        checks: {
          ...CONFIG_NOT_READ,
          "kubelet.https": "ERROR",
          "kubelet.anonymous-auth": "ERROR",
          "kubelet.authorization": "ERROR",
          "kubelet.client-ca": "ERROR",
        },
      }),
    ],
  },
  {
    name: "kubelet-legacy-tls",
    summary:
      "a kubelet (or a proxy in front of it) with the minimum lowered to TLS 1.0 and every suite its OpenSSL has: CBC, CCM, ARIA, Camellia, anonymous ECDH",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context), {
        tls: LEGACY_TLS,
        behaviour: { reportedConfig: { tlsMinVersion: "VersionTLS10" } },
      }),
    ],
  },
  {
    name: "kubelet-cis-ciphers",
    summary:
      "tlsCipherSuites set to the CIS strong list (ECDHE with AES-GCM or ChaCha20) at TLS 1.2, plus TLS 1.3",
    build: async (context) => [
      await kubeletListener(context, await servingLeaf(context), {
        tls: { ciphers: CIS_STRONG_OPENSSL_CIPHERS },
        behaviour: { reportedConfig: { tlsCipherSuites: CIS_STRONG_GO_CIPHERS } },
        checks: { "kubelet-config.tls-ciphers": "PASS" },
      }),
    ],
  },
  {
    name: "kubelet-config-drift",
    summary:
      "/configz reports a hardened kubelet, the wire an open one: anonymous on, AlwaysAllow, read-only port 10255 (a proxy in front, or a restart that never happened)",
    build: async (context) => {
      const behaviour = {
        authentication: { clientCa: "cluster" as const, anonymousAuth: true, tokens: new Map() },
        authorizationMode: "AlwaysAllow" as const,
        readOnlyPort: KUBELET_READONLY_PORT,
        reportedConfig: { anonymousAuth: false, authorizationMode: "Webhook" as const, readOnlyPort: 0 },
      };
      return [
        await kubeletListener(context, await servingLeaf(context), {
          behaviour,
          // The config checks PASS (kubeadm's settings) while the wire FAILs: 4.2.1, 4.2.2 and 4.2.4 contradict.
          checks: { "kubelet.anonymous-auth": "FAIL", "kubelet.authorization": "FAIL" },
        }),
        readOnlyListener(context, behaviourFor(context, behaviour)),
      ];
    },
  },
  {
    name: "apiserver-good",
    summary:
      "kubeadm API server: anonymous on with RBAC, --kubelet-client-certificate and --kubelet-certificate-authority set",
    build: async (context) => [await apiserverListener(context, {}, { "apiserver.anonymous-auth": "WARN" })],
  },
  {
    name: "apiserver-anonymous-off",
    summary: "API server with --anonymous-auth=false: every certless request is 401",
    build: async (context) => [
      await apiserverListener(context, { anonymousAuth: false }, { "apiserver.anonymous-auth": "PASS" }),
    ],
  },
  {
    name: "apiserver-anonymous-allowed",
    summary: "API server whose RBAC lets system:anonymous read /api",
    build: async (context) => [
      await apiserverListener(context, { anonymousIsAdmin: true }, { "apiserver.anonymous-auth": "FAIL" }),
    ],
  },
  {
    name: "apiserver-anonymous-node-proxy",
    summary:
      "v1.20 API server with RBAC whose one extra ClusterRoleBinding grants system:anonymous get on nodes/proxy: /api is 403, but every kubelet answers anonymously through the node proxy",
    build: async (context) => [
      await apiserverListener(
        context,
        { gitVersion: "v1.20.2", anonymousNodeProxy: true },
        { "apiserver.anonymous-auth": "WARN", "apiserver.authorization": "FAIL" },
      ),
    ],
  },
  {
    name: "apiserver-no-kubelet-client-cert",
    summary: "API server without --kubelet-client-certificate: kubelets answer its proxied requests with 401",
    build: async (context) => [
      await apiserverListener(
        context,
        { kubeletClientCertificate: null },
        { "apiserver.anonymous-auth": "WARN", "apiserver.kubelet-client-cert": "FAIL" },
      ),
    ],
  },
  {
    name: "apiserver-no-kubelet-ca",
    summary: "API server without --kubelet-certificate-authority: it proxies to a kubelet nobody can verify",
    build: async (context) => [
      await apiserverListener(
        context,
        { kubeletCertificateAuthority: null },
        { "apiserver.anonymous-auth": "WARN", "apiserver.kubelet-certificate-authority": "FAIL" },
      ),
    ],
  },
  {
    name: "apiserver-legacy-tls",
    summary: "API server behind a load balancer that still accepts TLS 1.0 and every suite OpenSSL has",
    build: async (context) => [
      await apiserverListener(context, {}, { "apiserver.anonymous-auth": "WARN" }, LEGACY_TLS),
    ],
  },
  {
    name: "decoy-node",
    summary: "a node the API server lists outside the scanned range; records any connection to it",
    isNode: true,
    outsideRange: true,
    build: async (context) => [
      {
        port: KUBELET_PORT,
        role: "kubelet",
        serve: {
          kind: "tripwire",
          record: (from) => context.recordTripwire({ address: context.address, from }),
        },
        expect: expectation({ speaksTls: false, plainHttp: false, error: "reset" }, {}),
      },
    ],
  },
  {
    name: "closed",
    summary: "an address where nothing listens",
    build: async () => [],
  },
  {
    name: "tarpit",
    summary: "accepts connections on the kubelet port and never answers",
    build: async () => [hostileListener("tarpit", "timeout")],
  },
  {
    name: "garbage",
    summary: "answers the kubelet port with random bytes",
    build: async () => [hostileListener("garbage", "not-tls")],
  },
  {
    name: "reset",
    summary: "resets every connection on the kubelet port",
    build: async () => [hostileListener("reset", "reset")],
  },
  ...CONTROL_PLANE_POSTURES,
];

/** The read-only port: plain HTTP, no authentication, the kubelet's own answers. */
function readOnlyListener(context: PostureContext, behaviour: KubeletBehaviour): PostureListener {
  return {
    port: KUBELET_READONLY_PORT,
    role: "kubelet-readonly",
    serve: {
      kind: "plain-http",
      handler: kubeletReadOnlyHandler(behaviour, context.sensitive, context.address),
    },
    expect: expectation({ speaksTls: false, plainHttp: true }, { "kubelet.read-only-port": "FAIL" }),
  };
}

/** What a correct kubeadm API server answers; variants override flags and the verdicts they change. */
async function apiserverListener(
  context: PostureContext,
  overrides: Partial<Omit<ApiserverBehaviour, "authentication">> & { anonymousAuth?: boolean },
  checks: Record<string, CheckStatus>,
  tls: LabTlsSettings = {},
): Promise<PostureListener> {
  const leaf = await mintCertificate({
    subject: { commonName: "kube-apiserver" },
    key: { type: "rsa", bits: 2048 },
    issuer: context.pki.clusterCa,
    dnsNames: [
      "kubernetes",
      "kubernetes.default",
      "kubernetes.default.svc",
      "kubernetes.default.svc.cluster.local",
    ],
    ipAddresses: [context.address],
    extendedKeyUsage: ["serverAuth"],
  });
  const { anonymousAuth, ...flags } = overrides;
  return {
    port: APISERVER_PORT,
    role: "apiserver",
    serve: {
      kind: "tls",
      chain: [leaf],
      clientCas: [context.pki.clusterCa],
      ...tls,
      handler: apiserverHandler({
        gitVersion: "v1.30.2",
        authentication: {
          clientCa: "cluster",
          anonymousAuth: anonymousAuth ?? true,
          tokens: new Map([[LAB_ADMIN_TOKEN, { name: "lab-admin", groups: ["system:masters"] }]]),
        },
        anonymousIsAdmin: false,
        kubeletClientCertificate: {
          certPem: context.pki.apiserverKubeletClient.certPem,
          keyPem: context.pki.apiserverKubeletClient.keyPem,
        },
        kubeletCertificateAuthority: context.pki.clusterCa.certPem,
        nodes: context.labNodes,
        ...flags,
      }),
    },
    expect: expectation(
      { speaksTls: true, plainHttp: false, validationErrors: [] },
      {
        "apiserver.serving-cert": "PASS",
        "apiserver.kubelet-client-cert": "PASS",
        "apiserver.kubelet-certificate-authority": "PASS",
        // Anonymous /api: 403 under RBAC, 200 when anonymous may do anything, 401 (mode unseen) with anonymous off.
        "apiserver.authorization":
          anonymousAuth === false ? "INFO" : overrides.anonymousIsAdmin === true ? "FAIL" : "PASS",
        ...protocolChecks("apiserver", tls),
        ...checks,
      },
    ),
  };
}

/** The protocol settings a lab TLS listener may change (servers.ts defaults: TLS 1.2+, OpenSSL DEFAULT). */
interface LabTlsSettings {
  minVersion?: "TLSv1" | "TLSv1.2" | "TLSv1.3";
  maxVersion?: "TLSv1.2" | "TLSv1.3";
  /** OpenSSL cipher string; TLS 1.3 suites must be named too, or TLS 1.3 is off. */
  ciphers?: string;
}

/**
 * The CIS strong suites in OpenSSL's names: the six ECDHE AES-GCM/ChaCha20 suites on every benchmark's
 * kubelet and API server list (kubelet K6 is exactly these; K8 adds static-RSA GCM), and the TLS 1.3 suites.
 */
const CIS_STRONG_OPENSSL_CIPHERS = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
].join(":");

/** The same six TLS 1.2 suites as a kubelet's tlsCipherSuites names them (Go's spelling). */
const CIS_STRONG_GO_CIPHERS = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
];

/** TLS 1.0 and up, and every suite the OpenSSL build has (security level 0 lets TLS 1.0/1.1 and SHA-1 in). */
const LEGACY_TLS: LabTlsSettings = { minVersion: "TLSv1", ciphers: "ALL:@SECLEVEL=0" };

/**
 * The protocol checks' verdicts, from what the listener is configured to accept: below TLS 1.2 fails the
 * minimum version; any suite list but the CIS one fails the ciphers (OpenSSL DEFAULT and ALL both carry
 * ECDHE-RSA-AES128-SHA256, a CBC suite on no benchmark's list), unless only TLS 1.3 is spoken.
 */
function protocolChecks(
  component: "kubelet" | "apiserver",
  tls: LabTlsSettings,
): Record<string, CheckStatus> {
  const strongOnly = tls.minVersion === "TLSv1.3" || tls.ciphers === CIS_STRONG_OPENSSL_CIPHERS;
  return {
    [`${component}.tls-ciphers`]: strongOnly ? "PASS" : "FAIL",
    [`${component}.tls-min-version`]: tls.minVersion === "TLSv1" ? "FAIL" : "PASS",
  };
}

async function servingLeaf(
  context: PostureContext,
  overrides: Partial<CertificateSpec> = {},
): Promise<MintedCertificate[]> {
  const leaf = await mintCertificate({
    subject: { commonName: `system:node:${context.nodeName}`, organizations: ["system:nodes"] },
    key: { type: "rsa", bits: 2048 },
    issuer: context.pki.clusterCa,
    dnsNames: [context.nodeName],
    ipAddresses: [context.address],
    extendedKeyUsage: ["serverAuth"],
    ...overrides,
  });
  return [leaf];
}

interface KubeletListenerOptions {
  errors?: ValidationErrorCode[];
  behaviour?: Partial<KubeletBehaviour>;
  tls?: LabTlsSettings & { requireClientCertificate?: boolean; clientCas?: MintedCertificate[] };
  /** Facts and verdicts that differ from a well-behaved kubelet's. */
  expect?: Partial<Omit<ListenerExpectation, "checks">>;
  checks?: Record<string, CheckStatus>;
}

/** The verdicts of a kubelet that authenticates and authorizes properly (given a trusted identity). */
const WELL_BEHAVED_KUBELET: Record<string, CheckStatus> = {
  "kubelet.https": "PASS",
  "kubelet.anonymous-auth": "PASS",
  "kubelet.authorization": "PASS",
  "kubelet.client-ca": "PASS",
};

/**
 * The config checks over kubeadm's settings (KUBEADM_KUBELET_SETTINGS) as /configz serves them to the
 * trusted identity: kubeadm leaves protectKernelDefaults, tlsCipherSuites, podPidsLimit and seccompDefault
 * at the kubelet's defaults, 50 events/s is a manual judgement, and a named tlsCertFile is left to the wire.
 */
const KUBEADM_CONFIG_VERDICTS: Record<string, CheckStatus> = {
  "kubelet-config.anonymous-auth": "PASS",
  "kubelet-config.authorization": "PASS",
  "kubelet-config.client-ca": "PASS",
  "kubelet-config.read-only-port": "PASS",
  "kubelet-config.streaming-idle-timeout": "PASS",
  "kubelet-config.protect-kernel-defaults": "FAIL",
  "kubelet-config.make-iptables-util-chains": "PASS",
  "kubelet-config.event-qps": "INFO",
  "kubelet-config.tls-cert-file": "INFO",
  "kubelet-config.rotate-certificates": "PASS",
  "kubelet-config.rotate-server-certificates": "PASS",
  "kubelet-config.tls-ciphers": "FAIL",
  "kubelet-config.pod-pids-limit": "FAIL",
  "kubelet-config.seccomp-default": "FAIL",
};

/** Every config check SKIPs when no identity could read /configz (or nothing answered). */
const CONFIG_NOT_READ: Record<string, CheckStatus> = Object.fromEntries(
  Object.keys(KUBEADM_CONFIG_VERDICTS).map((id) => [id, "SKIP"]),
);

async function kubeletListener(
  context: PostureContext,
  chain: MintedCertificate[],
  options: KubeletListenerOptions,
): Promise<PostureListener> {
  const errors = options.errors ?? [];
  const behaviour = behaviourFor(context, options.behaviour ?? {});
  return {
    port: KUBELET_PORT,
    role: "kubelet",
    serve: {
      kind: "tls",
      chain,
      clientCas: behaviour.authentication.clientCa === "none" ? [] : [context.pki.clusterCa],
      handler: kubeletSecureHandler(behaviour, context.sensitive, context.address),
      ...options.tls,
    },
    expect: expectation(
      { speaksTls: true, plainHttp: false, validationErrors: errors, ...options.expect },
      {
        ...WELL_BEHAVED_KUBELET,
        ...KUBEADM_CONFIG_VERDICTS,
        ...protocolChecks("kubelet", options.tls ?? {}),
        "kubelet.serving-cert": errors.length === 0 ? "PASS" : "FAIL",
        ...options.checks,
      },
    ),
  };
}

function behaviourFor(context: PostureContext, overrides: Partial<KubeletBehaviour>): KubeletBehaviour {
  return {
    nodeName: context.nodeName,
    authentication: { clientCa: "cluster", anonymousAuth: false, tokens: new Map() },
    authorizationMode: "Webhook",
    tlsCertFile: "/var/lib/kubelet/pki/kubelet-server-current.pem",
    readOnlyPort: 0,
    ...overrides,
  };
}

function hostileListener(
  kind: "tarpit" | "garbage" | "reset",
  error: "timeout" | "not-tls" | "reset",
): PostureListener {
  return {
    port: KUBELET_PORT,
    role: "kubelet",
    serve: { kind },
    expect: expectation(
      { speaksTls: false, plainHttp: false, error },
      {
        "kubelet.https": "ERROR",
        "kubelet.serving-cert": "SKIP",
        "kubelet.anonymous-auth": "ERROR",
        "kubelet.authorization": "ERROR",
        "kubelet.client-ca": "ERROR",
        "kubelet.tls-ciphers": "SKIP",
        "kubelet.tls-min-version": "SKIP",
        ...CONFIG_NOT_READ,
      },
    ),
  };
}

function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}
