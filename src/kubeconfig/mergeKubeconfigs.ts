import type {
  KubeconfigCluster,
  KubeconfigContext,
  KubeconfigFile,
  KubeconfigUser,
  Named,
} from "./parseKubeconfig.js";

/** Several kubeconfig files seen as one, as kubectl sees $KUBECONFIG. */
export interface MergedKubeconfig {
  clusters: Map<string, Named<KubeconfigCluster>>;
  users: Map<string, Named<KubeconfigUser>>;
  contexts: Map<string, Named<KubeconfigContext>>;
  /** From the first file that sets one. */
  currentContext: string | null;
}

/**
 * kubectl's merge (client-go `ClientConfigLoadingRules.Load`): the first file to define a cluster, user
 * or context name wins it whole, and later files' entries of that name are dropped, even their fields the
 * first left unset; `current-context` comes from the first file that sets it. Each entry keeps the file
 * it came from, so its relative paths resolve against that file's directory.
 */
export function mergeKubeconfigs(files: KubeconfigFile[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    currentContext: null,
  };
  for (const file of files) {
    keepFirst(merged.clusters, file.clusters);
    keepFirst(merged.users, file.users);
    keepFirst(merged.contexts, file.contexts);
    merged.currentContext ??= file.currentContext;
  }
  return merged;
}

function keepFirst<T>(into: Map<string, Named<T>>, entries: Named<T>[]): void {
  for (const entry of entries) if (!into.has(entry.name)) into.set(entry.name, entry);
}
