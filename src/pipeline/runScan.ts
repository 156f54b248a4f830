import type { X509Certificate } from "node:crypto";
import { type GatheredFacts, gatherEndpointFacts } from "../facts/index.js";
import type { Endpoint, EndpointResult, Role } from "../model/index.js";
import { type EndpointFacts, evaluateProbes, loadProbes, type ScanContext } from "../probes/index.js";
import { type InvalidTarget, type ScanResult, sortEndpoints, summarize } from "../report/index.js";
import { connectionGate, DeadlineExceeded, schedule, withDeadline } from "../scan/index.js";
import { streamEndpoints, type TargetItem } from "../targets/index.js";
import { loadCaBundle } from "../x509/index.js";
import type { ScanOptions } from "./scanOptions.js";
import { toolVersion } from "./toolVersion.js";

export class UnknownBenchmarkError extends Error {
  constructor(benchmark: string, known: string[]) {
    super(`unknown benchmark "${benchmark}" (known: ${known.join(", ")})`);
    this.name = "UnknownBenchmarkError";
  }
}

/*
 * An endpoint may take several phases (connect, handshake, a plain-HTTP follow-up), each with its own
 * deadline; this outer bound is what guarantees a hostile peer can never hold a worker longer.
 */
const PHASES_PER_ENDPOINT = 6;

/** targets -> schedule -> facts -> verdicts: the whole scan as a library call. */
export async function runScan(options: ScanOptions): Promise<ScanResult> {
  const startedAt = new Date();
  const now = options.now ?? (() => new Date());
  const { catalogue, probes } = await loadProbes(options.probesDirectory);
  const benchmark = options.benchmark ?? catalogue.defaultBenchmark;
  if (!catalogue.benchmarks.some((candidate) => candidate.id === benchmark)) {
    throw new UnknownBenchmarkError(
      benchmark,
      catalogue.benchmarks.map((candidate) => candidate.id),
    );
  }
  const clusterAnchors = await loadCaBundle(options.trust.caFiles);
  const kubeletAnchors =
    options.trust.kubeletCaFiles.length > 0
      ? await loadCaBundle(options.trust.kubeletCaFiles)
      : clusterAnchors;
  const anchorsFor = (role: Role): X509Certificate[] =>
    role === "kubelet" || role === "kubelet-readonly" ? kubeletAnchors : clusterAnchors;
  const scanContext: ScanContext = {
    benchmark,
    caConfigured: clusterAnchors.length > 0,
    trustedIdentity: false,
    apiCredentials: false,
  };
  const gatherContext = {
    timeoutMs: options.pacing.timeoutMs,
    gate: connectionGate(options.pacing.connectionsPerSecond),
    anchorsFor,
    now,
  };

  const endpoints: EndpointResult[] = [];
  const invalid: InvalidTarget[] = [];
  await schedule(
    endpointsOnly(streamEndpoints(options.targets), (item) => {
      invalid.push(item);
      options.onInvalidTarget?.(item);
    }),
    async (endpoint) => {
      const facts = await gatherWithinDeadline(
        endpoint,
        gatherContext,
        options.pacing.timeoutMs * PHASES_PER_ENDPOINT,
      );
      const withContext: EndpointFacts = { ...facts, scan: scanContext };
      return { ...facts, checks: evaluateProbes(probes, withContext) };
    },
    {
      concurrency: options.pacing.concurrency,
      onResult: (result) => {
        endpoints.push(result);
        options.onEndpoint?.(result);
      },
    },
  );

  return {
    schemaVersion: 1,
    tool: { name: "kubetls", version: toolVersion() },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    benchmark,
    targets: {
      expressions: [...options.targets.targets, ...options.targets.targetFiles.map((file) => `@${file}`)],
      invalid,
    },
    summary: summarize(endpoints),
    endpoints: sortEndpoints(endpoints),
  };
}

async function* endpointsOnly(
  items: AsyncIterable<TargetItem>,
  onInvalid: (invalid: InvalidTarget) => void,
): AsyncGenerator<Endpoint> {
  for await (const item of items) {
    if (item.kind === "endpoint") yield item.endpoint;
    else onInvalid({ input: item.input, source: item.source, reason: item.reason });
  }
}

async function gatherWithinDeadline(
  endpoint: Endpoint,
  context: Parameters<typeof gatherEndpointFacts>[1],
  deadlineMs: number,
): Promise<GatheredFacts> {
  try {
    return await withDeadline(gatherEndpointFacts(endpoint, context), deadlineMs);
  } catch (error) {
    // Gathering never throws by design; whatever escapes still becomes this endpoint's typed error.
    const code = error instanceof DeadlineExceeded ? "timeout" : "error";
    return {
      host: endpoint.host,
      port: endpoint.port,
      role: endpoint.role,
      reachable: false,
      error: { code, message: error instanceof Error ? error.message : String(error) },
      speaksTls: false,
      plainHttp: false,
      tls: null,
      chain: [],
      validation: null,
    };
  }
}
