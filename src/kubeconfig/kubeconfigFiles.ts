import { open } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { describeFileError, KubeconfigError } from "./kubeconfigError.js";

/** Where the kubeconfig comes from, found as kubectl finds it. */
export interface KubeconfigLocation {
  /** `--kubeconfig FILE`: that file alone, which must exist; nothing is merged into it. */
  explicit: boolean;
  /** In precedence order: the explicit file, or $KUBECONFIG's list, or ~/.kube/config. */
  paths: string[];
  /** How to name the location in a message. */
  shown: string;
}

/** The environment kubectl reads: KUBECONFIG, and HOME for ~/.kube/config. */
export interface KubeconfigEnvironment {
  KUBECONFIG?: string | undefined;
  HOME?: string | undefined;
}

/** A kubeconfig is a few kilobytes; the cap keeps `--kubeconfig /dev/zero` from reading forever. */
export const MAX_KUBECONFIG_BYTES = 4 * 1024 * 1024;

/**
 * kubectl's loading rules (client-go `ClientConfigLoadingRules`): an explicit file is used alone;
 * otherwise every file of a non-empty $KUBECONFIG (split on ':', empty entries and repeats dropped);
 * otherwise `$HOME/.kube/config`.
 */
export function kubeconfigLocation(
  explicitPath: string | undefined,
  environment: KubeconfigEnvironment,
): KubeconfigLocation {
  if (explicitPath !== undefined) return { explicit: true, paths: [explicitPath], shown: explicitPath };
  const list = environment.KUBECONFIG ?? "";
  if (list !== "") {
    const paths = [...new Set(list.split(delimiter).filter((path) => path !== ""))];
    return { explicit: false, paths, shown: `$KUBECONFIG (${paths.join(delimiter)})` };
  }
  const home = environment.HOME || homedir();
  const path = join(home, ".kube", "config");
  return { explicit: false, paths: [path], shown: path };
}

/**
 * Reads the location's files in order. As kubectl does, a file of $KUBECONFIG's list that does not exist
 * is skipped; an explicit file that does not exist, or any file that cannot be read, is an error. When
 * none exists at all there is no cluster to ask, which is an error too (kubectl would go on to fail later).
 */
export async function readKubeconfigFiles(
  location: KubeconfigLocation,
): Promise<{ path: string; text: string }[]> {
  const found: { path: string; text: string }[] = [];
  for (const path of location.paths) {
    const text = await readCapped(path);
    if (text === null) {
      if (location.explicit) throw new KubeconfigError(path, null, "cannot read the file: no such file");
      continue;
    }
    found.push({ path, text });
  }
  if (found.length === 0) {
    const reason =
      location.paths.length === 1
        ? "no such file; name one with --kubeconfig FILE or set $KUBECONFIG"
        : "none of these files exists; name one with --kubeconfig FILE";
    throw new KubeconfigError(location.shown, null, reason);
  }
  return found;
}

/** The file's text, or null when it does not exist. */
async function readCapped(path: string): Promise<string | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new KubeconfigError(path, null, `cannot read the file: ${describeFileError(error)}`);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_KUBECONFIG_BYTES) {
        throw new KubeconfigError(path, null, `the file is larger than ${MAX_KUBECONFIG_BYTES} bytes`);
      }
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString("utf8");
  } catch (error) {
    if (error instanceof KubeconfigError) throw error;
    throw new KubeconfigError(path, null, `cannot read the file: ${describeFileError(error)}`);
  } finally {
    await handle.close();
  }
}
