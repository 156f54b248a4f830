export { authenticatedUser } from "./authenticatedUser.js";
export { detectRole, wellKnownRoleOf } from "./detectRole.js";
export { type AuthRequestContext, gatherAuthFacts, toAuthProbe } from "./gatherAuthFacts.js";
export {
  blankFacts,
  type GatherContext,
  type GatheredFacts,
  gatherEndpointFacts,
} from "./gatherEndpointFacts.js";
export { REQUESTS_IN_FLIGHT_PER_ENDPOINT } from "./requestPlan.js";
