import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultProbesDirectory, loadProbes } from "../../src/probes/index.js";
import {
  type ProbeDocumentCache,
  sha256Of,
  writeProbeDocumentCache,
} from "../../src/probes/probeDocumentCache.js";

async function probesCopy(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "kubetls-probes-"));
  await cp(defaultProbesDirectory(), directory, { recursive: true });
  return directory;
}

async function cacheOf(directory: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "kubetls-probe-cache-")), "probes-documents.json");
  await writeProbeDocumentCache(directory, file);
  return file;
}

describe("the build's parsed probe documents", () => {
  it("load the same probe set as parsing the YAML", async () => {
    const directory = await probesCopy();
    const cached = await loadProbes(directory, { documentCacheFile: await cacheOf(directory) });
    const parsed = await loadProbes(directory, { documentCacheFile: null });
    expect(cached).toEqual(parsed);
  });

  it("are used for a file whose text hashes the same, and only then", async () => {
    const directory = await probesCopy();
    const file = await cacheOf(directory);
    const cache = JSON.parse(await readFile(file, "utf8")) as ProbeDocumentCache;
    // A stored document that differs from its file while the hash still matches shows the store is read.
    const stored = cache.documents["kubelet-https.yaml"]?.document as { title: string };
    stored.title = "title from the cache";
    await writeFile(file, JSON.stringify(cache));
    const fromCache = await loadProbes(directory, { documentCacheFile: file });
    expect(fromCache.probes.find((probe) => probe.id === "kubelet.https")?.title).toBe(
      "title from the cache",
    );

    // Edit the file: its hash changes, so its text is parsed again and the edit wins.
    const path = join(directory, "kubelet-https.yaml");
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace(/^title: .*$/m, "title: edited after the build"));
    const afterEdit = await loadProbes(directory, { documentCacheFile: file });
    expect(afterEdit.probes.find((probe) => probe.id === "kubelet.https")?.title).toBe(
      "edited after the build",
    );
  });

  it("parse a probe file added after the build, and ignore a cache that is missing or not JSON", async () => {
    const directory = await probesCopy();
    const file = await cacheOf(directory);
    const added = (await readFile(join(directory, "kubelet-https.yaml"), "utf8"))
      .replace(/^id: kubelet\.https$/m, "id: kubelet.https-added")
      .replace(/^title: .*$/m, "title: added after the build");
    await writeFile(join(directory, "kubelet-https-added.yaml"), added);
    const withAdded = await loadProbes(directory, { documentCacheFile: file });
    expect(withAdded.probes.find((probe) => probe.id === "kubelet.https-added")?.title).toBe(
      "added after the build",
    );

    const reference = await loadProbes(directory, { documentCacheFile: null });
    await writeFile(file, "{ not json");
    expect(await loadProbes(directory, { documentCacheFile: file })).toEqual(reference);
    expect(await loadProbes(directory, { documentCacheFile: join(directory, "absent.json") })).toEqual(
      reference,
    );
  });

  it("are written by the build for every shipped probe file, each with the hash of its text", async () => {
    // npm test builds first; dist/probes-documents.json is what an installed kubetls reads at start-up.
    const built = join(process.cwd(), "dist/probes-documents.json");
    expect(existsSync(built), "npm run build writes dist/probes-documents.json").toBe(true);
    const cache = JSON.parse(await readFile(built, "utf8")) as ProbeDocumentCache;
    const names = (await readdir(defaultProbesDirectory())).filter((name) => name.endsWith(".yaml")).sort();
    expect(Object.keys(cache.documents).sort()).toEqual(names);
    for (const name of names) {
      const text = await readFile(join(defaultProbesDirectory(), name), "utf8");
      expect(cache.documents[name]?.sha256, name).toBe(sha256Of(text));
    }
  });
});
