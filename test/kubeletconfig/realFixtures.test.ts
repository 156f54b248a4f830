import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfigz } from "../../src/kubeletconfig/index.js";
import type { CheckStatus } from "../../src/model/index.js";
import { type EndpointFacts, evaluateProbes, loadProbes, type Probe } from "../../src/probes/index.js";

/*
 * The three /configz answers of a real v1.20 kubelet (shared fixtures), judged by the config probes as a
 * careful reader of the benchmark would judge them: omitted fields by their zero value (readOnlyPort
 * absent is 0, rotateCertificates and protectKernelDefaults absent are false, no tlsCipherSuites is Go's
 * default list, `x509: {}` is no client CA, no featureGates is every gate's default), a manual control
 * left to the operator (INFO), and a tlsCertFile that is the self-generated pair's file left to the wire.
 */
const FIXTURES = "/work/shared/fixtures/real-kubelet-v1.20";

type Verdicts = Record<string, CheckStatus>;

// Control -> status, per fixture and benchmark. 4.2.8 (cis-1.6) / 4.2.7 (cis-1.12), hostname-override,
// is a flag outside the config object: no config check carries it.
const EXPECTED: Record<string, { "cis-1.6": Verdicts; "cis-1.12": Verdicts }> = {
  "configz-hardened.json": {
    "cis-1.6": {
      "4.2.1": "PASS", // anonymous.enabled false
      "4.2.2": "PASS", // Webhook
      "4.2.3": "PASS", // clientCAFile set
      "4.2.4": "PASS", // readOnlyPort omitted = 0
      "4.2.5": "PASS", // 4h0m0s
      "4.2.6": "FAIL", // protectKernelDefaults omitted = false
      "4.2.7": "FAIL", // makeIPTablesUtilChains false, shown because it is a pointer
      "4.2.9": "INFO", // eventRecordQPS 5: a manual judgement
      "4.2.10": "INFO", // kubelet-serving.crt is set; whether it is appropriate only the wire shows
      "4.2.11": "FAIL", // rotateCertificates omitted = false
      "4.2.12": "PASS", // no featureGates: RotateKubeletServerCertificate defaults to true
      "4.2.13": "FAIL", // no tlsCipherSuites: Go's defaults, CBC included
    },
    "cis-1.12": {
      "4.2.1": "PASS",
      "4.2.2": "PASS",
      "4.2.3": "PASS",
      "4.2.4": "PASS",
      "4.2.5": "PASS",
      "4.2.6": "FAIL", // makeIPTablesUtilChains false
      "4.2.8": "INFO",
      "4.2.9": "INFO",
      "4.2.10": "FAIL",
      "4.2.11": "PASS",
      "4.2.12": "FAIL",
      "4.2.13": "FAIL", // podPidsLimit -1: no limit
      "4.2.14": "FAIL", // seccompDefault omitted = false
    },
  },
  "configz-insecure.json": {
    "cis-1.6": {
      "4.2.1": "FAIL",
      "4.2.2": "FAIL",
      "4.2.3": "FAIL", // x509: {}
      "4.2.4": "FAIL", // 10255
      "4.2.5": "PASS",
      "4.2.6": "FAIL",
      "4.2.7": "FAIL",
      "4.2.9": "INFO",
      "4.2.10": "INFO", // .../kubelet.crt: the self-generated file; only the wire tells
      "4.2.11": "FAIL",
      "4.2.12": "PASS",
      "4.2.13": "FAIL",
    },
    "cis-1.12": {
      "4.2.1": "FAIL",
      "4.2.2": "FAIL",
      "4.2.3": "FAIL",
      "4.2.4": "FAIL",
      "4.2.5": "PASS",
      "4.2.6": "FAIL",
      "4.2.8": "INFO",
      "4.2.9": "INFO",
      "4.2.10": "FAIL",
      "4.2.11": "PASS",
      "4.2.12": "FAIL",
      "4.2.13": "FAIL",
      "4.2.14": "FAIL",
    },
  },
  "configz-kubeadm-default.json": {
    "cis-1.6": {
      "4.2.1": "PASS",
      "4.2.2": "PASS",
      "4.2.3": "PASS",
      "4.2.4": "PASS",
      "4.2.5": "PASS",
      "4.2.6": "FAIL",
      "4.2.7": "FAIL",
      "4.2.9": "INFO",
      "4.2.10": "INFO",
      "4.2.11": "FAIL",
      "4.2.12": "PASS",
      "4.2.13": "FAIL",
    },
    "cis-1.12": {
      "4.2.1": "PASS",
      "4.2.2": "PASS",
      "4.2.3": "PASS",
      "4.2.4": "PASS",
      "4.2.5": "PASS",
      "4.2.6": "FAIL",
      "4.2.8": "INFO",
      "4.2.9": "INFO",
      "4.2.10": "FAIL",
      "4.2.11": "PASS",
      "4.2.12": "FAIL",
      "4.2.13": "FAIL",
      "4.2.14": "FAIL",
    },
  },
};

