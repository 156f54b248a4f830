import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ClusterFacts } from "../../src/cluster/index.js";
import {
  clusterPhaseDeadlineMs,
  gatherNodeProxyEvidence,
  runClusterPhase,
  startClusterPhase,
} from "../../src/cluster/index.js";
import type { EndpointResult } from "../../src/model/index.js";
import { scopeGuard } from "../../src/scope/index.js";
import { type MintedCertificate, mintCertificate } from "../../src/x509/index.js";
import { type HostileApiServer, type NodeListBehaviour, startApiServer } from "../hostile/apiServers.js";

let serving: MintedCertificate;
const servers: HostileApiServer[] = [];

beforeAll(async () => {
  serving = await mintCertificate({
    subject: { commonName: "apiserver" },
    key: { type: "ec", curve: "P-256" },
  });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function apiServer(behaviour: NodeListBehaviour): Promise<HostileApiServer> {
  const server = await startApiServer(behaviour, serving);
  servers.push(server);
  return server;
}

/** A probed endpoint's record, as the scan hands it to the cluster phase. */
function probedRecord(
  host: string,
  port: number,
  role: EndpointResult["role"],
  validation: EndpointResult["validation"] = null,
): EndpointResult {
  return {
    host,
    port,
    role,
    state: "open",
    reachable: true,
    error: null,
    speaksTls: true,
    plainHttp: false,
    tls: null,
    chain: [],
    validation,
    checks: [],
  };
}

function apiserverRecord(server: HostileApiServer): EndpointResult {
  return probedRecord(server.host, server.port, "apiserver");
}

describe("the cluster phase runs in parallel under each API server's own deadline", () => {
  it("40 API servers that complete TLS and stay silent cost about one deadline together, each a typed error", async () => {
    const timeoutMs = 1_000;
    const silent = await Promise.all(Array.from({ length: 40 }, () => apiServer({ kind: "silent" })));
    const done: [EndpointResult, ClusterFacts, number][] = [];
    const started = performance.now();
    await runClusterPhase(
      silent.map((server) => ({ apiserver: apiserverRecord(server), access: server.access })),
      {
        timeoutMs,
        scope: scopeGuard([]),
        nodeAddressTypes: ["InternalIP"],
        kubelets: new Map(),
        concurrency: 64,
      },
      async (apiserver, facts) => {
        done.push([apiserver, facts, performance.now() - started]);
      },
    );
    const elapsed = performance.now() - started;
    expect(done).toHaveLength(40);
    for (const [, facts] of done) {
      expect(facts.nodeListError?.code).toBe("timeout");
      expect(facts.nodeProxy).toEqual([]);
    }
    // Serially this was 40 deadlines; in parallel it is one, with room for a loaded machine.
    expect(elapsed).toBeLessThan(10 * timeoutMs);
    expect(elapsed).toBeLessThan(clusterPhaseDeadlineMs(timeoutMs));
  });
});

describe("the node proxy's scope rule: the address --node-address-types picks", () => {
  it("asks about a node whose chosen address is in scope, whatever its other addresses; names each node left out with its address", async () => {
    const server = await apiServer({
      kind: "nodes",
      count: 4,
      addresses: (index) =>
        [
          // In scope by InternalIP, with an ExternalIP outside: asked about (the API server dials InternalIP).
          [
            { type: "InternalIP", address: "127.9.0.1" },
            { type: "ExternalIP", address: "203.0.113.1" },
          ],
          // Chosen address outside: left out, named with it.
          [
            { type: "InternalIP", address: "10.0.0.2" },
            { type: "ExternalIP", address: "127.9.0.2" },
          ],
          // No address of the preferred types: left out, said so.
          [{ type: "ExternalDNS", address: "node-2.example" }],
          [{ type: "InternalIP", address: "127.9.0.4" }],
        ][index] ?? [],
    });
    const evidence = await gatherNodeProxyEvidence(server.access, {
      timeoutMs: 1_500,
      scope: scopeGuard(["127.0.0.0/8"]),
      nodeAddressTypes: ["InternalIP"],
      kubelets: async () => new Map(),
    });
    expect(evidence.listingError).toBeNull();
    expect(evidence.probes.map((probe) => [probe.node, probe.kubelet, probe.status])).toEqual([
      ["node-0", "127.9.0.1:10250", 200],
      ["node-3", "127.9.0.4:10250", 200],
    ]);
    expect(evidence.leftOut).toEqual([
      {
        node: "node-1",
        address: "10.0.0.2",
        reason: "node-1: its address 10.0.0.2 is outside --scope 127.0.0.0/8",
      },
      { node: "node-2", address: null, reason: "node-2: reports no address of type InternalIP" },
    ]);
    expect(evidence.cuts).toEqual([]);
    // Never asked about through the proxy: the API server would have dialled it on kubetls's behalf.
    expect(server.requests.some((path) => path.includes("node-1"))).toBe(false);
  });

  it("asks about 25 nodes at most and reports how many more it did not", async () => {
    const server = await apiServer({ kind: "nodes", count: 40 });
    const evidence = await gatherNodeProxyEvidence(server.access, {
      timeoutMs: 1_500,
      scope: scopeGuard([]),
      nodeAddressTypes: ["InternalIP"],
      kubelets: async () => new Map(),
    });
    expect(evidence.probes).toHaveLength(25);
    expect(evidence.cuts).toEqual([
      "node proxy asked about 25 nodes (those whose kubelet chain does not validate first); 15 more listed node(s) not asked",
    ]);
  });

  it("reports a node list cut as a cut of the cluster phase, with the nodes it did read asked about", async () => {
    const server = await apiServer({ kind: "endless", perPage: 100 });
    const evidence = await gatherNodeProxyEvidence(server.access, {
      timeoutMs: 1_500,
      scope: scopeGuard([]),
      nodeAddressTypes: ["InternalIP"],
      kubelets: async () => new Map(),
    });
    expect(evidence.listingError).toBeNull();
    expect(evidence.cuts[0]).toMatch(/^node list cut at /);
    expect(evidence.probes).toHaveLength(25);
  });
});

function kubeletRecord(
  host: string,
  errors: NonNullable<EndpointResult["validation"]>["errors"],
): EndpointResult {
  return probedRecord(host, 10250, "kubelet", { trusted: errors.length === 0, errors, expiresInDays: 300 });
}

describe("the node proxy of a small cluster overlaps the scan", () => {
  it("asks every node, anonymously too, before the kubelets are known, then reports them in kubelet rank, each joined with its kubelet", async () => {
    const server = await apiServer({
      kind: "nodes",
      count: 3,
      addresses: (index) => [{ type: "InternalIP", address: `127.9.1.${index + 1}` }],
    });
    let handOver: (kubelets: ReadonlyMap<string, EndpointResult>) => void = () => undefined;
    const kubeletsKnown = new Promise<ReadonlyMap<string, EndpointResult>>((resolve) => {
      handOver = resolve;
    });
    const pending = gatherNodeProxyEvidence(server.access, {
      timeoutMs: 1_500,
      scope: scopeGuard([]),
      nodeAddressTypes: ["InternalIP"],
      kubelets: () => kubeletsKnown,
    });
    const proxied = () => server.requests.filter((path) => path.endsWith("/proxy/healthz"));
    // The three credentialed GETs and the anonymous one all go out while the kubelets are still being scanned.
    await vi.waitFor(() => expect(proxied()).toHaveLength(4), { timeout: 5_000 });
    handOver(
      new Map([
        ["127.9.1.1:10250", kubeletRecord("127.9.1.1", [])],
        ["127.9.1.3:10250", kubeletRecord("127.9.1.3", ["untrusted-root"])],
      ]),
    );
    const evidence = await pending;
    // Rank: a chain an API server would reject first (node-2), then a kubelet seen (node-0), then none seen.
    expect(evidence.probes.map((probe) => [probe.node, probe.kubeletChainTrusted])).toEqual([
      ["node-2", false],
      ["node-0", true],
      ["node-1", null],
    ]);
    // The anonymous GET was for the first node asked (listing order) that answered with credentials.
    expect(evidence.anonymous).toMatchObject({ node: "node-0", outcome: "http" });
    expect(proxied()).toHaveLength(4);
  });
});

describe("an API server's cluster-phase deadline", () => {
  it("does not run while the API server waits for the scan's kubelets", async () => {
    const timeoutMs = 50;
    const deadlineMs = clusterPhaseDeadlineMs(timeoutMs);
    const server = await apiServer({
      kind: "nodes",
      count: 2,
      addresses: (index) => [{ type: "InternalIP", address: `127.9.2.${index + 1}` }],
    });
    const done: ClusterFacts[] = [];
    const phase = startClusterPhase(
      { timeoutMs, scope: scopeGuard([]), nodeAddressTypes: ["InternalIP"], concurrency: 4 },
      async (_apiserver, facts) => {
        done.push(facts);
      },
    );
    phase.add({ apiserver: apiserverRecord(server), access: server.access });
    // The rest of the scan takes longer than the API server's whole deadline.
    await new Promise((resolve) => setTimeout(resolve, deadlineMs + 500));
    expect(done).toEqual([]);
    await phase.finish(new Map());
    expect(done).toHaveLength(1);
    expect(done[0]?.nodeListError).toBeUndefined();
    expect(done[0]?.nodeProxy?.map((probe) => [probe.node, probe.status])).toEqual([
      ["node-0", 200],
      ["node-1", 200],
    ]);
  });
});
