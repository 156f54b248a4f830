import type { EndpointResult, InvalidTarget } from "../model/index.js";

import type { TargetPlan } from "../targets/index.js";

/** Everything one scan needs, grouped by concern rather than one flat bag of flags. */
export interface ScanOptions {
  targets: TargetPlan;
  trust: {
    /** CA bundles serving chains must validate against (the cluster CA). */
    caFiles: string[];
    /** CA bundles for kubelet serving chains, when the kubelets use another CA. */
    kubeletCaFiles: string[];
  };
  pacing: {
    concurrency: number;
    /** New connections per second across the whole scan; null for no limit. */
    connectionsPerSecond: number | null;
    /** Deadline of each phase: connect, handshake, request. */
    timeoutMs: number;
  };
  identity?: {
    /** --client-cert/--client-key: the API server's kubelet-client pair (what kubelets should accept). */
    clientCertFile?: string;
    clientKeyFile?: string;
  };
  /** --kubeconfig: the cluster's API server joins the targets; its nodes too when no targets were given. */
  cluster?: {
    kubeconfigFile: string;
    context?: string;
    /** Which node address to dial, in order of preference (like --kubelet-preferred-address-types). */
    nodeAddressTypes: string[];
  };
  /** --scope: addresses and CIDRs kubetls may connect to; empty means no restriction beyond the targets. */
  scope?: string[];
  /** Raw ClientHello enumeration: quick (versions + CIS-forbidden suites), full (every suite), off. */
  tlsScan?: "quick" | "full" | "off";
  benchmark?: string;
  probesDirectory?: string;
  /** Streamed as each endpoint finishes (jsonl, progress). */
  onEndpoint?: (endpoint: EndpointResult) => void | Promise<void>;
  onInvalidTarget?: (invalid: InvalidTarget) => void;
  now?: () => Date;
}
