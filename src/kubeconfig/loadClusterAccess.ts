import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { KubeConfig, type User } from "@kubernetes/client-node";
import { parseDocument } from "yaml";
import { printableLine } from "../net/index.js";
import { BearerToken } from "./bearerToken.js";
import type { ClusterAccess, ClusterIdentity, IdentityKind } from "./clusterAccess.js";
import { type ExecClusterInfo, readExecConfig, runExecPlugin } from "./execPlugin.js";
import { describeFileError, KubeconfigError } from "./kubeconfigError.js";

export interface LoadClusterAccessOptions {
  kubeconfigPath: string;
  /** The context to use; the file's `current-context` when omitted. */
  context?: string;
  /** Deadline for an exec credential plugin; it is killed past it. */
  execTimeoutMs?: number;
}

/** Long enough for `aws eks get-token` or `gke-gcloud-auth-plugin` on a cold start. */
export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

/**
 * Resolves one context of a kubeconfig into what kubetls needs to talk to its API server: parsing,
 * lookups and path resolution by `@kubernetes/client-node`'s `KubeConfig`; every referenced file read
 * here, so a failure names it. Credentials are resolved without any request to the cluster.
 *
 * Credentials are not resolved through `KubeConfig.applyToHTTPSOptions`: its exec authenticator has no
 * deadline, leaves the plugin's stdin open, and rejects with the plugin's whole stderr or with a
 * JSON.parse message that can quote the token; and `KubeConfig` drops `tokenFile`. Both are handled here.
 */
export async function loadClusterAccess(options: LoadClusterAccessOptions): Promise<ClusterAccess> {
  const shownPath = options.kubeconfigPath;
  const path = resolve(shownPath);
  const directory = dirname(path);
  const fail = (reason: string, contextName: string | null = null): never => {
    throw new KubeconfigError(shownPath, contextName, reason);
  };

  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return fail(`cannot read the file: ${describeFileError(error)}`);
  }
  const raw = parseYaml(text);
  if (typeof raw === "string") return fail(raw);

  const config = new KubeConfig();
  try {
    config.loadFromString(text);
  } catch (error) {
    // Only the first line: a YAML error goes on to quote the file, which may hold a token.
    return fail(`not a valid kubeconfig: ${firstLine(error)}`);
  }
  config.makePathsAbsolute(directory);

  const contextName = options.context ?? config.getCurrentContext();
  const known = config.getContexts().map((context) => context.name);
  const knownList = known.length === 0 ? "it defines none" : `known contexts: ${known.join(", ")}`;
  if (!contextName) return fail(`no context given and no current-context set; ${knownList}`);
  const context = config.getContextObject(contextName);
  if (context === null) return fail(`context ${JSON.stringify(contextName)} not found; ${knownList}`);
  const failHere = (reason: string): never => fail(reason, contextName);

  const cluster = config.getCluster(context.cluster);
  if (cluster === null) {
    return failHere(`the context's cluster ${JSON.stringify(context.cluster)} is not defined`);
  }
  const user = context.user === undefined ? null : config.getUser(context.user);
  if (context.user !== undefined && user === null) {
    return failHere(`the context's user ${JSON.stringify(context.user)} is not defined`);
  }

  const server = parseServer(cluster.server);
  if (typeof server === "string") return failHere(server);
  if (cluster.proxyUrl) {
    return failHere(
      "the cluster sets proxy-url, which kubetls does not support: it dials the API server directly",
    );
  }
  const caPem = await readPem("certificate-authority", cluster.caData, cluster.caFile, failHere);

  const resolved =
    user === null
      ? { identity: null, identityKind: "none" as const }
      : await resolveIdentity(user, rawUserTokenFile(raw, user.name), {
          directory,
          execTimeoutMs: options.execTimeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
          execCluster: hasProvideClusterInfo(user.exec)
            ? {
                server: cluster.server,
                ...(caPem === null
                  ? {}
                  : { "certificate-authority-data": Buffer.from(caPem).toString("base64") }),
                ...(cluster.tlsServerName ? { "tls-server-name": cluster.tlsServerName } : {}),
                ...(cluster.skipTLSVerify ? { "insecure-skip-tls-verify": true } : {}),
              }
            : null,
          fail: failHere,
        });

  return {
    contextName,
    server,
    ...(cluster.tlsServerName ? { serverName: cluster.tlsServerName } : {}),
    caPem,
    insecureSkipTlsVerify: cluster.skipTLSVerify,
    identity: resolved.identity,
    identityKind: resolved.identityKind,
  };
}

interface IdentitySettings {
  directory: string;
  execTimeoutMs: number;
  /** What the plugin is told about the cluster, when its stanza sets `provideClusterInfo`. */
  execCluster: ExecClusterInfo | null;
  fail: (reason: string) => never;
}

