import type { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import type { Endpoint, EndpointResult, NetError, Role } from "../model/index.js";
import { captureTls, probePlainHttp } from "../net/index.js";
import type { ConnectionGate } from "../scan/index.js";
import { summarizeCertificate, validateChain } from "../x509/index.js";

/** What gathering needs to know about the operator's set-up; no verdicts here, only facts. */
export interface GatherContext {
  timeoutMs: number;
  gate: ConnectionGate;
  /** Anchors for a role's serving chain: the kubelet CA for kubelets, the cluster CA otherwise. */
  anchorsFor(role: Role): X509Certificate[];
  now: () => Date;
}

export type GatheredFacts = Omit<EndpointResult, "checks">;

/** Codes that mean no TCP connection was ever made. */
const NEVER_CONNECTED = new Set(["refused", "unreachable", "dns-failure", "out-of-scope"]);

export async function gatherEndpointFacts(
  endpoint: Endpoint,
  context: GatherContext,
): Promise<GatheredFacts> {
  if (endpoint.role === "kubelet-readonly") return gatherPlainHttpFacts(endpoint, context);
  await context.gate.take();
  const capture = await captureTls(endpoint, {
    timeoutMs: context.timeoutMs,
    servername: isIP(endpoint.host) === 0 ? endpoint.host : undefined,
  });
  const role = endpoint.role === "unknown" ? roleFromPort(endpoint.port) : endpoint.role;
  if (!capture.ok) {
    return {
      ...blankFacts(endpoint, role),
      reachable: wasConnected(capture.error),
      error: capture.error,
      plainHttp: capture.plainHttp !== undefined,
    };
  }
  const servedChainDer = capture.servedChainDer;
  return {
    ...blankFacts(endpoint, role),
    reachable: true,
    speaksTls: true,
    tls: capture.session,
    chain: servedChainDer.map((der) => summarizeCertificate(der)),
    validation: validateChain({
      servedChainDer,
      anchors: context.anchorsFor(role),
      host: endpoint.host,
      now: context.now(),
    }),
  };
}

/** The read-only kubelet port is plain HTTP by design: ask it, do not try TLS first. */
async function gatherPlainHttpFacts(endpoint: Endpoint, context: GatherContext): Promise<GatheredFacts> {
  await context.gate.take();
  const answer = await probePlainHttp(endpoint, { timeoutMs: context.timeoutMs });
  if (answer === null) {
    return { ...blankFacts(endpoint, endpoint.role), error: { code: "refused", message: "no HTTP answer" } };
  }
  return { ...blankFacts(endpoint, endpoint.role), reachable: true, plainHttp: true };
}

function blankFacts(endpoint: Endpoint, role: Role): GatheredFacts {
  return {
    host: endpoint.host,
    port: endpoint.port,
    role,
    reachable: false,
    error: null,
    speaksTls: false,
    plainHttp: false,
    tls: null,
    chain: [],
    validation: null,
  };
}

function wasConnected(error: NetError): boolean {
  return !NEVER_CONNECTED.has(error.code);
}

/** Until role detection from answers lands, a host:port target takes its role from the well-known ports. */
function roleFromPort(port: number): Role {
  if (port === 10250) return "kubelet";
  if (port === 10255) return "kubelet-readonly";
  if (port === 6443 || port === 443) return "apiserver";
  if (port === 2379 || port === 2380) return "etcd";
  return "other";
}
