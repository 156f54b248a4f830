import { describe, expect, it } from "vitest";
import type { TlsSession } from "../../src/model/index.js";
import {
  type EndpointFacts,
  evaluateCondition,
  evaluateProbes,
  loadProbes,
  readFact,
  renderEvidence,
  type ScanContext,
} from "../../src/probes/index.js";

const suites = {
  versions: ["TLSv1", "TLSv1.2", "TLSv1.3"],
  cipherSuites: {
    TLSv1: ["TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"],
    "TLSv1.2": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"],
    "TLSv1.3": ["TLS_AES_128_GCM_SHA256"],
  },
};

describe("record projections in fact paths", () => {
  it("unions every key's list, or the named keys' in order, each element once", () => {
    expect(readFact(suites, "cipherSuites{}")).toEqual([
      "TLS_RSA_WITH_AES_128_CBC_SHA",
      "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_AES_128_GCM_SHA256",
    ]);
    expect(readFact(suites, "cipherSuites{TLSv1.2,TLSv1.1,TLSv1}")).toEqual([
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_RSA_WITH_AES_128_CBC_SHA",
      "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    ]);
    expect(readFact(suites, "cipherSuites{SSLv3}")).toEqual([]);
    expect(readFact(suites, "versions{}")).toEqual([]);
    expect(readFact(suites, "missing{}")).toEqual([]);
  });
  it("walks on from each value, and keeps dots inside selectors", () => {
    const byNode = { nodes: { a: { name: "x" }, b: { name: "y" }, c: { name: "x" } } };
    expect(readFact(byNode, "nodes{}.name")).toEqual(["x", "y"]);
    expect(readFact(byNode, "nodes{b}.name")).toEqual(["y"]);
    const probes = { auth: [{ path: "/version.json", status: 200 }] };
    expect(readFact(probes, "auth[path=/version.json].status")).toEqual([200]);
  });
  it("reads malformed selectors as no fact at all", () => {
    for (const path of [
      "cipherSuites{",
      "cipherSuites{,}",
      "cipherSuites{a,}",
      "cipherSuites{a}}",
      "a{b}[0]",
    ])
      expect(readFact(suites, path), path).toBeUndefined();
  });
});

describe("anyNotIn and fact operands", () => {
  const facts = {
    tls: suites,
    scan: { caSubjects: ["CN=kubernetes"] },
    names: ["CN=kubernetes", "CN=other"],
  };
  it("holds when some element lies outside the list, never for an empty or absent fact", () => {
    const fact = "tls.cipherSuites{TLSv1.2,TLSv1}";
    expect(
      evaluateCondition(
        {
          fact,
          op: "anyNotIn",
          value: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"],
        },
        facts,
      ),
    ).toBe(true);
    expect(
      evaluateCondition(
        {
          fact,
          op: "anyNotIn",
          value: [
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
          ],
        },
        facts,
      ),
    ).toBe(false);
    expect(evaluateCondition({ fact: "tls.cipherSuites{SSLv3}", op: "anyNotIn", value: [] }, facts)).toBe(
      false,
    );
    expect(evaluateCondition({ fact: "nothing", op: "anyNotIn", value: ["x"] }, facts)).toBe(false);
  });
  it("reads a `{ fact: PATH }` operand from the same facts", () => {
    expect(
      evaluateCondition(
        { fact: "names", op: "includesAny", value: null, valueFact: "scan.caSubjects" },
        facts,
      ),
    ).toBe(true);
    expect(
      evaluateCondition({ fact: "names", op: "anyNotIn", value: null, valueFact: "scan.caSubjects" }, facts),
    ).toBe(true);
    expect(
      evaluateCondition({ fact: "names", op: "includesAny", value: null, valueFact: "scan.absent" }, facts),
    ).toBe(false);
  });
  it("renders projections, and {$anyNotIn} from what the verdict computed", () => {
    expect(renderEvidence("seen {tls.cipherSuites{TLSv1.3}} / {tls.cipherSuites{SSLv3}}", facts)).toBe(
      "seen TLS_AES_128_GCM_SHA256 / none",
    );
    expect(renderEvidence("outside: {$anyNotIn}", facts, { anyNotIn: ["a", "b"] })).toBe("outside: a, b");
    expect(renderEvidence("outside: {$anyNotIn}", facts)).toBe("outside: none");
  });
});

function scan(benchmark: string, extra: Partial<ScanContext> = {}): ScanContext {
  return {
    benchmark,
    caConfigured: true,
    trustedIdentity: false,
    apiCredentials: false,
    expiryWarnDays: 30,
    ...extra,
  };
}

function endpoint(
  tls: Partial<TlsSession> | null,
  context: ScanContext,
  overrides: Partial<EndpointFacts> = {},
): EndpointFacts {
  return {
    host: "127.0.0.2",
    port: 10250,
    role: "kubelet",
    state: "open",
    reachable: true,
    error: null,
    speaksTls: tls !== null,
    plainHttp: false,
    tls: tls === null ? null : { version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", alpn: null, ...tls },
    chain: [],
    validation: null,
    auth: {
      anonymous: [{ path: "/pods", outcome: "http", status: 401, user: null, snippet: null }],
      untrusted: [{ path: "/pods", outcome: "http", status: 401, user: null, snippet: null }],
    },
    scan: context,
    ...overrides,
  };
}

/** TLS 1.2 and 1.3 with the given TLS 1.2 suites. */
function tls12(accepted: string[], extra: Partial<TlsSession> = {}): Partial<TlsSession> {
  return {
    versions: ["TLSv1.2", "TLSv1.3"],
    cipherSuites: { "TLSv1.2": accepted, "TLSv1.3": ["TLS_AES_128_GCM_SHA256"] },
    clientCertRequest: { sent: true, caNames: ["CN=kubernetes"] },
    ...extra,
  };
}

describe("the TLS protocol probes", async () => {
  const { probes, catalogue } = await loadProbes();
  const check = (facts: EndpointFacts, id: string) => {
    const found = evaluateProbes(probes, facts).find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no ${id} check`);
    return found;
  };

  it("number the cipher checks per benchmark, and map the version checks to no control", () => {
    const kubelet = new Map(
      catalogue.benchmarks.map(({ id }) => [
        id,
        check(endpoint(tls12([]), scan(id)), "kubelet.tls-ciphers").cis,
      ]),
    );
    expect(Object.fromEntries(kubelet)).toEqual({
      "cis-1.5": ["4.2.13"],
      "cis-1.6": ["4.2.13"],
      "cis-1.20": ["4.2.13"],
      "cis-1.23": ["4.2.13"],
      "cis-1.24": ["4.2.13"],
      "cis-1.7": ["4.2.12"],
      "cis-1.8": ["4.2.12"],
      "cis-1.9": ["4.2.12"],
      "cis-1.10": ["4.2.12"],
      "cis-1.11": ["4.2.12"],
      "cis-1.12": ["4.2.12"],
    });
    const apiserver = (id: string) =>
      check(endpoint(tls12([]), scan(id), { role: "apiserver", port: 6443 }), "apiserver.tls-ciphers").cis;
    expect(catalogue.benchmarks.map(({ id }) => [id, apiserver(id)])).toEqual([
      ["cis-1.5", ["1.2.35"]],
      ["cis-1.6", ["1.2.35"]],
      ["cis-1.20", ["1.2.34"]],
      ["cis-1.23", ["1.2.32"]],
      ["cis-1.24", ["1.2.31"]],
      ["cis-1.7", ["1.2.31"]],
      ["cis-1.8", ["1.2.30"]],
      ["cis-1.9", ["1.2.29"]],
      ["cis-1.10", ["1.2.29"]],
      ["cis-1.11", ["1.2.29"]],
      ["cis-1.12", ["1.2.29"]],
    ]);
    for (const { id } of catalogue.benchmarks) {
      expect(check(endpoint(tls12([]), scan(id)), "kubelet.tls-min-version").cis).toEqual([]);
      expect(
        check(endpoint(tls12([]), scan(id), { role: "apiserver", port: 6443 }), "apiserver.tls-min-version")
          .cis,
      ).toEqual([]);
    }
  });

  it("judges static-RSA GCM by the benchmark's kubelet list: K6 in cis-1.12, K8 elsewhere", () => {
    const facts = (benchmark: string) =>
      endpoint(
        tls12(["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"]),
        scan(benchmark),
      );
    expect(check(facts("cis-1.12"), "kubelet.tls-ciphers")).toMatchObject({
      status: "FAIL",
      evidence: "accepted at TLS <= 1.2 outside the cis-1.12 kubelet list: TLS_RSA_WITH_AES_128_GCM_SHA256",
    });
    for (const benchmark of ["cis-1.5", "cis-1.6", "cis-1.20", "cis-1.23", "cis-1.24", "cis-1.7", "cis-1.11"])
      expect(check(facts(benchmark), "kubelet.tls-ciphers").status, benchmark).toBe("PASS");
  });

  it("fails a CBC suite accepted only at TLS 1.0, naming it once; Go's CHACHA20 names are IANA's", () => {
    const facts = endpoint(
      {
        versions: ["TLSv1", "TLSv1.1", "TLSv1.2"],
        cipherSuites: {
          TLSv1: ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"],
          "TLSv1.1": ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"],
          "TLSv1.2": ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"],
        },
      },
      scan("cis-1.6"),
    );
    expect(check(facts, "kubelet.tls-ciphers").evidence).toBe(
      "accepted at TLS <= 1.2 outside the cis-1.6 kubelet list: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    );
    expect(check(facts, "kubelet.tls-min-version")).toMatchObject({
      status: "FAIL",
      evidence: "accepts TLSv1, TLSv1.1, TLSv1.2: SSLv3, TLS 1.0 and TLS 1.1 are deprecated (RFC 8996)",
    });
  });

  it("passes TLS 1.3 alone, skips without TLS or without a protocol scan, warns on an unlisted benchmark", () => {
    const only13 = endpoint(
      { versions: ["TLSv1.3"], cipherSuites: { "TLSv1.3": ["TLS_AES_256_GCM_SHA384"] } },
      scan("cis-1.12"),
    );
    expect(check(only13, "kubelet.tls-ciphers").status).toBe("PASS");
    expect(check(only13, "kubelet.tls-min-version")).toMatchObject({
      status: "PASS",
      evidence: "accepts only TLSv1.3",
    });
    const scanOff = endpoint({}, scan("cis-1.12", { tlsScan: "off" }));
    expect(check(scanOff, "kubelet.tls-ciphers").status).toBe("SKIP");
    expect(check(scanOff, "kubelet.tls-min-version").status).toBe("SKIP");
    // The scan ran and saw nothing accepted: that is no reason to skip, and no PASS either.
    const nothingSeen = endpoint({}, scan("cis-1.12", { tlsScan: "quick" }));
    expect(check(nothingSeen, "kubelet.tls-ciphers").status).toBe("INFO");
    expect(check(nothingSeen, "kubelet.tls-min-version").status).toBe("INFO");
    const plain = endpoint(null, scan("cis-1.12"), { plainHttp: true });
    expect(check(plain, "kubelet.tls-ciphers").status).toBe("SKIP");
    expect(check(endpoint(tls12([]), scan("cis-9.9")), "kubelet.tls-ciphers").status).toBe("WARN");
  });

  it("never passes what a probe could not tell: unanswered versions or suites leave the verdict open", () => {
    const timedOut = [{ code: "timeout" as const, message: "no the server's answer within 1500 ms" }];
    // The TLS 1.2 (and older) probes got no answer: "accepts only TLSv1.3" would be a guess.
    const slow12 = endpoint(
      {
        versions: ["TLSv1.3"],
        cipherSuites: { "TLSv1.3": ["TLS_AES_128_GCM_SHA256"] },
        unknownVersions: ["TLSv1", "TLSv1.1", "TLSv1.2"],
        scanErrors: timedOut,
      },
      scan("cis-1.12"),
    );
    for (const [component, overrides] of [
      ["kubelet", {}],
      ["apiserver", { role: "apiserver", port: 6443 }],
    ] as const) {
      const facts = { ...slow12, ...overrides };
      expect(check(facts, `${component}.tls-ciphers`)).toMatchObject({
        status: "ERROR",
        evidence: expect.stringContaining("could not tell"),
      });
      expect(check(facts, `${component}.tls-ciphers`).evidence).toContain("TLSv1, TLSv1.1, TLSv1.2");
      expect(check(facts, `${component}.tls-min-version`)).toMatchObject({
        status: "ERROR",
        evidence: expect.stringContaining("no the server's answer within 1500 ms"),
      });
    }
    // Only TLS 1.2 is unknown: the legacy versions were refused, so the minimum version is known; the suites are not.
    const only12Unknown = endpoint(
      { versions: ["TLSv1.3"], unknownVersions: ["TLSv1.2"], scanErrors: timedOut },
      scan("cis-1.12"),
    );
    expect(check(only12Unknown, "kubelet.tls-min-version")).toMatchObject({
      status: "PASS",
      evidence: "SSLv3, TLS 1.0 and TLS 1.1 were refused; accepts TLSv1.3; could not tell for TLSv1.2",
    });
    expect(check(only12Unknown, "kubelet.tls-ciphers").status).toBe("ERROR");
    // One suite's probe lost: every other answer was strong, but that one might not be.
    const lostSuite = endpoint(
      tls12(["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], {
        unknownCipherSuites: { "TLSv1.2": ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"] },
        scanErrors: timedOut,
      }),
      scan("cis-1.12"),
    );
    expect(check(lostSuite, "kubelet.tls-ciphers")).toMatchObject({
      status: "ERROR",
      evidence: expect.stringContaining("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    });
    expect(check(lostSuite, "kubelet.tls-min-version").status).toBe("PASS");
    // What was seen still decides a FAIL, whatever else is unknown.
    const seenWeak = endpoint(
      tls12(["TLS_RSA_WITH_AES_128_CBC_SHA"], { unknownVersions: ["TLSv1"], scanErrors: timedOut }),
      scan("cis-1.12"),
    );
    expect(check(seenWeak, "kubelet.tls-ciphers").status).toBe("FAIL");
    // An unknown TLS 1.3 changes neither check.
    const unknown13 = endpoint(tls12([], { unknownVersions: ["TLSv1.3"] }), scan("cis-1.12"));
    expect(check(unknown13, "kubelet.tls-ciphers").status).toBe("PASS");
    expect(check(unknown13, "kubelet.tls-min-version").status).toBe("PASS");
  });

  it("judges the API server by L8, L21, L15 and L11", () => {
    const status = (benchmark: string, accepted: string[]) =>
      check(
        endpoint(tls12(accepted), scan(benchmark), { role: "apiserver", port: 6443 }),
        "apiserver.tls-ciphers",
      ).status;
    const cbc = ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"];
    const tripleDes = ["TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"];
    const staticRsaGcm = ["TLS_RSA_WITH_AES_256_GCM_SHA384"];
    expect(
      ["cis-1.6", "cis-1.23", "cis-1.9", "cis-1.10", "cis-1.11", "cis-1.12"].map((b) => status(b, cbc)),
    ).toEqual(["FAIL", "PASS", "PASS", "PASS", "PASS", "FAIL"]);
    expect(["cis-1.20", "cis-1.8", "cis-1.10"].map((b) => status(b, tripleDes))).toEqual([
      "FAIL",
      "PASS",
      "FAIL",
    ]);
    expect(["cis-1.5", "cis-1.24", "cis-1.11", "cis-1.12"].map((b) => status(b, staticRsaGcm))).toEqual([
      "PASS",
      "PASS",
      "FAIL",
      "FAIL",
    ]);
    expect(status("cis-1.12", ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"])).toBe("PASS");
  });
});

describe("kubelet.client-ca with the CertificateRequest", async () => {
  const { probes } = await loadProbes();
  const clientCa = (facts: EndpointFacts) => {
    const found = evaluateProbes(probes, facts).find((candidate) => candidate.id === "kubelet.client-ca");
    if (!found) throw new Error("no kubelet.client-ca check");
    return found;
  };
  const trustedOk = {
    auth: {
      anonymous: [{ path: "/pods", outcome: "http" as const, status: 401, user: null, snippet: null }],
      untrusted: [{ path: "/pods", outcome: "http" as const, status: 401, user: null, snippet: null }],
      trusted: [{ path: "/pods", outcome: "http" as const, status: 200, user: null, snippet: null }],
    },
  };

  it("fails a kubelet that requests no certificate, even when HTTP alone looked fine", () => {
    const facts = endpoint(
      tls12([], { clientCertRequest: { sent: false } }),
      scan("cis-1.12", { trustedIdentity: true }),
      trustedOk,
    );
    expect(clientCa(facts)).toMatchObject({ status: "FAIL", cis: ["4.2.3"] });
    expect(clientCa(facts).evidence).toContain("sent no CertificateRequest");
  });

  it("fails acceptance of any CA before anything the CertificateRequest says", () => {
    const facts = endpoint(tls12([]), scan("cis-1.12"), {
      auth: {
        anonymous: [{ path: "/pods", outcome: "http", status: 401, user: null, snippet: null }],
        untrusted: [
          { path: "/pods", outcome: "http", status: 403, user: "kubetls-untrusted", snippet: null },
        ],
      },
    });
    expect(clientCa(facts).evidence).toContain("accepts client certificates from any CA");
  });

  it("names the advertised CAs in a trusted PASS", () => {
    const facts = endpoint(tls12([]), scan("cis-1.12", { trustedIdentity: true }), trustedOk);
    expect(clientCa(facts)).toMatchObject({ status: "PASS" });
    expect(clientCa(facts).evidence).toContain("the CertificateRequest names CN=kubernetes");
  });

  it("without a trusted identity: PASS on the cluster CA's name, WARN on another, PASS naming them without --ca-file", () => {
    const matching = endpoint(tls12([]), scan("cis-1.12", { caSubjects: ["CN=kubernetes"] }));
    expect(clientCa(matching).status).toBe("PASS");
    expect(clientCa(matching).evidence).toContain(
      "naming CN=kubernetes, which matches the CA given with --ca-file",
    );
    const other = endpoint(tls12([]), scan("cis-1.12", { caSubjects: ["CN=k3s-server-ca"] }));
    expect(clientCa(other)).toMatchObject({ status: "WARN" });
    expect(clientCa(other).evidence).toContain("not the CA given with --ca-file (CN=k3s-server-ca)");
    const noCa = endpoint(tls12([]), scan("cis-1.12", { caConfigured: false }));
    expect(clientCa(noCa).status).toBe("PASS");
    expect(clientCa(noCa).evidence).toContain("naming CN=kubernetes (give --ca-file");
  });

  it("is INFO when only TLS 1.3 was spoken or the protocol scan was off, and HTTP cannot decide", () => {
    const only13 = endpoint({ versions: ["TLSv1.3"], clientCertRequest: null }, scan("cis-1.12"));
    expect(clientCa(only13)).toMatchObject({ status: "INFO" });
    expect(clientCa(only13).evidence).toContain("only TLS 1.3 was spoken");
    const scanOff = endpoint({}, scan("cis-1.12"));
    expect(clientCa(scanOff)).toMatchObject({ status: "INFO" });
    expect(clientCa(scanOff).evidence).toContain("--tls-scan off");
  });
});
