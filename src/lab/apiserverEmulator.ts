import type { IncomingMessage, ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { writeJson, writeText } from "./kubeletEmulator.js";
import { type AuthenticationPolicy, authenticate, isClusterAdmin, type LabUser } from "./requestIdentity.js";

export interface LabNode {
  name: string;
  internalIp: string;
  kubeletPort: number;
}

/** The API-server flags a posture varies, by their kube-apiserver names. */
export interface ApiserverBehaviour {
  gitVersion: string;
  authentication: AuthenticationPolicy;
  /** RBAC granting system:anonymous everything (the "anonymous can read /api" misconfiguration). */
  anonymousIsAdmin: boolean;
  /** One ClusterRoleBinding granting system:anonymous `get` on nodes/proxy, and nothing else. */
  anonymousNodeProxy?: boolean;
  /** --kubelet-client-certificate/--kubelet-client-key; null when unset. */
  kubeletClientCertificate: { certPem: string; keyPem: string } | null;
  /** --kubelet-certificate-authority; null when unset (the API server then skips verification). */
  kubeletCertificateAuthority: string | null;
  /** Nodes this API server reports; read when a request arrives, so the lab can fill it after start. */
  nodes: () => readonly LabNode[];
}

const PUBLIC_INFO_PATHS = new Set(["/version", "/healthz", "/livez", "/readyz"]);
const NODE_PROXY = /^\/api\/v1\/nodes\/([^/]+)\/proxy(\/.*)?$/;

/*
 * Mirrors kube-apiserver's filter chain closely enough for the wire to look the same: 401 Status when
 * authentication fails, system:public-info-viewer paths open to anonymous, everything else 403 Status
 * naming the user unless RBAC allows it.
 */
export function apiserverHandler(behaviour: ApiserverBehaviour) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = new URL(request.url ?? "/", "https://apiserver").pathname;
    const authentication = authenticate(request, behaviour.authentication);
    if (authentication.kind === "rejected") {
      writeJson(response, 401, status(401, "Unauthorized", "Unauthorized"));
      return;
    }
    const user: LabUser =
      authentication.kind === "user"
        ? authentication.user
        : { name: "system:anonymous", groups: ["system:unauthenticated"] };
    const allowed =
      PUBLIC_INFO_PATHS.has(path) ||
      isClusterAdmin(user) ||
      (authentication.kind === "anonymous" && behaviour.anonymousIsAdmin) ||
      (authentication.kind === "anonymous" && behaviour.anonymousNodeProxy === true && NODE_PROXY.test(path));
    if (!allowed) {
      writeJson(
        response,
        403,
        status(403, "Forbidden", `forbidden: User "${user.name}" cannot get path "${path}"`),
      );
      return;
    }
    routeApiserver(behaviour, path, response);
  };
}

function routeApiserver(behaviour: ApiserverBehaviour, path: string, response: ServerResponse): void {
  if (path === "/version") {
    const [major, minor] = behaviour.gitVersion.replace(/^v/, "").split(".");
    writeJson(response, 200, { major, minor, gitVersion: behaviour.gitVersion, platform: "linux/amd64" });
    return;
  }
  if (PUBLIC_INFO_PATHS.has(path)) {
    writeText(response, 200, "ok");
    return;
  }
  if (path === "/api") {
    writeJson(response, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
    return;
  }
  if (path === "/api/v1/nodes") {
    writeJson(response, 200, nodeList(behaviour.nodes()));
    return;
  }
  const proxy = NODE_PROXY.exec(path);
  if (proxy) {
    const node = behaviour.nodes().find((candidate) => candidate.name === proxy[1]);
    if (!node) {
      writeJson(response, 404, status(404, "NotFound", `nodes "${proxy[1]}" not found`));
      return;
    }
    proxyToKubelet(behaviour, node, proxy[2] ?? "/", response);
    return;
  }
  writeJson(response, 404, status(404, "NotFound", "the server could not find the requested resource"));
}

/*
 * The node proxy as the API server does it: dial the node's address at the kubelet port, present
 * --kubelet-client-certificate, and verify the kubelet's serving certificate only when
 * --kubelet-certificate-authority is set. Kubelet answers pass through; dial and TLS errors are 500s.
 */
function proxyToKubelet(
  behaviour: ApiserverBehaviour,
  node: LabNode,
  kubeletPath: string,
  response: ServerResponse,
) {
  const upstream = httpsRequest(
    {
      host: node.internalIp,
      port: node.kubeletPort,
      path: kubeletPath,
      method: "GET",
      cert: behaviour.kubeletClientCertificate?.certPem,
      key: behaviour.kubeletClientCertificate?.keyPem,
      ca: behaviour.kubeletCertificateAuthority ?? undefined,
      rejectUnauthorized: behaviour.kubeletCertificateAuthority !== null,
      // The API server dials by IP and checks the IP SAN; node:tls does the same without a servername.
      servername: "",
      timeout: 5_000,
    },
    (kubelet) => {
      const chunks: Buffer[] = [];
      kubelet.on("data", (chunk: Buffer) => chunks.push(chunk));
      kubelet.on("end", () => {
        response.writeHead(kubelet.statusCode ?? 502, {
          "content-type": kubelet.headers["content-type"] ?? "text/plain",
        });
        response.end(Buffer.concat(chunks));
      });
    },
  );
  upstream.on("timeout", () => upstream.destroy(new Error("i/o timeout")));
  upstream.on("error", (error) => {
    if (response.headersSent) return;
    const message = `Error trying to reach service: '${describeDialError(error)}'`;
    writeJson(response, 500, status(500, "InternalError", message));
  });
  upstream.end();
}

function describeDialError(error: Error & { code?: string }): string {
  if (error.code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || error.code === "SELF_SIGNED_CERT_IN_CHAIN") {
    return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
  }
  if (error.code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return "tls: failed to verify certificate: x509: certificate is valid for other names";
  }
  if (error.code === "CERT_HAS_EXPIRED")
    return "tls: failed to verify certificate: x509: certificate has expired";
  return error.message;
}

function nodeList(nodes: readonly LabNode[]): object {
  return {
    kind: "NodeList",
    apiVersion: "v1",
    metadata: {},
    items: nodes.map((node) => ({
      metadata: { name: node.name },
      status: {
        addresses: [
          { type: "InternalIP", address: node.internalIp },
          { type: "Hostname", address: node.name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: node.kubeletPort } },
      },
    })),
  };
}

function status(code: number, reason: string, message: string): object {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    details: {},
    code,
  };
}
