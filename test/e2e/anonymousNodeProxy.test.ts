import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab/index.js";
import { type EndpointResult, REPORT_FORMATS, type ScanResult } from "../../src/model/index.js";
import { labScanArgs, runCli, uniqueLabNetwork } from "../support/cli.js";
import { resultSchemaErrors } from "../support/schema.js";

/*
 * The critical finding: an API server whose RBAC grants system:anonymous nodes/proxy lets anyone reach every
 * kubelet through it. The lab's v1.20-like API server with that one binding must FAIL apiserver.authorization as a
 * critical finding, shown as such in every format; the same API server without the binding must not.
 */
const POSTURES = ["apiserver-anonymous-node-proxy", "apiserver-good", "kubelet-good"] as const;
let lab: Lab;
let result: ScanResult;
let reports: Map<string, string>;

function addressOf(posture: string): string {
  const instance = lab.postures.find((candidate) => candidate.name === posture);
  if (!instance) throw new Error(`posture ${posture} is not running`);
  return instance.address;
}

function apiserver(posture: string): EndpointResult | undefined {
  return result.endpoints.find((endpoint) => endpoint.host === addressOf(posture) && endpoint.port === 6443);
}

beforeAll(async () => {
  lab = await startLab({ network: uniqueLabNetwork(), only: [...POSTURES] });
  const directory = await mkdtemp(join(tmpdir(), "kubetls-critical-"));
  const outputs = REPORT_FORMATS.filter((format) => format !== "json").flatMap((format) => [
    `--output-${format}`,
    join(directory, `report.${format}`),
  ]);
  const run = await runCli([
    "scan",
    `${addressOf("apiserver-anonymous-node-proxy")}:6443`,
    `${addressOf("apiserver-good")}:6443`,
    `${addressOf("kubelet-good")}:10250`,
    ...labScanArgs(lab),
    ...outputs,
  ]);
  expect(run.stderr).toBe("");
  result = JSON.parse(run.stdout) as ScanResult;
  reports = new Map(
    await Promise.all(
      REPORT_FORMATS.filter((format) => format !== "json").map(
        async (format) => [format, await readFile(join(directory, `report.${format}`), "utf8")] as const,
      ),
    ),
  );
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

describe("anonymous access through the API server's node proxy", () => {
  it("asks a listed node's /healthz anonymously and FAILs authorization as a critical finding on a 200", () => {
    const open = apiserver("apiserver-anonymous-node-proxy");
    expect(open?.anonymousNodeProxy).toMatchObject({
      node: expect.any(String),
      outcome: "http",
      status: 200,
    });
    // /api itself is still denied: only the node proxy is open, and that alone decides.
    expect(open?.auth?.anonymous?.find((probe) => probe.path === "/api")?.status).toBe(403);
    const check = open?.checks.find((candidate) => candidate.id === "apiserver.authorization");
    expect(check).toMatchObject({ status: "FAIL", critical: true, severity: "critical", cis: ["1.2.6"] });
    expect(check?.evidence).toMatch(/^anonymous GET \/api\/v1\/nodes\/[^/]+\/proxy\/healthz answered 200/);
    expect(resultSchemaErrors(result)).toBeNull();
  });

  it("PASSes the same API server without the binding, and marks nothing critical there", () => {
    const closed = apiserver("apiserver-good");
    expect(closed?.anonymousNodeProxy).toMatchObject({ outcome: "http", status: 403 });
    const check = closed?.checks.find((candidate) => candidate.id === "apiserver.authorization");
    expect(check?.status).toBe("PASS");
    expect(check?.critical).toBeUndefined();
    expect(result.endpoints.flatMap((endpoint) => endpoint.checks).filter((c) => c.critical)).toHaveLength(1);
  });

  it("shows the critical finding in every format", () => {
    expect(reports.size).toBe(REPORT_FORMATS.length - 1);
    // Machine formats carry the field; every format a person reads carries the label.
    for (const [format, text] of reports) {
      if (format !== "jsonl") expect(text, format).toMatch(/CRITICAL/);
    }
    expect(reports.get("jsonl")).toMatch(/"critical":\s*true/);
    expect(reports.get("sarif")).toMatch(/"critical":\s*true/);
  });
});
