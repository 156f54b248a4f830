import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Server } from "node:net";
import type { ClusterAccess } from "../../src/kubeconfig/index.js";
import type { MintedCertificate } from "../../src/x509/index.js";
import { type HostilePeer, hostileHost, listen } from "./peers.js";

/**
 * API servers by class of answer to `GET /api/v1/nodes` (and the node proxy), over real TLS: honest
 * paging, one enormous page, pages that never end, silence after the handshake, refusals. Each records
 * the paths it was asked for.
 */
export type NodeListBehaviour =
  /** `count` nodes, paged honestly by `limit` and `continue`; node i at 127.<block>.i. */
  | { kind: "nodes"; count: number; addresses?: (index: number) => { type: string; address: string }[] }
  /** `count` small items in one page, whatever `limit` asks: 25 bytes each, 150,000 fit under a 4 MiB page cap. */
  | { kind: "one-page"; count: number }
  /** A page of `perPage` nodes with a continue token, for ever; each page after `pageDelayMs` when given (a slow link). */
  | { kind: "endless"; perPage: number; pageDelayMs?: number }
  /** Completes TLS, reads the request, never answers. */
  | { kind: "silent" }
  /** A Kubernetes Status with this code (403 Forbidden, 401 Unauthorized, ...). */
  | { kind: "status"; code: number; reason: string };

export interface HostileApiServer extends HostilePeer {
  /** Request paths, in order. */
  requests: string[];
  /** A ClusterAccess for it: a bearer token, the server not verified (its chain is not what is tested). */
  access: ClusterAccess;
}

export async function startApiServer(
  behaviour: NodeListBehaviour,
  serving: MintedCertificate,
  host = hostileHost(),
): Promise<HostileApiServer> {
  const requests: string[] = [];
  const server = createHttpsServer({ cert: serving.certPem, key: serving.keyPem }, (request, response) => {
    requests.push(request.url ?? "");
    answer(behaviour, request, response);
  });
  server.on("tlsClientError", () => undefined);
  const peer = await listen(server as unknown as Server, host);
  const { BearerToken } = await import("../../src/kubeconfig/index.js");
  return {
    ...peer,
    requests,
    access: {
      contextName: `hostile-${peer.host}`,
      server: { host: peer.host, port: peer.port },
      caPem: null,
      insecureSkipTlsVerify: true,
      identity: { bearerToken: new BearerToken("hostile-test-token") },
      identityKind: "token",
    },
  };
}

function answer(behaviour: NodeListBehaviour, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? "/", "https://apiserver");
  if (behaviour.kind === "silent") return;
  if (behaviour.kind === "status") {
    json(response, behaviour.code, {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      message: `nodes is forbidden: User "hostile" cannot list resource "nodes"`,
      reason: behaviour.reason,
      code: behaviour.code,
    });
    return;
  }
  const proxied = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/(.*)$/.exec(url.pathname);
  if (proxied) {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end("ok");
    return;
  }
  if (url.pathname !== "/api/v1/nodes") {
    json(response, 404, { kind: "Status", code: 404 });
    return;
  }
  const offset = Number(url.searchParams.get("continue") ?? "0");
  const limit = Number(url.searchParams.get("limit") ?? "500");
  switch (behaviour.kind) {
    case "nodes": {
      const end = Math.min(behaviour.count, offset + limit);
      const items = [];
      for (let index = offset; index < end; index++) items.push(node(index, behaviour.addresses));
      json(response, 200, nodeList(items, end < behaviour.count ? String(end) : undefined));
      return;
    }
    case "one-page": {
      // Written as text, not built as an array of objects: the test's server must not be what runs out.
      const parts: string[] = [];
      for (let index = 0; index < behaviour.count; index++) parts.push(`{"metadata":{"name":"n"}}`);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(`{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[${parts.join(",")}]}`);
      return;
    }
    case "endless": {
      const items = [];
      for (let index = 0; index < behaviour.perPage; index++) items.push(node(offset + index));
      const page = nodeList(items, String(offset + behaviour.perPage));
      if (behaviour.pageDelayMs === undefined) json(response, 200, page);
      else setTimeout(() => json(response, 200, page), behaviour.pageDelayMs);
      return;
    }
  }
}

function node(index: number, addresses?: (index: number) => { type: string; address: string }[]): object {
  return {
    metadata: { name: `node-${index}` },
    status: {
      addresses: addresses?.(index) ?? [
        { type: "InternalIP", address: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}` },
      ],
    },
  };
}

function nodeList(items: object[], continueToken?: string): object {
  return {
    kind: "NodeList",
    apiVersion: "v1",
    metadata: continueToken ? { continue: continueToken } : {},
    items,
  };
}

function json(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
