import type { X509Certificate } from "node:crypto";
import type { Role } from "../model/index.js";
import { roleDefinition, type TrustBundle } from "./roleDefinitions.js";

/**
 * The CA bundles chains are judged against, each with the flag that fills it and the bundle used when that
 * flag is not given (kubelets are judged by the cluster CA unless they have their own).
 */
export const TRUST_BUNDLES: Readonly<
  Record<
    TrustBundle,
    { flag: string; optionKey: "caFiles" | "kubeletCaFiles" | "etcdCaFiles"; fallback: TrustBundle | null }
  >
> = {
  cluster: { flag: "--ca-file", optionKey: "caFiles", fallback: null },
  kubelet: { flag: "--kubelet-ca-file", optionKey: "kubeletCaFiles", fallback: "cluster" },
  // kubeadm gives etcd its own CA (/etc/kubernetes/pki/etcd/ca.crt); without it no etcd chain is judged.
  etcd: { flag: "--etcd-ca-file", optionKey: "etcdCaFiles", fallback: null },
};

/** The CA files of each bundle, as ScanOptions.trust holds them; a bundle left out has none. */
export type TrustBundleFiles = {
  [K in (typeof TRUST_BUNDLES)[TrustBundle]["optionKey"]]?: string[];
} & { caFiles: string[] };

export type AnchorsByBundle = Readonly<Record<TrustBundle, X509Certificate[]>>;

/** Reads every bundle's files once; a bundle with no files takes its fallback's anchors. */
export async function loadTrustBundles(files: TrustBundleFiles): Promise<AnchorsByBundle> {
  // Loaded on use: the CLI's flag definitions read this module, and `kubetls --help` must not load x509.
  const { loadCaBundle } = await import("../x509/index.js");
  const loaded = new Map<TrustBundle, X509Certificate[]>();
  for (const [bundle, definition] of Object.entries(TRUST_BUNDLES) as [
    TrustBundle,
    (typeof TRUST_BUNDLES)[TrustBundle],
  ][]) {
    const paths = files[definition.optionKey] ?? [];
    if (paths.length > 0 || definition.fallback === null) loaded.set(bundle, await loadCaBundle(paths));
  }
  const resolve = (bundle: TrustBundle): X509Certificate[] => {
    const anchors = loaded.get(bundle);
    if (anchors !== undefined) return anchors;
    const fallback = TRUST_BUNDLES[bundle].fallback;
    return fallback === null ? [] : resolve(fallback);
  };
  const bundles = Object.keys(TRUST_BUNDLES) as TrustBundle[];
  return Object.fromEntries(bundles.map((bundle) => [bundle, resolve(bundle)])) as Record<
    TrustBundle,
    X509Certificate[]
  >;
}

/** The anchors that judge a role's chain; a role not known yet is judged by the cluster CA. */
export function anchorsForRole(anchors: AnchorsByBundle, role: Role): X509Certificate[] {
  return anchors[roleDefinition(role)?.trustBundle ?? "cluster"];
}
