import type { EndpointResult } from "../model/index.js";
import type { InvalidTarget } from "../report/index.js";
import type { TargetPlan } from "../targets/index.js";

/** Everything one scan needs, grouped by concern rather than one flat bag of flags. */
export interface ScanOptions {
  targets: TargetPlan;
  trust: {
    /** CA bundles serving chains must validate against (the cluster CA). */
    caFiles: string[];
    /** CA bundles for kubelet serving chains, when the kubelets use another CA. */
    kubeletCaFiles: string[];
  };
  pacing: {
    concurrency: number;
    /** New connections per second across the whole scan; null for no limit. */
    connectionsPerSecond: number | null;
    /** Deadline of each phase: connect, handshake, request. */
    timeoutMs: number;
  };
  benchmark?: string;
  probesDirectory?: string;
  /** Streamed as each endpoint finishes (jsonl, progress). */
  onEndpoint?: (endpoint: EndpointResult) => void;
  onInvalidTarget?: (invalid: InvalidTarget) => void;
  now?: () => Date;
}
