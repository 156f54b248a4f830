import { isIP, type LookupFunction } from "node:net";
import pLimit from "p-limit";
import {
  type ClusterAccess,
  type ClusterNode,
  listNodes,
  type NodeListing,
  nodeProxyGet,
} from "../kubeconfig/index.js";
import {
  type AnonymousNodeProxyProbe,
  type EndpointResult,
  endpointKey,
  type NetError,
  type NodeLeftOut,
  type NodeProxyProbe,
} from "../model/index.js";
import type { ScopeGuard } from "../scope/index.js";

export interface NodeProxyContext {
  timeoutMs: number;
  scope: ScopeGuard;
  lookup?: LookupFunction;
  nodeAddressTypes: readonly string[];
  /**
   * What kubetls saw on each kubelet directly, by `host:port`: resolves once every kubelet of the scan is
   * finished. It is awaited only when it is needed: to choose which nodes to ask when the cluster lists more
   * than can be asked, and to join each answer with its kubelet at the end.
   */
  kubelets: () => Promise<ReadonlyMap<string, EndpointResult>>;
  /** The node list already read for this API server (kubeconfig discovery); listed again when absent. */
  listing?: NodeListing;
}

/*
 * A fleet can have thousands of nodes; a handful of proxied GETs decides both controls. Nodes whose
 * kubelet serves a chain that does not validate go first: only they can show whether the API server
 * verifies kubelet certificates.
 */
export const MAX_PROXIED_NODES = 25;
export const PROXY_REQUESTS_IN_FLIGHT = 4;
/** Nodes left out are named up to this many; the rest are counted in a cut. */
const MAX_NAMED_LEFT_OUT = 100;
/** Under a restricted --scope, node addresses that are names are resolved to be checked; at most this many. */
const MAX_NAME_LOOKUPS = 50;

export interface NodeProxyEvidence {
  probes: NodeProxyProbe[];
  /** The node proxy asked with no credentials at all, for one of the nodes asked; null when none was asked. */
  anonymous: AnonymousNodeProxyProbe | null;
  /** Why GET /api/v1/nodes failed (e.g. 403: these credentials may not list nodes), when no node was read. */
  listingError: NetError | null;
  /** Listed nodes not asked about, each with the address and rule that kept it out. */
  leftOut: NodeLeftOut[];
  /** Every bound reached: the node list cut or failing part-way, nodes over the cap, names left unnamed. */
  cuts: string[];
}

/**
 * GET /api/v1/nodes (unless already read), then /api/v1/nodes/NAME/proxy/healthz for in-scope nodes, each
 * joined with the direct observation of that node's kubelet.
 *
 * The scope rule: a node is asked about when the address --node-address-types picks for it (standing for
 * the API server's --kubelet-preferred-address-types, the address it dials) is in --scope. Its other
 * addresses do not matter: the API server dials only that one. A node left out is named with that address.
 */
