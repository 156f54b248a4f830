import { readFile } from "node:fs/promises";
import type { ClientIdentity } from "../net/index.js";
import { mintUntrustedClientIdentity } from "../x509/index.js";

/**
 * The client identities one scan presents. The untrusted one is minted at scan start and only ever held
 * in memory; the trusted ones come from the operator (--client-cert/--client-key, or a kubeconfig).
 */
export interface ScanIdentities {
  untrusted: { certPem: string; keyPem: string };
  /** What kubelets should accept: the API server's kubelet-client pair. */
  trustedForKubelets: ClientIdentity | null;
  /** What the API server should accept: the kubeconfig's user, or the same client pair. */
  trustedForApiserver: ClientIdentity | null;
}

export class IdentityFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IdentityFileError";
  }
}

export interface IdentitySources {
  clientCertFile?: string;
  clientKeyFile?: string;
  /** The kubeconfig user, when one was given. */
  kubeconfigIdentity?: ClientIdentity | null;
}

export async function prepareScanIdentities(sources: IdentitySources): Promise<ScanIdentities> {
  const { client } = await mintUntrustedClientIdentity();
  const clientPair = await readClientPair(sources.clientCertFile, sources.clientKeyFile);
  const kubeconfigIdentity = sources.kubeconfigIdentity ?? null;
  // A kubeconfig bearer token means nothing to a kubelet; only a certificate can stand in for the pair.
  const kubeconfigCertificate =
    kubeconfigIdentity && "certPem" in kubeconfigIdentity ? kubeconfigIdentity : null;
  return {
    untrusted: { certPem: client.certPem, keyPem: client.keyPem },
    trustedForKubelets: clientPair ?? kubeconfigCertificate,
    trustedForApiserver: kubeconfigIdentity ?? clientPair,
  };
}

async function readClientPair(
  certFile?: string,
  keyFile?: string,
): Promise<{ certPem: string; keyPem: string } | null> {
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined) {
    throw new IdentityFileError("--client-cert and --client-key go together: give both or neither");
  }
  const [certPem, keyPem] = await Promise.all([
    readPem(certFile, "CERTIFICATE"),
    readPem(keyFile, "PRIVATE KEY"),
  ]);
  return { certPem, keyPem };
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
