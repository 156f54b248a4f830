import { describe, expect, it } from "vitest";
import {
  type EndpointFacts,
  evaluateCondition,
  evaluateProbes,
  loadProbes,
  readFact,
  renderEvidence,
} from "../../src/probes/index.js";

function facts(overrides: Partial<EndpointFacts>): EndpointFacts {
  return {
    host: "127.0.0.2",
    port: 10250,
    role: "kubelet",
    state: "open",
    reachable: true,
    error: null,
    speaksTls: true,
    plainHttp: false,
    tls: { version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", alpn: "http/1.1" },
    chain: [],
    validation: { trusted: true, errors: [], expiresInDays: 300 },
    scan: {
      benchmark: "cis-1.12",
      caConfigured: true,
      trustedIdentity: false,
      apiCredentials: false,
      expiryWarnDays: 30,
    },
    ...overrides,
  };
}

describe("fact paths and conditions", () => {
  const sample = {
    auth: {
      anonymous: [
        { path: "/pods", status: 401 },
        { path: "/healthz", status: 200 },
      ],
    },
    chain: [{ subject: "CN=a" }, { subject: "CN=b" }],
  };
  it("reads keys, indexes, projections and filters", () => {
    expect(readFact(sample, "auth.anonymous[].status")).toEqual([401, 200]);
    expect(readFact(sample, "auth.anonymous[path=/pods].status")).toEqual([401]);
    expect(readFact(sample, "chain[1].subject")).toBe("CN=b");
    expect(readFact(sample, "chain[5].subject")).toBeUndefined();
    expect(readFact(sample, "missing.deeper")).toBeUndefined();
  });
  it("evaluates operators and combinators", () => {
    expect(evaluateCondition({ fact: "auth.anonymous[].status", op: "includes", value: 200 }, sample)).toBe(
      true,
    );
    expect(
      evaluateCondition({ fact: "auth.anonymous[path=/pods].status", op: "includes", value: 200 }, sample),
    ).toBe(false);
    expect(
      evaluateCondition(
        {
          all: [
            { fact: "chain[0].subject", op: "matches", value: "^CN=" },
            { not: { fact: "chain", op: "isEmpty", value: true } },
          ],
        },
        sample,
      ),
    ).toBe(true);
    expect(
      evaluateCondition(
        {
          any: [
            { fact: "nope", op: "exists", value: true },
            { fact: "chain[0].subject", op: "in", value: ["CN=x"] },
          ],
        },
        sample,
      ),
    ).toBe(false);
  });
  it("renders evidence with lists and absent facts", () => {
    expect(renderEvidence("{auth.anonymous[].status} / {nothing}", sample)).toBe("401, 200 / none");
  });
});

describe("evaluateProbes on the shipped probes", async () => {
  const { probes } = await loadProbes();
  const statusOf = (input: EndpointFacts, id: string) =>
    evaluateProbes(probes, input).find((check) => check.id === id);

  it("passes a trusted kubelet chain and numbers it for the chosen benchmark", () => {
    expect(statusOf(facts({}), "kubelet.serving-cert")).toMatchObject({
      status: "PASS",
      cis: ["4.2.9"],
      severity: "high",
    });
    const older = facts({
      scan: {
        benchmark: "cis-1.6",
        caConfigured: true,
        trustedIdentity: false,
        apiCredentials: false,
        expiryWarnDays: 30,
      },
    });
    expect(statusOf(older, "kubelet.serving-cert")?.cis).toEqual(["4.2.10"]);
    expect(statusOf(older, "kubelet.https")?.cis).toEqual(["1.2.4"]);
  });
  it("fails a self-generated chain and says why", () => {
    const check = statusOf(
      facts({
        validation: {
          trusted: false,
          errors: ["kubelet-self-generated", "untrusted-root"],
          expiresInDays: 364,
        },
      }),
      "kubelet.serving-cert",
    );
    expect(check?.status).toBe("FAIL");
    expect(check?.evidence).toContain("--tls-cert-file is not set");
  });
  it("answers INFO when no CA was configured and nothing else is wrong", () => {
    expect(
      statusOf(
        facts({ validation: { trusted: false, errors: ["no-ca-configured"], expiresInDays: 30 } }),
        "kubelet.serving-cert",
      )?.status,
    ).toBe("INFO");
  });
  it("fails plain HTTP, skips refused, errors on a tarpit", () => {
    expect(
      statusOf(facts({ speaksTls: false, plainHttp: true, tls: null, validation: null }), "kubelet.https")
        ?.status,
    ).toBe("FAIL");
    expect(
      statusOf(
        facts({
          speaksTls: false,
          state: "closed",
          reachable: false,
          tls: null,
          validation: null,
          error: { code: "refused", message: "x" },
        }),
        "kubelet.https",
      )?.status,
    ).toBe("SKIP");
    expect(
      statusOf(
        facts({ speaksTls: false, tls: null, validation: null, error: { code: "timeout", message: "x" } }),
        "kubelet.https",
      )?.status,
    ).toBe("ERROR");
  });
  it("runs only the probes of the endpoint's role", () => {
    const ids = evaluateProbes(probes, facts({ role: "apiserver" })).map((check) => check.id);
    expect(ids).toContain("apiserver.serving-cert");
    expect(ids).not.toContain("kubelet.https");
  });
  it("does not take a 403 naming system:anonymous as the trusted certificate authenticating", () => {
    const probe = (status: number, user: string | null) => ({
      path: "/pods",
      outcome: "http" as const,
      status,
      user,
      snippet: null,
    });
    const anonymousTo = facts({
      auth: {
        anonymous: [probe(403, "system:anonymous")],
        untrusted: [probe(403, "system:anonymous")],
        trusted: [probe(403, "system:anonymous")],
      },
      scan: {
        benchmark: "cis-1.12",
        caConfigured: true,
        trustedIdentity: true,
        apiCredentials: false,
        expiryWarnDays: 30,
      },
    });
    expect(statusOf(anonymousTo, "kubelet.client-ca")?.status).toBe("FAIL");
    const authenticated = facts({
      auth: {
        anonymous: [probe(401, null)],
        untrusted: [probe(401, null)],
        trusted: [probe(403, "kube-apiserver-kubelet-client")],
      },
      scan: {
        benchmark: "cis-1.12",
        caConfigured: true,
        trustedIdentity: true,
        apiCredentials: false,
        expiryWarnDays: 30,
      },
    });
    expect(statusOf(authenticated, "kubelet.client-ca")?.status).toBe("PASS");
  });
  it("says INFO, not FAIL, when TLS was spoken but no chain was seen", () => {
    const unseen = facts({
      validation: null,
      chain: [],
      error: { code: "handshake-rejected", message: "certificate required" },
    });
    expect(statusOf(unseen, "kubelet.serving-cert")?.status).toBe("INFO");
  });
  it("1.2.6 is INFO when every kubelet the proxy reached has a chain a verifying API server accepts", () => {
    const reached = {
      node: "n1",
      kubelet: "127.0.0.2:10250",
      outcome: "http" as const,
      status: 200,
      snippet: "ok",
      kubeletChainTrusted: true,
      kubeletRejectsAnonymous: true,
    };
    const apiserver = facts({ role: "apiserver", port: 6443, nodeProxy: [reached] });
    expect(statusOf(apiserver, "apiserver.kubelet-certificate-authority")?.status).toBe("INFO");
    expect(statusOf(apiserver, "apiserver.kubelet-client-cert")?.status).toBe("PASS");
    const unverified = facts({
      role: "apiserver",
      port: 6443,
      nodeProxy: [{ ...reached, kubeletChainTrusted: false }],
    });
    expect(statusOf(unverified, "apiserver.kubelet-certificate-authority")?.status).toBe("FAIL");
  });
});
