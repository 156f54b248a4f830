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
  /** The identity that was answered 200 (direct), or the API user the proxy was asked as (node-proxy). */
  identity: Identity | "kubeconfig" | "client-certificate";
  /** The path asked: `/configz` or `/api/v1/nodes/NAME/proxy/configz`. */
  path: string;
  /** The kubeletconfig object; null when the answer was 200 but not the expected document. */
  config: Record<string, unknown> | null;
  /** Why `config` is null. */
  problem: string | null;
}
