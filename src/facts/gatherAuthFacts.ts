import { isIP, type LookupFunction } from "node:net";
import pLimit from "p-limit";
import type { PresentedIdentity } from "../identity/index.js";
import type { AuthFacts, AuthProbe, Identity } from "../model/index.js";
import { type HttpOutcome, type HttpSession, type NetTarget, openHttpSession } from "../net/index.js";
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
 * token). Each identity asks its paths in order on one session of its own, so on one kept-alive connection
 * where the server allows it; the identities run side by side, a few at a time. Outcomes already known
 * (role detection asked some paths anonymously) are reused, never asked twice.
 */
export async function gatherAuthFacts(
  target: NetTarget,
  tls: boolean,
  paths: readonly string[],
  identities: IdentityCredentials,
  context: AuthRequestContext,
  known: AuthFacts = {},
): Promise<AuthFacts> {
  // One GET in flight per identity: this bounds the identities, and so the requests, at once.
  const limit = pLimit(REQUESTS_IN_FLIGHT_PER_ENDPOINT);
  const entries = Object.entries(identities) as [Identity, PresentedIdentity | null | undefined][];
  const asked = await Promise.all(
    entries.map(([identity, credentials]) =>
      limit(async (): Promise<[Identity, AuthProbe[]] | null> => {
        if (credentials === undefined) return null;
        const reused = new Map((known[identity] ?? []).map((probe) => [probe.path, probe]));
        const session = sessionAs(target, tls, credentials, context);
        try {
          const probes: AuthProbe[] = [];
          for (const path of paths) {
            probes.push(reused.get(path) ?? toAuthProbe(path, await session.get(path)));
          }
          return [identity, probes];
        } finally {
          await session.close();
        }
      }),
    ),
  );
  // In the order the identities were given, whichever finished first.
  return Object.fromEntries(asked.filter((entry) => entry !== null));
}

/** The gate is taken by the session for each connection it dials, not per request. */
function sessionAs(
  target: NetTarget,
  tls: boolean,
  presented: PresentedIdentity | null,
  context: AuthRequestContext,
): HttpSession {
  return openHttpSession({
    target,
    tls,
    servername: tls && isIP(target.host) === 0 ? target.host : undefined,
    identity: presented?.credentials,
    // A kubeconfig user is only ever sent to a server that proves itself first.
    ...(presented?.verifyServer ? { verifyServer: presented.verifyServer } : {}),
    timeoutMs: context.timeoutMs,
    lookup: context.lookup,
    gate: context.gate,
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
