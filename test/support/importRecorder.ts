import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * A module-resolve hook, registered with `node --import REGISTER`, that appends every URL a process
 * resolves (ESM imports, dynamic ones included) to the file named by $KUBETLS_LOADED_LOG: what a run
 * loaded, to check what it must not.
 */
export interface ImportRecorder {
  /** The file to pass to `node --import`. */
  register: string;
  /** The log file; set it as KUBETLS_LOADED_LOG in the child's environment. */
  log: string;
  /** Empties the log before a run. */
  reset(): Promise<void>;
  /** The URLs resolved since the last reset. */
  loaded(): Promise<string[]>;
}

/** Writes the hook and its register file into `directory`. */
export async function writeImportRecorder(directory: string): Promise<ImportRecorder> {
  const log = join(directory, "loaded.log");
  const register = join(directory, "register.mjs");
  await writeFile(
    join(directory, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.KUBETLS_LOADED_LOG, resolved.url + "\\n");
  return resolved;
}
`,
  );
  await writeFile(
    register,
    `import { register } from "node:module";\nregister(new URL("./hooks.mjs", import.meta.url));\n`,
  );
  await writeFile(log, "");
  return {
    register,
    log,
    reset: () => writeFile(log, ""),
    loaded: async () => (await readFile(log, "utf8")).split("\n").filter((url) => url !== ""),
  };
}
