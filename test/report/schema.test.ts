import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  CHECK_STATUSES,
  type KeyType,
  type NetErrorCode,
  ROLES,
  type Severity,
  type ValidationErrorCode,
} from "../../src/model/index.js";
import { formatJson, formatJsonlLine, formatJsonlSummary } from "../../src/report/index.js";
import { allEndpoints, etcdWithHelloScan, scanResult } from "./fixtures.js";

const schema = JSON.parse(
  readFileSync(new URL("../../schema/kubetls-result.schema.json", import.meta.url), "utf8"),
);
const SCHEMA_ID = "https://kubetls.dev/schema/result-v1.json";

// strict: an unknown keyword or a type/keyword mismatch in the schema itself fails compilation.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats.default(ajv);
const validateResult = ajv.compile(schema);
const validateEndpoint = ajv.getSchema(`${SCHEMA_ID}#/$defs/jsonlEndpoint`) as ValidateFunction;
const validateJsonlSummary = ajv.getSchema(`${SCHEMA_ID}#/$defs/jsonlSummary`) as ValidateFunction;

/** A valid document to break, fresh each time. */
// biome-ignore lint/suspicious/noExplicitAny: the tests reach into it to break it on purpose.
function documentToBreak(): Record<string, any> {
  return JSON.parse(formatJson(scanResult()));
}

function errorsOf(validate: ValidateFunction, data: unknown): ErrorObject[] {
  expect(validate(data)).toBe(false);
  return validate.errors ?? [];
}

describe("schema accepts what the formatters write", () => {
  it("has the expected $id and draft", () => {
    expect(schema.$id).toBe(SCHEMA_ID);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("validates formatJson output for every fixture (RSA, ECDSA, unreachable, plain HTTP, auth, hello scan)", () => {
    const document = documentToBreak();
    expect(validateResult(document), JSON.stringify(validateResult.errors, null, 2)).toBe(true);
    expect(document.endpoints).toHaveLength(allEndpoints.length);
  });

  it("validates every jsonl line against its $defs", () => {
    for (const endpoint of allEndpoints) {
      const line = JSON.parse(formatJsonlLine(endpoint));
      expect(validateEndpoint(line), JSON.stringify(validateEndpoint.errors)).toBe(true);
    }
    expect(validateJsonlSummary(JSON.parse(formatJsonlSummary(scanResult())))).toBe(true);
  });

  it("accepts every clientCertRequest shape and a result with no endpoints", () => {
    for (const clientCertRequest of [{ sent: false }, null, { sent: true, caNames: [] }]) {
      const endpoint = { ...etcdWithHelloScan, tls: { ...etcdWithHelloScan.tls, clientCertRequest } };
      expect(validateEndpoint(JSON.parse(formatJsonlLine(endpoint as typeof etcdWithHelloScan)))).toBe(true);
    }
    expect(validateResult(JSON.parse(formatJson(scanResult([]))))).toBe(true);
  });
});

describe("schema rejects broken documents", () => {
  it("rejects an unknown top-level field", () => {
    const document = { ...documentToBreak(), extra: true };
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({ keyword: "additionalProperties", params: { additionalProperty: "extra" } }),
    );
  });

  it("rejects an unknown field inside a check", () => {
    const document = documentToBreak();
    document.endpoints[0].checks[0].cvss = 9.8;
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: "/endpoints/0/checks/0", keyword: "additionalProperties" }),
    );
  });

  it("rejects an unknown field inside an auth probe", () => {
    const document = documentToBreak();
    const withAuth = document.endpoints.findIndex((endpoint: { auth?: unknown }) => endpoint.auth);
    document.endpoints[withAuth].auth.trusted[0].headers = {};
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({
        instancePath: `/endpoints/${withAuth}/auth/trusted/0`,
        keyword: "additionalProperties",
      }),
    );
  });

  it("rejects a bad check status", () => {
    const document = documentToBreak();
    document.endpoints[0].checks[0].status = "OK";
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: "/endpoints/0/checks/0/status", keyword: "enum" }),
    );
  });

  it("rejects an upper-case sha256", () => {
    const document = documentToBreak();
    document.endpoints[0].chain[0].sha256 = document.endpoints[0].chain[0].sha256.toUpperCase();
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: "/endpoints/0/chain/0/sha256", keyword: "pattern" }),
    );
  });

  it("rejects a truncated sha256", () => {
    const document = documentToBreak();
    document.endpoints[0].chain[0].sha256 = "ab".repeat(20);
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: "/endpoints/0/chain/0/sha256", keyword: "pattern" }),
    );
  });

  it("rejects an endpoint missing a required field", () => {
    const document = documentToBreak();
    delete document.endpoints[0].role;
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({
        instancePath: "/endpoints/0",
        keyword: "required",
        params: { missingProperty: "role" },
      }),
    );
  });

  it("rejects a summary missing a status count", () => {
    const document = documentToBreak();
    delete document.summary.findings.ERROR;
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: "/summary/findings", keyword: "required" }),
    );
  });

  it("rejects an error code outside NetErrorCode", () => {
    const document = documentToBreak();
    const unreachable = document.endpoints.findIndex(
      (endpoint: { reachable: boolean }) => !endpoint.reachable,
    );
    document.endpoints[unreachable].error.code = "ECONNREFUSED";
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: `/endpoints/${unreachable}/error/code`, keyword: "enum" }),
    );
  });

  it("rejects a validation error code outside ValidationErrorCode", () => {
    const document = documentToBreak();
    const untrusted = document.endpoints.findIndex(
      (endpoint: { validation: { trusted: boolean } | null }) => endpoint.validation?.trusted === false,
    );
    document.endpoints[untrusted].validation.errors = ["bad-vibes"];
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({
        instancePath: `/endpoints/${untrusted}/validation/errors/0`,
        keyword: "enum",
      }),
    );
  });

  it("rejects an unreachable endpoint that does not say why", () => {
    const document = documentToBreak();
    const unreachable = document.endpoints.findIndex(
      (endpoint: { reachable: boolean }) => !endpoint.reachable,
    );
    document.endpoints[unreachable].error = null;
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: `/endpoints/${unreachable}/error`, keyword: "type" }),
    );
  });

  it("rejects a timestamp that is not date-time", () => {
    const document = { ...documentToBreak(), startedAt: "yesterday" };
    const errors = errorsOf(validateResult, document);
    expect(errors).toContainEqual(expect.objectContaining({ instancePath: "/startedAt", keyword: "format" }));
  });

  it("rejects an unknown role", () => {
    const document = documentToBreak();
    document.endpoints[0].role = "controller";
    expect(errorsOf(validateResult, document)).toContainEqual(
      expect.objectContaining({ instancePath: "/endpoints/0/role", keyword: "enum" }),
    );
  });

  it("rejects an unknown key type", () => {
    const document = documentToBreak();
    document.endpoints[0].chain[0].keyType = "ecdsa";
    expect(errorsOf(validateResult, document)).toContainEqual(
      expect.objectContaining({ instancePath: "/endpoints/0/chain/0/keyType", keyword: "enum" }),
    );
  });

  it("rejects an auth outcome that is neither http nor a net error code", () => {
    const document = documentToBreak();
    const withAuth = document.endpoints.findIndex((endpoint: { auth?: unknown }) => endpoint.auth);
    document.endpoints[withAuth].auth.anonymous[0].outcome = "401";
    expect(errorsOf(validateResult, document)).toContainEqual(
      expect.objectContaining({
        instancePath: `/endpoints/${withAuth}/auth/anonymous/0/outcome`,
        keyword: "anyOf",
      }),
    );
  });

  it("rejects clientCertRequest sent:false with CA names", () => {
    const document = documentToBreak();
    const etcd = document.endpoints.findIndex((endpoint: { role: string }) => endpoint.role === "etcd");
    document.endpoints[etcd].tls.clientCertRequest = { sent: false, caNames: ["CN=x"] };
    expect(errorsOf(validateResult, document)).toContainEqual(
      expect.objectContaining({ instancePath: `/endpoints/${etcd}/tls/clientCertRequest`, keyword: "oneOf" }),
    );
  });
});

