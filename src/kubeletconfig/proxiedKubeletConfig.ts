import pLimit from "p-limit";
import {
  type ApiserverCallOptions,
  type ClusterAccess,
  type ClusterNode,
  nodeProxyGet,
} from "../kubeconfig/index.js";
import { type EndpointResult, endpointKey, type KubeletConfigFact } from "../model/index.js";
import { CONFIGZ_PATH } from "./gatherKubeletConfig.js";
import { parseConfigz } from "./parseConfigz.js";

/** The API server proxies at most this many /configz requests for kubetls at a time. */
const PROXIED_CONFIGZ_IN_FLIGHT = 4;

export type Facts = Omit<EndpointResult, "checks">;

export interface ProxiedConfigSource {
  access: ClusterAccess;
  /** The cluster's nodes as listed (kubeconfig discovery). */
  nodes: readonly ClusterNode[];
  /** The scope rule of the node proxy: a node is asked about only when the address --node-address-types chose is in scope. */
  allowsHost: (host: string) => boolean;
  maxNodes: number;
  callOptions: ApiserverCallOptions;
}

/**
 * A kubelet's live configuration through the API server's node proxy (`/api/v1/nodes/NAME/proxy/configz`),
 * for kubelets whose /configz could not be read directly: the bastion may not reach 10250 at all, or holds
 * no identity the kubelet authorizes. Returns the facts unchanged for anything else.
 */
export function proxiedKubeletConfigReader(source: ProxiedConfigSource): (facts: Facts) => Promise<Facts> {
  const nodeByKubelet = new Map(
    source.nodes
      .filter((node) => node.address !== null)
      .map((node) => [endpointKey({ host: node.address ?? "", port: node.kubeletPort }), node]),
  );
  const limit = pLimit(PROXIED_CONFIGZ_IN_FLIGHT);
  let asked = 0;
  return async (facts) => {
    if (facts.role !== "kubelet" || facts.kubeletConfig?.config) return facts;
    const node = nodeByKubelet.get(endpointKey(facts));
    if (!node || facts.error?.code === "out-of-scope") return facts;
    // The same rule as the /healthz evidence: the address --node-address-types chose (standing for the API
    // server's --kubelet-preferred-address-types, the one it dials) must be in scope; other addresses do not count.
    if (node.address === null || !source.allowsHost(node.address)) return facts;
    const path = `/api/v1/nodes/${encodeURIComponent(node.name)}/proxy${CONFIGZ_PATH}`;
    const base = { via: "node-proxy" as const, identity: "kubeconfig" as const, path };
    if (asked >= source.maxNodes) {
      return withConfig(facts, {
        ...base,
        status: null,
        config: null,
        problem: `not asked: --max-nodes ${source.maxNodes} nodes were already asked`,
      });
    }
    asked += 1;
    const outcome = await limit(() =>
      nodeProxyGet(source.access, node.name, CONFIGZ_PATH, source.callOptions, { keepBody: true }),
    );
    if (outcome.outcome !== "http")
      return withConfig(facts, {
        ...base,
        status: null,
        config: null,
        problem: `the node proxy failed: ${outcome.error.message}`,
      });
    if (outcome.status !== 200)
      return withConfig(facts, {
        ...base,
        status: outcome.status,
        config: null,
        problem: `the node proxy answered ${outcome.status}${
          outcome.status === 401 || outcome.status === 403
            ? " (the kubeconfig user needs get on nodes/proxy)"
            : ""
        }: ${outcome.bodySnippet.slice(0, 240)}`,
      });
    return withConfig(facts, {
      ...base,
      status: 200,
      ...parseConfigz(outcome.body ?? "", outcome.truncated),
    });
  };
}

function withConfig(facts: Facts, kubeletConfig: KubeletConfigFact): Facts {
  // A direct read that failed is kept only when the proxy did no better.
  if (facts.kubeletConfig && kubeletConfig.config === null) return facts;
  return { ...facts, kubeletConfig };
}
