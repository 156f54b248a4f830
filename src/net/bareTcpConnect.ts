import { isIP } from "node:net";
import { getSystemErrorName } from "node:util";

/*
 * A bare TCP connect on Node's own TCP handle (the `tcp_wrap` binding that `net.Socket` wraps), for
 * discovery sweeps. A `net.Socket` builds two stream states, an event emitter, an Error with a stack for
 * every refusal and a dozen closures around each connect: on a closed /16 that made a bare connect loop
 * 2x slower than nmap -sT, and kubetls's discovery paid it 65,536 times. The handle alone does the same
 * syscalls (socket, connect, close or an RST) and reports the outcome as an errno.
 */

/** Node's TCP handle: only the calls discovery makes. */
interface TcpHandle {
  connect(request: ConnectRequest, address: string, port: number): number;
  connect6(request: ConnectRequest, address: string, port: number): number;
  close(callback?: () => void): void;
  /** Closes with an RST (SO_LINGER 0) instead of a FIN; non-zero when that cannot be done. */
  reset(callback?: () => void): number;
}

/** A pending connect; libuv calls `oncomplete` with 0 or a negative errno. */
interface ConnectRequest {
  oncomplete: (status: number) => void;
}

interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectRequest;
  constants: { SOCKET: number };
}

/** How a bare connect ended: connected (`errno` null), or the errno name (`ECONNREFUSED`, …). */
export interface BareConnectOutcome {
  errno: string | null;
}

/** A connect in flight; `abandon` closes it when its deadline passes first. */
export interface PendingBareConnect {
  abandon(): void;
}

let binding: TcpWrapBinding | null | undefined;

/**
 * The binding, or null where this Node does not offer it in the expected shape (or would warn about
 * reaching it: `--pending-deprecation` turns `process.binding` into a printed deprecation warning).
 * Null means callers use `net.Socket`: slower, same answers.
 */
function tcpWrap(): TcpWrapBinding | null {
  if (binding !== undefined) return binding;
  binding = null;
  const flags = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`;
  if (flags.includes("--pending-deprecation")) return binding;
  try {
    const reach = (process as unknown as { binding?: (name: string) => unknown }).binding;
    const found = reach?.call(process, "tcp_wrap") as Partial<TcpWrapBinding> | undefined;
    if (
      typeof found?.TCP === "function" &&
      typeof found.TCPConnectWrap === "function" &&
      typeof found.constants?.SOCKET === "number" &&
      typeof found.TCP.prototype.reset === "function"
    ) {
      binding = found as TcpWrapBinding;
    }
  } catch {
    binding = null;
  }
  return binding;
}

/** Whether `bareTcpConnect` can dial `host`: an IP literal (names need a lookup first) on a Node with the binding. */
export function canConnectBare(host: string): boolean {
  return isIP(host) !== 0 && tcpWrap() !== null;
}

/**
 * Dials `address:port` (an IP literal; check `canConnectBare` first) and reports the outcome once. A
 * connected socket is closed with an RST at once, as `resetAndDestroy` does: no TIME_WAIT, no half-open
 * peer. `abandon` closes a connect still pending; no outcome is reported after it.
 */
export function bareTcpConnect(
  address: string,
  port: number,
  onOutcome: (outcome: BareConnectOutcome) => void,
): PendingBareConnect {
  const wrap = tcpWrap();
  if (wrap === null) throw new Error("bareTcpConnect needs the tcp_wrap binding: check canConnectBare");
  const handle = new wrap.TCP(wrap.constants.SOCKET);
  const request = new wrap.TCPConnectWrap();
  let done = false;
  const finish = (status: number): void => {
    if (done) return;
    done = true;
    request.oncomplete = ignoreLateOutcome;
    if (status === 0 && handle.reset() === 0) {
      onOutcome({ errno: null });
      return;
    }
    handle.close();
    onOutcome({ errno: status === 0 ? null : errnoName(status) });
  };
  request.oncomplete = finish;
  const family = isIP(address);
  const failedAtOnce =
    family === 6 ? handle.connect6(request, address, port) : handle.connect(request, address, port);
  // An error at once (no route, no local address, no file descriptor) ends it before any packet.
  if (failedAtOnce !== 0) queueMicrotask(() => finish(failedAtOnce));
  return {
    abandon: () => {
      if (done) return;
      done = true;
      request.oncomplete = ignoreLateOutcome;
      handle.close();
    },
  };
}

/** Closing a pending connect makes libuv report it cancelled; that report is not an outcome. */
function ignoreLateOutcome(): void {}

function errnoName(status: number): string {
  try {
    return getSystemErrorName(status);
  } catch {
    return `errno ${status}`;
  }
}
