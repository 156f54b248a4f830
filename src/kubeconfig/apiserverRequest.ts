import type { LookupFunction } from "node:net";
import { endpointKey, netError } from "../model/index.js";
import type { HttpFailure, HttpGetRequest, ServerVerification } from "../net/index.js";
import { type ClusterAccess, clientIdentityOf } from "./clusterAccess.js";

/** What every call through the API server takes. */
export interface ApiserverCallOptions {
  /** Per-phase deadline, as `httpGet` applies it. */
  timeoutMs: number;
  /**
   * The scan's scope. The caller enforces it too; checked here again so a kubeconfig pointing outside
   * the scope never gets a connection, let alone a credential.
   */
  isInScope: (host: string) => boolean;
  /** The scope's resolver, so an API server named by DNS is checked on the address it resolves to. */
  lookup?: LookupFunction;
}

/** A GET to the API server under the kubeconfig identity, or an out-of-scope failure without dialling. */
export function apiserverRequest(
  access: ClusterAccess,
  path: string,
  options: ApiserverCallOptions,
  maxBodyBytes?: number,
): HttpGetRequest | HttpFailure {
  if (!options.isInScope(access.server.host)) {
    const error = netError(
      "out-of-scope",
      `the API server ${endpointKey(access.server)} of context ${JSON.stringify(access.contextName)} is outside the scan scope; not connecting`,
    );
    return { outcome: error.code, error };
  }
  const identity = clientIdentityOf(access);
  return {
    target: access.server,
    path,
    tls: true,
    timeoutMs: options.timeoutMs,
    ...(access.serverName === undefined ? {} : { servername: access.serverName }),
    ...(identity === undefined ? {} : { identity }),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    // Credentials go only to the server the kubeconfig vouches for, unless it says to skip verification.
    ...(access.insecureSkipTlsVerify ? {} : { verifyServer: serverVerificationOf(access) ?? undefined }),
  };
}

export function isFailure(request: HttpGetRequest | HttpFailure): request is HttpFailure {
  return "outcome" in request;
}

/**
 * How a kubeconfig says its server must be verified: its CA (the system roots when it names none, as
 * kubectl does) and its tls-server-name; null with insecure-skip-tls-verify.
 */
export function serverVerificationOf(access: ClusterAccess): ServerVerification | null {
  if (access.insecureSkipTlsVerify) return null;
  return {
    caPem: access.caPem,
    ...(access.serverName === undefined ? {} : { servername: access.serverName }),
  };
}
