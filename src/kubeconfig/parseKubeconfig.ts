import { printableLine } from "../net/index.js";

/** A cluster entry, with the fields kubetls reads (kubeconfig v1 names, as kubectl writes them). */
export interface KubeconfigCluster {
  server: string | null;
  certificateAuthority: string | null;
  /** Base64 text as written; decoded where it is used. */
  certificateAuthorityData: string | null;
  insecureSkipTlsVerify: boolean;
  tlsServerName: string | null;
  proxyUrl: string | null;
}

/** A user entry ("AuthInfo" in client-go). The exec stanza stays raw: `readExecConfig` checks it. */
export interface KubeconfigUser {
  clientCertificate: string | null;
  clientCertificateData: string | null;
  clientKey: string | null;
  clientKeyData: string | null;
  token: string | null;
  tokenFile: string | null;
  exec: unknown;
  authProvider: string | null;
  basicAuth: boolean;
  impersonates: boolean;
}

export interface KubeconfigContext {
  cluster: string | null;
  user: string | null;
}

/** An entry and the file that defined it: its relative paths resolve against that file's directory. */
export interface Named<T> {
  name: string;
  origin: string;
  value: T;
}

/** One kubeconfig file, as data. */
export interface KubeconfigFile {
  path: string;
  clusters: Named<KubeconfigCluster>[];
  users: Named<KubeconfigUser>[];
  contexts: Named<KubeconfigContext>[];
  currentContext: string | null;
}

/**
 * Parses one kubeconfig the way kubectl decodes it: YAML 1.1 (so `yes`/`no` are booleans, as for
 * go-yaml), an empty file is an empty config, and a name twice in one list is an error. Returns what is
 * wrong as a string naming the field, never quoting a value (values may be tokens or keys).
 */
export async function parseKubeconfig(text: string, path: string): Promise<KubeconfigFile | string> {
  // Loaded only when a kubeconfig is read: the yaml parser is a start-up cost every other scan would pay.
  const { parseDocument } = await import("yaml");
  const empty: KubeconfigFile = { path, clusters: [], users: [], contexts: [], currentContext: null };
  if (text.trim() === "") return empty;
  const document = parseDocument(text, { version: "1.1" });
  const error = document.errors[0];
  if (error) {
    const position = error.linePos?.[0];
    const at = position ? ` at line ${position.line}, column ${position.col}` : "";
    return `not valid YAML${at} (${error.code})`;
  }
  const root: unknown = document.toJS();
  if (root === null || root === undefined) return empty;
  if (!isRecord(root)) return "not a kubeconfig: expected a mapping with clusters, contexts and users";
  if (root.kind !== undefined && root.kind !== null && root.kind !== "Config") {
    return `not a kubeconfig: kind is ${JSON.stringify(shortText(root.kind))}, not Config`;
  }
  const currentContext = optionalString(root["current-context"], "current-context");
  if (isProblem(currentContext)) return currentContext.problem;

  const clusters = namedList(root.clusters, "clusters", "cluster", path, readCluster);
  if (typeof clusters === "string") return clusters;
  const users = namedList(root.users, "users", "user", path, readUser);
  if (typeof users === "string") return users;
  const contexts = namedList(root.contexts, "contexts", "context", path, readContext);
  if (typeof contexts === "string") return contexts;
  return { path, clusters, users, contexts, currentContext: currentContext || null };
}

interface Problem {
  problem: string;
}

function isProblem(value: unknown): value is Problem {
  return isRecord(value) && typeof value.problem === "string";
}

function namedList<T>(
  list: unknown,
  listName: string,
  entryKey: string,
  origin: string,
  read: (entry: Record<string, unknown>, where: string) => T | Problem,
): Named<T>[] | string {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return `${listName} must be a list`;
  const seen = new Set<string>();
  const entries: Named<T>[] = [];
  for (const [index, item] of list.entries()) {
    const at = `${listName}[${index}]`;
    if (!isRecord(item)) return `${at} must be a mapping with name and ${entryKey}`;
    const name = item.name;
    if (typeof name !== "string" || name === "") return `${at} has no name`;
    const where = `${listName}[${JSON.stringify(shortText(name))}]`;
    // kubectl refuses a file that names one entry twice in a list rather than pick one.
    if (seen.has(name)) return `${where} is defined twice`;
    seen.add(name);
    const body = item[entryKey] ?? {};
    if (!isRecord(body)) return `${where}.${entryKey} must be a mapping`;
    const value = read(body, `${where}.${entryKey}`);
    if (isProblem(value)) return value.problem;
    entries.push({ name, origin, value });
  }
  return entries;
}

