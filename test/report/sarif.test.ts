import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { endpointKey } from "../../src/model/index.js";
import { formatSarif } from "../../src/report/index.js";
import { allEndpoints, scanResult, selfGeneratedKubelet } from "./fixtures.js";
import { HOSTILE_CN, hostileResult } from "./hostile.js";

/**
 * schema/sarif-2.1.0.schema.json is the SARIF 2.1.0 schema as the npm package @microsoft/jest-sarif
 * ships it (lib/schemas/sarif-2.1.0-rtm.5.json, byte for byte). It is written for draft-04, whose
 * only keyword here that later drafts spell differently is the top-level `id`; ajv 8 reads draft-07,
 * so the test renames that one keyword and drops the draft-04 `$schema` before compiling. The
 * schema's `language` pattern has a stray `]` that only a non-Unicode (pre-ES2015) regex accepts, as
 * draft-04's ECMA 262 patterns were: hence `unicodeRegExp: false`. Strict otherwise, less
 * `strictRequired`, which objects to the schema's `anyOf: [{required: [...]}]` idiom.
 */
const vendored = JSON.parse(
  readFileSync(new URL("../../schema/sarif-2.1.0.schema.json", import.meta.url), "utf8"),
);
const { $schema: draft, id, ...definitions } = vendored;
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  unicodeRegExp: false,
});
addFormats.default(ajv);
const validateSarif = ajv.compile({ $id: id, ...definitions });

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the parsed log freely.
type Json = any;

function sarifOf(json: string): Json {
  return JSON.parse(json);
}

describe("formatSarif", () => {
  const log = sarifOf(formatSarif(scanResult()));
  const run = log.runs[0];

  it("is the vendored SARIF 2.1.0 schema, and the log validates against it", () => {
    expect(draft).toBe("http://json-schema.org/draft-04/schema#");
    expect(vendored.title).toMatch(/SARIF\) Version 2\.1\.0/);
    expect(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2)).toBe(true);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
  });

  it("rejects what the schema forbids, so the validation above means something", () => {
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = "fatal";
    expect(validateSarif(broken)).toBe(false);
    const extra = structuredClone(log);
    extra.runs[0].tool.driver.colour = "red";
    expect(validateSarif(extra)).toBe(false);
  });

  it("describes the tool and one rule per check id, with title, remediation and CIS tags", () => {
    const driver = run.tool.driver;
    expect(driver).toMatchObject({
      name: "kubetls",
      version: "0.1.0",
      informationUri: "https://kubetls.dev",
    });
    const checkIds = new Set(allEndpoints.flatMap((endpoint) => endpoint.checks.map((check) => check.id)));
    expect(driver.rules).toHaveLength(checkIds.size);
    expect(driver.rules).toHaveLength(8);
    expect(new Set(driver.rules.map((rule: Json) => rule.id))).toEqual(checkIds);

    const anonymous = driver.rules.find((rule: Json) => rule.id === "kubelet-anonymous-auth");
    expect(anonymous.shortDescription.text).toBe("kubelet-anonymous-auth title");
    // The first endpoint in report order passes (no remediation); a later one fails and brings it.
    expect(anonymous.help.text).toBe("Fix kubelet-anonymous-auth.");
    expect(anonymous.properties.tags).toEqual(["security", "kubernetes", "tls", "CIS-1.12-4.2.1"]);
    expect(anonymous.properties.cis).toEqual(["4.2.1"]);
    expect(anonymous.properties["security-severity"]).toBe("8.0");

    const ciphers = driver.rules.find((rule: Json) => rule.id === "apiserver-ciphers");
    expect(ciphers.help).toBeUndefined();
    expect(ciphers.properties.tags).toEqual(["security", "kubernetes", "tls"]);
    expect(ciphers.properties["security-severity"]).toBeUndefined();
  });

  it("reports every non-PASS, non-SKIP check once, at the right level, pointing at its rule", () => {
    const findings = allEndpoints.flatMap((endpoint) =>
      endpoint.checks.filter((check) => check.status !== "PASS" && check.status !== "SKIP"),
    );
    expect(run.results).toHaveLength(findings.length);
    expect(run.results).toHaveLength(6);
    const levels = run.results.map((result: Json) => `${result.ruleId}=${result.level}`);
    expect(levels).toEqual([
      "kubelet-readonly-port=error",
      "kubelet-anonymous-auth=error",
      "kubelet-authz-mode=warning",
      "kubelet-serving-cert=error",
      "etcd-expiry=warning",
      "apiserver-ciphers=note",
    ]);
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    }
    const first = run.results[1];
    expect(first.message.text).toBe("kubelet-anonymous-auth: observed on the wire");
    expect(first.properties).toMatchObject({
      status: "FAIL",
      severity: "high",
      role: "kubelet",
      cis: ["4.2.1"],
    });
  });

  it("locates each result at a relative, scheme-less URI GitHub code scanning ingests, plus host:port", () => {
    const uris = run.results.map((result: Json) => result.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toContain("kubetls/10.0.0.12/10250");
    expect(uris).toContain("kubetls/fd00::20/2379");
    expect(uris).toContain("kubetls/api.cluster.example/6443");
    for (const uri of uris) expect(uri).not.toMatch(/^[A-Za-z][A-Za-z0-9+.-]*:/);
    const logical = run.results.map(
      (result: Json) => result.locations[0].logicalLocations[0].fullyQualifiedName,
    );
    expect(logical).toContain("[fd00::20]:2379");
    expect(logical).toContain(endpointKey(selfGeneratedKubelet));
  });

  it("percent-encodes what a path segment cannot hold, such as an IPv6 zone's %", () => {
    const zoned = { ...selfGeneratedKubelet, host: "fe80::1%eth0" };
    const [result] = sarifOf(formatSarif(scanResult([zoned]))).runs[0].results;
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe("kubetls/fe80::1%25eth0/10250");
  });

  it("fingerprints each (endpoint, check) stably: same across runs and input order, distinct otherwise", () => {
    const fingerprints = (json: string) =>
      sarifOf(json).runs[0].results.map(
        (result: Json) => `${result.ruleId}@${result.partialFingerprints["kubetlsEndpointCheck/v1"]}`,
      );
    const once = fingerprints(formatSarif(scanResult()));
    const reversed = fingerprints(formatSarif(scanResult([...allEndpoints].reverse())));
    expect(reversed).toEqual(once);
    expect(new Set(once).size).toBe(once.length);
    for (const value of once) expect(value).toMatch(/@[0-9a-f]{64}$/);
  });

  it("keeps hostile evidence as data: valid JSON, C1 controls escaped, still schema-valid", () => {
    const text = formatSarif(hostileResult());
    expect(text).not.toMatch(/[\u007f-\u009f\u2028\u2029]/);
    const hostile = sarifOf(text);
    expect(validateSarif(hostile), JSON.stringify(validateSarif.errors)).toBe(true);
    expect(hostile.runs[0].results[0].message.text).toContain(HOSTILE_CN);
  });

  it("writes an empty run for a scan with no endpoints", () => {
    const empty = sarifOf(formatSarif(scanResult([])));
    expect(validateSarif(empty)).toBe(true);
    expect(empty.runs[0].results).toEqual([]);
    expect(empty.runs[0].tool.driver.rules).toEqual([]);
  });
});
