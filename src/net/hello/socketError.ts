import { type NetError, netError } from "../../model/index.js";

/** Maps a node:net error to a stable code; `connected` tells a refusal to connect from a drop later. */
export function socketNetError(error: unknown, connected: boolean): NetError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "ECONNREFUSED":
      return netError("refused", message);
    case "ECONNRESET":
    case "EPIPE":
    case "ECONNABORTED":
      return netError("reset", message);
    case "ETIMEDOUT":
      return netError("timeout", message);
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
    case "ENETDOWN":
    case "EADDRNOTAVAIL":
      return netError("unreachable", message);
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
    case "EAI_NONAME":
      return netError("dns-failure", message);
    default:
      return netError(connected ? "reset" : "error", message);
  }
}
