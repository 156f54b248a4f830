import type { EndpointResult, InvalidTarget, PortState } from "../model/index.js";
import type { TargetPlan } from "../targets/index.js";

/** Everything one scan needs, grouped by concern rather than one flat bag of flags. */
export interface ScanOptions {
  targets: TargetPlan;
  trust: {
    /** CA bundles serving chains must validate against (the cluster CA). */
    caFiles: string[];
    /** CA bundles for kubelet serving chains, when the kubelets use another CA. */
    kubeletCaFiles: string[];
    /** --etcd-ca-file: the CA etcd's chains must validate against (kubeadm: /etc/kubernetes/pki/etcd/ca.crt). */
    etcdCaFiles?: string[];
  };
  pacing: {
    concurrency: number;
    /** New connections per second across the whole scan; null for no limit. */
    connectionsPerSecond: number | null;
    /** Deadline of each phase of the probing: connect, handshake, request. */
    timeoutMs: number;
    /** Deadline of the discovery connect (--connect-timeout); `timeoutMs` when absent. */
    connectTimeoutMs?: number;
    /** Discovery connects in flight (default 4096, capped by the open-file limit). */
    discoveryConcurrency?: number;
  };
  identity?: {
    /** --client-cert/--client-key: the API server's kubelet-client pair (what kubelets should accept). */
    clientCertFile?: string;
    clientKeyFile?: string;
    /** --etcd-client-cert/--etcd-client-key: the API server's etcd client pair (what etcd should accept). */
    etcdClientCertFile?: string;
    etcdClientKeyFile?: string;
  };
  /** --kubeconfig: the cluster's API server joins the targets; its nodes too when no targets were given. */
  cluster?: {
    /** Omitted: $KUBECONFIG's files merged as kubectl merges them, or ~/.kube/config. */
    kubeconfigFile?: string;
    context?: string;
    /** Which node address to dial, in order of preference (like --kubelet-preferred-address-types). */
    nodeAddressTypes: string[];
    /** --max-nodes: nodes whose kubelet configuration is read through the node proxy (DEFAULT_MAX_NODES). */
    maxNodes?: number;
  };
  /** --scope: addresses and CIDRs kubetls may connect to; empty means no restriction beyond the targets. */
  scope?: string[];
  /** Raw ClientHello enumeration: quick (versions + CIS-forbidden suites), full (every suite), off. */
  tlsScan?: "quick" | "full" | "off";
  benchmark?: string;
  /** Serving certificates expiring within this many days are a WARN; 30 when absent. */
  expiryWarnDays?: number;
  probesDirectory?: string;
  /** Streamed as each endpoint finishes (jsonl, progress). */
  onEndpoint?: (endpoint: EndpointResult) => void | Promise<void>;
  onInvalidTarget?: (invalid: InvalidTarget) => void;
  /** Every endpoint taken up, as its port state becomes known (progress counts from here). */
  onSettled?: (state: PortState) => void;
  /** Something the operator should know about how the scan ran (a cap it applied). */
  onNotice?: (message: string) => void;
  now?: () => Date;
}
