export { type ApiserverCallOptions, serverVerificationOf } from "./apiserverRequest.js";
export { BearerToken } from "./bearerToken.js";
export {
  type ClusterAccess,
  type ClusterIdentity,
  clientIdentityOf,
  type IdentityKind,
} from "./clusterAccess.js";
export { type FetchJson, fetchJsonViaHttpGet, type JsonAnswer } from "./fetchJson.js";
export { KubeconfigError } from "./kubeconfigError.js";
export {
  type ClusterNode,
  DEFAULT_KUBELET_PORT,
  DEFAULT_NODE_ADDRESS_TYPES,
  type ListNodesOptions,
  listNodes,
  NODE_LIST_BOUNDS,
  NODE_LIST_MAX_BODY_BYTES,
  type NodeListing,
  readNodeListPage,
} from "./listNodes.js";
export {
  DEFAULT_EXEC_TIMEOUT_MS,
  type LoadClusterAccessOptions,
  loadClusterAccess,
} from "./loadClusterAccess.js";
export { nodeProxyGet } from "./nodeProxyGet.js";
