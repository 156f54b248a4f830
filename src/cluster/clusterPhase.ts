import type { LookupFunction } from "node:net";
import pLimit from "p-limit";
import { type ClusterAccess, NODE_LIST_BOUNDS, type NodeListing } from "../kubeconfig/index.js";
import { type EndpointResult, endpointKey, netError } from "../model/index.js";
import { DeadlineExceeded, withDeadlineExceptWaits } from "../scan/index.js";
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
 * Time spent waiting for the scan's kubelets is not counted: that wait is the scan's, not the API server's.
 */
export function clusterPhaseDeadlineMs(timeoutMs: number): number {
  const proxyRounds = Math.ceil(MAX_PROXIED_NODES / PROXY_REQUESTS_IN_FLIGHT);
  return timeoutMs * (NODE_LIST_BOUNDS.deadlinePhases + 3 + 3 * (proxyRounds + 1));
}

/** API servers added while the scan runs; `finish` hands over the kubelets and waits for every one. */
export interface ClusterPhase {
  add(input: ClusterPhaseInput): void;
  finish(kubelets: ReadonlyMap<string, EndpointResult>): Promise<void>;
}

/**
 * Starts each API server's node list and node proxy as soon as it is added, up to the scan's concurrency,
 * each under its own deadline: a silent API server costs its own deadline, never another's. Its answers are
 * joined with the kubelets once `finish` hands them over. `onDone` is called once per API server as it
 * finishes, one call at a time, so results stream in the order they complete.
 */
export function startClusterPhase(
  options: ClusterPhaseOptions,
  onDone: (apiserver: EndpointResult, facts: ClusterFacts) => Promise<void>,
): ClusterPhase {
  const limit = pLimit(Math.max(1, options.concurrency));
  let handOver: (kubelets: ReadonlyMap<string, EndpointResult>) => void = () => undefined;
  const kubeletsKnown = new Promise<ReadonlyMap<string, EndpointResult>>((resolve) => {
    handOver = resolve;
  });
  const running: Promise<void>[] = [];
  let emitted: Promise<void> = Promise.resolve();
  return {
    add(input) {
      running.push(
        limit(async () => {
          const facts = await clusterFactsWithinDeadline(input, options, kubeletsKnown);
          emitted = emitted.then(() => onDone(input.apiserver, facts));
          await emitted;
        }),
      );
    },
    async finish(kubelets) {
      handOver(kubelets);
      await Promise.all(running);
    },
  };
}

/** Every API server at once, with the kubelets already known: `startClusterPhase` in one call. */
export async function runClusterPhase(
  inputs: readonly ClusterPhaseInput[],
  options: ClusterPhaseOptions & { kubelets: ReadonlyMap<string, EndpointResult> },
  onDone: (apiserver: EndpointResult, facts: ClusterFacts) => Promise<void>,
): Promise<void> {
  const phase = startClusterPhase(options, onDone);
  for (const input of inputs) phase.add(input);
  await phase.finish(options.kubelets);
}

async function clusterFactsWithinDeadline(
  input: ClusterPhaseInput,
  options: ClusterPhaseOptions,
  kubeletsKnown: Promise<ReadonlyMap<string, EndpointResult>>,
): Promise<ClusterFacts> {
  const deadlineMs = clusterPhaseDeadlineMs(options.timeoutMs);
  try {
    return await withDeadlineExceptWaits(deadlineMs, (outside) =>
      gatherNodeProxyEvidence(input.access, {
        timeoutMs: options.timeoutMs,
        scope: options.scope,
        lookup: options.lookup,
        nodeAddressTypes: options.nodeAddressTypes,
        kubelets: () => outside(kubeletsKnown),
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
      ),
    );
  } catch (error) {
    if (!(error instanceof DeadlineExceeded)) throw error;
    const message = `the node list and node proxy of ${endpointKey(input.apiserver)} did not finish within ${deadlineMs} ms`;
    return { nodeProxy: [], nodeListError: netError("timeout", message), clusterCuts: [message] };
  }
}
