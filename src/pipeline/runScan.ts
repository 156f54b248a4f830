import type { X509Certificate } from "node:crypto";
import pLimit from "p-limit";
import { startClusterPhase } from "../cluster/index.js";
import { configContradictions } from "../correlate/index.js";
import {
  blankFacts,
  type GatherContext,
  type GatheredFacts,
  gatherEndpointFacts,
  REQUESTS_IN_FLIGHT_PER_ENDPOINT,
} from "../facts/index.js";
import { checkClientPairFiles, prepareScanIdentities } from "../identity/index.js";
import { type ClusterAccess, serverVerificationOf } from "../kubeconfig/index.js";
import { proxiedKubeletConfigReader } from "../kubeletconfig/index.js";
import {
  type CheckResult,
  DEFAULT_MAX_NODES,
  type Endpoint,
  type EndpointResult,
  endpointKey,
  InputError,
  type InvalidTarget,
  neverConnected,
  type ScanResult,
} from "../model/index.js";
import { discoverPort } from "../net/index.js";
import {
  type EndpointFacts,
  evaluateProbes,
  loadProbes,
  type ScanContext,
  skippedChecks,
} from "../probes/index.js";
import { sortEndpoints, summarize } from "../report/index.js";
import { anchorsForRole, loadTrustBundles, roleDefinition } from "../roles/index.js";
import {
  connectBudget,
  connectionGate,
  DeadlineExceeded,
  type ItemLife,
  perHostLimit,
  schedule,
  withWorkDeadline,
} from "../scan/index.js";
import { type ScopeGuard, scopeGuard } from "../scope/index.js";
import { streamEndpoints, type TargetItem } from "../targets/index.js";
import { parsePemBundle, summarizeCertificate } from "../x509/index.js";
import { clientIdentityOf, discoverCluster } from "./clusterDiscovery.js";
import { HostLedger, type UnopenedEndpoint } from "./hostLedger.js";
import type { ScanOptions } from "./scanOptions.js";
import { toolVersion } from "./toolVersion.js";

/** testssl.sh and tlsx warn a month ahead too: time to renew through a change window. */
export const DEFAULT_EXPIRY_WARN_DAYS = 30;

export class UnknownBenchmarkError extends InputError {
  constructor(benchmark: string, known: string[]) {
    super("KUBETLS_ERR_UNKNOWN_BENCHMARK", `unknown benchmark "${benchmark}" (known: ${known.join(", ")})`);
  }
}

/*
 * An endpoint takes a handshake (connect + handshake phases, maybe a plain-HTTP follow-up), then up to
 * 3 identities x 5 paths of GETs, REQUESTS_IN_FLIGHT_PER_ENDPOINT at a time, each GET capped at three
 * phases. Every phase has its own deadline; this outer bound only guarantees a worker always moves on.
 */
/** Discovery connects in flight when not set: a filtered /16 waits 8 connect deadlines, not 16. */
const DEFAULT_DISCOVERY_CONNECTS = 8192;
/**
 * Discovery connects younger than DISCOVERY_YOUNG_MS in flight at most: answers that come at once (a
 * refusal, an open port nearby) keep a small window, and only connects still pending after that (a
 * filtered port, a far network) fan out to the full discovery budget. 256 rather than 64: a lab of 42
 * hosts x 8 ports then dials every port in about two windows, and its slowest endpoint (a tarpit) starts
 * its deadline about 0.1 s sooner; a closed /16 peaked 4 MB higher (122-127 MB against 117-124), at the
 * same speed. Thousands (the whole budget) is what let refusals live long enough to be promoted.
 */
const DISCOVERY_YOUNG_CONNECTS = 256;
const DISCOVERY_YOUNG_MS = 5;
/** Never more discovery connects than this towards one address. */
const DISCOVERY_CONNECTS_PER_HOST = 16;
/** Sockets one probed endpoint may hold at once: its handshake or hello scan, plus its GETs in flight. */
const SOCKETS_PER_PROBED_ENDPOINT = REQUESTS_IN_FLIGHT_PER_ENDPOINT + 4;
/** Files, stdio, the cluster phase's sockets: kept out of the discovery budget. */
const RESERVED_FILE_DESCRIPTORS = 128;

function endpointDeadlineMs(timeoutMs: number): number {
  const requestRounds = Math.ceil(15 / REQUESTS_IN_FLIGHT_PER_ENDPOINT) + 1;
  return timeoutMs * (4 + 3 * requestRounds);
}

