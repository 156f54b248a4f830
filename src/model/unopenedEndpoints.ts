import type { Role } from "./endpoint.js";
import type { NetErrorCode } from "./netError.js";
import type { PortState } from "./portState.js";

/**
 * Endpoints that never opened, kept as a count and an address list instead of one record each: most of
 * a sweep is closed or filtered, and a /16 must not cost 65,536 result objects. One group per state,
 * port, role and error code. Hosts where some component of the node answered are the exception: their
 * closed and filtered ports are judged and listed as full records in `endpoints`.
 */
export interface UnopenedGroup {
  state: Exclude<PortState, "open">;
  port: number;
  role: Role;
  /** The error every member shared, e.g. `refused` for closed, `timeout` or `unreachable` for filtered. */
  code: NetErrorCode;
  count: number;
  /**
   * The hosts, in order: IPv4 runs as `first-last` (`10.0.0.0-10.0.255.255`), anything else one per
   * entry. `count` can exceed what the list covers when the targets repeated an address.
   */
  hosts: string[];
}