function readCluster(entry: Record<string, unknown>, where: string): KubeconfigCluster | Problem {
  const fields = strings(entry, where, [
    "server",
    "certificate-authority",
    "certificate-authority-data",
    "tls-server-name",
    "proxy-url",
  ]);
  if (isProblem(fields)) return fields;
  const insecure = optionalBoolean(entry["insecure-skip-tls-verify"], `${where}.insecure-skip-tls-verify`);
  if (isProblem(insecure)) return insecure;
  const caData = base64Field(fields["certificate-authority-data"], `${where}.certificate-authority-data`);
  if (isProblem(caData)) return caData;
  return {
    server: fields.server,
    certificateAuthority: fields["certificate-authority"],
    certificateAuthorityData: caData,
    insecureSkipTlsVerify: insecure,
    tlsServerName: fields["tls-server-name"],
    proxyUrl: fields["proxy-url"],
  };
}

function readUser(entry: Record<string, unknown>, where: string): KubeconfigUser | Problem {
  const fields = strings(entry, where, [
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "token",
    "tokenFile",
    "username",
    "password",
    "as",
    "as-uid",
  ]);
  if (isProblem(fields)) return fields;
  const certData = base64Field(fields["client-certificate-data"], `${where}.client-certificate-data`);
  if (isProblem(certData)) return certData;
  const keyData = base64Field(fields["client-key-data"], `${where}.client-key-data`);
  if (isProblem(keyData)) return keyData;
  const provider = entry["auth-provider"];
  if (provider !== undefined && provider !== null && !isRecord(provider)) {
    return { problem: `${where}.auth-provider must be a mapping` };
  }
  const providerName = provider ? provider.name : null;
  return {
    clientCertificate: fields["client-certificate"],
    clientCertificateData: certData,
    clientKey: fields["client-key"],
    clientKeyData: keyData,
    token: fields.token,
    tokenFile: fields.tokenFile,
    exec: entry.exec ?? null,
    authProvider: provider
      ? typeof providerName === "string" && providerName
        ? providerName
        : "unnamed"
      : null,
    basicAuth: fields.username !== null || fields.password !== null,
    impersonates: fields.as !== null || fields["as-uid"] !== null || hasItems(entry["as-groups"]),
  };
}

function readContext(entry: Record<string, unknown>, where: string): KubeconfigContext | Problem {
  const fields = strings(entry, where, ["cluster", "user"]);
  if (isProblem(fields)) return fields;
  return { cluster: fields.cluster, user: fields.user };
}

/** The named fields as strings; absent, null and "" all mean unset, as in client-go's Go zero values. */
function strings<K extends string>(
  entry: Record<string, unknown>,
  where: string,
  keys: K[],
): Record<K, string | null> | Problem {
  const out = {} as Record<K, string | null>;
  for (const key of keys) {
    const value = optionalString(entry[key], `${where}.${key}`);
    if (isProblem(value)) return value;
    out[key] = value === "" ? null : value;
  }
  return out;
}

function optionalString(value: unknown, where: string): string | Problem {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") return { problem: `${where} must be a string` };
  return value;
}

function optionalBoolean(value: unknown, where: string): boolean | Problem {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") return { problem: `${where} must be true or false` };
  return value;
}

/** Go decodes `[]byte` fields as standard base64 and skips line breaks; anything else fails the file. */
function base64Field(value: string | null, where: string): string | null | Problem {
  if (value === null) return null;
  const compact = value.replace(/[\r\n]/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    return { problem: `${where} is not base64` };
  }
  return compact;
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Names are shown in errors; a name is not a secret, but it may be long or hold control characters. */
function shortText(value: unknown): string {
  return printableLine(typeof value === "string" ? value : String(value), 80);
}
