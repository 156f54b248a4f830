import type { Role } from "../model/index.js";

/**
 * The read-only paths asked per role. Never /exec, /run, /attach, /portForward, /containerLogs, /logs,
 * /checkpoint or pprof: net's guard refuses those too, and a test checks the lab never sees them.
 */
export const PATHS_BY_ROLE: Partial<Record<Role, readonly string[]>> = {
  kubelet: ["/pods", "/runningpods/", "/configz", "/metrics", "/healthz"],
  "kubelet-readonly": ["/pods", "/healthz"],
  apiserver: ["/version", "/healthz", "/api"],
};

/** Asked anonymously of a host:port whose role is not known yet; all are read-only on every role. */
export const ROLE_DETECTION_PATHS: readonly string[] = ["/version", "/pods", "/healthz"];

/** At most this many requests in flight to one endpoint, so a scan never floods a node. */
export const REQUESTS_IN_FLIGHT_PER_ENDPOINT = 4;
