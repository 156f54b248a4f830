import type { X509Certificate } from "node:crypto";
import { isIP, type LookupFunction } from "node:net";
import { type ScanIdentities, trustedIdentityFor } from "../identity/index.js";
import { gatherKubeletConfig } from "../kubeletconfig/index.js";
import {
  type AuthFacts,
  type CertificateSummary,
  type Endpoint,
  type EndpointResult,
  type NetError,
  neverConnected,
  type Role,
  type TlsSession,
} from "../model/index.js";
import { captureTls, type TlsCapture, type TlsProtocolScan, type TlsScanMode } from "../net/index.js";
import { DETECTION_PATHS, roleDefinition } from "../roles/index.js";
import type { ConnectionGate } from "../scan/index.js";
import { MalformedCertificateError, summarizeCertificate, validateChainYielding } from "../x509/index.js";
import { detectRole, wellKnownRoleOf } from "./detectRole.js";
import { gatherAuthFacts, type IdentityCredentials } from "./gatherAuthFacts.js";
import { gatherProtocolFacts } from "./gatherProtocolFacts.js";

/** What gathering needs to know about the operator's set-up; no verdicts here, only facts. */
export interface GatherContext {
  timeoutMs: number;
  gate: ConnectionGate;
  /**
   * Anchors for an endpoint's serving chain: its role's trust bundle, or the kubeconfig's CA for the
   * kubeconfig's own API server when no --ca-file names a cluster CA.
   */
  anchorsFor(endpoint: Endpoint): X509Certificate[];
  /** The cluster CA bundle (--ca-file, else the kubeconfig's CA): what a role with a CA of its own must not share. */
  clusterAnchors: X509Certificate[];
  identities: ScanIdentities;
  /** Resolver that refuses out-of-scope answers, when --scope is set. */
  lookup?: LookupFunction;
  /** How far the raw ClientHello scanner enumerates versions and suites. */
  tlsScan: TlsScanMode;
  now: () => Date;
}

export type GatheredFacts = Omit<EndpointResult, "checks">;

/** Every fact about one endpoint: its TLS session and chain, its role, and what each identity was answered. */
export async function gatherEndpointFacts(
  endpoint: Endpoint,
  context: GatherContext,
): Promise<GatheredFacts> {
  // A role designed to speak plain HTTP (the read-only port) is asked over HTTP directly.
  if (roleDefinition(endpoint.role)?.transport === "plain")
    return gatherPlainHttpFacts(endpoint, endpoint.role, context, {});
  await context.gate.take();
  const capture = await captureTls(endpoint, {
    timeoutMs: context.timeoutMs,
    servername: isIP(endpoint.host) === 0 ? endpoint.host : undefined,
    lookup: context.lookup,
  });
  if (!capture.ok) return gatherWithoutSession(endpoint, capture, context);

  const protocols = await gatherProtocolFacts(endpoint, {
    mode: context.tlsScan,
    timeoutMs: context.timeoutMs,
    lookup: context.lookup,
    gate: context.gate,
  });
  const facts: GatheredFacts = {
    ...blankFacts(endpoint, endpoint.role),
    reachable: true,
    speaksTls: true,
    tls: { ...capture.session, ...protocolSummary(protocols) },
    ...(await chainFacts(endpoint, capture.servedChainDer, context)),
  };
  let known: AuthFacts = {};
  if (endpoint.role === "unknown") {
    known = await gatherAuthFacts(endpoint, true, DETECTION_PATHS, { anonymous: null }, context);
    facts.role = detectRole(endpoint.port, true, known.anonymous ?? []);
    // The chain was judged against the cluster CA before the role was known; kubelets may have their own.
    Object.assign(
      facts,
      await chainFacts({ ...endpoint, role: facts.role }, capture.servedChainDer, context),
    );
  }
  facts.auth = await authFactsFor(endpoint, facts.role, true, context, known);
  await addKubeletConfig(facts, endpoint, context);
  return facts;
}

/** A kubelet's live configuration joins its facts when some identity was answered 200 on /configz. */
async function addKubeletConfig(
  facts: GatheredFacts,
  endpoint: Endpoint,
  context: GatherContext,
): Promise<void> {
  if (facts.role !== "kubelet" || !facts.auth) return;
  const kubeletConfig = await gatherKubeletConfig(facts.auth, {
    target: endpoint,
    identities: await identitiesFor(endpoint, facts.role, true, context),
    timeoutMs: context.timeoutMs,
    gate: context.gate,
    lookup: context.lookup,
  });
  if (kubeletConfig) facts.kubeletConfig = kubeletConfig;
}

