import { isIP } from "node:net";
import { type NetError, netError } from "../model/index.js";
import { printableLine } from "../net/index.js";
import { type ApiserverCallOptions, apiserverRequest, isFailure } from "./apiserverRequest.js";
import type { ClusterAccess } from "./clusterAccess.js";
import { type FetchJson, fetchJsonViaHttpGet } from "./fetchJson.js";

export interface ClusterNode {
  name: string;
  /** The first address whose type comes first in `nodeAddressTypes`; null when the node has none of them. */
  address: string | null;
  /** `status.daemonEndpoints.kubeletEndpoint.Port`, or 10250 when the node does not report it. */
  kubeletPort: number;
  /** Every IP address the node reports (InternalIP, ExternalIP): the API server may dial any of them. */
  ipAddresses: string[];
}

export interface NodeListing {
  /** Every node read before any error or cut: a failure on a later page keeps the earlier pages. */
  nodes: ClusterNode[];
  /** Why a page could not be read; null when every page asked for was read. */
  error: NetError | null;
  /** Which bound stopped the listing before the list's end, and how far it got; null when none did. */
  cut: string | null;
}

export interface ListNodesOptions extends ApiserverCallOptions {
  /** In order of preference, like kube-apiserver's --kubelet-preferred-address-types. */
  nodeAddressTypes?: readonly string[];
  /** How the JSON is fetched; `httpGet` by default, a stub in tests. */
  fetchJson?: FetchJson;
  /** The whole listing's time budget; no page is asked for after it (default LIST_DEADLINE_PHASES phases). */
  deadlineMs?: number;
}

export const DEFAULT_NODE_ADDRESS_TYPES: readonly string[] = ["InternalIP", "Hostname"];
export const DEFAULT_KUBELET_PORT = 10250;
/** Per page. A node's status (images, conditions) can run to tens of kilobytes; 4 MiB leaves room. */
export const NODE_LIST_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** kubectl's chunk size is 500; nodes are heavy, so smaller pages keep each one well under the cap. */
const PAGE_SIZE = 100;
/**
 * The bounds of one listing, whatever the server sends: Kubernetes supports 5,000 nodes, so twice that in
 * items; pages enough for them at PAGE_SIZE; bytes for 10,000 heavy nodes; and time for a few pages at the
 * phase deadline. Each cut is reported, never silent.
 */
export const NODE_LIST_BOUNDS = {
  maxNodes: 10_000,
  maxPages: 100,
  maxBytes: 64 * 1024 * 1024,
  deadlinePhases: 10,
} as const;

/**
 * Lists the cluster's nodes with `GET /api/v1/nodes`, page by page, under the kubeconfig identity, within
 * NODE_LIST_BOUNDS. Never throws: a refusal, a non-200 answer or a body that is not a NodeList comes back
 * as `error`, a bound reached as `cut`, with the nodes read until then.
 */
