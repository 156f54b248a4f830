import type { CheckStatus, ValidationErrorCode } from "../model/index.js";
import { mintKubeletSelfGeneratedChain } from "../x509/index.js";
import { type CertificateSpec, type MintedCertificate, mintCertificate } from "../x509/mint.js";
import { apiserverHandler } from "./apiserverEmulator.js";
import { type KubeletBehaviour, kubeletSecureHandler } from "./kubeletEmulator.js";
import type { ListenerExpectation, Posture, PostureContext, PostureListener } from "./posture.js";

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
      await kubeletListener(context, await servingLeaf(context, { key: { type: "ec", curve: "P-256" } }), {}),
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
            "kubelet.serving-cert": "SKIP",
          },
        ),
      },
    ],
  },
  {
    name: "apiserver-good",
    summary:
      "kubeadm API server: cluster-CA serving cert, anonymous on with RBAC, kubelet client cert and CA set",
    build: async (context) => {
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
      return [
        {
          port: APISERVER_PORT,
          role: "apiserver",
          serve: {
            kind: "tls",
            chain: [leaf],
            clientCas: [context.pki.clusterCa],
            handler: apiserverHandler({
              gitVersion: "v1.30.2",
              authentication: {
                clientCa: "cluster",
                anonymousAuth: true,
                tokens: new Map([[LAB_ADMIN_TOKEN, { name: "lab-admin", groups: ["system:masters"] }]]),
              },
              anonymousIsAdmin: false,
              kubeletClientCertificate: {
                certPem: context.pki.apiserverKubeletClient.certPem,
                keyPem: context.pki.apiserverKubeletClient.keyPem,
              },
              kubeletCertificateAuthority: context.pki.clusterCa.certPem,
              nodes: context.labNodes,
            }),
          },
          expect: expectation(
            { speaksTls: true, plainHttp: false, validationErrors: [] },
            {
              "apiserver.serving-cert": "PASS",
            },
          ),
        },
      ];
    },
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
];

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
}

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
    },
    expect: expectation(
      { speaksTls: true, plainHttp: false, validationErrors: errors },
      {
        "kubelet.https": "PASS",
        "kubelet.serving-cert": errors.length === 0 ? "PASS" : "FAIL",
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
      },
    ),
  };
}

function expectation(
  facts: Omit<ListenerExpectation, "checks" | "reachable"> & { reachable?: boolean },
  checks: Record<string, CheckStatus>,
): ListenerExpectation {
  return { reachable: true, ...facts, checks };
}

function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}
