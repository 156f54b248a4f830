export {
  type ClusterFacts,
  type ClusterPhase,
  type ClusterPhaseInput,
  type ClusterPhaseOptions,
  clusterPhaseDeadlineMs,
  runClusterPhase,
  startClusterPhase,
} from "./clusterPhase.js";
export {
  gatherNodeProxyEvidence,
  MAX_PROXIED_NODES,
  type NodeProxyContext,
  type NodeProxyEvidence,
} from "./nodeProxyEvidence.js";
