/*
 * The read-only paths asked per role live in each role's definition (src/roles/). Never /exec, /run, /attach,
 * /portForward, /containerLogs, /logs, /checkpoint or pprof profiles: net's guard refuses those too, and a
 * test checks the lab never sees them.
 */

/** At most this many requests in flight to one endpoint, so a scan never floods a node. */
export const REQUESTS_IN_FLIGHT_PER_ENDPOINT = 4;
