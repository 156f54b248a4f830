import type { Role } from "../model/index.js";

/**
 * What kubetls knows about each Kubernetes component it scans, in one place (kube-bench's cfg/config.yaml
 * idea; nmap NSE scripts declare their own portrule). Everything role-specific in the pipeline reads this
 * table: port lists and their flags, the trust bundle and identity used, the paths asked, detection.
 * The probes that apply to a role are the probes/*.yaml files that list it under `roles:`.
 */

/** A role kubetls can be told to scan on a port list; "other" and "unknown" are only ever detected. */
export type ScannedRole = Exclude<Role, "other" | "unknown">;

/** Which CA bundle judges a role's serving chain (see TRUST_BUNDLES for the flags and fallbacks). */
export type TrustBundle = "cluster" | "kubelet" | "etcd";

/**
 * Which operator identity a role is shown as "trusted":
 * - kubelet-client: what the API server presents to kubelets (--client-cert, else the kubeconfig's certificate);
 * - apiserver-client: the kubeconfig user on its own API server, else --client-cert;
 * - etcd-client: what the API server presents to etcd (--etcd-client-cert, its --etcd-certfile);
 * - none: the role authenticates nobody (plain HTTP), so only the anonymous request is made.
 */
export type TrustedIdentityKind = "kubelet-client" | "apiserver-client" | "etcd-client" | "none";

/** An anonymous answer that identifies a role; a hint without `path` or `status` matches any. */
export interface AnswerHint {
  path?: string;
  status?: number;
  body: RegExp;
}

export interface RoleDefinition {
  role: ScannedRole;
  /** For help text and docs. */
  title: string;
  /** The ports scanned on every host by default, and the flag (`''` disables the role) that replaces them. */
  ports: {
    defaults: readonly number[];
    flag: string;
    /** The commander key of `flag`. */
    optionKey: string;
    help: string;
  };
  /** What the port is designed to speak. A TLS role answering plain HTTP is a finding, not a detection error. */
  transport: "tls" | "plain";
  trustBundle: TrustBundle;
  /**
   * The role should have a CA distinct from the cluster's (etcd, CIS 2.7): its chain is also validated against
   * the cluster bundle, as the `clusterCaValidation` fact.
   */
  caDistinctFromCluster?: boolean;
  trustedIdentity: TrustedIdentityKind;
  /** The read-only paths asked, under every identity. Nothing else is ever requested of this role. */
  paths: readonly string[];
  /**
   * Read-only paths asked under the trusted identity only (never anonymously or as the untrusted identity):
   * pages that prove something only when an authorized caller reads them, such as the pprof index.
   */
  trustedOnlyPaths?: readonly string[];
  /**
   * How a host:port target is recognised as this role from its anonymous answers. `transport` says on which
   * kind of connection the hints count ("any": both).
   */
  detection: {
    hints: readonly AnswerHint[];
    transport: "tls" | "plain" | "any";
    /** The hints count only on these ports (components that answer alike, told apart by where they listen). */
    onlyOnPorts?: readonly number[];
  };
  /** Ports that stand for this role when nothing it answered tells (a handshake that wants a certificate). */
  wellKnownPorts: readonly number[];
  /**
   * The same-host roles whose answer makes this role's absence (refused, closed) meaningful: a closed
   * read-only port says something only on a host whose kubelet answered. Empty: absence is never judged.
   */
  absenceMeaningfulWhen: readonly ScannedRole[];
}