describe("schema enums match the model", () => {
  const NET_ERROR_CODES = [
    "refused",
    "timeout",
    "reset",
    "unreachable",
    "dns-failure",
    "not-tls",
    "handshake-rejected",
    "protocol-error",
    "body-too-large",
    "out-of-scope",
    "error",
  ] as const satisfies readonly NetErrorCode[];
  const VALIDATION_ERROR_CODES = [
    "untrusted-root",
    "self-signed",
    "expired",
    "not-yet-valid",
    "name-mismatch",
    "incomplete-chain",
    "weak-key",
    "weak-signature",
    "not-server-auth",
    "kubelet-self-generated",
    "bad-signature",
    "issuer-not-ca",
    "no-certificate",
    "no-ca-configured",
    "malformed-certificate",
    "chain-search-limit",
  ] as const satisfies readonly ValidationErrorCode[];
  const KEY_TYPES = [
    "rsa",
    "ec",
    "ed25519",
    "ed448",
    "dsa",
    "rsa-pss",
    "unknown",
  ] as const satisfies readonly KeyType[];
  const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const satisfies readonly Severity[];

  it("lists every member of each union (checked by the type checker)", () => {
    expectTypeOf<Exclude<NetErrorCode, (typeof NET_ERROR_CODES)[number]>>().toBeNever();
    expectTypeOf<Exclude<ValidationErrorCode, (typeof VALIDATION_ERROR_CODES)[number]>>().toBeNever();
    expectTypeOf<Exclude<KeyType, (typeof KEY_TYPES)[number]>>().toBeNever();
    expectTypeOf<Exclude<Severity, (typeof SEVERITIES)[number]>>().toBeNever();
  });

  it.each([
    ["role", ROLES],
    ["checkStatus", CHECK_STATUSES],
    ["netErrorCode", NET_ERROR_CODES],
    ["validationErrorCode", VALIDATION_ERROR_CODES],
    ["keyType", KEY_TYPES],
    ["severity", SEVERITIES],
  ])("$defs/%s", (name, members) => {
    expect([...schema.$defs[name].enum].sort()).toEqual([...members].sort());
  });
});