export async function gatherNodeProxyEvidence(
  access: ClusterAccess,
  context: NodeProxyContext,
): Promise<NodeProxyEvidence> {
  const callOptions = {
    timeoutMs: context.timeoutMs,
    isInScope: context.scope.allowsHost,
    lookup: context.lookup,
  };
  const listing =
    context.listing ??
    (await listNodes(access, { ...callOptions, nodeAddressTypes: context.nodeAddressTypes }));
  const cuts: string[] = [];
  if (listing.cut !== null) cuts.push(listing.cut);
  if (listing.error !== null && listing.nodes.length > 0) {
    cuts.push(`node list incomplete after ${listing.nodes.length} node(s): ${listing.error.message}`);
  }

  /*
   * A cluster that lists no more nodes than can be asked has every in-scope node asked whatever its rank, so
   * its proxied GETs need not wait for the kubelets: they overlap the rest of the scan, and the ranking (the
   * order of what is reported) is applied once the kubelets are known. A larger cluster waits, because the
   * rank decides which nodes are asked.
   */
  const rankBeforeAsking = listing.nodes.length > MAX_PROXIED_NODES;
  const kubeletsAtStart = rankBeforeAsking ? await context.kubelets() : new Map<string, EndpointResult>();
  const kubeletOf = (node: ClusterNode, kubelets: ReadonlyMap<string, EndpointResult>) =>
    node.address === null ? null : (kubelets.get(kubeletKey(node)) ?? null);

  const leftOut: { node: ClusterNode; entry: NodeLeftOut }[] = [];
  let unnamed = 0;
  const leaveOut = (node: ClusterNode, reason: string): void => {
    if (leftOut.length >= MAX_NAMED_LEFT_OUT) unnamed++;
    // The reason names the node and its address too, so it reads alone in a check's evidence.
    else
      leftOut.push({
        node,
        entry: { node: node.name, address: node.address, reason: `${node.name}: ${reason}` },
      });
  };
  const inScope = addressScopeCheck(context);
  const ranked = [...listing.nodes].sort(
    (a, b) => rank(kubeletOf(a, kubeletsAtStart)) - rank(kubeletOf(b, kubeletsAtStart)),
  );
  const candidates: ClusterNode[] = [];
  let overCap = 0;
  for (const node of ranked) {
    if (node.address === null) {
      leaveOut(node, `reports no address of type ${context.nodeAddressTypes.join(" or ")}`);
      continue;
    }
    if (candidates.length >= MAX_PROXIED_NODES) {
      overCap++;
      continue;
    }
    const scopeProblem = await inScope(node.address);
    if (scopeProblem !== null) leaveOut(node, scopeProblem);
    else candidates.push(node);
  }
  if (overCap > 0) {
    cuts.push(
      `node proxy asked about ${MAX_PROXIED_NODES} nodes (those whose kubelet chain does not validate first); ${overCap} more listed node(s) not asked`,
    );
  }
  if (unnamed > 0) cuts.push(`${unnamed} more node(s) left out of the node proxy, not named`);

  const limit = pLimit(PROXY_REQUESTS_IN_FLIGHT);
  const answers = await Promise.all(
    candidates.map((node) =>
      limit(async () => ({ node, outcome: await nodeProxyGet(access, node.name, "/healthz", callOptions) })),
    ),
  );
  // The anonymous GET needs no kubelet either: it goes out now, for the first node asked that answered.
  const anonymous = await anonymousNodeProxy(
    access,
    answers.map(({ node, outcome }) => ({
      node: node.name,
      status: outcome.outcome === "http" ? outcome.status : null,
    })),
    callOptions,
  );
  const kubelets = rankBeforeAsking ? kubeletsAtStart : await context.kubelets();
  // A stable sort of what was asked in listing order gives the order asking in ranked order would have.
  const byRank = <T extends { node: ClusterNode }>(items: T[]): T[] =>
    rankBeforeAsking
      ? items
      : [...items].sort((a, b) => rank(kubeletOf(a.node, kubelets)) - rank(kubeletOf(b.node, kubelets)));
  const probes = byRank(answers).map(({ node, outcome }): NodeProxyProbe => {
    const kubelet = kubeletOf(node, kubelets);
    return {
      node: node.name,
      kubelet: node.address === null ? null : kubeletKey(node),
      outcome: outcome.outcome,
      status: outcome.outcome === "http" ? outcome.status : null,
      snippet: outcome.outcome === "http" ? outcome.bodySnippet.slice(0, 300) : outcome.error.message,
      kubeletChainTrusted: chainAnApiserverWouldAccept(kubelet),
      kubeletRejectsAnonymous: kubelet ? rejectsAnonymous(kubelet) : null,
    };
  });
  return {
    probes,
    anonymous,
    listingError: listing.nodes.length === 0 ? listing.error : null,
    leftOut: byRank(leftOut).map(({ entry }) => entry),
    cuts,
  };
}

/*
 * The same proxied /healthz with no certificate and no token, for one node already asked with credentials
 * (so it is in scope): preferably one whose kubelet answered through the proxy, so a refusal is the
 * authorizer's. The first such node in the order asked.
 */
async function anonymousNodeProxy(
  access: ClusterAccess,
  probes: readonly { node: string; status: number | null }[],
  callOptions: Parameters<typeof nodeProxyGet>[3],
): Promise<AnonymousNodeProxyProbe | null> {
  const chosen = probes.find((probe) => probe.status === 200) ?? probes[0];
  if (!chosen) return null;
  const anonymous: ClusterAccess = { ...access, identity: null, identityKind: "none" };
  const outcome = await nodeProxyGet(anonymous, chosen.node, "/healthz", callOptions);
  return {
    node: chosen.node,
    outcome: outcome.outcome,
    status: outcome.outcome === "http" ? outcome.status : null,
    snippet: outcome.outcome === "http" ? outcome.bodySnippet.slice(0, 300) : outcome.error.message,
  };
}

function kubeletKey(node: ClusterNode): string {
  return endpointKey({ host: node.address ?? "", port: node.kubeletPort });
}

/**
 * null when the address may be asked about, else why not. An IP is checked against --scope as it stands;
 * a name (a Hostname address) is resolved through the scope's resolver when --scope is set, since the API
 * server would dial whatever it resolves to: a name that does not resolve into scope is left out.
 */
function addressScopeCheck(context: NodeProxyContext): (address: string) => Promise<string | null> {
  let lookups = 0;
  return async (address) => {
    const outside = `its address ${address} is outside --scope ${context.scope.describe()}`;
    if (isIP(address) !== 0) return context.scope.allowsHost(address) ? null : outside;
    if (!context.scope.restricted) return null;
    const lookup = context.scope.lookup;
    if (lookup === undefined) return outside;
    if (++lookups > MAX_NAME_LOOKUPS)
      return `its address ${address} is a name, and only ${MAX_NAME_LOOKUPS} are resolved`;
    return resolvesInScope(lookup, address, context.timeoutMs).then((inside) =>
      inside ? null : `its address ${address} does not resolve inside --scope ${context.scope.describe()}`,
    );
  };
}

function resolvesInScope(lookup: LookupFunction, name: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    lookup(name, { all: true }, (error) => {
      clearTimeout(timer);
      resolve(error === null || error === undefined);
    });
  });
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
  "malformed-certificate",
  "chain-search-limit",
]);

function chainAnApiserverWouldAccept(kubelet: EndpointResult | null): boolean | null {
  const validation = kubelet?.validation;
  if (!validation || validation.errors.includes("no-ca-configured")) return null;
  return !validation.errors.some((code) => REJECTED_BY_A_VERIFYING_CLIENT.has(code));
}
