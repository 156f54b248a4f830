import type { CheckSource } from "../model/index.js";

/** What correlate needs of a probe: a loaded `Probe` fits. */
export interface ProbeControls {
  id: string;
  title?: string;
  /** Benchmark id -> control ids. */
  controls: Readonly<Record<string, readonly string[]>>;
  /** `config` probes judge configuration, as kube-bench does: they are not the wire side. */
  checkSource?: CheckSource;
}
