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
  /** Every node read before any error: a failure on a later page keeps the earlier pages. */
  nodes: ClusterNode[];
  error: NetError | null;
}

export interface ListNodesOptions extends ApiserverCallOptions {
  /** In order of preference, like kube-apiserver's --kubelet-preferred-address-types. */
  nodeAddressTypes?: readonly string[];
  /** How the JSON is fetched; `httpGet` by default, a stub in tests. */
  fetchJson?: FetchJson;
}

export const DEFAULT_NODE_ADDRESS_TYPES: readonly string[] = ["InternalIP", "Hostname"];
export const DEFAULT_KUBELET_PORT = 10250;
/** Per page. A node's status (images, conditions) can run to tens of kilobytes; 4 MiB leaves room. */
export const NODE_LIST_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** kubectl's chunk size is 500; nodes are heavy, so smaller pages keep each one well under the cap. */
const PAGE_SIZE = 100;
/** Kubernetes supports 5,000 nodes; this is twice that, and stops a server that never ends its list. */
const MAX_PAGES = 100;

/**
 * Lists the cluster's nodes with `GET /api/v1/nodes`, page by page, under the kubeconfig identity. Never
 * throws: a refusal, a non-200 answer or a body that is not a NodeList comes back as `error`.
 */
export async function listNodes(access: ClusterAccess, options: ListNodesOptions): Promise<NodeListing> {
  const fetchJson = options.fetchJson ?? fetchJsonViaHttpGet;
  const addressTypes = options.nodeAddressTypes ?? DEFAULT_NODE_ADDRESS_TYPES;
  const nodes: ClusterNode[] = [];
  let continueToken: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: string = continueToken === null ? "" : `&continue=${encodeURIComponent(continueToken)}`;
    const request = apiserverRequest(
      access,
      `/api/v1/nodes?limit=${PAGE_SIZE}${query}`,
      options,
      NODE_LIST_MAX_BODY_BYTES,
    );
    if (isFailure(request)) return { nodes, error: request.error };
    const answer = await fetchJson(request);
    if (answer.outcome !== "http") return { nodes, error: answer.error };
    if (answer.status !== 200) {
      return {
        nodes,
        error: netError("error", `GET /api/v1/nodes answered ${describeStatus(answer.status, answer.json)}`),
      };
    }
    const list = readNodeListPage(answer.json, addressTypes);
    if (typeof list === "string")
      return { nodes, error: netError("protocol-error", `GET /api/v1/nodes: ${list}`) };
    nodes.push(...list.nodes);
    if (list.continueToken === null) return { nodes, error: null };
    continueToken = list.continueToken;
  }
  return {
    nodes,
    error: netError(
      "protocol-error",
      `GET /api/v1/nodes: still more after ${MAX_PAGES * PAGE_SIZE} nodes; stopped`,
    ),
  };
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