/** Never dialled: the endpoint lies outside --scope. */
function outOfScope(endpoint: Endpoint, scope: ScopeGuard): UnopenedEndpoint {
  return {
    endpoint,
    state: "unscanned",
    error: {
      code: "out-of-scope",
      message: `${endpointKey(endpoint)} is outside --scope ${scope.describe()}: not contacted`,
    },
  };
}

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
  const anchors = await loadTrustBundles(options.trust);
  // Operator input is checked before anything is dialled (the kubeconfig's API server included).
  await checkClientPairFiles(options.identity?.clientCertFile, options.identity?.clientKeyFile);
  const clusterAnchors = anchors.cluster;
  const scope = scopeGuard(options.scope ?? []);
  const hasTargets = options.targets.targets.length > 0 || options.targets.targetFiles.length > 0;
  const cluster = options.cluster
    ? await discoverCluster(options.cluster, {
        scanNodes: !hasTargets,
        ports: options.targets.ports,
        timeoutMs: options.pacing.timeoutMs,
        scope,
      })
    : null;
  // With no --ca-file, the kubeconfig's CA judges its own API server's chain: kubectl trusts it there.
  const kubeconfigAnchors =
    cluster && clusterAnchors.length === 0 && cluster.access.caPem !== null
      ? parsePemBundle(
          cluster.access.caPem,
          `kubeconfig context ${JSON.stringify(cluster.access.contextName)}`,
        )
      : [];
  const anchorsFor = (endpoint: Endpoint): X509Certificate[] => {
    const server = cluster?.access.server;
    const isKubeconfigServer = server?.host === endpoint.host && server.port === endpoint.port;
    return isKubeconfigServer && kubeconfigAnchors.length > 0
      ? kubeconfigAnchors
      : anchorsForRole(anchors, endpoint.role);
  };
  const kubeconfigIdentity = cluster ? (clientIdentityOf(cluster.access) ?? null) : null;
  const identities = await prepareScanIdentities({
    clientCertFile: options.identity?.clientCertFile,
    clientKeyFile: options.identity?.clientKeyFile,
    etcdClientCertFile: options.identity?.etcdClientCertFile,
    etcdClientKeyFile: options.identity?.etcdClientKeyFile,
    kubeconfig: cluster
      ? {
          server: cluster.access.server,
          identity: kubeconfigIdentity,
          verifyServer: serverVerificationOf(cluster.access),
        }
      : null,
  });
  const scanContext: ScanContext = {
    benchmark,
    caConfigured: clusterAnchors.length > 0,
    caSubjects: clusterAnchors.map((anchor) => summarizeCertificate(anchor.raw).subject),
    trustedIdentity: identities.trustedForKubelets !== null,
    apiCredentials: identities.clientPair !== null || identities.kubeconfig !== null,
    tlsScan: options.tlsScan ?? "quick",
    expiryWarnDays: options.expiryWarnDays ?? DEFAULT_EXPIRY_WARN_DAYS,
  };
  const gatherContext: GatherContext = {
    timeoutMs: options.pacing.timeoutMs,
    gate: connectionGate(options.pacing.connectionsPerSecond),
    anchorsFor,
    clusterAnchors: clusterAnchors.length > 0 ? clusterAnchors : kubeconfigAnchors,
    identities,
    lookup: scope.lookup,
    tlsScan: options.tlsScan ?? "quick",
    now,
  };

  const endpoints: EndpointResult[] = [];
  const invalid: InvalidTarget[] = [];
  if (cluster?.invalid) {
    invalid.push(cluster.invalid);
    options.onInvalidTarget?.(cluster.invalid);
  }
  const sharedChecks = new Map<string, CheckResult[]>();
  const verdicts = (facts: GatheredFacts): EndpointResult => {
    const evaluate = () => evaluateProbes(probes, { ...facts, scan: scanContext } satisfies EndpointFacts);
    // Endpoints that never opened have verdicts that depend only on their role, port and error code:
    // one shared list per kind keeps every judged closed port from holding its own copy.
    const code = facts.error?.code;
    if (facts.state === "open" || code === undefined || !neverConnected(code) || facts.kubeletConfig)
      return { ...facts, checks: evaluate() };
    const key = `${facts.role}:${facts.port}:${code}`;
    let checks = sharedChecks.get(key);
    if (checks === undefined) {
      checks = evaluate();
      sharedChecks.set(key, checks);
    }
    return { ...facts, checks };
  };
  // A kubelet the bastion cannot read, or not even reach, may still show its configuration through the
  // API server's node proxy (kubeconfig discovery lists the nodes).
  const throughNodeProxy = cluster
    ? proxiedKubeletConfigReader({
        access: cluster.access,
        nodes: cluster.listing?.nodes ?? [],
        allowsHost: scope.allowsHost,
        maxNodes: options.cluster?.maxNodes ?? DEFAULT_MAX_NODES,
        callOptions: {
          timeoutMs: options.pacing.timeoutMs,
          isInScope: scope.allowsHost,
          lookup: scope.lookup,
        },
      })
    : async (facts: GatheredFacts) => facts;
  const configThroughProxy = async ({
    endpoint,
    state,
    error,
  }: UnopenedEndpoint): Promise<EndpointResult | null> => {
    if (!cluster || endpoint.role !== "kubelet") return null;
    const facts = await throughNodeProxy({ ...blankFacts(endpoint), state, reachable: false, error });
    if (!facts.kubeletConfig) return null;
    // The wire checks skip as for any unopened port; the config checks judge what the proxy read.
    const wireProbes = probes.filter((probe) => probe.checkSource !== "config");
    const configProbes = probes.filter((probe) => probe.checkSource === "config");
    return {
      ...facts,
      checks: [
        ...skippedChecks(wireProbes, endpoint.role, benchmark, `port ${state}: ${error.message}`),
        ...evaluateProbes(configProbes, { ...facts, scan: scanContext }),
      ],
    };
  };
  const judgeUnopened = ({ endpoint, state, error }: UnopenedEndpoint): EndpointResult => {
    const facts: GatheredFacts = { ...blankFacts(endpoint), state, reachable: false, error };
    // A closed port is an observation (the host reset the connect); a filtered or undialled one is not.
    if (state === "closed") return verdicts(facts);
    const reason = `port ${state}: ${error.message}`;
    return { ...facts, checks: skippedChecks(probes, endpoint.role, benchmark, reason) };
  };
  const accessFor = (endpoint: { host: string; port: number }): ClusterAccess | null =>
    clusterAccessFor(endpoint, cluster?.access ?? null, identities.clientPair);
  const ledger = new HostLedger((role) => roleDefinition(role)?.absenceMeaningfulWhen ?? []);
  const emit = async (result: EndpointResult): Promise<void> => {
    endpoints.push(result);
    await options.onEndpoint?.(result);
  };
  // API servers kubetls holds credentials for start their node list and node proxy as soon as they are
  // probed, alongside the rest of the scan, but wait for the kubelets to be finished: their node-proxy
  // evidence joins what was seen on each kubelet directly, so they are finished (and streamed) last.
  const clusterPhase = startClusterPhase(
    {
      timeoutMs: options.pacing.timeoutMs,
      scope,
      lookup: scope.lookup,
      nodeAddressTypes: options.cluster?.nodeAddressTypes ?? ["InternalIP", "Hostname"],
      concurrency: options.pacing.concurrency,
    },
    async (apiserver, clusterFacts) => {
      const { checks: _stale, ...facts } = apiserver;
      await emit(verdicts({ ...facts, ...clusterFacts }));
    },
  );
  const startClusterPhaseOf = (apiserver: EndpointResult, access: ClusterAccess): void => {
    const listing =
      cluster && access === cluster.access && cluster.listing !== null ? cluster.listing : undefined;
    clusterPhase.add({ apiserver, access, listing });
  };
  const emitJudgeable = async (): Promise<void> => {
    for (const unopened of ledger.takeJudgeable()) await emit(judgeUnopened(unopened));
  };

  // Two stages: a bare TCP connect finds the open ports, thousands in flight (a pending SYN costs one
  // socket), and only open ports go on to the TLS, hello-scan and HTTP probing, `concurrency` at a time.
  const timeoutMs = options.pacing.timeoutMs;
  const connectTimeoutMs = options.pacing.connectTimeoutMs ?? timeoutMs;
  const probingConcurrency = Math.max(1, Math.floor(options.pacing.concurrency));
  const budget = connectBudget(
    Math.max(probingConcurrency, options.pacing.discoveryConcurrency ?? DEFAULT_DISCOVERY_CONNECTS),
    probingConcurrency * SOCKETS_PER_PROBED_ENDPOINT + RESERVED_FILE_DESCRIPTORS,
  );
  if (budget.cappedByFileLimit !== null) {
    options.onNotice?.(
      `the open-file limit (${budget.cappedByFileLimit}) caps discovery at ${budget.inFlight} connects in flight; raise it with ulimit -n for faster sweeps`,
    );
  }
  const probing = pLimit(probingConcurrency);
  const towardsHost = perHostLimit(DISCOVERY_CONNECTS_PER_HOST);
  type Outcome =
    | { endpoint: Endpoint; result: EndpointResult }
    | { endpoint: Endpoint; unopened: UnopenedEndpoint };
  const discoverThenProbe = async (endpoint: Endpoint, life: ItemLife): Promise<Outcome> => {
    if (!scope.allowsHost(endpoint.host)) return { endpoint, unopened: outOfScope(endpoint, scope) };
    const discovery = await towardsHost(endpoint.host, async () => {
      await gatherContext.gate.take();
      return discoverPort(endpoint, { connectTimeoutMs, lookup: scope.lookup });
    });
    if (discovery.state !== "open" || discovery.error !== null) {
      const state = discovery.state === "open" ? "unscanned" : discovery.state;
      const error = discovery.error ?? { code: "error" as const, message: "no connect outcome" };
      const proxied = await configThroughProxy({ endpoint, state, error });
      return proxied ? { endpoint, result: proxied } : { endpoint, unopened: { endpoint, state, error } };
    }
    // Its discovery connect is over: the probing stage has limits of its own, so the young window (which
    // is there for the connects) makes room for the next one now rather than when the probing ends.
    life.grownUp();
    const facts = await probing(() =>
      gatherWithinDeadline(endpoint, gatherContext, endpointDeadlineMs(timeoutMs)),
    );
    return {
      endpoint,
      result: verdicts(await throughNodeProxy({ ...facts, state: "open", reachable: true })),
    };
  };
  const issued = async function* (stream: AsyncIterable<Endpoint>): AsyncGenerator<Endpoint> {
    for await (const endpoint of stream) {
      ledger.issued(endpoint);
      yield endpoint;
    }
    ledger.streamEnded();
  };
  await schedule(
    issued(
      concatEndpoints(
        cluster?.endpoints ?? [],
        hasTargets
          ? endpointsOnly(streamEndpoints(options.targets), (item) => {
              invalid.push(item);
              options.onInvalidTarget?.(item);
            })
          : [],
      ),
    ),
    discoverThenProbe,
    {
      concurrency: budget.inFlight,
      youngWindow: { tasks: DISCOVERY_YOUNG_CONNECTS, forMs: DISCOVERY_YOUNG_MS },
      onResult: async (outcome) => {
        if ("unopened" in outcome) {
          options.onSettled?.(outcome.unopened.state);
          ledger.settled(outcome.endpoint, outcome.unopened);
        } else {
          const result = outcome.result;
          options.onSettled?.("open");
          if (result.speaksTls || result.plainHttp) ledger.answered(result.host, result.role);
          ledger.settled(outcome.endpoint, null);
          const access = result.role === "apiserver" && result.speaksTls ? accessFor(result) : null;
          if (access !== null) {
            startClusterPhaseOf(result, access);
          } else {
            await emit(result);
          }
        }
        await emitJudgeable();
      },
    },
  );
  await emitJudgeable();

  await clusterPhase.finish(
    new Map(
      endpoints
        .filter((endpoint) => endpoint.role === "kubelet")
        .map((endpoint) => [endpointKey(endpoint), endpoint]),
    ),
  );

  const unopened = ledger.groups();
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
    summary: summarize(endpoints, unopened),
    endpoints: sortEndpoints(endpoints),
    unopened,
    configContradictions: configContradictions(endpoints),
  };
}

