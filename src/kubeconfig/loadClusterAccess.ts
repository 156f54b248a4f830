import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { printableLine } from "../net/index.js";
import { BearerToken } from "./bearerToken.js";
import type { ClusterAccess, ClusterIdentity, IdentityKind } from "./clusterAccess.js";
import { type ExecClusterInfo, readExecConfig, runExecPlugin } from "./execPlugin.js";
import { describeFileError, KubeconfigError } from "./kubeconfigError.js";
import { type KubeconfigEnvironment, kubeconfigLocation, readKubeconfigFiles } from "./kubeconfigFiles.js";
import { mergeKubeconfigs } from "./mergeKubeconfigs.js";
import {
  type KubeconfigCluster,
  type KubeconfigUser,
  type Named,
  parseKubeconfig,
} from "./parseKubeconfig.js";

export interface LoadClusterAccessOptions {
  /**
   * `--kubeconfig FILE`: that file alone, as with kubectl. Omitted: the files of $KUBECONFIG merged as
   * kubectl merges them, or ~/.kube/config when $KUBECONFIG is unset or empty.
   */
  kubeconfigPath?: string;
  /** The context to use; the merged `current-context` when omitted. */
  context?: string;
  /** Deadline for an exec credential plugin; it is killed past it. */
  execTimeoutMs?: number;
  /** Where KUBECONFIG and HOME are read from; `process.env` when omitted. */
  environment?: KubeconfigEnvironment;
}

/** Long enough for `aws eks get-token` or `gke-gcloud-auth-plugin` on a cold start. */
export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

/**
 * Resolves one context of a kubeconfig into what kubetls needs to talk to its API server, following
 * kubectl's rules: which files (kubeconfigFiles.ts), how they merge (mergeKubeconfigs.ts), file
 * references relative to the file that named them, `*-data` over files, tokenFile over token, static
 * credentials over an exec plugin. Every referenced file is read here, so a failure names it; no request
 * goes to the cluster. What kubectl would refuse (a field set both as data and as a file, a CA with
 * insecure-skip-tls-verify, a token with basic auth), kubetls refuses too, and it also refuses what it
 * cannot honour (auth-provider, impersonation, proxy-url) rather than scan under another identity.
 */
export async function loadClusterAccess(options: LoadClusterAccessOptions): Promise<ClusterAccess> {
  const location = kubeconfigLocation(options.kubeconfigPath, options.environment ?? process.env);
  const files = [];
  for (const { path, text } of await readKubeconfigFiles(location)) {
    const parsed = await parseKubeconfig(text, resolve(path));
    if (typeof parsed === "string") throw new KubeconfigError(path, null, parsed);
    files.push(parsed);
  }
  const config = mergeKubeconfigs(files);

  const contextName = options.context || config.currentContext;
  const known = [...config.contexts.keys()];
  const knownList = known.length === 0 ? "it defines none" : `known contexts: ${known.join(", ")}`;
  if (!contextName) {
    throw new KubeconfigError(
      location.shown,
      null,
      `no context given and no current-context set; ${knownList}`,
    );
  }
  const context = config.contexts.get(contextName);
  if (context === undefined) {
    throw new KubeconfigError(
      location.shown,
      null,
      `context ${JSON.stringify(contextName)} not found; ${knownList}`,
    );
  }
  // Errors about a context name the file that defined it, which is the one to fix.
  const shownFile = location.explicit ? location.shown : context.origin;
  const fail = (reason: string): never => {
    throw new KubeconfigError(shownFile, contextName, reason);
  };

  const clusterName = context.value.cluster;
  if (clusterName === null) return fail("the context names no cluster");
  const cluster = config.clusters.get(clusterName);
  if (cluster === undefined)
    return fail(`the context's cluster ${JSON.stringify(clusterName)} is not defined`);
  const userName = context.value.user;
  // kubectl quietly goes on without credentials for an undefined user; kubetls says so instead.
  const user = userName === null ? null : config.users.get(userName);
  if (user === undefined) return fail(`the context's user ${JSON.stringify(userName)} is not defined`);

  const settings = checkCluster(cluster, fail);
  const caPem = await readPem(
    "certificate-authority",
    cluster.value.certificateAuthorityData,
    cluster.value.certificateAuthority,
    cluster.origin,
    fail,
  );
  const resolved =
    user === null
      ? { identity: null, identityKind: "none" as const }
      : await resolveIdentity(user, {
          execTimeoutMs: options.execTimeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
          execCluster: execClusterInfo(cluster.value, caPem),
          fail,
        });

  return {
    contextName,
    server: settings.server,
    ...(cluster.value.tlsServerName ? { serverName: cluster.value.tlsServerName } : {}),
    caPem,
    insecureSkipTlsVerify: cluster.value.insecureSkipTlsVerify,
    identity: resolved.identity,
    identityKind: resolved.identityKind,
  };
}

