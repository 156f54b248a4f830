export { type ScopeGuard, scopeGuard, UNRESTRICTED_SCOPE } from "./scopeGuard.js";
