import { readFile } from "node:fs/promises";
import type { FlagVerdict } from "./flagVerdict.js";
import { KubeBenchFileError } from "./kubeBenchFileError.js";
import { parseKubeBenchJson } from "./parseKubeBenchJson.js";

/** Reads and parses a kube-bench `--json` file; errors name the path as given. */
export async function readKubeBenchFile(path: string): Promise<FlagVerdict[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new KubeBenchFileError(path, "", `cannot read: ${code ?? message}`);
  }
  return parseKubeBenchJson(text, path);
}
