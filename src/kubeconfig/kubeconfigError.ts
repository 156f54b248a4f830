import { InputError } from "../model/index.js";
/**
 * A kubeconfig kubetls cannot turn into cluster access: the file, a context, a cluster or user entry, a
 * file it references, or an exec plugin. The message names the file and the context; it never carries
 * a credential.
 */
export class KubeconfigError extends InputError {
  readonly kubeconfigPath: string;
  /** The context being loaded; null when the failure came before one was chosen. */
  readonly contextName: string | null;
  /** What is wrong, without the file and context: the part worth showing next to them. */
  readonly reason: string;

  constructor(kubeconfigPath: string, contextName: string | null, reason: string) {
    const where =
      contextName === null
        ? `kubeconfig ${JSON.stringify(kubeconfigPath)}`
        : `kubeconfig ${JSON.stringify(kubeconfigPath)}, context ${JSON.stringify(contextName)}`;
    super("KUBETLS_ERR_KUBECONFIG", `${where}: ${reason}`);
    this.kubeconfigPath = kubeconfigPath;
    this.contextName = contextName;
    this.reason = reason;
  }
}

/** `ENOENT` and friends in words, without Node's repetition of the path. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
