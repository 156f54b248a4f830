import type { AuthProbe, Role } from "../model/index.js";
import { type AnswerHint, DETECTION_ORDER, ROLE_DEFINITIONS, roleDefinition } from "../roles/index.js";

/**
 * Role of a host:port target from what it answered anonymously, by the detection hints of each role
 * definition, tried in DETECTION_ORDER (etcd's /version, the API server's Status JSON or gitVersion, the
 * kubelet's PodList and plain-text refusals; kubelet over TLS, its read-only port over plain HTTP).
 * When nothing answered like any role (a handshake that wants a certificate, garbage, an unfamiliar page),
 * the port's well-known role stands (10250 kubelet, 6443/443 API server, 2379/2380 etcd, ...), so the
 * role's checks judge what was seen instead of none; on any other port the role is "other".
 */
export function detectRole(port: number, speaksTls: boolean, probes: readonly AuthProbe[]): Role {
  const answered = probes.filter((probe) => probe.outcome === "http");
  for (const role of DETECTION_ORDER) {
    const detection = roleDefinition(role)?.detection;
    if (!detection) continue;
    if (detection.transport !== "any" && (detection.transport === "tls") !== speaksTls) continue;
    if (detection.onlyOnPorts && !detection.onlyOnPorts.includes(port)) continue;
    if (answered.some((probe) => detection.hints.some((hint) => matches(hint, probe)))) return role;
  }
  return wellKnownRoleOf(port) ?? "other";
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
