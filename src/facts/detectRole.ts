import type { AuthProbe, Role } from "../model/index.js";
import { type AnswerHint, DETECTION_ORDER, ROLE_DEFINITIONS, roleDefinition } from "../roles/index.js";

/**
 * Role of a host:port target from what it answered anonymously, by the detection hints of each role
 * definition, tried in DETECTION_ORDER (etcd's /version, the API server's Status JSON or gitVersion, the
 * kubelet's PodList and plain-text refusals; kubelet over TLS, its read-only port over plain HTTP).
 * Anything else that answered is "other"; a port that refuses every handshake without a client certificate
 * keeps its well-known role (10250 kubelet, 6443/443 API server, 2379/2380 etcd).
 */
export function detectRole(port: number, speaksTls: boolean, probes: readonly AuthProbe[]): Role {
  const answered = probes.filter((probe) => probe.outcome === "http");
  for (const role of DETECTION_ORDER) {
    const detection = roleDefinition(role)?.detection;
    if (!detection) continue;
    if (detection.transport !== "any" && (detection.transport === "tls") !== speaksTls) continue;
    if (answered.some((probe) => detection.hints.some((hint) => matches(hint, probe)))) return role;
  }
  // A handshake that demands a client certificate says nothing about the role: the port number is the best guess.
  if (probes.length > 0 && probes.every((probe) => probe.outcome === "handshake-rejected"))
    return wellKnownRoleOf(port) ?? "other";
  return "other";
}

function matches(hint: AnswerHint, probe: AuthProbe): boolean {
  if (hint.path !== undefined && probe.path !== hint.path) return false;
  if (hint.status !== undefined && probe.status !== hint.status) return false;
  return hint.body.test(probe.snippet ?? "");
}

/** The role a port stands for by convention, when one role lists it among its well-known ports. */
export function wellKnownRoleOf(port: number): Role | undefined {
  return ROLE_DEFINITIONS.find((definition) =>
    (definition.wellKnownPorts as readonly number[]).includes(port),
  )?.role;
}
