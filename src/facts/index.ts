export { type GatherContext, type GatheredFacts, gatherEndpointFacts } from "./gatherEndpointFacts.js";
