import { describe, expect, it } from "vitest";
import {
  BearerToken,
  type ClusterAccess,
  type FetchJson,
  type JsonAnswer,
  listNodes,
  readNodeListPage,
} from "../../src/kubeconfig/index.js";
import { netError } from "../../src/model/index.js";
import type { HttpFailure, HttpGetRequest } from "../../src/net/index.js";

const ACCESS: ClusterAccess = {
  contextName: "test",
  server: { host: "127.0.0.9", port: 6443 },
  caPem: null,
  insecureSkipTlsVerify: false,
  identity: { bearerToken: new BearerToken("stub-token") },
  identityKind: "token",
};
const everywhere = () => true;

function node(name: string, addresses: [string, string][], port?: unknown): object {
  return {
    metadata: { name },
    status: {
      addresses: addresses.map(([type, address]) => ({ type, address })),
      ...(port === undefined ? {} : { daemonEndpoints: { kubeletEndpoint: { Port: port } } }),
    },
  };
}

function page(items: unknown[], continueToken?: string): JsonAnswer {
  return {
    outcome: "http",
    status: 200,
    json: {
      kind: "NodeList",
      apiVersion: "v1",
      metadata: continueToken ? { continue: continueToken } : {},
      items,
    },
  };
}

/** Answers in turn, recording each request. */
function stubFetch(answers: (JsonAnswer | HttpFailure)[]): {
  fetchJson: FetchJson;
  requests: HttpGetRequest[];
} {
  const requests: HttpGetRequest[] = [];
  const fetchJson: FetchJson = async (request) => {
    requests.push(request);
    const answer = answers.shift();
    if (!answer) throw new Error("unexpected request");
    return answer;
  };
  return { fetchJson, requests };
}

describe("readNodeListPage", () => {
  it("picks the first address in preference order, the reported kubelet port or 10250, and skips nameless items", () => {
    const json = page([
      node(
        "a",
        [
          ["Hostname", "a.example"],
          ["InternalIP", "10.0.0.1"],
          ["InternalIP", "10.0.0.2"],
        ],
        10_260,
      ),
      node("b", [["ExternalIP", "203.0.113.9"]], "10250"),
      node("c", [], 0),
      { metadata: {} },
      "junk",
    ]).json;
    expect(readNodeListPage(json, ["InternalIP", "Hostname"])).toEqual({
      nodes: [
        { name: "a", address: "10.0.0.1", kubeletPort: 10_260, ipAddresses: ["10.0.0.1", "10.0.0.2"] },
        { name: "b", address: null, kubeletPort: 10_250, ipAddresses: ["203.0.113.9"] },
        { name: "c", address: null, kubeletPort: 10_250, ipAddresses: [] },
      ],
      continueToken: null,
    });
    expect(readNodeListPage(json, ["Hostname"])).toMatchObject({ nodes: [{ address: "a.example" }, {}, {}] });
  });

  it("names what is wrong with a body that is not a NodeList", () => {
    expect(readNodeListPage(undefined, [])).toBe("the body is not JSON");
    expect(readNodeListPage({ kind: "PodList", items: [] }, [])).toBe("the body is not a NodeList");
    expect(readNodeListPage({ kind: "NodeList", items: {} }, [])).toBe("the body is not a NodeList");
  });
});

describe("listNodes", () => {
  it("follows continue tokens with the identity, a 4 MiB cap and the kubeconfig's SNI", async () => {
    const { fetchJson, requests } = stubFetch([
      page([node("n1", [["InternalIP", "10.0.0.1"]])], "token/with+chars"),
      page([node("n2", [["InternalIP", "10.0.0.2"]])]),
    ]);
    const listing = await listNodes(
      { ...ACCESS, serverName: "kubernetes" },
      { timeoutMs: 1000, isInScope: everywhere, fetchJson },
    );
    expect(listing).toEqual({
      nodes: [
        { name: "n1", address: "10.0.0.1", kubeletPort: 10_250, ipAddresses: ["10.0.0.1"] },
        { name: "n2", address: "10.0.0.2", kubeletPort: 10_250, ipAddresses: ["10.0.0.2"] },
      ],
      error: null,
      cut: null,
    });
    expect(requests.map((request) => request.path)).toEqual([
      "/api/v1/nodes?limit=100",
      "/api/v1/nodes?limit=100&continue=token%2Fwith%2Bchars",
    ]);
    expect(requests[0]).toMatchObject({
      target: { host: "127.0.0.9", port: 6443 },
      tls: true,
      servername: "kubernetes",
      maxBodyBytes: 4 * 1024 * 1024,
      identity: { bearerToken: "stub-token" },
    });
  });

  it("returns errors as values, keeping the pages already read", async () => {
    const forbidden = stubFetch([
      {
        outcome: "http",
        status: 403,
        json: {
          kind: "Status",
          reason: "Forbidden",
          message: 'nodes is forbidden: User "viewer" cannot list resource "nodes"',
        },
      },
    ]);
    expect(
      await listNodes(ACCESS, { timeoutMs: 1000, isInScope: everywhere, fetchJson: forbidden.fetchJson }),
    ).toEqual({
      nodes: [],
      error: {
        code: "error",
        message:
          'GET /api/v1/nodes answered 403 (Forbidden: nodes is forbidden: User "viewer" cannot list resource "nodes")',
      },
      cut: null,
    });

    const garbled = stubFetch([
      page([node("n1", [["InternalIP", "10.0.0.1"]])], "more"),
      { outcome: "http", status: 200, json: undefined },
    ]);
    const partial = await listNodes(ACCESS, {
      timeoutMs: 1000,
      isInScope: everywhere,
      fetchJson: garbled.fetchJson,
    });
    expect(partial.nodes.map((entry) => entry.name)).toEqual(["n1"]);
    expect(partial.error).toEqual({
      code: "protocol-error",
      message: "GET /api/v1/nodes: the body is not JSON",
    });

    const refused = stubFetch([{ outcome: "refused", error: netError("refused", "connection refused") }]);
    expect(
      await listNodes(ACCESS, { timeoutMs: 1000, isInScope: everywhere, fetchJson: refused.fetchJson }),
    ).toEqual({
      nodes: [],
      error: { code: "refused", message: "connection refused" },
      cut: null,
    });

    const bare = stubFetch([{ outcome: "http", status: 500, json: undefined }]);
    const serverError = await listNodes(ACCESS, {
      timeoutMs: 1000,
      isInScope: everywhere,
      fetchJson: bare.fetchJson,
    });
    expect(serverError.error?.message).toBe("GET /api/v1/nodes answered 500");
  });

  it("asks the scope before anything else", async () => {
    const { fetchJson, requests } = stubFetch([]);
    const asked: string[] = [];
    const listing = await listNodes(ACCESS, {
      timeoutMs: 1000,
      isInScope: (host) => {
        asked.push(host);
        return false;
      },
      fetchJson,
    });
    expect(listing.error?.code).toBe("out-of-scope");
    expect(asked).toEqual(["127.0.0.9"]);
    expect(requests).toEqual([]);
  });
});
