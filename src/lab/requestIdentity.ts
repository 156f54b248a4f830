import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

/**
 * How a lab server treats client certificates, mirroring the kubelet/API-server flag that decides it:
 * - "cluster": `--client-ca-file` set: a certificate is requested and must chain to the cluster CA.
 * - "any": a broken setup that accepts whatever certificate is shown (the CN is believed).
 * - "none": no client CA: no certificate is requested at all.
 */
export type ClientCaMode = "cluster" | "any" | "none";

export interface LabUser {
  name: string;
  groups: string[];
}

export type Authentication =
  | { kind: "user"; user: LabUser }
  | { kind: "anonymous" }
  | { kind: "rejected"; reason: string };

export interface AuthenticationPolicy {
  clientCa: ClientCaMode;
  anonymousAuth: boolean;
  /** Bearer tokens the server knows (a stand-in for a token authenticator). */
  tokens: ReadonlyMap<string, LabUser>;
}

export const ANONYMOUS_USER: LabUser = { name: "system:anonymous", groups: ["system:unauthenticated"] };

/*
 * Order follows the Kubernetes union authenticator: x509 first, then bearer token, then anonymous.
 * A presented but unverifiable certificate is an error that the anonymous fallback does not swallow,
 * which is why an untrusted client certificate gets 401 even with anonymous auth on.
 */
export function authenticate(request: IncomingMessage, policy: AuthenticationPolicy): Authentication {
  const socket = request.socket as Partial<TLSSocket>;
  const peer = typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
  const presentedCertificate = peer !== undefined && peer !== null && Object.keys(peer).length > 0;
  if (presentedCertificate && policy.clientCa !== "none") {
    if (policy.clientCa === "cluster" && socket.authorized !== true) {
      return { kind: "rejected", reason: "x509: certificate signed by unknown authority" };
    }
    const organizations = peer.subject?.O;
    return {
      kind: "user",
      user: {
        name: String(peer.subject?.CN ?? ""),
        groups:
          organizations === undefined ? [] : Array.isArray(organizations) ? organizations : [organizations],
      },
    };
  }
  const authorization = request.headers.authorization;
  if (authorization?.startsWith("Bearer ")) {
    const user = policy.tokens.get(authorization.slice("Bearer ".length).trim());
    return user ? { kind: "user", user } : { kind: "rejected", reason: "invalid bearer token" };
  }
  return policy.anonymousAuth ? { kind: "anonymous" } : { kind: "rejected", reason: "no credentials" };
}

export function userOf(authentication: Authentication): LabUser | null {
  if (authentication.kind === "user") return authentication.user;
  if (authentication.kind === "anonymous") return ANONYMOUS_USER;
  return null;
}

/** Groups that the lab's RBAC stand-in lets do anything (kubeadm binds both to cluster-admin). */
export function isClusterAdmin(user: LabUser): boolean {
  return user.groups.includes("system:masters") || user.groups.includes("kubeadm:cluster-admins");
}