/*
 * Every certificate that can be read is kept; one that cannot is left out of `chain` and named by the
 * validation (`malformed-certificate`), so one odd certificate never costs the session or the other facts.
 * The validation yields to the event loop as it works: a hostile chain spends its own endpoint's time.
 */
async function chainFacts(
  endpoint: Endpoint,
  servedChainDer: Buffer[],
  context: GatherContext,
): Promise<Pick<GatheredFacts, "chain" | "validation" | "clusterCaValidation">> {
  const validateAgainst = (anchors: X509Certificate[]) =>
    validateChainYielding({ servedChainDer, anchors, host: endpoint.host, now: context.now() });
  const facts: Pick<GatheredFacts, "chain" | "validation" | "clusterCaValidation"> = {
    chain: servedChainDer.flatMap((der) => readableSummary(der) ?? []),
    validation: await validateAgainst(context.anchorsFor(endpoint)),
  };
  if (roleDefinition(endpoint.role)?.caDistinctFromCluster === true)
    facts.clusterCaValidation = await validateAgainst(context.clusterAnchors);
  return facts;
}

function readableSummary(der: Buffer): CertificateSummary | null {
  try {
    return summarizeCertificate(der);
  } catch (error) {
    if (error instanceof MalformedCertificateError) return null;
    throw error;
  }
}

async function gatherWithoutSession(
  endpoint: Endpoint,
  capture: Extract<TlsCapture, { ok: false }>,
  context: GatherContext,
): Promise<GatheredFacts> {
  const error = capture.error;
  if (capture.plainHttp !== undefined) {
    const role = endpoint.role === "unknown" ? "unknown" : endpoint.role;
    return gatherPlainHttpFacts(endpoint, role, context, { error });
  }
  // A refused handshake is still TLS: the server asked for a certificate and would not go on without one.
  const rejected = error.code === "handshake-rejected";
  // Nothing was said that detects a role: a host:port on a well-known port is judged as that port's role, so
  // a tarpit or a garbage peer there ends in that role's ERRORs rather than in no verdict at all.
  const role = endpoint.role === "unknown" ? (wellKnownRoleOf(endpoint.port) ?? "unknown") : endpoint.role;
  const facts: GatheredFacts = {
    ...blankFacts(endpoint, role),
    reachable: !neverConnected(error.code),
    error,
    speaksTls: rejected,
  };
  if (!rejected) return facts;
  // It speaks TLS but would say nothing more: on an unfamiliar port that is all "other" can mean.
  if (facts.role === "unknown") facts.role = "other";
  // The handshake was refused for want of a client certificate: the raw scanner still saw the TLS <= 1.2
  // Certificate message, so the chain is known even though node:tls never completed.
  const protocols = await gatherProtocolFacts(endpoint, {
    mode: context.tlsScan,
    timeoutMs: context.timeoutMs,
    lookup: context.lookup,
    gate: context.gate,
  });
  const highest = protocols?.versions.at(-1);
  if (protocols && highest) {
    facts.tls = {
      version: highest,
      cipher: protocols.cipherSuites[highest]?.[0] ?? "unknown",
      alpn: null,
      ...protocolSummary(protocols),
    };
  } else if (protocols && hasUnknowns(protocols)) {
    // No version was seen accepted, but some probes got no answer: that is "could not tell", not "refused",
    // so the unknowns are kept for the verdicts (which say ERROR) instead of being dropped with the session.
    facts.tls = { version: "unknown", cipher: "unknown", alpn: null, ...protocolSummary(protocols) };
  }
  if (protocols?.servedChainDer && protocols.servedChainDer.length > 0) {
    Object.assign(
      facts,
      await chainFacts({ ...endpoint, role: facts.role }, protocols.servedChainDer, context),
    );
  }
  facts.auth = await authFactsFor(endpoint, facts.role, true, context, {});
  await addKubeletConfig(facts, endpoint, context);
  return facts;
}