async function resolveIdentity(
  user: User,
  tokenFile: string | null,
  settings: IdentitySettings,
): Promise<{ identity: ClusterIdentity | null; identityKind: IdentityKind }> {
  const { fail } = settings;
  const userName = JSON.stringify(user.name);
  if (user.authProvider) {
    const provider = typeof user.authProvider.name === "string" ? user.authProvider.name : "unnamed";
    return fail(
      `user ${userName} uses auth-provider ${JSON.stringify(provider)}, which kubetls does not support; ` +
        "use its exec credential plugin instead",
    );
  }
  if (user.username || user.password) {
    return fail(`user ${userName} uses basic authentication, which Kubernetes removed in 1.19`);
  }
  if (user.impersonateUser) {
    return fail(`user ${userName} impersonates another user (as:), which kubetls does not support`);
  }

  if (user.exec) {
    const config = readExecConfig(user.exec, settings.directory);
    if (typeof config === "string") return fail(`user ${userName}: ${config}`);
    const outcome = await runExecPlugin(config, settings.execTimeoutMs, settings.execCluster);
    if (!outcome.ok) return fail(`user ${userName}: ${outcome.reason}`);
    const credential = outcome.credential;
    const identity = "token" in credential ? { bearerToken: new BearerToken(credential.token) } : credential;
    return { identity, identityKind: "exec" };
  }

  const certPem = await readPem("client-certificate", user.certData, user.certFile, fail);
  const keyPem = await readPem("client-key", user.keyData, user.keyFile, fail);
  if (certPem !== null || keyPem !== null) {
    if (certPem === null) return fail(`user ${userName} has a client key but no client certificate`);
    if (keyPem === null) return fail(`user ${userName} has a client certificate but no client key`);
    // With a token as well, client-go sends both; the API server's x509 authenticator answers first.
    return { identity: { certPem, keyPem }, identityKind: "client-certificate" };
  }

  // client-go rereads tokenFile and lets it win over token; kubetls reads it once.
  if (tokenFile !== null) {
    const path = isAbsolute(tokenFile) ? tokenFile : join(settings.directory, tokenFile);
    let token: string;
    try {
      token = (await readFile(path, "utf8")).trim();
    } catch (error) {
      return fail(`cannot read tokenFile ${JSON.stringify(path)}: ${describeFileError(error)}`);
    }
    if (token === "") return fail(`tokenFile ${JSON.stringify(path)} is empty`);
    return { identity: { bearerToken: new BearerToken(token) }, identityKind: "token-file" };
  }
  if (user.token) return { identity: { bearerToken: new BearerToken(user.token) }, identityKind: "token" };
  return { identity: null, identityKind: "none" };
}

/** `*-data` (base64, preferred as in client-go) or the file `KubeConfig` made absolute. */
async function readPem(
  field: string,
  data: string | null | undefined,
  file: string | null | undefined,
  fail: (reason: string) => never,
): Promise<string | null> {
  if (data) return Buffer.from(data, "base64").toString("utf8");
  if (!file) return null;
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    return fail(`cannot read ${field} file ${JSON.stringify(file)}: ${describeFileError(error)}`);
  }
}

/** `https://host[:port]` only: kubetls talks TLS to the API server, at its root. */
function parseServer(server: string): ClusterAccess["server"] | string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return `the cluster's server ${JSON.stringify(printableLine(server, 200))} is not a URL`;
  }
  const shown = `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  if (url.protocol !== "https:") return `the cluster's server ${JSON.stringify(shown)} is not https`;
  if (url.pathname !== "/" && url.pathname !== "") {
    return `the cluster's server ${JSON.stringify(shown)} has a path, which kubetls does not support`;
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host, port: url.port === "" ? 443 : Number(url.port) };
}

/**
 * The file as plain data, for the one field `KubeConfig` drops: a user's `tokenFile` (it reads a
 * nonstandard `token-file` instead). Errors give the position, never the text around it.
 */
function parseYaml(text: string): unknown {
  const document = parseDocument(text);
  const error = document.errors[0];
  if (error) {
    const position = error.linePos?.[0];
    const at = position ? ` at line ${position.line}, column ${position.col}` : "";
    return `not valid YAML${at} (${error.code})`;
  }
  const value: unknown = document.toJS();
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "not a kubeconfig: expected a mapping with clusters, contexts and users";
  }
  return value;
}

function rawUserTokenFile(raw: unknown, userName: string): string | null {
  const users = (raw as { users?: unknown }).users;
  if (!Array.isArray(users)) return null;
  const entry: unknown = users.find(
    (candidate: unknown) => (candidate as { name?: unknown })?.name === userName,
  );
  const tokenFile = (entry as { user?: { tokenFile?: unknown } } | undefined)?.user?.tokenFile;
  return typeof tokenFile === "string" && tokenFile !== "" ? tokenFile : null;
}

function hasProvideClusterInfo(exec: unknown): boolean {
  return (
    typeof exec === "object" && exec !== null && (exec as Record<string, unknown>).provideClusterInfo === true
  );
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return printableLine(message.split("\n", 1)[0] ?? "", 200);
}
