import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package version, read once from package.json (two or three levels up, built or not). */
export function toolVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "../../package.json"), join(here, "../../../package.json")]) {
    try {
      const manifest = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (manifest.name === "kubetls" && manifest.version) return manifest.version;
    } catch {
      // try the next candidate
    }
  }
  return "0.0.0";
}
