import { isIP } from "node:net";
import { type Endpoint, endpointKey } from "../model/index.js";

/** Where to connect: the address part of an `Endpoint`, without its role. */
export type NetTarget = Pick<Endpoint, "host" | "port">;

/**
 * The SNI name to send, if any. RFC 6066 allows only DNS names in server_name, so an IP literal (the
 * usual case when scanning addresses) sends none rather than a name the server could misread.
 */
export function sniServername(target: NetTarget, servername?: string): string | undefined {
  const name = servername ?? target.host;
  return name !== "" && isIP(name) === 0 ? name : undefined;
}

/** `https://[fd00::1]:10250` style origin for an HTTP client. */
export function httpOrigin(target: NetTarget, tls: boolean): string {
  return `${tls ? "https" : "http"}://${endpointKey(target)}`;
}
