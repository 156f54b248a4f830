import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role } from "../model/index.js";
import type { LabNode } from "./apiserverEmulator.js";
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
  stop(): Promise<void>;
}

export interface LabOptions {
  /** The first three octets of the 127/8 block the lab binds, e.g. "127.10.0". */
  network?: string;
  /** Only these postures (by name); all by default. */
  only?: string[];
}

export const DEFAULT_LAB_NETWORK = "127.10.0";

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
  const sensitive = { record: (entry: { server: string; path: string }) => sensitiveRequests.push(entry) };
  const nodes: LabNode[] = [];
  const running: RunningListener[] = [];
  const instances: LabPostureInstance[] = [];
  const directory = await mkdtemp(join(tmpdir(), "kubetls-lab-"));
  const caFile = join(directory, "ca.crt");
  await writeFile(caFile, pki.clusterCa.certPem);

  try {
    const built = await Promise.all(
      chosen.map(async (posture: Posture, index) => {
        const address = `${network}.${index + 1}`;
        const nodeName = `lab-${posture.name}`;
        const listeners = await posture.build({ address, nodeName, pki, sensitive, labNodes: () => nodes });
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

  return {
    targetRange: `${network}.1-${instances.length}`,
    addresses: instances.map((instance) => instance.address),
    caFile,
    pki,
    postures: instances,
    sensitiveRequests,
    stop: async () => {
      await Promise.all(running.map((listener) => listener.close()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
