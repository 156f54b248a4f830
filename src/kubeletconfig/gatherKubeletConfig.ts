import type { LookupFunction } from "node:net";
import type { PresentedIdentity } from "../identity/index.js";
import type { AuthFacts, Identity, KubeletConfigFact } from "../model/index.js";
import { httpGet, type NetTarget } from "../net/index.js";
import type { ConnectionGate } from "../scan/index.js";
import { parseConfigz } from "./parseConfigz.js";

export const CONFIGZ_PATH = "/configz";

/** The trusted identity first: it is the one a kubelet is meant to answer; anonymous last. */
const IDENTITY_PREFERENCE: readonly Identity[] = ["trusted", "untrusted", "anonymous"];

export interface KubeletConfigRequest {
  target: NetTarget;
  /** Per identity, what was presented when the auth facts were gathered (null: anonymous). */
  identities: Partial<Record<Identity, PresentedIdentity | null>>;
  timeoutMs: number;
  gate: ConnectionGate;
  lookup?: LookupFunction;
}

/**
 * The kubelet's live configuration, asked once more with the body kept, under the first identity whose
 * GET /configz already answered 200 (the auth facts keep only a snippet). Undefined when none did: the
 * config checks then say which identities were refused.
 */
export async function gatherKubeletConfig(
  auth: AuthFacts,
  request: KubeletConfigRequest,
): Promise<KubeletConfigFact | undefined> {
  const identity = IDENTITY_PREFERENCE.find((candidate) =>
    auth[candidate]?.some((probe) => probe.path === CONFIGZ_PATH && probe.status === 200),
  );
  if (identity === undefined) return undefined;
  const presented = request.identities[identity];
  if (presented === undefined) return undefined;
  const outcome = await httpGet({
    target: request.target,
    // Taken when the connection is dialled, its wait counted against no deadline of the GET.
    gate: request.gate,
    path: CONFIGZ_PATH,
    tls: true,
    identity: presented?.credentials,
    ...(presented?.verifyServer ? { verifyServer: presented.verifyServer } : {}),
    timeoutMs: request.timeoutMs,
    lookup: request.lookup,
    keepBody: true,
  });
  const base = { via: "direct" as const, identity, path: CONFIGZ_PATH };
  if (outcome.outcome !== "http")
    return {
      ...base,
      status: null,
      config: null,
      problem: `asked again with the body kept: ${outcome.error.message}`,
    };
  return {
    ...base,
    status: outcome.status,
    ...(outcome.status === 200
      ? parseConfigz(outcome.body ?? "", outcome.truncated)
      : { config: null, problem: `asked again with the body kept: HTTP ${outcome.status}` }),
  };
}
