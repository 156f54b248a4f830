import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintCertificate } from "../../src/x509/index.js";
import { runCli, uniqueLabNetwork } from "../support/cli.js";
import { type ImportRecorder, writeImportRecorder } from "../support/importRecorder.js";

/*
 * What a scan imports before it can dial is start-up every scan pays (issue 9). The yaml parser and undici
 * are the largest: yaml is needed only for a kubeconfig (or a probe file changed since the build), undici
 * only for the first HTTP request. A static import of either would bring the cost back silently.
 */
let work: string;
let recorder: ImportRecorder;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "kubetls-imports-"));
  recorder = await writeImportRecorder(work);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function importsOf(args: string[]): Promise<{ code: number; loaded: string[] }> {
  await recorder.reset();
  const run = await runCli(args, {
    env: { KUBETLS_LOADED_LOG: recorder.log, NODE_OPTIONS: `--import ${recorder.register}` },
  });
  return { code: run.code, loaded: await recorder.loaded() };
}

describe("what a scan imports", () => {
  it("a scan that finds nothing open loads neither the yaml parser nor undici", async () => {
    // Nothing listens on this random loopback address: the connect is refused at once.
    const { code, loaded } = await importsOf(["scan", `${uniqueLabNetwork()}.9:10250`, "--format", "json"]);
    expect(code).toBe(4);
    expect(loaded.some((url) => url.includes("/dist/src/pipeline/runScan.js"))).toBe(true);
    expect(loaded.filter((url) => /\/node_modules\/(yaml|undici)\//.test(url))).toEqual([]);
  });

  it("a kubeconfig still gets the yaml parser, loaded when it is read", async () => {
    const kubeconfig = join(work, "kubeconfig.yaml");
    await writeFile(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
    const { code, loaded } = await importsOf(["scan", "--kubeconfig", kubeconfig, "--format", "json"]);
    // No current context: refused as operator input, after the file was parsed.
    expect(code).toBe(2);
    expect(loaded.some((url) => /\/node_modules\/yaml\//.test(url))).toBe(true);
  });

  it("the first GET loads undici's Client and request API, never its index (fetch, WebSocket, agents)", async () => {
    const serving = await mintCertificate({
      subject: { commonName: "kubelet" },
      key: { type: "ec", curve: "P-256" },
      ipAddresses: ["127.0.0.1"],
    });
    const server = createServer({ cert: serving.certPem, key: serving.keyPem }, (_request, response) => {
      response.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { loaded } = await importsOf([
        "scan",
        `127.0.0.1:${port}`,
        "--tls-scan",
        "off",
        "--format",
        "json",
        "--fail-on",
        "none",
      ]);
      const undici = loaded.filter((url) => url.includes("/node_modules/undici/"));
      expect(undici.some((url) => url.endsWith("/undici/lib/dispatcher/client.js"))).toBe(true);
      expect(undici.filter((url) => url.endsWith("/undici/index.js"))).toEqual([]);
    } finally {
      server.close();
    }
  });
});
