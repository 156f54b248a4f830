import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listNodes, NODE_LIST_BOUNDS } from "../../src/kubeconfig/index.js";
import { type MintedCertificate, mintCertificate } from "../../src/x509/index.js";
import { type HostileApiServer, type NodeListBehaviour, startApiServer } from "../hostile/apiServers.js";

const TIMEOUT_MS = 1_500;
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

const everywhere = () => true;

describe("the node listing is bounded in items, pages, bytes and time, and says where it cut", () => {
  it("reads 250 honest nodes over 3 pages, with no cut", async () => {
    const server = await apiServer({ kind: "nodes", count: 250 });
    const listing = await listNodes(server.access, { timeoutMs: TIMEOUT_MS, isInScope: everywhere });
    expect(listing.error).toBeNull();
    expect(listing.cut).toBeNull();
    expect(listing.nodes).toHaveLength(250);
    expect(server.requests).toEqual([
      "/api/v1/nodes?limit=100",
      "/api/v1/nodes?limit=100&continue=100",
      "/api/v1/nodes?limit=100&continue=200",
    ]);
  });

  it("takes a 150,000-item page (under the page cap) without overflowing the stack, keeping the first 10,000", async () => {
    const server = await apiServer({ kind: "one-page", count: 150_000 });
    const listing = await listNodes(server.access, { timeoutMs: 5_000, isInScope: everywhere });
    expect(listing.error).toBeNull();
    expect(listing.nodes).toHaveLength(NODE_LIST_BOUNDS.maxNodes);
    expect(listing.cut).toMatch(/^node list cut at 10000 nodes \(page 1 alone held 150000\)/);
  });

  it("cuts a list whose pages never end at the page bound, and says so", async () => {
    const server = await apiServer({ kind: "endless", perPage: 1 });
    const listing = await listNodes(server.access, {
      timeoutMs: TIMEOUT_MS,
      isInScope: everywhere,
      deadlineMs: 120_000,
    });
    expect(listing.error).toBeNull();
    expect(listing.nodes).toHaveLength(NODE_LIST_BOUNDS.maxPages);
    expect(listing.cut).toMatch(
      /^node list cut at 100 pages, the server still had more: 100 node\(s\) read from 100 page\(s\)/,
    );
    expect(server.requests).toHaveLength(NODE_LIST_BOUNDS.maxPages);
  });

  it("cuts an endless list at its deadline, and says so", async () => {
    // 20 ms a page: the 300 ms deadline comes long before the 100-page cap, however fast the machine.
    const server = await apiServer({ kind: "endless", perPage: 5, pageDelayMs: 20 });
    const started = performance.now();
    const listing = await listNodes(server.access, {
      timeoutMs: TIMEOUT_MS,
      isInScope: everywhere,
      deadlineMs: 300,
    });
    // One page may be in flight when the deadline passes; none is asked for after it.
    expect(performance.now() - started).toBeLessThan(300 + 3 * TIMEOUT_MS);
    expect(listing.error).toBeNull();
    expect(listing.cut).toMatch(/^node list cut at its 300 ms deadline: \d+ node\(s\) read/);
    expect(listing.nodes.length).toBeGreaterThan(0);
  });

  it("times out on an API server that completes TLS and stays silent", async () => {
    const server = await apiServer({ kind: "silent" });
    const listing = await listNodes(server.access, { timeoutMs: 500, isInScope: everywhere });
    expect(listing.nodes).toEqual([]);
    expect(listing.error?.code).toBe("timeout");
    expect(listing.cut).toBeNull();
  });

  it("returns a refusal as an error naming the Status, not as an empty cluster", async () => {
    const server = await apiServer({ kind: "status", code: 403, reason: "Forbidden" });
    const listing = await listNodes(server.access, { timeoutMs: TIMEOUT_MS, isInScope: everywhere });
    expect(listing.nodes).toEqual([]);
    expect(listing.error?.message).toMatch(
      /^GET \/api\/v1\/nodes answered 403 \(Forbidden: nodes is forbidden/,
    );
  });
});
