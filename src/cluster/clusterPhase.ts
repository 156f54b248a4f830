import type { LookupFunction } from "node:net";
import pLimit from "p-limit";
import { type ClusterAccess, NODE_LIST_BOUNDS, type NodeListing } from "../kubeconfig/index.js";
import { type EndpointResult, endpointKey, netError } from "../model/index.js";
import type { ScopeGuard } from "../scope/index.js";
import { gatherNodeProxyEvidence, MAX_PROXIED_NODES, PROXY_REQUESTS_IN_FLIGHT } from "./nodeProxyEvidence.js";

/** One API server kubetls holds credentials for, waiting for its node-proxy evidence. */
export interface ClusterPhaseInput {
  apiserver: EndpointResult;
  access: ClusterAccess;
  /** Its node list, when already read (kubeconfig discovery): not asked for twice. */
  listing?: NodeListing;
}

export interface ClusterPhaseOptions {
  timeoutMs: number;
  scope: ScopeGuard;
  lookup?: LookupFunction;
  nodeAddressTypes: readonly string[];
  /** What kubetls saw on each kubelet directly, by `host:port`. */
  kubelets: ReadonlyMap<string, EndpointResult>;
  /** API servers worked on at once: the scan's own concurrency. */
  concurrency: number;
}

/** The facts the cluster phase adds to an API server's record. */
export type ClusterFacts = Pick<
  EndpointResult,
  "nodeProxy" | "anonymousNodeProxy" | "nodeListError" | "nodeProxyLeftOut" | "clusterCuts"
>;

/**
 * One API server's cluster phase at most: its node list's own deadline, then the rounds of proxied GETs
 * (each three phases), plus one round of slack. Past it, the API server is finished with what is known.
 */
export function clusterPhaseDeadlineMs(timeoutMs: number): number {
  const proxyRounds = Math.ceil(MAX_PROXIED_NODES / PROXY_REQUESTS_IN_FLIGHT);
  return timeoutMs * (NODE_LIST_BOUNDS.deadlinePhases + 3 + 3 * (proxyRounds + 1));
}

/**
 * The node list and node proxy of every API server, all at once up to the scan's concurrency, each under
 * its own deadline: a silent API server costs its own deadline, never another's. `onDone` is called once
 * per API server as it finishes, one call at a time, so results stream in the order they complete.
 */
export async function runClusterPhase(
  inputs: readonly ClusterPhaseInput[],
  options: ClusterPhaseOptions,
  onDone: (apiserver: EndpointResult, facts: ClusterFacts) => Promise<void>,
): Promise<void> {
  const limit = pLimit(Math.max(1, options.concurrency));
  let emitted: Promise<void> = Promise.resolve();
  await Promise.all(
    inputs.map((input) =>
      limit(async () => {
        const facts = await clusterFactsWithinDeadline(input, options);
        emitted = emitted.then(() => onDone(input.apiserver, facts));
        await emitted;
      }),
    ),
  );
}

async function clusterFactsWithinDeadline(
  input: ClusterPhaseInput,
  options: ClusterPhaseOptions,
): Promise<ClusterFacts> {
  const deadlineMs = clusterPhaseDeadlineMs(options.timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<ClusterFacts>((resolve) => {
    timer = setTimeout(() => {
      const message = `the node list and node proxy of ${endpointKey(input.apiserver)} did not finish within ${deadlineMs} ms`;
      resolve({ nodeProxy: [], nodeListError: netError("timeout", message), clusterCuts: [message] });
    }, deadlineMs);
  });
  const gathered = gatherNodeProxyEvidence(input.access, {
    timeoutMs: options.timeoutMs,
    scope: options.scope,
    lookup: options.lookup,
    nodeAddressTypes: options.nodeAddressTypes,
    kubelets: options.kubelets,
    listing: input.listing,
  }).then(
    (evidence): ClusterFacts => ({
      nodeProxy: evidence.probes,
      ...(evidence.anonymous ? { anonymousNodeProxy: evidence.anonymous } : {}),
      ...(evidence.listingError ? { nodeListError: evidence.listingError } : {}),
      ...(evidence.leftOut.length > 0 ? { nodeProxyLeftOut: evidence.leftOut } : {}),
      ...(evidence.cuts.length > 0 ? { clusterCuts: evidence.cuts } : {}),
    }),
    (error: unknown): ClusterFacts => {
      // Gathering never throws by design; whatever escapes still becomes this API server's typed error.
      const message = `the cluster phase of ${endpointKey(input.apiserver)} failed: ${error instanceof Error ? error.message : String(error)}`;
      return { nodeProxy: [], nodeListError: netError("error", message), clusterCuts: [message] };
    },
  );
  try {
    return await Promise.race([gathered, expired]);
  } finally {
    clearTimeout(timer);
  }
}
