export {
  gatherNodeProxyEvidence,
  type NodeProxyContext,
  type NodeProxyEvidence,
} from "./nodeProxyEvidence.js";
