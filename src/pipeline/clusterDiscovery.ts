import {
  type ClusterAccess,
  clientIdentityOf,
  listNodes,
  loadClusterAccess,
  type NodeListing,
} from "../kubeconfig/index.js";
import type { Endpoint, InvalidTarget } from "../model/index.js";
import type { RolePorts } from "../roles/index.js";
import type { ScopeGuard } from "../scope/index.js";

export interface DiscoveredCluster {
  access: ClusterAccess;
  /** The API server, then (when no targets were given) every node's kubelet and read-only ports. */
  endpoints: Endpoint[];
  /** The node list when it was read (no targets given), for the cluster phase to reuse; null otherwise. */
  listing: NodeListing | null;
  /**
   * The node list as a target that could not be expanded, when it failed before a single node was read: the
   * scan was asked to scan the cluster's nodes and scans none, which must never pass for a clean scan.
   */
  invalid: InvalidTarget | null;
}

/**
 * `--kubeconfig`: the cluster's API server always joins the scan; with no targets, so do its nodes, at the
 * address type the operator prefers. Out-of-scope nodes are still listed here: the scan reports them as
 * skipped without dialling, so the operator sees what was left out. The listing is bounded (items, pages,
 * bytes, time) by `listNodes`.
 */
export async function discoverCluster(
  cluster: { kubeconfigFile?: string; context?: string; nodeAddressTypes: string[] },
  options: { scanNodes: boolean; ports: RolePorts; timeoutMs: number; scope: ScopeGuard },
): Promise<DiscoveredCluster> {
  const access = await loadClusterAccess({
    ...(cluster.kubeconfigFile === undefined ? {} : { kubeconfigPath: cluster.kubeconfigFile }),
    ...(cluster.context === undefined ? {} : { context: cluster.context }),
  });
  const endpoints: Endpoint[] = [{ host: access.server.host, port: access.server.port, role: "apiserver" }];
  if (!options.scanNodes) return { access, endpoints, listing: null, invalid: null };
  const listing = await listNodes(access, {
    timeoutMs: options.timeoutMs,
    isInScope: options.scope.allowsHost,
    lookup: options.scope.lookup,
    nodeAddressTypes: cluster.nodeAddressTypes,
  });
  for (const node of listing.nodes) {
    if (node.address === null) continue;
    endpoints.push({ host: node.address, port: node.kubeletPort, role: "kubelet" });
    for (const port of options.ports["kubelet-readonly"])
      endpoints.push({ host: node.address, port, role: "kubelet-readonly" });
  }
  const invalid: InvalidTarget | null =
    listing.error !== null && listing.nodes.length === 0
      ? {
          input: `the nodes of kubeconfig context ${JSON.stringify(access.contextName)}`,
          source: "kubeconfig",
          reason: `GET /api/v1/nodes failed, no node scanned: ${listing.error.message}`,
        }
      : null;
  return { access, endpoints, listing, invalid };
}

export { clientIdentityOf };
