import { type ChildProcess, spawn } from "node:child_process";
import { isAbsolute, join } from "node:path";
import { printableLine } from "../net/index.js";

/** The `exec` stanza of a kubeconfig user, checked. */
export interface ExecPluginConfig {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint: string | null;
}

/** What client-go tells a plugin about the cluster when the stanza sets `provideClusterInfo`. */
export interface ExecClusterInfo {
  server: string;
  "certificate-authority-data"?: string;
  "tls-server-name"?: string;
  "insecure-skip-tls-verify"?: boolean;
}

export type ExecCredential = { token: string } | { certPem: string; keyPem: string };

export type ExecOutcome = { ok: true; credential: ExecCredential } | { ok: false; reason: string };

const EXEC_API_VERSIONS = new Set([
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
]);
/** An ExecCredential is a few kilobytes; a plugin printing more is not one. */
const MAX_STDOUT_BYTES = 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;
const STDERR_LINE_CHARS = 300;

/**
 * Reads and checks a kubeconfig user's `exec` stanza (as `KubeConfig` keeps it: the raw YAML object).
 * A command with a path separator is relative to the kubeconfig's directory, as client-go resolves it;
 * a bare name is looked up on PATH.
 */
export function readExecConfig(exec: unknown, kubeconfigDirectory: string): ExecPluginConfig | string {
  if (typeof exec !== "object" || exec === null) return "exec must be a mapping";
  const stanza = exec as Record<string, unknown>;
  const { command, apiVersion, installHint } = stanza;
  const args = stanza.args ?? [];
  const env = stanza.env ?? [];
  if (typeof command !== "string" || command === "") return "exec.command is missing";
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === "string")) {
    return "exec.args must be a list of strings";
  }
  if (!Array.isArray(env) || !env.every(isEnvEntry)) {
    return "exec.env must be a list of {name, value} strings";
  }
  if (typeof apiVersion !== "string" || !EXEC_API_VERSIONS.has(apiVersion)) {
    return `exec.apiVersion must be one of ${[...EXEC_API_VERSIONS].join(", ")}, got ${JSON.stringify(apiVersion ?? null)}`;
  }
  if (stanza.interactiveMode === "Always") {
    return 'exec.interactiveMode is "Always": kubetls never runs a plugin interactively';
  }
  const resolved =
    !isAbsolute(command) && /[/\\]/.test(command) ? join(kubeconfigDirectory, command) : command;
  return {
    command: resolved,
    args,
    env: env.map(({ name, value }) => ({ name, value })),
    apiVersion,
    installHint: typeof installHint === "string" && installHint.trim() !== "" ? installHint.trim() : null,
  };
}

function isEnvEntry(entry: unknown): entry is { name: string; value: string } {
  if (typeof entry !== "object" || entry === null) return false;
  const { name, value } = entry as Record<string, unknown>;
  return typeof name === "string" && typeof value === "string";
}

/**
 * Runs a credential plugin the way client-go does (stdin closed, KUBERNETES_EXEC_INFO set, not
 * interactive) but with a deadline: past `timeoutMs` its whole process group is killed. Failures name
 * the command and the first line of its stderr; nothing the plugin printed on stdout is ever quoted,
 * since that is where the token would be.
 */
export function runExecPlugin(
  config: ExecPluginConfig,
  timeoutMs: number,
  cluster: ExecClusterInfo | null,
): Promise<ExecOutcome> {
  const name = JSON.stringify(config.command);
  const execInfo = {
    apiVersion: config.apiVersion,
    kind: "ExecCredential",
    spec: { interactive: false, ...(cluster ? { cluster } : {}) },
  };
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(execInfo) };
  for (const { name: key, value } of config.env) env[key] = value;

  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      // Its own process group, so the deadline also reaches whatever the plugin started (aws, gcloud, ...).
      child = spawn(config.command, config.args, {
        env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: process.platform !== "win32",
        windowsHide: true,
      });
    } catch (error) {
      resolve({ ok: false, reason: `cannot run exec plugin ${name}: ${errorText(error)}` });
      return;
    }
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let settled = false;
    const finish = (outcome: ExecOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const kill = (): void => {
      try {
        if (child.pid !== undefined && process.platform !== "win32") process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const deadline = setTimeout(() => {
      kill();
      finish({
        ok: false,
        reason: `exec plugin ${name} did not finish within ${timeoutMs} ms${stderrSuffix(stderr)}`,
      });
    }, timeoutMs);

    child.stdout?.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_STDOUT_BYTES) {
        kill();
        finish({ ok: false, reason: `exec plugin ${name} printed more than ${MAX_STDOUT_BYTES} bytes` });
        return;
      }
      stdout.push(chunk);
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk;
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      kill();
      const hint = error.code === "ENOENT" && config.installHint ? `; ${config.installHint}` : "";
      finish({ ok: false, reason: `cannot run exec plugin ${name}: ${errorText(error)}${hint}` });
    });
    child.on("close", (code, signal) => {
      if (code !== 0) {
        const how = code === null ? `was killed by ${signal ?? "a signal"}` : `exited with code ${code}`;
        finish({ ok: false, reason: `exec plugin ${name} ${how}${stderrSuffix(stderr)}` });
        return;
      }
      const checked = readExecCredential(Buffer.concat(stdout).toString("utf8"), config.apiVersion);
      finish(
        typeof checked === "string"
          ? { ok: false, reason: `exec plugin ${name} ${checked}` }
          : { ok: true, credential: checked },
      );
    });
  });
}

/** The credential in a plugin's stdout, or what is wrong with it, in words that never quote the output. */
export function readExecCredential(stdout: string, apiVersion: string): ExecCredential | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    // JSON.parse's message can quote the input, and the input is where a token would be.
    return "printed something that is not JSON";
  }
  if (typeof parsed !== "object" || parsed === null) return "printed JSON that is not an ExecCredential";
  const { kind, apiVersion: printedVersion, status } = parsed as Record<string, unknown>;
  if (kind !== "ExecCredential") return "printed JSON that is not an ExecCredential";
  if (printedVersion !== apiVersion) {
    const printed = typeof printedVersion === "string" ? printableLine(printedVersion, 80) : "none";
    return `returned apiVersion ${JSON.stringify(printed)}, but the kubeconfig asks for ${JSON.stringify(apiVersion)}`;
  }
  if (typeof status !== "object" || status === null) return "returned an ExecCredential without a status";
  const { token, clientCertificateData, clientKeyData } = status as Record<string, unknown>;
  // Both set is allowed; the certificate wins, as it does in the API server's authenticator order.
  if (typeof clientCertificateData === "string" && typeof clientKeyData === "string") {
    if (clientCertificateData !== "" && clientKeyData !== "") {
      return { certPem: clientCertificateData, keyPem: clientKeyData };
    }
  }
  if (typeof token === "string" && token !== "") return { token };
  return "returned an ExecCredential with neither a token nor a client certificate and key";
}

function stderrSuffix(stderr: string): string {
  const firstLine = stderr.split(/\r?\n/).find((line) => line.trim() !== "");
  return firstLine === undefined ? "" : `: ${printableLine(firstLine.trim(), STDERR_LINE_CHARS)}`;
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "command not found";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? printableLine(error.message, STDERR_LINE_CHARS) : String(error);
}
