import { readFile } from "node:fs/promises";
import { InputError } from "../model/index.js";
import type { ClientIdentity, ServerVerification } from "../net/index.js";
import type { TrustedIdentityKind } from "../roles/index.js";
import { mintUntrustedClientIdentity } from "../x509/index.js";
import { clientPairProblem } from "./clientPair.js";

/**
 * The client identities one scan presents. The untrusted one is minted for this scan and only ever held
 * in memory; the trusted ones come from the operator (--client-cert/--client-key, or a kubeconfig).
 */
export interface ScanIdentities {
  /**
   * Minted when the first endpoint asks for it, not before the first SYN: discovery needs no identity, and
   * minting (key generation, loading the certificate builder) was start-up that every scan waited for.
   */
  untrusted: () => Promise<{ certPem: string; keyPem: string }>;
  /** What kubelets should accept: the API server's kubelet-client pair. */
  trustedForKubelets: ClientIdentity | null;
  /** What etcd should accept: the API server's etcd client pair (--etcd-client-cert/--etcd-client-key). */
  etcdClient: ClientIdentity | null;
  /** The operator's client pair, which the cluster's API servers accept too (kubeadm binds it cluster-admin). */
  clientPair: { certPem: string; keyPem: string } | null;
  /**
   * The kubeconfig's user. A token goes only to the kubeconfig's own API server; a client certificate
   * also stands in for the kubelet-client pair when none was given (trustedForKubelets).
   */
  kubeconfig: {
    server: { host: string; port: number };
    identity: ClientIdentity;
    verifyServer: ServerVerification | null;
  } | null;
}

/** An identity as presented to one server: the credentials, and whether that server must verify first. */
export interface PresentedIdentity {
  credentials: ClientIdentity;
  /** Set for a kubeconfig user: the server must prove itself (its CA, its tls-server-name) before any request. */
  verifyServer?: ServerVerification;
}

/**
 * The identity an API server gets: the kubeconfig user on the kubeconfig's own server, verified the way
 * the kubeconfig says; else the operator's client pair.
 */
export function apiserverIdentityFor(
  identities: ScanIdentities,
  target: { host: string; port: number },
): PresentedIdentity | null {
  const kubeconfig = identities.kubeconfig;
  if (kubeconfig && kubeconfig.server.host === target.host && kubeconfig.server.port === target.port) {
    return kubeconfig.verifyServer === null
      ? { credentials: kubeconfig.identity }
      : { credentials: kubeconfig.identity, verifyServer: kubeconfig.verifyServer };
  }
  return identities.clientPair === null ? null : { credentials: identities.clientPair };
}

/** The identity a role's definition says it is shown as "trusted", when the operator supplied one. */
export function trustedIdentityFor(
  identities: ScanIdentities,
  kind: TrustedIdentityKind,
  target: { host: string; port: number },
): PresentedIdentity | null {
  switch (kind) {
    case "kubelet-client":
      return identities.trustedForKubelets && { credentials: identities.trustedForKubelets };
    case "apiserver-client":
      return apiserverIdentityFor(identities, target);
    case "etcd-client":
      return identities.etcdClient && { credentials: identities.etcdClient };
    case "none":
      return null;
  }
}

export class IdentityFileError extends InputError {
  constructor(message: string) {
    super("KUBETLS_ERR_IDENTITY_FILE", message);
  }
}

export interface IdentitySources {
  clientCertFile?: string;
  clientKeyFile?: string;
  etcdClientCertFile?: string;
  etcdClientKeyFile?: string;
  /** The kubeconfig user and the API server it belongs to, when one was given. */
  kubeconfig?: {
    server: { host: string; port: number };
    identity: ClientIdentity | null;
    verifyServer: ServerVerification | null;
  } | null;
}

export async function prepareScanIdentities(sources: IdentitySources): Promise<ScanIdentities> {
  let minting: Promise<{ certPem: string; keyPem: string }> | undefined;
  const untrusted = () => {
    minting ??= mintUntrustedClientIdentity().then(({ client }) => ({
      certPem: client.certPem,
      keyPem: client.keyPem,
    }));
    return minting;
  };
  const clientPair = await readClientPair(sources.clientCertFile, sources.clientKeyFile);
  const etcdClient = await readClientPair(
    sources.etcdClientCertFile,
    sources.etcdClientKeyFile,
    "--etcd-client-cert and --etcd-client-key",
  );
  const kubeconfigIdentity = sources.kubeconfig?.identity ?? null;
  // A kubeconfig bearer token means nothing to a kubelet; only a certificate can stand in for the pair.
  const kubeconfigCertificate =
    kubeconfigIdentity && "certPem" in kubeconfigIdentity ? kubeconfigIdentity : null;
  return {
    untrusted,
    trustedForKubelets: clientPair ?? kubeconfigCertificate,
    etcdClient,
    clientPair,
    kubeconfig:
      sources.kubeconfig && kubeconfigIdentity
        ? {
            server: sources.kubeconfig.server,
            identity: kubeconfigIdentity,
            verifyServer: sources.kubeconfig.verifyServer,
          }
        : null,
  };
}

async function readClientPair(
  certFile: string | undefined,
  keyFile: string | undefined,
  flags = "--client-cert and --client-key",
): Promise<{ certPem: string; keyPem: string } | null> {
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined) {
    throw new IdentityFileError(`${flags} go together: give both or neither`);
  }
  const [certPem, keyPem] = await Promise.all([
    readPem(certFile, "CERTIFICATE"),
    readPem(keyFile, "PRIVATE KEY"),
  ]);
  const problem = clientPairProblem({ certPem, keyPem }, { cert: certFile, key: keyFile });
  if (problem !== null) throw new IdentityFileError(`--client-cert/--client-key: ${problem}`);
  return { certPem, keyPem };
}

/**
 * Reads and checks --client-cert/--client-key (present together, readable, PEM, and a matching pair) without
 * keeping them: run before anything is dialled, so a wrong pair costs no connection.
 */
export async function checkClientPairFiles(certFile?: string, keyFile?: string): Promise<void> {
  await readClientPair(certFile, keyFile);
}

async function readPem(path: string, label: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new IdentityFileError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (!text.includes(`-----BEGIN`) || !text.includes(label)) {
    throw new IdentityFileError(`${path} does not hold a PEM ${label.toLowerCase()}`);
  }
  return text;
}
