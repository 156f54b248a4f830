import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab/index.js";
import type { ScanResult } from "../../src/model/index.js";
import { type EndpointResult, endpointKey } from "../../src/model/index.js";
import { runCli, uniqueLabNetwork } from "../support/cli.js";

/*
 * How the operator asks for the cluster, driven through the built CLI against the lab's API server:
 * `--kubeconfig` with no file, and `--context` alone, find the kubeconfig as kubectl does ($KUBECONFIG,
 * else ~/.kube/config); with no --ca-file, the kubeconfig's CA judges that API server's chain.
 */
let lab: Lab;
let directory: string;

beforeAll(async () => {
  lab = await startLab({ network: uniqueLabNetwork(), only: ["apiserver-good"] });
  directory = await mkdtemp(join(tmpdir(), "kubetls-kubeconfig-scan-"));
});
afterAll(async () => {
  await lab?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

const apiserverKey = () => `${lab.postures[0]?.address}:6443`;
/** The API server only: no node listing, no kubelets, a short deadline. */
const scanArgs = () => [
  "scan",
  apiserverKey(),
  "--scope",
  lab.targetRange,
  "--tls-scan",
  "off",
  "--format",
  "json",
  "--fail-on",
  "none",
  "--timeout",
  "2000",
];

function apiserverOf(stdout: string): EndpointResult {
  const result = JSON.parse(stdout) as ScanResult;
  const found = result.endpoints.find((endpoint) => endpointKey(endpoint) === apiserverKey());
  if (!found) throw new Error(`no ${apiserverKey()} in the report`);
  return found;
}

const servingCert = (endpoint: EndpointResult) =>
  endpoint.checks.find((check) => check.id === "apiserver.serving-cert")?.status;

describe("asking for the cluster without naming a kubeconfig file", () => {
  it("--kubeconfig alone reads $KUBECONFIG, skipping a missing entry; its CA judges the API server's chain", async () => {
    const missing = join(directory, "absent.kubeconfig");
    const run = await runCli([...scanArgs(), "--kubeconfig"], {
      env: { KUBECONFIG: `${missing}:${lab.kubeconfigFile}`, HOME: join(directory, "no-home") },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const apiserver = apiserverOf(run.stdout);
    // No --ca-file: the kubeconfig's CA is the anchor, so the lab's cluster-CA chain is trusted.
    expect(apiserver.validation?.trusted).toBe(true);
    expect(apiserver.validation?.errors).not.toContain("no-ca-configured");
    expect(servingCert(apiserver)).toBe("PASS");
    // The kubeconfig's admin identity was used against its own API server.
    expect(apiserver.auth?.trusted?.find((probe) => probe.path === "/api")?.status).toBe(200);
  });

  it("without the kubeconfig, the same scan has no anchor: the chain is not judged trusted", async () => {
    const run = await runCli(scanArgs(), { env: { HOME: join(directory, "no-home") } });
    expect(run.code).toBe(0);
    const apiserver = apiserverOf(run.stdout);
    expect(apiserver.validation?.trusted).toBe(false);
    expect(apiserver.validation?.errors).toContain("no-ca-configured");
    expect(servingCert(apiserver)).not.toBe("PASS");
  });

  it("--context alone reads ~/.kube/config when $KUBECONFIG is unset", async () => {
    const home = join(directory, "home");
    await mkdir(join(home, ".kube"), { recursive: true });
    await copyFile(lab.kubeconfigFile, join(home, ".kube", "config"));
    const run = await runCli([...scanArgs(), "--context", "kubetls-lab"], {
      env: { HOME: home, KUBECONFIG: "" },
    });
    expect(run.stderr).toBe("");
    expect(apiserverOf(run.stdout).auth?.trusted?.find((probe) => probe.path === "/api")?.status).toBe(200);
  });

  it("a kubeconfig that cannot be found is exit 2 with the place it looked, before anything is dialled", async () => {
    const home = join(directory, "empty-home");
    const run = await runCli(["scan", "--kubeconfig", "--format", "json"], {
      env: { HOME: home, KUBECONFIG: "" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(join(home, ".kube", "config"));
    expect(run.stdout).toBe("");
  });
});
