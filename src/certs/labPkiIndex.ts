import { createHash } from "node:crypto";
import { type ExtendedKeyUsage, type MintedCertificate, parseCertificate } from "../x509/index.js";

/** One minted certificate and where it, and its key, go; the source of both the files and index.json. */
export interface PkiItem {
  certificatePath: string;
  /** null when the key is deliberately not written (the untrusted CA's: nothing may ever sign with it). */
  keyPath: string | null;
  minted: MintedCertificate;
  purpose: string;
  extendedKeyUsage: ExtendedKeyUsage[];
  /** The real file on a kubeadm node (kind nodes included), when there is one. */
  kubeadm: { certificate: string | null; key: string | null; note?: string };
  /** The kubetls flags that take this file. */
  flags: { certificate: string[]; key: string[] };
  node?: string;
}

export interface CertificateIndexEntry {
  path: string;
  kind: "certificate";
  purpose: string;
  node?: string;
  subject: string;
  issuer: string;
  isCa: boolean;
  notBefore: string;
  notAfter: string;
  sans: { dns: string[]; ip: string[] };
  extendedKeyUsage: ExtendedKeyUsage[];
  key: string;
  /** SHA-256 of the file's bytes, as `sha256sum` prints it. */
  sha256: string;
  /** SHA-256 of the certificate's DER, as `openssl x509 -fingerprint -sha256` prints it (without colons). */
  fingerprintSha256: string;
  privateKey: string | null;
  kubeadmPath: string | null;
  note?: string;
  kubetlsFlags: string[];
}

export interface PrivateKeyIndexEntry {
  path: string;
  kind: "private-key";
  purpose: string;
  node?: string;
  certificate: string;
  /** The subject of the certificate this key belongs to. */
  subject: string;
  mode: "0600";
  sha256: string;
  kubeadmPath: string | null;
  note?: string;
  kubetlsFlags: string[];
}

export type LabPkiIndexEntry = CertificateIndexEntry | PrivateKeyIndexEntry;

/** index.json: what every file of the PKI is, so nobody has to run openssl to find out. */
export interface LabPkiIndex {
  generatedBy: string;
  generatedAt: string;
  warning: string;
  files: LabPkiIndexEntry[];
}

export const INDEX_FILE = "index.json";

export function buildIndex(items: readonly PkiItem[], generatedBy: string, now: Date): LabPkiIndex {
  const files: LabPkiIndexEntry[] = [];
  for (const item of items) {
    const summary = parseCertificate(item.minted.certDer).summary;
    const node = item.node === undefined ? {} : { node: item.node };
    const note = item.kubeadm.note === undefined ? {} : { note: item.kubeadm.note };
    files.push({
      path: item.certificatePath,
      kind: "certificate",
      purpose: item.purpose,
      ...node,
      subject: summary.subject,
      issuer: summary.issuer,
      isCa: summary.isCa,
      notBefore: summary.notBefore,
      notAfter: summary.notAfter,
      sans: summary.sans,
      extendedKeyUsage: item.extendedKeyUsage,
      key: summary.curve ? `${summary.keyType} ${summary.curve}` : `${summary.keyType} ${summary.keyBits}`,
      sha256: sha256Hex(item.minted.certPem),
      fingerprintSha256: summary.sha256,
      privateKey: item.keyPath,
      kubeadmPath: item.kubeadm.certificate,
      ...note,
      kubetlsFlags: item.flags.certificate,
    });
    if (item.keyPath !== null) {
      files.push({
        path: item.keyPath,
        kind: "private-key",
        purpose: `private key of ${item.certificatePath}`,
        ...node,
        certificate: item.certificatePath,
        subject: summary.subject,
        mode: "0600",
        sha256: sha256Hex(item.minted.keyPem),
        kubeadmPath: item.kubeadm.key,
        ...note,
        kubetlsFlags: item.flags.key,
      });
    }
  }
  return {
    generatedBy,
    generatedAt: now.toISOString(),
    warning:
      "A lab PKI: throwaway keys for tests and labs. Never use it for a real cluster; never commit it.",
    files,
  };
}

export function sha256Hex(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}
