export {
  type ClusterFacts,
  type ClusterPhaseInput,
  type ClusterPhaseOptions,
  clusterPhaseDeadlineMs,
  runClusterPhase,
} from "./clusterPhase.js";
export {
  gatherNodeProxyEvidence,
  MAX_PROXIED_NODES,
  type NodeProxyContext,
  type NodeProxyEvidence,
} from "./nodeProxyEvidence.js";
