import { isIP } from "node:net";
import { InputError } from "../model/index.js";

export interface LabPkiOptions {
  /** Nodes to mint a kubelet serving cert and a kubelet client cert for. Default: ["node1"]. */
  nodeNames?: string[];
  /**
   * IP SANs of the kubelet serving certs: the Nth address belongs to the Nth node; with a single node,
   * every address belongs to it (so one node can have an IPv4 and an IPv6 address).
   */
  nodeAddresses?: string[];
  /** Extra SANs of the API server serving cert, DNS names or IP addresses. Default: localhost, 127.0.0.1. */
  apiserverNames?: string[];
  /** Replace the files of an existing PKI in the directory. */
  force?: boolean;
}

export interface PlannedNode {
  name: string;
  addresses: string[];
}

/** Options, validated and defaulted: what will be minted. */
export interface LabPkiPlan {
  nodes: PlannedNode[];
  apiserverDnsNames: string[];
  apiserverIpAddresses: string[];
}

export const DEFAULT_NODE_NAMES: readonly string[] = ["node1"];
export const DEFAULT_APISERVER_NAMES: readonly string[] = ["localhost", "127.0.0.1"];

/** What kubeadm always puts in the API server cert: the in-cluster names and the first service IP. */
export const KUBERNETES_SERVICE_NAMES: readonly string[] = [
  "kubernetes",
  "kubernetes.default",
  "kubernetes.default.svc",
  "kubernetes.default.svc.cluster.local",
];
export const KUBERNETES_SERVICE_IP = "10.96.0.1";

export class LabPkiOptionsError extends InputError {
  constructor(message: string) {
    super("KUBETLS_ERR_LAB_PKI", message);
  }
}

// An RFC 1123 subdomain, as Kubernetes requires of node names; it is also a safe directory name.
const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_NAME = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;

export function planLabPki(options: LabPkiOptions): LabPkiPlan {
  const nodeNames =
    options.nodeNames && options.nodeNames.length > 0 ? options.nodeNames : DEFAULT_NODE_NAMES;
  const nodeAddresses = options.nodeAddresses ?? [];
  for (const name of nodeNames) {
    if (name.length > 253 || !NODE_NAME.test(name)) {
      throw new LabPkiOptionsError(
        `node name "${name}" is not a lowercase RFC 1123 name (like node1 or kind-worker)`,
      );
    }
  }
  if (new Set(nodeNames).size !== nodeNames.length) throw new LabPkiOptionsError("node names repeat");
  for (const address of nodeAddresses) {
    if (isIP(address) === 0) throw new LabPkiOptionsError(`node address "${address}" is not an IP address`);
  }
  if (nodeNames.length > 1 && nodeAddresses.length > 0 && nodeAddresses.length !== nodeNames.length) {
    throw new LabPkiOptionsError(
      `${nodeNames.length} nodes but ${nodeAddresses.length} node addresses: give one address per node, in order`,
    );
  }
  const nodes = nodeNames.map((name, index) => ({
    name,
    addresses: nodeNames.length === 1 ? [...nodeAddresses] : nodeAddresses.slice(index, index + 1),
  }));

  const apiserverNames = options.apiserverNames ?? DEFAULT_APISERVER_NAMES;
  const apiserverIpAddresses = [KUBERNETES_SERVICE_IP];
  const apiserverDnsNames = [...KUBERNETES_SERVICE_NAMES];
  for (const name of apiserverNames) {
    if (isIP(name) !== 0) apiserverIpAddresses.push(name);
    else if (name.length <= 253 && DNS_NAME.test(name)) apiserverDnsNames.push(name.toLowerCase());
    else throw new LabPkiOptionsError(`API server name "${name}" is neither a DNS name nor an IP address`);
  }
  return {
    nodes,
    apiserverDnsNames: [...new Set(apiserverDnsNames)],
    apiserverIpAddresses: [...new Set(apiserverIpAddresses)],
  };
}