function kubeletFacts(config: Record<string, unknown>, benchmark: string): EndpointFacts {
  return {
    host: "127.0.0.1",
    port: 10250,
    role: "kubelet",
    state: "open",
    reachable: true,
    error: null,
    speaksTls: true,
    plainHttp: false,
    tls: null,
    chain: [],
    validation: null,
    kubeletConfig: {
      via: "direct",
      identity: "trusted",
      path: "/configz",
      status: 200,
      config,
      problem: null,
    },
    scan: { benchmark, caConfigured: true, trustedIdentity: true, apiCredentials: false, expiryWarnDays: 30 },
  };
}

describe("the config probes on a real v1.20 kubelet's /configz", () => {
  let probes: Probe[];
  beforeAll(async () => {
    probes = (await loadProbes()).probes.filter((probe) => probe.checkSource === "config");
  });

  for (const [file, byBenchmark] of Object.entries(EXPECTED)) {
    for (const [benchmark, expected] of Object.entries(byBenchmark)) {
      it(`${file} under ${benchmark}`, async () => {
        const parsed = parseConfigz(await readFile(join(FIXTURES, file), "utf8"), false);
        expect(parsed.problem).toBeNull();
        const checks = evaluateProbes(probes, kubeletFacts(parsed.config ?? {}, benchmark));
        expect(checks.every((check) => check.source === "config")).toBe(true);
        const byControl: Verdicts = {};
        for (const check of checks) {
          for (const control of check.cis) {
            expect(byControl[control], `two config checks carry ${control}`).toBeUndefined();
            byControl[control] = check.status;
          }
        }
        expect(byControl).toEqual(expected);
      });
    }
  }

  it("says why the configuration is unknown instead of judging it", () => {
    const facts = kubeletFacts({}, "cis-1.12");
    delete facts.kubeletConfig;
    facts.auth = {
      anonymous: [{ path: "/configz", outcome: "http", status: 401, user: null, snippet: "Unauthorized" }],
    };
    const checks = evaluateProbes(probes, facts);
    expect(new Set(checks.map((check) => check.status))).toEqual(new Set(["SKIP"]));
    expect(checks[0]?.evidence).toMatch(/answered anonymous 401/);
    const broken = kubeletFacts({}, "cis-1.12");
    broken.kubeletConfig = {
      via: "direct",
      identity: "trusted",
      path: "/configz",
      status: 200,
      config: null,
      problem: "the body is not JSON",
    };
    const errors = evaluateProbes(probes, broken);
    expect(new Set(errors.map((check) => check.status))).toEqual(new Set(["ERROR"]));
    expect(errors[0]?.evidence).toBe("/configz answered 200 but the body is not JSON");
  });
});

describe("parseConfigz", () => {
  it("keeps the kubeletconfig object whole and names what is wrong with anything else", () => {
    expect(parseConfigz('{"kubeletconfig":{"readOnlyPort":10255}}', false)).toEqual({
      config: { readOnlyPort: 10255 },
      problem: null,
    });
    expect(parseConfigz("<html>", false).problem).toBe("the body is not JSON");
    expect(parseConfigz("[1]", false).problem).toBe("the body is not a JSON object");
    expect(parseConfigz('{"componentconfig":{}}', false).problem).toMatch(/no "kubeletconfig" object/);
    expect(parseConfigz('{"kubeletconfig":{}}', true).problem).toMatch(/size cap/);
  });
});
