import { createHash } from "node:crypto";
import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

/*
 * Parsing the probe catalogue's YAML (about 130 KB in 46 files) was a third of a scan's start-up, every
 * run: the first SYN waited for it. The build parses each file once and stores the plain document beside
 * the SHA-256 of the text it came from. A scan still reads every file, and uses a stored document only
 * when the text hashes the same, so an edited, added or renamed probe file is parsed afresh: the cache can
 * make a run faster, never different. Validation (loadProbes) runs on every document either way.
 */

const FORMAT = 1;
const FILE_NAME = "probes-documents.json";

interface StoredDocument {
  sha256: string;
  document: unknown;
}

/** Parsed probe documents by file name, each with the hash of the text it was parsed from. */
export interface ProbeDocumentCache {
  format: typeof FORMAT;
  documents: Record<string, StoredDocument>;
}

/** Where the build writes the cache: dist/probes-documents.json, beside dist/src. */
export function defaultProbeDocumentCacheFile(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../..", FILE_NAME);
}

export function sha256Of(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The cache, or null when there is none or it cannot be used (missing, unreadable, another format):
 * a run without the cache parses every file, which is slower and otherwise the same.
 */
export async function readProbeDocumentCache(file: string | null): Promise<ProbeDocumentCache | null> {
  if (file === null) return null;
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<ProbeDocumentCache> | null;
    if (parsed?.format !== FORMAT || typeof parsed.documents !== "object" || parsed.documents === null) {
      return null;
    }
    return parsed as ProbeDocumentCache;
  } catch {
    return null;
  }
}

/** The stored document for this file, when it was parsed from exactly this text. */
export function cachedDocument(
  cache: ProbeDocumentCache | null,
  name: string,
  text: string,
): { document: unknown } | null {
  const stored = cache?.documents[name];
  if (stored === undefined || typeof stored.sha256 !== "string" || stored.sha256 !== sha256Of(text))
    return null;
  return { document: stored.document };
}

/**
 * Parses every *.yaml of `directory` and writes the cache to `file` (whole, through a rename). A document
 * JSON cannot carry unchanged (YAML's .nan or .inf) is left out, and so parsed on every run.
 */
export async function writeProbeDocumentCache(directory: string, file: string): Promise<{ cached: number }> {
  const { parse } = await import("yaml");
  const names = (await readdir(directory)).filter((name) => name.endsWith(".yaml")).sort();
  const documents: Record<string, StoredDocument> = {};
  for (const name of names) {
    const text = await readFile(join(directory, name), "utf8");
    const document: unknown = parse(text);
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(document) ?? "null"), document)) continue;
    documents[name] = { sha256: sha256Of(text), document };
  }
  const cache: ProbeDocumentCache = { format: FORMAT, documents };
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(cache)}\n`);
  await rename(partial, file);
  return { cached: Object.keys(documents).length };
}
