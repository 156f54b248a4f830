import type { AuthProbe, Role } from "../model/index.js";

/**
 * Role of a host:port target from what it answered anonymously:
 * - API server: Status JSON (`"kind":"Status"`) anywhere, or /version with a gitVersion;
 * - etcd: /version naming `etcdserver`;
 * - kubelet: /pods answering a PodList, the kubelet's plain-text 401 `Unauthorized`, or its 403 text;
 * - other: anything else that answered; a port that refuses every handshake without a client certificate
 *   keeps its well-known role (10250 kubelet, 6443/443 API server, 2379/2380 etcd).
 */
export function detectRole(port: number, speaksTls: boolean, probes: readonly AuthProbe[]): Role {
  const answered = probes.filter((probe) => probe.outcome === "http");
  const snippets = answered.map((probe) => probe.snippet ?? "");
  if (snippets.some((text) => text.includes("etcdserver"))) return "etcd";
  if (snippets.some((text) => /"kind"\s*:\s*"Status"/.test(text) || /"gitVersion"\s*:/.test(text)))
    return "apiserver";
  const pods = answered.find((probe) => probe.path === "/pods");
  const looksLikeKubelet =
    pods !== undefined &&
    ((pods.status === 200 && /"kind"\s*:\s*"PodList"/.test(pods.snippet ?? "")) ||
      (pods.status === 401 && (pods.snippet ?? "").trim() === "Unauthorized") ||
      (pods.status === 403 && (pods.snippet ?? "").startsWith("Forbidden (user=")));
  if (looksLikeKubelet) return speaksTls ? "kubelet" : "kubelet-readonly";
  // A handshake that demands a client certificate says nothing about the role: the port number is the best guess.
  if (probes.length > 0 && probes.every((probe) => probe.outcome === "handshake-rejected"))
    return roleFromPort(port);
  return "other";
}

function roleFromPort(port: number): Role {
  if (port === 10250) return "kubelet";
  if (port === 6443 || port === 443) return "apiserver";
  if (port === 2379 || port === 2380) return "etcd";
  return "other";
}
