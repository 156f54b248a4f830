// Run by `npm run build` after tsc: stores every probes/*.yaml parsed, keyed by its text's SHA-256, in
// dist/probes-documents.json, so a scan's start-up does not parse the YAML again (src/probes/probeDocumentCache.ts).
import { defaultProbesDirectory } from "../dist/src/probes/loadProbes.js";
import {
  defaultProbeDocumentCacheFile,
  writeProbeDocumentCache,
} from "../dist/src/probes/probeDocumentCache.js";

await writeProbeDocumentCache(defaultProbesDirectory(), defaultProbeDocumentCacheFile());
