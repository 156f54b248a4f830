import type { IncomingMessage, ServerResponse } from "node:http";
import {
  KUBEADM_KUBELET_SETTINGS,
  type KubeletConfigSettings,
  kubeletConfigzBody,
} from "./kubeletConfigz.js";
import {
  type AuthenticationPolicy,
  authenticate,
  isClusterAdmin,
  type LabUser,
  userOf,
} from "./requestIdentity.js";

/** The kubelet settings a posture varies; names follow KubeletConfiguration. */
export interface KubeletBehaviour {
  nodeName: string;
  authentication: AuthenticationPolicy;
  authorizationMode: "Webhook" | "AlwaysAllow";
  /** Webhook mode with an RBAC binding that grants system:anonymous nodes/proxy (a real misconfiguration). */
  anonymousAuthorized?: boolean;
  /** Whether the posture serves a certificate from --tls-cert-file (false: self-generated). */
  tlsCertFile: string | null;
  readOnlyPort: number;
  /**
   * Settings /configz reports beyond (or, for a posture whose config and wire disagree, against) what the
   * fields above make the emulator do: e.g. a proxy in front of the kubelet, or a restart that never happened.
   */
  reportedConfig?: Partial<KubeletConfigSettings>;
}

/** Paths that execute code or leak secrets on a real kubelet. The lab records any request to them. */
const SENSITIVE_PATH = /^\/(exec|run|attach|portforward|containerlogs|logs|checkpoint|debug\/pprof)(\/|$)/i;

export interface SensitiveRequestLog {
  record(entry: { server: string; path: string }): void;
}

/*
 * Mirrors pkg/kubelet/server: the auth filter runs on every path of the secure port; 401 when
 * authentication fails, 403 naming the user and attributes when authorization denies, then the route.
 */
export function kubeletSecureHandler(
  behaviour: KubeletBehaviour,
  sensitive: SensitiveRequestLog,
  server: string,
) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = recordedPath(request, sensitive, server);
    const authentication = authenticate(request, behaviour.authentication);
    const user = userOf(authentication);
    if (user === null) {
      writeText(response, 401, "Unauthorized");
      return;
    }
    if (!authorized(behaviour, user, authentication.kind === "anonymous")) {
      writeText(
        response,
        403,
        `Forbidden (user=${user.name}, verb=${verbOf(request)}, resource=nodes, subresource=${subresourceOf(path)})`,
      );
      return;
    }
    routeKubelet(behaviour, path, response);
  };
}

/** The read-only port: plain HTTP and no authentication or authorization at all. */
export function kubeletReadOnlyHandler(
  behaviour: KubeletBehaviour,
  sensitive: SensitiveRequestLog,
  server: string,
) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = recordedPath(request, sensitive, server);
    // A real kubelet registers /configz on the secure port only; the read-only port answers 404.
    if (path === "/configz") writeText(response, 404, "404 page not found");
    else routeKubelet(behaviour, path, response);
  };
}

/** The request's path, with any request to a sensitive path written down for the tests to see. */
function recordedPath(request: IncomingMessage, sensitive: SensitiveRequestLog, server: string): string {
  const path = new URL(request.url ?? "/", "http://kubelet").pathname;
  if (SENSITIVE_PATH.test(path)) sensitive.record({ server, path });
  return path;
}

function authorized(behaviour: KubeletBehaviour, user: LabUser, anonymous: boolean): boolean {
  if (behaviour.authorizationMode === "AlwaysAllow") return true;
  return isClusterAdmin(user) || (anonymous && behaviour.anonymousAuthorized === true);
}

function verbOf(request: IncomingMessage): string {
  return request.method === "GET" || request.method === "HEAD" ? "get" : "create";
}

// pkg/kubelet/server/auth.go: everything not stats/metrics/log/checkpoint is the "proxy" subresource.
function subresourceOf(path: string): string {
  if (path.startsWith("/stats")) return "stats";
  if (path.startsWith("/metrics")) return "metrics";
  if (path.startsWith("/logs")) return "log";
  if (path.startsWith("/checkpoint")) return "checkpoint";
  return "proxy";
}

function routeKubelet(behaviour: KubeletBehaviour, path: string, response: ServerResponse): void {
  switch (path) {
    case "/healthz":
      writeText(response, 200, "ok");
      return;
    case "/pods":
    case "/runningpods/":
      writeJson(response, 200, podList(behaviour.nodeName));
      return;
    case "/configz":
      writeJson(response, 200, kubeletConfigzBody(reportedSettings(behaviour)));
      return;
    case "/metrics":
      writeText(
        response,
        200,
        "# HELP kubelet_node_name The node's name.\nkubelet_node_name{node=\"" +
          behaviour.nodeName +
          '"} 1\n',
      );
      return;
    case "/spec/":
      writeJson(response, 200, { num_cores: 2, memory_capacity: 4_000_000_000 });
      return;
    default:
      writeText(response, 404, "404 page not found");
  }
}

function podList(nodeName: string): object {
  return {
    kind: "PodList",
    apiVersion: "v1",
    metadata: {},
    items: [
      {
        metadata: { name: `kube-proxy-${nodeName}`, namespace: "kube-system" },
        spec: { nodeName, containers: [{ name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.30.2" }] },
        status: { phase: "Running" },
      },
    ],
  };
}

/** What /configz says: the settings the emulator acts on, then whatever the posture reports differently. */
export function reportedSettings(behaviour: KubeletBehaviour): KubeletConfigSettings {
  return {
    ...KUBEADM_KUBELET_SETTINGS,
    anonymousAuth: behaviour.authentication.anonymousAuth,
    authorizationMode: behaviour.authorizationMode,
    clientCaFile: behaviour.authentication.clientCa === "none" ? null : KUBEADM_KUBELET_SETTINGS.clientCaFile,
    readOnlyPort: behaviour.readOnlyPort,
    tlsCertFile: behaviour.tlsCertFile,
    ...behaviour.reportedConfig,
  };
}

export function writeText(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

export function writeJson(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}
