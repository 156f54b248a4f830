import { type LookupFunction, Socket } from "node:net";
import { type NetError, type PortState, stateOfFailedConnect } from "../model/index.js";
import { classifySocketError } from "./classifySocketError.js";
import { deadlineExceeded } from "./phaseDeadline.js";
import type { NetTarget } from "./target.js";

export interface PortDiscovery {
  state: PortState;
  /** Why the port is not open; null when it is. */
  error: NetError | null;
  /** Time from dialling to the answer (a SYN-ACK or a reset); null when nothing answered. */
  answeredAfterMs: number | null;
}

/**
 * One bare TCP connect, closed as soon as it is made: the cheap discovery step in front of the TLS and
 * HTTP probing. A pending connect holds one socket and no other work, so thousands can be in flight.
 * Never throws.
 */
export function discoverPort(
  target: NetTarget,
  options: { connectTimeoutMs: number; lookup?: LookupFunction },
): Promise<PortDiscovery> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const startedAt = performance.now();
    let settled = false;
    const finish = (discovery: PortDiscovery): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      // A stray error after we are done (an RST racing the close) must not become an unhandled event.
      socket.on("error", () => {});
      // An open port is left with a reset (no TIME_WAIT, no half-open peer); a pending connect is dropped.
      if (discovery.state === "open") socket.resetAndDestroy();
      else socket.destroy();
      resolve(discovery);
    };
    const timer = setTimeout(
      () =>
        finish({
          state: "filtered",
          error: deadlineExceeded(target, "connect", options.connectTimeoutMs),
          answeredAfterMs: null,
        }),
      options.connectTimeoutMs,
    );
    socket.once("connect", () =>
      finish({ state: "open", error: null, answeredAfterMs: performance.now() - startedAt }),
    );
    socket.once("error", (err) => {
      const error = classifySocketError(err, target);
      // A reset (not a refusal) means the handshake completed and the peer then dropped the connection,
      // before Node reported it connected: the port is open, and the probing will see how it behaves.
      if (error.code === "reset") {
        finish({ state: "open", error: null, answeredAfterMs: performance.now() - startedAt });
        return;
      }
      const state = stateOfFailedConnect(error.code);
      finish({ state, error, answeredAfterMs: state === "closed" ? performance.now() - startedAt : null });
    });
    try {
      socket.connect({ host: target.host, port: target.port, lookup: options.lookup });
    } catch (err) {
      const error = classifySocketError(err, target);
      finish({ state: stateOfFailedConnect(error.code), error, answeredAfterMs: null });
    }
  });
}
