import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role } from "../model/index.js";
import type { LabNode } from "./apiserverEmulator.js";
import { withExpiryVerdict } from "./expiryExpectation.js";
import { DEFAULT_LAB_NETWORK } from "./labNetwork.js";
import { type LabPki, mintLabPki } from "./labPki.js";
import type { ListenerExpectation, Posture } from "./posture.js";
import { KUBELET_PORT, POSTURES } from "./postures.js";
import { type RunningListener, startListener } from "./servers.js";

export interface LabListener {
  port: number;
  role: Role;
  expect: ListenerExpectation;
}

export interface LabPostureInstance {
  name: string;
  summary: string;
  address: string;
  nodeName: string;
  listeners: LabListener[];
}

export interface Lab {
  /** e.g. "127.10.0.1-18": every posture's address, as one scan target. */
  targetRange: string;
  addresses: string[];
  caFile: string;
  pki: LabPki;
  postures: LabPostureInstance[];
  /** Requests that reached a sensitive kubelet path: must stay empty under any kubetls scan. */
  sensitiveRequests: { server: string; path: string }[];
  /** Connections to the decoy node outside the range: must stay empty when --scope excludes it. */
  tripwireConnections: { address: string; from: string }[];
  /** The API server's kubelet-client pair (what kubelets accept), for --client-cert/--client-key. */
  clientCertFile: string;
  clientKeyFile: string;
  /** The etcd CA and the API server's etcd client pair, for --etcd-ca-file and --etcd-client-cert/--etcd-client-key. */
  etcdCaFile: string;
  etcdClientCertFile: string;
  etcdClientKeyFile: string;
  /** A kubeconfig for the lab's good API server with an admin client certificate. */
  kubeconfigFile: string;
  stop(): Promise<void>;
}

export interface LabOptions {
  /** The first three octets of the 127/8 block the lab binds, e.g. "127.10.0". */
  network?: string;
  /** Only these postures (by name); all by default. */
  only?: string[];
}

const OUTSIDE_RANGE_OCTET = 250;

function labKubeconfig(apiserverAddress: string, pki: LabPki): string {
  const base64 = (text: string) => Buffer.from(text).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: kubetls-lab",
    "    cluster:",
    `      server: https://${apiserverAddress}:6443`,
    `      certificate-authority-data: ${base64(pki.clusterCa.certPem)}`,
    "users:",
    "  - name: kubetls-lab-admin",
    "    user:",
    `      client-certificate-data: ${base64(pki.adminClient.certPem)}`,
    `      client-key-data: ${base64(pki.adminClient.keyPem)}`,
    "contexts:",
    "  - name: kubetls-lab",
    "    context: { cluster: kubetls-lab, user: kubetls-lab-admin }",
    "current-context: kubetls-lab",
    "",
  ].join("\n");
}

/**
 * Starts every posture on its own loopback address (127.x.y.1, .2, ...) at the real Kubernetes ports,
 * so a scan of the lab's range behaves exactly like a scan of a node range.
 */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const network = options.network ?? DEFAULT_LAB_NETWORK;
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(network)) {
    throw new Error(`lab network must be the first three octets of a 127/8 address, got "${network}"`);
  }
  const chosen = options.only ? POSTURES.filter((posture) => options.only?.includes(posture.name)) : POSTURES;
  const pki = await mintLabPki();
  const sensitiveRequests: Lab["sensitiveRequests"] = [];
  const tripwireConnections: Lab["tripwireConnections"] = [];
  const sensitive = { record: (entry: { server: string; path: string }) => sensitiveRequests.push(entry) };
  const nodes: LabNode[] = [];
  const running: RunningListener[] = [];
  const instances: LabPostureInstance[] = [];
  const directory = await mkdtemp(join(tmpdir(), "kubetls-lab-"));
  const caFile = join(directory, "ca.crt");
  const clientCertFile = join(directory, "apiserver-kubelet-client.crt");
  const clientKeyFile = join(directory, "apiserver-kubelet-client.key");
  await writeFile(caFile, pki.clusterCa.certPem);
  await writeFile(clientCertFile, pki.apiserverKubeletClient.certPem);
  await writeFile(clientKeyFile, pki.apiserverKubeletClient.keyPem, { mode: 0o600 });
  const etcdCaFile = join(directory, "etcd-ca.crt");
  const etcdClientCertFile = join(directory, "apiserver-etcd-client.crt");
  const etcdClientKeyFile = join(directory, "apiserver-etcd-client.key");
  await writeFile(etcdCaFile, pki.etcdCa.certPem);
  await writeFile(etcdClientCertFile, pki.apiserverEtcdClient.certPem);
  await writeFile(etcdClientKeyFile, pki.apiserverEtcdClient.keyPem, { mode: 0o600 });

  try {
    const inRange = (postures: readonly Posture[]) => {
      let next = 1;
      return postures.map((posture) => ({
        posture,
        address: posture.outsideRange ? `${network}.${OUTSIDE_RANGE_OCTET}` : `${network}.${next++}`,
      }));
    };
    const built = await Promise.all(
      inRange(chosen).map(async ({ posture, address }) => {
        const nodeName = `lab-${posture.name}`;
        const made = await posture.build({
          address,
          nodeName,
          pki,
          sensitive,
          labNodes: () => nodes,
          recordTripwire: (entry) => tripwireConnections.push(entry),
        });
        const listeners = made.map((listener) => withExpiryVerdict(listener));
        return { posture, address, nodeName, listeners };
      }),
    );
    for (const { posture, address, nodeName, listeners } of built) {
      for (const listener of listeners)
        running.push(await startListener(listener.serve, address, listener.port));
      if (posture.isNode) nodes.push({ name: nodeName, internalIp: address, kubeletPort: KUBELET_PORT });
      instances.push({
        name: posture.name,
        summary: posture.summary,
        address,
        nodeName,
        listeners: listeners.map(({ port, role, expect }) => ({ port, role, expect })),
      });
    }
  } catch (error) {
    await Promise.all(running.map((listener) => listener.close()));
    await rm(directory, { recursive: true, force: true });
    throw error;
  }

  const inRangeCount = chosen.filter((posture) => !posture.outsideRange).length;
  const apiserver = instances.find((instance) => instance.name === "apiserver-good");
  const kubeconfigFile = join(directory, "kubeconfig");
  await writeFile(kubeconfigFile, labKubeconfig(apiserver?.address ?? `${network}.1`, pki), { mode: 0o600 });
  return {
    targetRange: `${network}.1-${inRangeCount}`,
    addresses: instances.map((instance) => instance.address),
    caFile,
    clientCertFile,
    clientKeyFile,
    etcdCaFile,
    etcdClientCertFile,
    etcdClientKeyFile,
    kubeconfigFile,
    pki,
    postures: instances,
    sensitiveRequests,
    tripwireConnections,
    stop: async () => {
      await Promise.all(running.map((listener) => listener.close()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
