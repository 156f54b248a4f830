import { spawn } from "node:child_process";
import { createServer } from "node:https";
import { createServer as createTcpServer } from "node:net";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoopbackServer, listenOnLoopback, mintServingChain, servedPem } from "../net/loopback.js";
import { BUILT_CLI, uniqueLabNetwork } from "../support/cli.js";

/** Runs the CLI with stdout read by a reader that takes `lines` lines and then goes away, like `| head`. */
function runIntoHead(
  args: string[],
  lines: number,
): Promise<{ code: number | null; stderr: string; read: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", CI: "true" },
    });
    const read: string[] = [];
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const reader = createInterface({ input: child.stdout });
    reader.on("line", (line) => {
      if (read.length >= lines) return;
      read.push(line);
      if (read.length === lines) {
        reader.close();
        child.stdout.destroy();
      }
    });
    child.once("close", (code) => resolve({ code, stderr, read }));
  });
}

describe("a reader that goes away (| head) ends the scan quietly", () => {
  let kubelet: LoopbackServer;
  let tarpit: LoopbackServer;

  beforeAll(async () => {
    const chain = await mintServingChain({ type: "ec", curve: "P-256" }, "node1");
    kubelet = await listenOnLoopback(
      createServer({ cert: servedPem(chain), key: chain.leaf.keyPem }, (_request, response) => {
        response.writeHead(401).end("Unauthorized");
      }),
      `${uniqueLabNetwork()}.1`,
    );
    tarpit = await listenOnLoopback(createTcpServer(), `${uniqueLabNetwork()}.2`);
  });

  afterAll(async () => {
    await kubelet?.close();
    await tarpit?.close();
  });

  it("--dry-run over a /8 | head -3: three lines, exit 141, no stack trace, no runaway", async () => {
    const run = await runIntoHead(["scan", "10.0.0.0/8", "--dry-run", "--allow-large"], 3);
    // readline may hand over the rest of the chunk it had; the lines themselves are what matters.
    expect(run.read).toEqual([
      "10.0.0.0:10250 kubelet",
      "10.0.0.0:10255 kubelet-readonly",
      "10.0.0.0:6443 apiserver",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(141);
  });

  it("--format jsonl | head -1: the first endpoint line, then exit 141 without 'scan failed'", async () => {
    const run = await runIntoHead(
      [
        "scan",
        `${kubelet.host}:${kubelet.port}`,
        // A tarpit keeps the scan going after the reader has left, so its next line meets a closed pipe.
        `${tarpit.host}:${tarpit.port}`,
        "--format",
        "jsonl",
        "--tls-scan",
        "off",
        "--timeout",
        "1000",
      ],
      1,
    );
    expect(JSON.parse(run.read[0] ?? "{}")).toMatchObject({ type: "endpoint", state: "open" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(141);
  });
});
