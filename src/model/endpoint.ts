/** What a port is expected to be, from the port list that produced it or from what it answered. */
export type Role =
  | "kubelet"
  | "kubelet-readonly"
  | "apiserver"
  | "apiserver-insecure"
  | "controller-manager"
  | "scheduler"
  | "etcd"
  | "etcd-peer"
  | "other"
  | "unknown";

export const ROLES: readonly Role[] = [
  "kubelet",
  "kubelet-readonly",
  "apiserver",
  "apiserver-insecure",
  "controller-manager",
  "scheduler",
  "etcd",
  "etcd-peer",
  "other",
  "unknown",
];

/**
 * One host:port to probe. `host` is an IP literal (v4 or v6, no brackets) or a DNS name exactly as the
 * user wrote it; name checks on the served certificate use it as-is.
 * `role` is "unknown" for an explicit host:port target: the scan detects it from what answers.
 */
export interface Endpoint {
  host: string;
  port: number;
  role: Role;
}

export function endpointKey(endpoint: Pick<Endpoint, "host" | "port">): string {
  return endpoint.host.includes(":")
    ? `[${endpoint.host}]:${endpoint.port}`
    : `${endpoint.host}:${endpoint.port}`;
}
