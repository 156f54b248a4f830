import type { Identity } from "./endpointResult.js";

/**
 * A kubelet's live configuration as it serves it at GET /configz: the `kubeletconfig` object kept whole
 * (defaulting applied, zero values omitted, exactly as served). It names files, never keys, so it is
 * safe to keep in a report. Probes read it as `kubeletConfig.config.<field>`, like kube-bench's
 * `path: '{.<field>}'`.
 */
export interface KubeletConfigFact {
  /** `direct`: asked of the kubelet itself on its port; `node-proxy`: through the API server's node proxy. */
  via: "direct" | "node-proxy";
  /** The identity that was answered 200 (direct), or the kubeconfig user the node proxy was asked as. */
  identity: Identity | "kubeconfig";
  /** The path asked: `/configz` or `/api/v1/nodes/NAME/proxy/configz`. */
  path: string;
  /** The HTTP status of the answer; null when none came (a network error, or not asked: `problem` says). */
  status: number | null;
  /** The kubeletconfig object; null when it could not be read (`problem` says why). */
  config: Record<string, unknown> | null;
  /** Why `config` is null. */
  problem: string | null;
}

/*
 * How many nodes' configuration kubetls reads through the node proxy (--max-nodes). Every node, not a
 * sample: each node's configuration is its own and CIS 4.2.x is judged per node. The default is
 * Kubernetes' documented largest supported cluster (5,000 nodes, "Considerations for large clusters"), so
 * by default every node of any supported cluster is read; each costs the API server one proxied GET of a
 * few KB, four at a time.
 */
export const DEFAULT_MAX_NODES = 5000;
