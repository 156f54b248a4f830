import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const BUILT_CLI = join(root, "dist/src/cli/main.js");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would; `npm test` builds first, so a stale or missing build fails loudly. */
export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run "npm run build" (npm test does)`);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BUILT_CLI, ...args],
      {
        env: { ...process.env, NO_COLOR: "1", ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === "number" ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** A 127.x.y block unlikely to collide with another test file's lab running in parallel. */
export function uniqueLabNetwork(): string {
  return `127.${100 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}`;
}

/**
 * What a scan of the lab needs to judge it: the lab's CA, its kubelet-client pair, a JSON report, no exit-1.
 * The phase deadline leaves room for a loaded machine: a raw ClientHello that gets no answer in time is
 * reported as unknown (ERROR), so a tight deadline would turn load into verdicts.
 */
export function labScanArgs(
  lab: {
    caFile: string;
    clientCertFile: string;
    clientKeyFile: string;
    etcdCaFile: string;
    etcdClientCertFile: string;
    etcdClientKeyFile: string;
  },
  timeoutMs = 4000,
): string[] {
  return [
    "--ca-file",
    lab.caFile,
    "--client-cert",
    lab.clientCertFile,
    "--client-key",
    lab.clientKeyFile,
    "--etcd-ca-file",
    lab.etcdCaFile,
    "--etcd-client-cert",
    lab.etcdClientCertFile,
    "--etcd-client-key",
    lab.etcdClientKeyFile,
    "--format",
    "json",
    "--timeout",
    String(timeoutMs),
    "--fail-on",
    "none",
  ];
}