const KUBELET_HINTS: readonly AnswerHint[] = [
  { path: "/pods", status: 200, body: /"kind"\s*:\s*"PodList"/ },
  // The kubelet's own plain-text refusals; an API server answers Status JSON instead.
  { path: "/pods", status: 401, body: /^\s*Unauthorized\s*$/ },
  { path: "/pods", status: 403, body: /^Forbidden \(user=/ },
];

const APISERVER_HINTS: readonly AnswerHint[] = [
  { body: /"kind"\s*:\s*"Status"/ },
  { body: /"gitVersion"\s*:/ },
];

/**
 * The pprof index page of Go's net/http/pprof, which lists the profiles and serves none: the one pprof path net's
 * guard lets through (kept literal here: roles is read by `--help`, which must not load net).
 */
const PPROF_INDEX_PATH = "/debug/pprof/";

const ETCD_HINTS: readonly AnswerHint[] = [{ body: /etcdserver/ }];

/**
 * In port-list order: a port listed under two roles is probed once, under the earlier one (one connection per
 * host:port is enough).
 */
export const ROLE_DEFINITIONS = [
  {
    role: "kubelet",
    title: "kubelet",
    ports: {
      defaults: [10250],
      flag: "--kubelet-ports",
      optionKey: "kubeletPorts",
      help: "kubelet TLS ports",
    },
    transport: "tls",
    trustBundle: "kubelet",
    trustedIdentity: "kubelet-client",
    paths: ["/pods", "/runningpods/", "/configz", "/metrics", "/healthz"],
    detection: { hints: KUBELET_HINTS, transport: "tls" },
    wellKnownPorts: [10250],
    absenceMeaningfulWhen: [],
  },
  {
    role: "kubelet-readonly",
    title: "kubelet read-only port",
    ports: {
      defaults: [10255],
      flag: "--readonly-ports",
      optionKey: "readonlyPorts",
      help: "read-only kubelet ports",
    },
    transport: "plain",
    trustBundle: "kubelet",
    trustedIdentity: "none",
    paths: ["/pods", "/healthz"],
    detection: { hints: KUBELET_HINTS, transport: "plain" },
    wellKnownPorts: [10255],
    absenceMeaningfulWhen: ["kubelet"],
  },
  {
    role: "apiserver",
    title: "kube-apiserver",
    ports: {
      defaults: [6443],
      flag: "--apiserver-ports",
      optionKey: "apiserverPorts",
      help: "API server ports",
    },
    transport: "tls",
    trustBundle: "cluster",
    trustedIdentity: "apiserver-client",
    paths: ["/version", "/healthz", "/api"],
    detection: { hints: APISERVER_HINTS, transport: "any" },
    wellKnownPorts: [6443, 443],
    absenceMeaningfulWhen: [],
  },
  {
    role: "apiserver-insecure",
    title: "kube-apiserver insecure port",
    ports: {
      defaults: [8080],
      flag: "--apiserver-insecure-ports",
      optionKey: "apiserverInsecurePorts",
      help: "API server insecure (plain HTTP) ports",
    },
    transport: "plain",
    trustBundle: "cluster",
    trustedIdentity: "none",
    paths: ["/version", "/api"],
    detection: { hints: APISERVER_HINTS, transport: "plain" },
    wellKnownPorts: [8080],
    absenceMeaningfulWhen: [],
  },
  {
    role: "controller-manager",
    title: "kube-controller-manager",
    ports: {
      defaults: [10257],
      flag: "--controller-manager-ports",
      optionKey: "controllerManagerPorts",
      help: "kube-controller-manager secure ports",
    },
    transport: "tls",
    trustBundle: "cluster",
    trustedIdentity: "apiserver-client",
    paths: ["/healthz", "/metrics"],
    // The pprof index only (200: --profiling on; 404: off); never a profile below it (net's guard refuses them).
    trustedOnlyPaths: [PPROF_INDEX_PATH],
    // It answers Status JSON like an API server (delegated authn/authz); only its port tells them apart.
    detection: { hints: APISERVER_HINTS, transport: "tls", onlyOnPorts: [10257] },
    wellKnownPorts: [10257],
    absenceMeaningfulWhen: ["apiserver"],
  },
  {
    role: "scheduler",
    title: "kube-scheduler",
    ports: {
      defaults: [10259],
      flag: "--scheduler-ports",
      optionKey: "schedulerPorts",
      help: "kube-scheduler secure ports",
    },
    transport: "tls",
    trustBundle: "cluster",
    trustedIdentity: "apiserver-client",
    paths: ["/healthz", "/metrics"],
    trustedOnlyPaths: [PPROF_INDEX_PATH],
    detection: { hints: APISERVER_HINTS, transport: "tls", onlyOnPorts: [10259] },
    wellKnownPorts: [10259],
    absenceMeaningfulWhen: ["apiserver"],
  },
  {
    role: "etcd",
    title: "etcd client port",
    ports: { defaults: [2379], flag: "--etcd-ports", optionKey: "etcdPorts", help: "etcd client ports" },
    transport: "tls",
    trustBundle: "etcd",
    caDistinctFromCluster: true,
    trustedIdentity: "etcd-client",
    // Never keys, never a v3 gRPC call.
    paths: ["/version", "/health"],
    detection: { hints: ETCD_HINTS, transport: "any" },
    wellKnownPorts: [2379],
    absenceMeaningfulWhen: [],
  },
  {
    role: "etcd-peer",
    title: "etcd peer port",
    ports: {
      defaults: [2380],
      flag: "--etcd-peer-ports",
      optionKey: "etcdPeerPorts",
      help: "etcd peer ports",
    },
    transport: "tls",
    trustBundle: "etcd",
    caDistinctFromCluster: true,
    trustedIdentity: "etcd-client",
    paths: ["/version"],
    // The peer port serves the same /version as the client port.
    detection: { hints: ETCD_HINTS, transport: "any", onlyOnPorts: [2380] },
    wellKnownPorts: [2380],
    absenceMeaningfulWhen: [],
  },
] as const satisfies readonly RoleDefinition[];

export type RolePortOptionKey = (typeof ROLE_DEFINITIONS)[number]["ports"]["optionKey"];

/** Roles in the order a host:port's anonymous answers are matched against their hints. */
export const DETECTION_ORDER: readonly ScannedRole[] = [
  "etcd-peer",
  "etcd",
  "controller-manager",
  "scheduler",
  "apiserver-insecure",
  "apiserver",
  "kubelet",
  "kubelet-readonly",
];

/** Asked anonymously of a host:port whose role is not known yet; all are read-only on every role. */
export const DETECTION_PATHS: readonly string[] = ["/version", "/pods", "/healthz"];

export const SCANNED_ROLES: readonly ScannedRole[] = ROLE_DEFINITIONS.map((definition) => definition.role);

const BY_ROLE = new Map<Role, RoleDefinition>(
  ROLE_DEFINITIONS.map((definition) => [definition.role, definition]),
);

/** One value per scanned role, computed from its definition: how port lists and the like are keyed. */
export function mapRoles<T>(value: (definition: RoleDefinition) => T): Record<ScannedRole, T> {
  return Object.fromEntries(
    ROLE_DEFINITIONS.map((definition) => [definition.role, value(definition)]),
  ) as Record<ScannedRole, T>;
}

/** The definition of a scanned role; undefined for "other" and "unknown". */
export function roleDefinition(role: Role): RoleDefinition | undefined {
  return BY_ROLE.get(role);
}

export function isScannedRole(role: string): role is ScannedRole {
  return BY_ROLE.has(role as Role);
}
