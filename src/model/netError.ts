/**
 * Every way talking to an endpoint can fail, as a stable code. Reports and probes match on the code;
 * the message is for people.
 */
export type NetErrorCode =
  | "refused"
  | "timeout"
  | "reset"
  | "unreachable"
  | "dns-failure"
  | "not-tls"
  | "handshake-rejected"
  | "protocol-error"
  | "body-too-large"
  | "out-of-scope"
  | "error";

export interface NetError {
  code: NetErrorCode;
  message: string;
}

export function netError(code: NetErrorCode, message: string): NetError {
  return { code, message };
}

/** Codes that mean no TCP connection was ever made: nothing about the endpoint depends on its host. */
const NEVER_CONNECTED: ReadonlySet<NetErrorCode> = new Set([
  "refused",
  "unreachable",
  "dns-failure",
  "out-of-scope",
]);

export function neverConnected(code: NetErrorCode): boolean {
  return NEVER_CONNECTED.has(code);
}
