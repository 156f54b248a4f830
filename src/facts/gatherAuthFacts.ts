import { isIP, type LookupFunction } from "node:net";
import pLimit from "p-limit";
import type { PresentedIdentity } from "../identity/index.js";
import type { AuthFacts, AuthProbe, Identity } from "../model/index.js";
import { type HttpOutcome, httpGet, type NetTarget } from "../net/index.js";
import type { ConnectionGate } from "../scan/index.js";
import { authenticatedUser } from "./authenticatedUser.js";
import { REQUESTS_IN_FLIGHT_PER_ENDPOINT } from "./requestPlan.js";

export interface AuthRequestContext {
  timeoutMs: number;
  gate: ConnectionGate;
  lookup?: LookupFunction;
}

/** Per identity, what is presented: null for anonymous (no certificate, no token). */
export type IdentityCredentials = Partial<Record<Identity, PresentedIdentity | null>>;

/**
 * Asks each path once under each identity given (null credentials = anonymous: no certificate, no
 * token), at most a few requests at a time. Outcomes already known (role detection asked some paths
 * anonymously) are reused, never asked twice.
 */
export async function gatherAuthFacts(
  target: NetTarget,
  tls: boolean,
  paths: readonly string[],
  identities: IdentityCredentials,
  context: AuthRequestContext,
  known: AuthFacts = {},
): Promise<AuthFacts> {
  const limit = pLimit(REQUESTS_IN_FLIGHT_PER_ENDPOINT);
  const entries = Object.entries(identities) as [Identity, PresentedIdentity | null | undefined][];
  const facts: AuthFacts = {};
  await Promise.all(
    entries.map(async ([identity, credentials]) => {
      if (credentials === undefined) return;
      const reused = new Map((known[identity] ?? []).map((probe) => [probe.path, probe]));
      facts[identity] = await Promise.all(
        paths.map((path) =>
          limit(async () => {
            const previous = reused.get(path);
            if (previous) return previous;
            await context.gate.take();
            return toAuthProbe(path, await requestAs(target, tls, path, credentials, context));
          }),
        ),
      );
    }),
  );
  return facts;
}

function requestAs(
  target: NetTarget,
  tls: boolean,
  path: string,
  presented: PresentedIdentity | null,
  context: AuthRequestContext,
): Promise<HttpOutcome> {
  return httpGet({
    target,
    path,
    tls,
    servername: tls && isIP(target.host) === 0 ? target.host : undefined,
    identity: presented?.credentials,
    // A kubeconfig user is only ever sent to a server that proves itself first.
    ...(presented?.verifyServer ? { verifyServer: presented.verifyServer } : {}),
    timeoutMs: context.timeoutMs,
    lookup: context.lookup,
  });
}

export function toAuthProbe(path: string, outcome: HttpOutcome): AuthProbe {
  if (outcome.outcome !== "http") {
    return { path, outcome: outcome.outcome, status: null, user: null, snippet: outcome.error.message };
  }
  return {
    path,
    outcome: "http",
    status: outcome.status,
    user: authenticatedUser(outcome.bodySnippet),
    snippet: outcome.bodySnippet.slice(0, 200),
  };
}
