import type { NetErrorCode } from "./netError.js";

/**
 * What a TCP connect to the port showed, in nmap's words. `open`: the connection was made (whatever
 * happened after it); `closed`: the host answered with a reset (connection refused); `filtered`: no
 * answer within the connect deadline, or an ICMP unreachable; `unscanned`: never dialled (outside
 * --scope, a name that did not resolve, a local error before any packet left).
 */
export type PortState = "open" | "closed" | "filtered" | "unscanned";

export const PORT_STATES: readonly PortState[] = ["open", "closed", "filtered", "unscanned"];

/** The state of a port whose connect failed with this code (a made connection is `open`). */
export function stateOfFailedConnect(code: NetErrorCode): Exclude<PortState, "open"> {
  switch (code) {
    case "refused":
      return "closed";
    case "timeout":
    case "unreachable":
      return "filtered";
    default:
      return "unscanned";
  }
}
