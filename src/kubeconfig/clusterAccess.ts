import type { ClientIdentity } from "../net/index.js";
import type { BearerToken } from "./bearerToken.js";

export type IdentityKind = "client-certificate" | "token" | "token-file" | "exec" | "none";

/** Who the kubeconfig's user is on the wire; a token stays wrapped until `clientIdentityOf` unwraps it. */
export type ClusterIdentity = { certPem: string; keyPem: string } | { bearerToken: BearerToken };

/** One kubeconfig context, resolved: where the API server is and how to authenticate to it. */
export interface ClusterAccess {
  contextName: string;
  /** From the cluster's `server` URL; the port defaults to 443. `host` is an IP literal without brackets or a DNS name. */
  server: { host: string; port: number };
  /** `tls-server-name`, when set: the SNI and the name the serving certificate must match. */
  serverName?: string;
  /** `certificate-authority-data` or the `certificate-authority` file's contents. */
  caPem: string | null;
  insecureSkipTlsVerify: boolean;
  identity: ClusterIdentity | null;
  identityKind: IdentityKind;
}

/** The identity in the form `httpGet` takes; the only place a kubeconfig token is unwrapped. */
export function clientIdentityOf(access: Pick<ClusterAccess, "identity">): ClientIdentity | undefined {
  const identity = access.identity;
  if (identity === null) return undefined;
  return "bearerToken" in identity ? { bearerToken: identity.bearerToken.reveal() } : identity;
}
