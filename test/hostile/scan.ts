import type { EndpointResult, ScanResult } from "../../src/model/index.js";
import { runScan, type ScanOptions } from "../../src/pipeline/index.js";
import { createTargetPlan } from "../../src/targets/index.js";

export interface TimedEndpoint {
  result: EndpointResult;
  /** Milliseconds from the scan's start until this endpoint's result was streamed. */
  finishedAfterMs: number;
}

/**
 * The library scan over `targets` (host:port), every endpoint's finishing time recorded as it streams:
 * the corpus's invariant tests judge the report and the time each endpoint took.
 */
export async function scanTargets(
  targets: string[],
  options: { timeoutMs: number; concurrency?: number } & Partial<Omit<ScanOptions, "targets" | "pacing">>,
): Promise<{ result: ScanResult; endpoints: Map<string, TimedEndpoint>; elapsedMs: number }> {
  const { timeoutMs, concurrency, ...rest } = options;
  const started = performance.now();
  const endpoints = new Map<string, TimedEndpoint>();
  const result = await runScan({
    targets: createTargetPlan({ targets }),
    trust: { caFiles: [], kubeletCaFiles: [] },
    pacing: { concurrency: concurrency ?? 16, connectionsPerSecond: null, timeoutMs },
    tlsScan: "off",
    ...rest,
    onEndpoint: (endpoint) => {
      endpoints.set(`${endpoint.host}:${endpoint.port}`, {
        result: endpoint,
        finishedAfterMs: performance.now() - started,
      });
    },
  });
  return { result, endpoints, elapsedMs: performance.now() - started };
}
