import { type ClusterAccess, clientIdentityOf, listNodes, loadClusterAccess } from "../kubeconfig/index.js";
import type { Endpoint } from "../model/index.js";
import type { RolePorts } from "../roles/index.js";
import type { ScopeGuard } from "../scope/index.js";

export interface DiscoveredCluster {
  access: ClusterAccess;
  /** The API server, then (when no targets were given) every node's kubelet and read-only ports. */
  endpoints: Endpoint[];
  /** Why the node list could not be read, when it could not. */
  listingError: string | null;
}

/**
 * `--kubeconfig`: the cluster's API server always joins the scan; with no targets, so do its nodes, at the
 * address type the operator prefers. Out-of-scope nodes are still listed here: the scan reports them as
 * skipped without dialling, so the operator sees what was left out.
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
  if (!options.scanNodes) return { access, endpoints, listingError: null };
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
  return { access, endpoints, listingError: listing.error?.message ?? null };
}

export { clientIdentityOf };
