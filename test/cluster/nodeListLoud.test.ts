import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvalidTarget } from "../../src/model/index.js";
import { mintCertificate } from "../../src/x509/index.js";
import { type HostileApiServer, startApiServer } from "../hostile/apiServers.js";
import { scanTargets } from "../hostile/scan.js";
import { runCli } from "../support/cli.js";

let refusing: HostileApiServer;
let directory: string;

beforeAll(async () => {
  const serving = await mintCertificate({
    subject: { commonName: "apiserver" },
    key: { type: "ec", curve: "P-256" },
  });
  refusing = await startApiServer({ kind: "status", code: 403, reason: "Forbidden" }, serving);
  directory = mkdtempSync(join(tmpdir(), "kubetls-loud-"));
});

afterAll(async () => {
  await refusing?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A kubeconfig whose API server answers every node list 403. */
function writeRefusingKubeconfig(): string {
  const kubeconfig = join(directory, "config");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "c",
          cluster: {
            server: `https://${refusing.host}:${refusing.port}`,
            "insecure-skip-tls-verify": true,
          },
        },
      ],
      users: [{ name: "u", user: { token: "loud-test-token" } }],
      contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
      "current-context": "ctx",
    }),
  );
  return kubeconfig;
}

describe("a failing node listing is loud", () => {
  it("is reported as it happens and in the report, and the node-proxy checks say ERROR: never a silent scan of nothing", async () => {
    const kubeconfig = writeRefusingKubeconfig();
    const reported: InvalidTarget[] = [];
    const { result } = await scanTargets([], {
      timeoutMs: 1_500,
      cluster: { kubeconfigFile: kubeconfig, nodeAddressTypes: ["InternalIP"] },
      onInvalidTarget: (invalid) => reported.push(invalid),
    });
    const expected = {
      input: 'the nodes of kubeconfig context "ctx"',
      source: "kubeconfig",
      reason: expect.stringMatching(
        /^GET \/api\/v1\/nodes failed, no node scanned: GET \/api\/v1\/nodes answered 403 \(Forbidden/,
      ),
    };
    expect(reported).toEqual([expected]);
    expect(result.targets.invalid).toEqual([expected]);
    const apiserver = result.endpoints.find((endpoint) => endpoint.port === refusing.port);
    expect(apiserver?.nodeListError?.message).toMatch(/403 \(Forbidden/);
    const proxyChecks = apiserver?.checks.filter((check) => check.id.startsWith("apiserver.kubelet-"));
    expect(proxyChecks?.map((check) => check.status)).toEqual(["ERROR", "ERROR"]);
    // Listed once: the cluster phase reuses the discovery's answer.
    expect(refusing.requests.filter((path) => path.startsWith("/api/v1/nodes?")).length).toBe(1);
  });

  it("makes `kubetls scan --kubeconfig` with no targets exit 4 with the reason on stderr, whatever --fail-on says", async () => {
    const run = await runCli([
      "scan",
      "--kubeconfig",
      writeRefusingKubeconfig(),
      "--fail-on",
      "none",
      "--format",
      "json",
    ]);
    expect(run.stderr).toMatch(
      /the nodes of kubeconfig context "ctx" could not be listed .*403.*no node was scanned/,
    );
    expect(run.code).toBe(4);
  });
});