/** The API access an API server endpoint can be asked through: its kubeconfig, or the client pair. */
function clusterAccessFor(
  endpoint: { host: string; port: number },
  kubeconfigAccess: ClusterAccess | null,
  clientPair: { certPem: string; keyPem: string } | null,
): ClusterAccess | null {
  if (
    kubeconfigAccess &&
    kubeconfigAccess.server.host === endpoint.host &&
    kubeconfigAccess.server.port === endpoint.port
  ) {
    return kubeconfigAccess;
  }
  if (clientPair === null) return null;
  return {
    contextName: "--client-cert",
    server: { host: endpoint.host, port: endpoint.port },
    caPem: null,
    insecureSkipTlsVerify: true,
    identity: clientPair,
    identityKind: "client-certificate",
  };
}

/** The cluster's endpoints first, then the targets', each host:port once (the API server is often both). */
async function* concatEndpoints(
  first: Iterable<Endpoint>,
  rest: AsyncIterable<Endpoint> | Iterable<Endpoint>,
): AsyncGenerator<Endpoint> {
  const seen = new Set<string>();
  for (const endpoint of first) {
    seen.add(endpointKey(endpoint));
    yield endpoint;
  }
  for await (const endpoint of rest) {
    if (!seen.has(endpointKey(endpoint))) yield endpoint;
  }
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
  context: GatherContext,
  deadlineMs: number,
): Promise<GatheredFacts> {
  try {
    return await withWorkDeadline(context.gate, deadlineMs, (pacedGate) =>
      gatherEndpointFacts(endpoint, { ...context, gate: pacedGate }),
    );
  } catch (error) {
    // Gathering never throws by design; whatever escapes still becomes this endpoint's typed error.
    const code = error instanceof DeadlineExceeded ? "timeout" : "error";
    return {
      ...blankFacts(endpoint),
      error: { code, message: error instanceof Error ? error.message : String(error) },
    };
  }
}
