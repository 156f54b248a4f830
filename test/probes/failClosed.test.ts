import { describe, expect, it } from "vitest";
import type { AuthProbe } from "../../src/model/index.js";
import { type EndpointFacts, evaluateProbes, loadProbes, type ScanContext } from "../../src/probes/index.js";

/*
 * PASS only for what was observed, and every SKIP/INFO reason true to the facts that produced it. Each case
 * is a fail-open path: the facts of an endpoint kubetls could not fully observe, and the verdicts it must
 * not reach.
 */
const context: ScanContext = {
  benchmark: "cis-1.12",
  caConfigured: true,
  trustedIdentity: true,
  apiCredentials: true,
  tlsScan: "quick",
  expiryWarnDays: 30,
};

function kubelet(overrides: Partial<EndpointFacts> = {}): EndpointFacts {
  return {
    host: "127.0.0.2",
    port: 10250,
    role: "kubelet",
    state: "open",
    reachable: true,
    error: null,
    speaksTls: true,
    plainHttp: false,
    tls: {
      version: "TLSv1.3",
      cipher: "TLS_AES_128_GCM_SHA256",
      alpn: null,
      versions: ["TLSv1.2", "TLSv1.3"],
      cipherSuites: { "TLSv1.2": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] },
      clientCertRequest: { sent: true, caNames: ["CN=kubernetes"] },
    },
    chain: [],
    validation: { trusted: true, errors: [], expiresInDays: 300 },
    scan: context,
    ...overrides,
  };
}

function apiserver(overrides: Partial<EndpointFacts> = {}): EndpointFacts {
  return kubelet({ port: 6443, role: "apiserver", ...overrides });
}

const answered = (status: number, path = "/pods"): AuthProbe => ({
  path,
  outcome: "http",
  status,
  user: null,
  snippet: null,
});
const failed = (outcome: AuthProbe["outcome"], path = "/pods"): AuthProbe => ({
  path,
  outcome,
  status: null,
  user: null,
  snippet: `${outcome} on ${path}`,
});

describe("verdicts that must not fail open", async () => {
  const { probes } = await loadProbes();
  const verdict = (facts: EndpointFacts, id: string) => {
    const found = evaluateProbes(probes, facts).find((check) => check.id === id);
    if (!found) throw new Error(`no ${id}`);
    return found;
  };

  it("an identity whose request got no answer is never the ground of a PASS", () => {
    // The trusted pair timed out (or was rejected): the CertificateRequest naming the right CA is not enough.
    for (const outcome of ["timeout", "handshake-rejected", "reset"] as const) {
      const facts = kubelet({
        auth: { anonymous: [answered(401)], untrusted: [answered(401)], trusted: [failed(outcome)] },
      });
      expect(verdict(facts, "kubelet.client-ca"), outcome).toMatchObject({
        status: "ERROR",
        evidence: expect.stringContaining("the trusted client certificate could not be used"),
      });
    }
    // The untrusted certificate's request timed out: "refused" would be a guess.
    const untrustedLost = kubelet({
      auth: { anonymous: [answered(401)], untrusted: [failed("timeout")], trusted: [answered(200)] },
    });
    expect(verdict(untrustedLost, "kubelet.client-ca").status).toBe("ERROR");
  });

  it("an anonymous request that got no HTTP answer is could-not-tell, not a finding and not a PASS", () => {
    const facts = kubelet({ auth: { anonymous: [failed("timeout")], untrusted: [answered(401)] } });
    expect(verdict(facts, "kubelet.anonymous-auth")).toMatchObject({
      status: "ERROR",
      evidence: expect.stringMatching(/^could not tell/),
    });
    expect(verdict(facts, "kubelet.authorization").status).toBe("ERROR");
    const api = apiserver({ auth: { anonymous: [failed("reset", "/api")] } });
    expect(verdict(api, "apiserver.anonymous-auth").status).toBe("ERROR");
  });

  it("a handshake rejection passes only when some identity got through", () => {
    const rejected = [failed("handshake-rejected")];
    const throughTrusted = kubelet({
      auth: { anonymous: rejected, untrusted: rejected, trusted: [answered(200)] },
    });
    expect(verdict(throughTrusted, "kubelet.anonymous-auth").status).toBe("PASS");
    expect(verdict(throughTrusted, "kubelet.authorization").status).toBe("PASS");
    expect(verdict(throughTrusted, "kubelet.https").status).toBe("PASS");
    const nobody = kubelet({
      error: { code: "handshake-rejected", message: "alert 42" },
      tls: null,
      auth: { anonymous: rejected, untrusted: rejected, trusted: rejected },
    });
    for (const id of ["kubelet.https", "kubelet.anonymous-auth", "kubelet.authorization"]) {
      expect(verdict(nobody, id).status, id).toBe("ERROR");
    }
    expect(verdict(nobody, "kubelet.https").evidence).not.toContain("none, none");
    const withoutPair = kubelet({
      error: { code: "handshake-rejected", message: "alert 40" },
      tls: null,
      auth: { anonymous: rejected, untrusted: rejected },
      scan: { ...context, trustedIdentity: false },
    });
    for (const id of ["kubelet.https", "kubelet.anonymous-auth", "kubelet.authorization"]) {
      expect(verdict(withoutPair, id).status, id).toBe("INFO");
    }
    const apiNobody = apiserver({
      auth: {
        anonymous: [failed("handshake-rejected", "/api")],
        trusted: [failed("handshake-rejected", "/api")],
      },
    });
    expect(verdict(apiNobody, "apiserver.anonymous-auth").status).toBe("ERROR");
  });

  it("says why the node proxy was not asked: closed, no TLS, no credentials at all, or none for this server", () => {
    const closed = apiserver({
      reachable: false,
      speaksTls: false,
      tls: null,
      error: { code: "refused", message: "connection refused" },
    });
    for (const id of ["apiserver.kubelet-client-cert", "apiserver.kubelet-certificate-authority"]) {
      expect(verdict(closed, id), id).toMatchObject({ status: "SKIP", evidence: "nothing to test: refused" });
      const silent = apiserver({
        speaksTls: false,
        tls: null,
        error: { code: "timeout", message: "no answer" },
      });
      expect(verdict(silent, id).status, id).toBe("ERROR");
      const noCredentials = apiserver({ scan: { ...context, apiCredentials: false } });
      expect(verdict(noCredentials, id).evidence, id).toMatch(/^no API credentials \(--kubeconfig/);
      expect(verdict(apiserver(), id).evidence, id).toMatch(/only to the kubeconfig's own server/);
    }
  });
});