export async function listNodes(access: ClusterAccess, options: ListNodesOptions): Promise<NodeListing> {
  const fetchJson = options.fetchJson ?? fetchJsonViaHttpGet;
  const addressTypes = options.nodeAddressTypes ?? DEFAULT_NODE_ADDRESS_TYPES;
  const deadlineMs = options.deadlineMs ?? NODE_LIST_BOUNDS.deadlinePhases * options.timeoutMs;
  const started = performance.now();
  const nodes: ClusterNode[] = [];
  let bytes = 0;
  let continueToken: string | null = null;
  const read = (pages: number): string =>
    `${nodes.length} node(s) read from ${pages} page(s), ${bytes} bytes, in ${Math.round(performance.now() - started)} ms`;
  for (let page = 0; ; page++) {
    if (page >= NODE_LIST_BOUNDS.maxPages) {
      return {
        nodes,
        error: null,
        cut: `node list cut at ${NODE_LIST_BOUNDS.maxPages} pages, the server still had more: ${read(page)}`,
      };
    }
    if (performance.now() - started > deadlineMs) {
      return { nodes, error: null, cut: `node list cut at its ${deadlineMs} ms deadline: ${read(page)}` };
    }
    const query: string = continueToken === null ? "" : `&continue=${encodeURIComponent(continueToken)}`;
    const request = apiserverRequest(
      access,
      `/api/v1/nodes?limit=${PAGE_SIZE}${query}`,
      options,
      NODE_LIST_MAX_BODY_BYTES,
    );
    if (isFailure(request)) return { nodes, error: request.error, cut: null };
    const answer = await fetchJson(request);
    if (answer.outcome !== "http") return { nodes, error: answer.error, cut: null };
    if (answer.status !== 200) {
      return {
        nodes,
        error: netError("error", `GET /api/v1/nodes answered ${describeStatus(answer.status, answer.json)}`),
        cut: null,
      };
    }
    bytes += answer.bodyBytes ?? 0;
    const list = readNodeListPage(answer.json, addressTypes);
    if (typeof list === "string") {
      return { nodes, error: netError("protocol-error", `GET /api/v1/nodes: ${list}`), cut: null };
    }
    // One by one: a spread of a 150,000-item page would overflow the call stack.
    for (const node of list.nodes) {
      if (nodes.length >= NODE_LIST_BOUNDS.maxNodes) {
        return {
          nodes,
          error: null,
          cut: `node list cut at ${NODE_LIST_BOUNDS.maxNodes} nodes (page ${page + 1} alone held ${list.nodes.length}): ${read(page + 1)}`,
        };
      }
      nodes.push(node);
    }
    if (list.continueToken === null) return { nodes, error: null, cut: null };
    if (bytes > NODE_LIST_BOUNDS.maxBytes) {
      return {
        nodes,
        error: null,
        cut: `node list cut at ${NODE_LIST_BOUNDS.maxBytes} bytes, the server still had more: ${read(page + 1)}`,
      };
    }
    continueToken = list.continueToken;
  }
}

/** One page of a NodeList, or what is wrong with it. Items without a name are skipped. */
export function readNodeListPage(
  json: unknown,
  addressTypes: readonly string[],
): { nodes: ClusterNode[]; continueToken: string | null } | string {
  if (json === undefined) return "the body is not JSON";
  const list = asRecord(json);
  if (list?.kind !== "NodeList" || !Array.isArray(list.items)) return "the body is not a NodeList";
  const nodes: ClusterNode[] = [];
  for (const item of list.items) {
    const node = readNode(item, addressTypes);
    if (node !== null) nodes.push(node);
  }
  const continueToken = asRecord(list.metadata)?.continue;
  return {
    nodes,
    continueToken: typeof continueToken === "string" && continueToken !== "" ? continueToken : null,
  };
}

function readNode(item: unknown, addressTypes: readonly string[]): ClusterNode | null {
  const name = asRecord(asRecord(item)?.metadata)?.name;
  if (typeof name !== "string" || name === "") return null;
  const status = asRecord(asRecord(item)?.status);
  const addresses = Array.isArray(status?.addresses) ? status.addresses.map(asRecord) : [];
  let address: string | null = null;
  for (const type of addressTypes) {
    const found = addresses.find((entry) => entry?.type === type && typeof entry.address === "string");
    if (found && typeof found.address === "string" && found.address !== "") {
      address = found.address;
      break;
    }
  }
  const port = asRecord(asRecord(status?.daemonEndpoints)?.kubeletEndpoint)?.Port;
  const kubeletPort =
    typeof port === "number" && Number.isInteger(port) && port > 0 && port < 65_536
      ? port
      : DEFAULT_KUBELET_PORT;
  const ipAddresses = addresses.flatMap((entry) =>
    (entry?.type === "InternalIP" || entry?.type === "ExternalIP") &&
    typeof entry.address === "string" &&
    isIP(entry.address) !== 0
      ? [entry.address]
      : [],
  );
  return { name, address, kubeletPort, ipAddresses };
}

/** `403 (Forbidden: nodes is forbidden: User "x" cannot list ...)` from a Kubernetes Status body. */
function describeStatus(status: number, json: unknown): string {
  const body = asRecord(json);
  const reason = typeof body?.reason === "string" ? body.reason : null;
  const message = typeof body?.message === "string" ? body.message : null;
  if (reason === null && message === null) return String(status);
  const detail = [reason, message].filter((part) => part !== null).join(": ");
  return `${status} (${printableLine(detail, 300)})`;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
