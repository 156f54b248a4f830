export { gatherNodeProxyEvidence, type NodeProxyContext } from "./nodeProxyEvidence.js";
