import type { LookupFunction } from "node:net";
import pLimit from "p-limit";
import { type ClusterAccess, listNodes, nodeProxyGet } from "../kubeconfig/index.js";
import { type EndpointResult, endpointKey, type NetError, type NodeProxyProbe } from "../model/index.js";
import type { ScopeGuard } from "../scope/index.js";

export interface NodeProxyContext {
  timeoutMs: number;
  scope: ScopeGuard;
  lookup?: LookupFunction;
  nodeAddressTypes: readonly string[];
  /** What kubetls saw on each kubelet directly, by `host:port`. */
  kubelets: ReadonlyMap<string, EndpointResult>;
}

/*
 * A fleet can have thousands of nodes; a handful of proxied GETs decides both controls. Nodes whose
 * kubelet serves a chain that does not validate go first: only they can show whether the API server
 * verifies kubelet certificates.
 */
const MAX_PROXIED_NODES = 25;
const PROXY_REQUESTS_IN_FLIGHT = 4;

/**
 * GET /api/v1/nodes, then /api/v1/nodes/NAME/proxy/healthz for in-scope nodes, each joined with the
 * direct observation of that node's kubelet. Out-of-scope nodes are never asked about: the API server
 * would dial them on kubetls's behalf.
 */
export interface NodeProxyEvidence {
  probes: NodeProxyProbe[];
  /** Why GET /api/v1/nodes failed (e.g. 403: these credentials may not list nodes), when no node was read. */
  listingError: NetError | null;
}

export async function gatherNodeProxyEvidence(
  access: ClusterAccess,
  context: NodeProxyContext,
): Promise<NodeProxyEvidence> {
  const callOptions = {
    timeoutMs: context.timeoutMs,
    isInScope: context.scope.allowsHost,
    lookup: context.lookup,
  };
  const listing = await listNodes(access, { ...callOptions, nodeAddressTypes: context.nodeAddressTypes });
  const candidates = listing.nodes
    // The API server picks the address to dial by its own preference: every IP the node reports must be in scope.
    .filter(
      (node) =>
        node.address !== null &&
        context.scope.allowsHost(node.address) &&
        node.ipAddresses.every((address) => context.scope.allowsHost(address)),
    )
    .map((node) => {
      const kubelet =
        context.kubelets.get(endpointKey({ host: node.address ?? "", port: node.kubeletPort })) ?? null;
      return { node, kubelet };
    })
    .sort((a, b) => rank(a.kubelet) - rank(b.kubelet))
    .slice(0, MAX_PROXIED_NODES);
  const limit = pLimit(PROXY_REQUESTS_IN_FLIGHT);
  const probes = await Promise.all(
    candidates.map(({ node, kubelet }) =>
      limit(async (): Promise<NodeProxyProbe> => {
        const outcome = await nodeProxyGet(access, node.name, "/healthz", callOptions);
        return {
          node: node.name,
          kubelet: node.address === null ? null : endpointKey({ host: node.address, port: node.kubeletPort }),
          outcome: outcome.outcome,
          status: outcome.outcome === "http" ? outcome.status : null,
          snippet: outcome.outcome === "http" ? outcome.bodySnippet.slice(0, 300) : outcome.error.message,
          kubeletChainTrusted: chainAnApiserverWouldAccept(kubelet),
          kubeletRejectsAnonymous: kubelet ? rejectsAnonymous(kubelet) : null,
        };
      }),
    ),
  );
  return { probes, listingError: listing.nodes.length === 0 ? listing.error : null };
}

function rank(kubelet: EndpointResult | null): number {
  if (chainAnApiserverWouldAccept(kubelet) === false) return 0;
  return kubelet ? 1 : 2;
}

function rejectsAnonymous(kubelet: EndpointResult): boolean | null {
  const pods = kubelet.auth?.anonymous?.find((probe) => probe.path === "/pods");
  if (!pods) return null;
  return pods.status === 401 || pods.outcome === "handshake-rejected";
}

/*
 * Whether an API server verifying with the kubelet CA would accept this kubelet's chain: null when that
 * cannot be known (no CA given, no chain seen). Only errors Go's verifier rejects on count: a weak RSA key
 * passes it, and a name mismatch depends on which address type the API server dials.
 */
const REJECTED_BY_A_VERIFYING_CLIENT = new Set([
  "untrusted-root",
  "self-signed",
  "kubelet-self-generated",
  "incomplete-chain",
  "bad-signature",
  "issuer-not-ca",
  "expired",
  "not-yet-valid",
  "weak-signature",
  "not-server-auth",
]);

function chainAnApiserverWouldAccept(kubelet: EndpointResult | null): boolean | null {
  const validation = kubelet?.validation;
  if (!validation || validation.errors.includes("no-ca-configured")) return null;
  return !validation.errors.some((code) => REJECTED_BY_A_VERIFYING_CLIENT.has(code));
}