/** Plain HTTP where TLS was expected, or the read-only port where plain HTTP is the design. */
async function gatherPlainHttpFacts(
  endpoint: Endpoint,
  role: Role,
  context: GatherContext,
  seen: { error?: NetError },
): Promise<GatheredFacts> {
  const facts: GatheredFacts = { ...blankFacts(endpoint, role), error: seen.error ?? null };
  let known: AuthFacts = {};
  if (role === "unknown") {
    known = await gatherAuthFacts(endpoint, false, DETECTION_PATHS, { anonymous: null }, context);
    facts.role = detectRole(endpoint.port, false, known.anonymous ?? []);
  }
  facts.auth = await authFactsFor(endpoint, facts.role, false, context, known);
  const answers = facts.auth.anonymous ?? known.anonymous ?? [];
  const answered = answers.some((probe) => probe.outcome === "http");
  facts.plainHttp = answered || seen.error?.code === "not-tls";
  facts.reachable = answered || (seen.error !== undefined && !neverConnected(seen.error.code));
  if (!facts.reachable && facts.error === null) {
    const failure = answers.find((probe) => probe.outcome !== "http");
    facts.error = {
      code: failure?.outcome === "http" || !failure ? "error" : failure.outcome,
      message: failure?.snippet ?? "no answer",
    };
  }
  return facts;
}

async function authFactsFor(
  endpoint: Endpoint,
  role: Role,
  tls: boolean,
  context: GatherContext,
  known: AuthFacts,
): Promise<AuthFacts> {
  const definition = roleDefinition(role);
  if (!definition || definition.paths.length === 0) return known;
  const identities = await identitiesFor(endpoint, role, tls, context);
  const facts = await gatherAuthFacts(endpoint, tls, definition.paths, identities, context, known);
  // Pages that only an authorized caller's answer makes meaningful are asked of the trusted identity alone.
  const trustedOnly = definition.trustedOnlyPaths ?? [];
  if (trustedOnly.length > 0 && identities.trusted && facts.trusted) {
    const extra = await gatherAuthFacts(endpoint, tls, trustedOnly, { trusted: identities.trusted }, context);
    facts.trusted = [...facts.trusted, ...(extra.trusted ?? [])];
  }
  return facts;
}

/** Who is shown to the endpoint: anonymous always; over TLS also the untrusted and the trusted identity. */
async function identitiesFor(
  endpoint: Endpoint,
  role: Role,
  tls: boolean,
  context: GatherContext,
): Promise<IdentityCredentials> {
  const identities: IdentityCredentials = { anonymous: null };
  const definition = roleDefinition(role);
  if (tls && definition) {
    identities.untrusted = { credentials: await context.identities.untrusted() };
    const trusted = trustedIdentityFor(context.identities, definition.trustedIdentity, endpoint);
    if (trusted) identities.trusted = trusted;
  }
  return identities;
}

function hasUnknowns(protocols: TlsProtocolScan): boolean {
  return (
    protocols.unknownVersions.length > 0 ||
    Object.keys(protocols.unknownCipherSuites).length > 0 ||
    protocols.errors.length > 0
  );
}

function protocolSummary(protocols: TlsProtocolScan | null): Partial<TlsSession> {
  if (!protocols) return {};
  // What the scanner could not tell is kept even when it saw nothing accepted: "unknown" is not "refused".
  const unknowns: Partial<TlsSession> = {
    ...(protocols.unknownVersions.length > 0 ? { unknownVersions: protocols.unknownVersions } : {}),
    ...(Object.keys(protocols.unknownCipherSuites).length > 0
      ? { unknownCipherSuites: protocols.unknownCipherSuites }
      : {}),
    ...(protocols.errors.length > 0 ? { scanErrors: protocols.errors } : {}),
  };
  if (protocols.versions.length === 0) return unknowns;
  return {
    versions: protocols.versions,
    cipherSuites: protocols.cipherSuites,
    serverPreference: protocols.serverPreference,
    serverOrder: protocols.serverOrder,
    clientCertRequest: protocols.clientCertRequest,
    ...unknowns,
  };
}

/** The record of an endpoint nothing is known about yet: not reached, no TLS, no chain. */
export function blankFacts(endpoint: Endpoint, role: Role = endpoint.role): GatheredFacts {
  return {
    host: endpoint.host,
    port: endpoint.port,
    role,
    state: "unscanned",
    reachable: false,
    error: null,
    speaksTls: false,
    plainHttp: false,
    tls: null,
    chain: [],
    validation: null,
  };
}
