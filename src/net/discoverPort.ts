import { type LookupFunction, Socket } from "node:net";
import { endpointKey, type NetError, type PortState, stateOfFailedConnect } from "../model/index.js";
import { bareTcpConnect, canConnectBare } from "./bareTcpConnect.js";
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

export interface DiscoverPortOptions {
  connectTimeoutMs: number;
  lookup?: LookupFunction;
}

/**
 * One bare TCP connect, closed as soon as it is made: the cheap discovery step in front of the TLS and
 * HTTP probing. A pending connect holds one socket and no other work, so thousands can be in flight.
 * IP literals go through Node's TCP handle directly (see bareTcpConnect.ts); host names, and Nodes
 * without that handle, through `net.Socket`. Both give the same states and errors. Never throws.
 */
export function discoverPort(target: NetTarget, options: DiscoverPortOptions): Promise<PortDiscovery> {
  return canConnectBare(target.host) ? discoverBare(target, options) : discoverWithSocket(target, options);
}

/** A refusal, a reset, a deadline, or an errno from the connect: the state and error discovery reports. */
function outcomeOf(
  error: NetError | null,
  startedAt: number,
): Pick<PortDiscovery, "state" | "error" | "answeredAfterMs"> {
  const answeredAfterMs = performance.now() - startedAt;
  // A reset (not a refusal) means the handshake completed and the peer then dropped the connection,
  // before Node reported it connected: the port is open, and the probing will see how it behaves.
  if (error === null || error.code === "reset") return { state: "open", error: null, answeredAfterMs };
  const state = stateOfFailedConnect(error.code);
  return { state, error, answeredAfterMs: state === "closed" ? answeredAfterMs : null };
}

function discoverBare(target: NetTarget, options: DiscoverPortOptions): Promise<PortDiscovery> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const timer = setTimeout(() => {
      pending.abandon();
      resolve({
        state: "filtered",
        error: deadlineExceeded(target, "connect", options.connectTimeoutMs),
        answeredAfterMs: null,
      });
    }, options.connectTimeoutMs);
    const pending = bareTcpConnect(target.host, target.port, ({ errno }) => {
      clearTimeout(timer);
      // The same fields and words as the Error net.Socket raises, so both paths classify alike.
      const error =
        errno === null
          ? null
          : classifySocketError({ code: errno, message: `connect ${errno} ${endpointKey(target)}` }, target);
      resolve(outcomeOf(error, startedAt));
    });
  });
}

function discoverWithSocket(target: NetTarget, options: DiscoverPortOptions): Promise<PortDiscovery> {
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
    socket.once("connect", () => finish(outcomeOf(null, startedAt)));
    socket.once("error", (err) => finish(outcomeOf(classifySocketError(err, target), startedAt)));
    try {
      socket.connect({ host: target.host, port: target.port, lookup: options.lookup });
    } catch (err) {
      const error = classifySocketError(err, target);
      finish({ state: stateOfFailedConnect(error.code), error, answeredAfterMs: null });
    }
  });
}