function checkCluster(
  cluster: Named<KubeconfigCluster>,
  fail: (reason: string) => never,
): { server: ClusterAccess["server"] } {
  const { value } = cluster;
  const name = JSON.stringify(cluster.name);
  if (value.server === null) return fail(`cluster ${name} has no server`);
  const server = parseServer(value.server);
  if (typeof server === "string") return fail(server);
  if (value.proxyUrl !== null) {
    return fail(
      "the cluster sets proxy-url, which kubetls does not support: it dials the API server directly",
    );
  }
  if (value.certificateAuthority !== null && value.certificateAuthorityData !== null) {
    return fail(`cluster ${name} sets both certificate-authority and certificate-authority-data`);
  }
  if (
    value.insecureSkipTlsVerify &&
    (value.certificateAuthority ?? value.certificateAuthorityData) !== null
  ) {
    return fail(
      `cluster ${name} sets insecure-skip-tls-verify and a certificate authority, which kubectl refuses as well`,
    );
  }
  return { server };
}

/** What the plugin is told about the cluster, when its stanza sets `provideClusterInfo`. */
function execClusterInfo(cluster: KubeconfigCluster, caPem: string | null): ExecClusterInfo {
  return {
    server: cluster.server ?? "",
    ...(caPem === null ? {} : { "certificate-authority-data": Buffer.from(caPem).toString("base64") }),
    ...(cluster.tlsServerName ? { "tls-server-name": cluster.tlsServerName } : {}),
    ...(cluster.insecureSkipTlsVerify ? { "insecure-skip-tls-verify": true } : {}),
  };
}

interface IdentitySettings {
  execTimeoutMs: number;
  execCluster: ExecClusterInfo;
  fail: (reason: string) => never;
}

async function resolveIdentity(
  user: Named<KubeconfigUser>,
  settings: IdentitySettings,
): Promise<{ identity: ClusterIdentity | null; identityKind: IdentityKind }> {
  const { fail } = settings;
  const { value } = user;
  const userName = JSON.stringify(user.name);
  const directory = dirname(user.origin);
  if (value.authProvider !== null) {
    return fail(
      `user ${userName} uses auth-provider ${JSON.stringify(value.authProvider)}, which kubetls does not support; ` +
        "use its exec credential plugin instead",
    );
  }
  if (value.basicAuth)
    return fail(`user ${userName} uses basic authentication, which Kubernetes removed in 1.19`);
  if (value.impersonates) {
    return fail(`user ${userName} impersonates another user (as:), which kubetls does not support`);
  }
  for (const [file, data] of [
    ["client-certificate", value.clientCertificateData],
    ["client-key", value.clientKeyData],
  ] as const) {
    const path = file === "client-certificate" ? value.clientCertificate : value.clientKey;
    if (path !== null && data !== null) return fail(`user ${userName} sets both ${file} and ${file}-data`);
  }

  const certPem = await readPem(
    "client-certificate",
    value.clientCertificateData,
    value.clientCertificate,
    user.origin,
    fail,
  );
  const keyPem = await readPem("client-key", value.clientKeyData, value.clientKey, user.origin, fail);
  if (certPem !== null || keyPem !== null) {
    if (certPem === null) return fail(`user ${userName} has a client key but no client certificate`);
    if (keyPem === null) return fail(`user ${userName} has a client certificate but no client key`);
    // With a token as well, client-go sends both; the API server's x509 authenticator answers first.
    return { identity: { certPem, keyPem }, identityKind: "client-certificate" };
  }

  // client-go rereads tokenFile and lets it win over token while it can be read; kubetls reads it once.
  if (value.tokenFile !== null) {
    const path = isAbsolute(value.tokenFile) ? value.tokenFile : join(directory, value.tokenFile);
    let token: string | null = null;
    try {
      token = (await readFile(path, "utf8")).trim();
    } catch (error) {
      if (value.token === null) {
        return fail(`cannot read tokenFile ${JSON.stringify(path)}: ${describeFileError(error)}`);
      }
    }
    if (token === "" && value.token === null) return fail(`tokenFile ${JSON.stringify(path)} is empty`);
    if (token) return { identity: { bearerToken: new BearerToken(token) }, identityKind: "token-file" };
  }
  if (value.token !== null) {
    return { identity: { bearerToken: new BearerToken(value.token) }, identityKind: "token" };
  }

  // client-go runs the plugin only when the user holds no static credential.
  if (value.exec !== null) {
    const config = readExecConfig(value.exec, directory);
    if (typeof config === "string") return fail(`user ${userName}: ${config}`);
    const provideClusterInfo = (value.exec as Record<string, unknown>).provideClusterInfo === true;
    const outcome = await runExecPlugin(
      config,
      settings.execTimeoutMs,
      provideClusterInfo ? settings.execCluster : null,
    );
    if (!outcome.ok) return fail(`user ${userName}: ${outcome.reason}`);
    const credential = outcome.credential;
    const identity = "token" in credential ? { bearerToken: new BearerToken(credential.token) } : credential;
    return { identity, identityKind: "exec" };
  }
  return { identity: null, identityKind: "none" };
}

/** `*-data` (base64), or the file, relative to the kubeconfig that named it. */
async function readPem(
  field: string,
  data: string | null,
  file: string | null,
  origin: string,
  fail: (reason: string) => never,
): Promise<string | null> {
  if (data !== null) return Buffer.from(data, "base64").toString("utf8");
  if (file === null) return null;
  const path = isAbsolute(file) ? file : join(dirname(origin), file);
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    return fail(`cannot read ${field} file ${JSON.stringify(path)}: ${describeFileError(error)}`);
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
