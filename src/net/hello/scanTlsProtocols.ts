import { type NetError, netError } from "../../model/index.js";
import { cipherSuiteName, suitesForVersion } from "./cipherSuites.js";
import { type HelloProbeResult, helloProbe } from "./helloProbe.js";
import { withHostSlot } from "./hostSlots.js";
import { TLS_VERSIONS, type TlsVersion } from "./versions.js";

/** quick: versions, the CIS-forbidden suites and the TLS 1.3 suites; full: every known suite; off: nothing. */
export type TlsScanMode = "quick" | "full" | "off";

export interface TlsProtocolScanTarget {
  host: string;
  port: number;
  /** SNI; defaults to `host` when that is a DNS name. */
  servername?: string | undefined;
}

export interface TlsProtocolScanOptions {
  mode: TlsScanMode;
  /** Deadline of each attempt (one connection, one ClientHello). */
  timeoutMs: number;
  /** Attempts in flight at once against one host, shared by every scan of that host. Default 4. */
  perHostConcurrency?: number;
  /** Attempts at most for this endpoint; past it the scan stops and says so in `errors`. Default 400. */
  maxAttempts?: number;
  /** Awaited before every connection, so the scan's global --rate paces these handshakes too. */
  beforeConnect?: () => Promise<void>;
}

/** Whether the server sent a CertificateRequest; null when only TLS 1.3 was spoken, where it is encrypted. */
export type ClientCertRequestFact = { sent: true; caNames: string[] } | { sent: false } | null;

export interface TlsProtocolScan {
  /** Accepted versions, oldest first, e.g. ["TLSv1.2", "TLSv1.3"]. */
  versions: TlsVersion[];
  /**
   * Accepted suites (IANA names, registry order) per accepted version. In quick mode TLS <= 1.2 lists the
   * non-strong suites plus the suite the version probe happened to get.
   */
  cipherSuites: Record<string, string[]>;
  /** Per accepted version: true when the server imposes its own order, null when it could not be told. */
  serverPreference: Record<string, boolean | null>;
  /** Where the server imposes its order: the accepted suites in that order (IANA names), most preferred first. */
  serverOrder: Record<string, string[]>;
  /**
   * Versions whose probe timed out or failed without the server refusing (or that were never asked once the
   * scan stopped): neither accepted nor refused. Oldest first.
   */
  unknownVersions: TlsVersion[];
  /** Per accepted version, the suites (IANA names) whose probes timed out or failed: neither accepted nor refused. */
  unknownCipherSuites: Record<string, string[]>;
  clientCertRequest: ClientCertRequestFact;
  /** The TLS <= 1.2 Certificate message in served order; null when no such flight was seen. */
  servedChainDer: Buffer[] | null;
  attempts: number;
  errors: NetError[];
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_MAX_ATTEMPTS = 400;

// A refusal is an answer, not a failure: servers refuse unsupported versions and suites with an alert,
// a close or a reset.
const REFUSALS = new Set<NetError["code"]>(["handshake-rejected", "reset"]);
// After these nothing else can succeed: stop instead of spending the budget.
const FATAL = new Set<NetError["code"]>(["refused", "unreachable", "dns-failure", "not-tls"]);

/**
 * A probe that says nothing about the server's choice: it timed out, broke or was never made (the scan
 * stopped). Only an answer (a ServerHello, an alert, a close or a reset) tells accepted from refused.
 */
function isUnknown(result: HelloProbeResult | null): boolean {
  if (result === null) return true;
  return !result.accepted && result.error !== undefined && !REFUSALS.has(result.error.code);
}

/** The shared state of one endpoint's scan: attempt count, cap, errors, and the host's slots. */
class Attempts {
  count = 0;
  readonly errors: NetError[] = [];
  #stopped = false;

  constructor(
    readonly target: TlsProtocolScanTarget,
    readonly timeoutMs: number,
    readonly concurrency: number,
    readonly maxAttempts: number,
    readonly beforeConnect: () => Promise<void>,
  ) {}

  /** Runs one probe; null once the scan has stopped (cap reached or a fatal error seen). */
  async probe(version: TlsVersion, suites: readonly number[]): Promise<HelloProbeResult | null> {
    return withHostSlot(this.target.host, this.concurrency, async () => {
      if (this.#stopped) return null;
      if (this.count >= this.maxAttempts) {
        this.#stop(netError("error", `stopped after ${this.maxAttempts} attempts; the result is incomplete`));
        return null;
      }
      this.count += 1;
      await this.beforeConnect();
      const result = await helloProbe({
        host: this.target.host,
        port: this.target.port,
        servername: this.target.servername,
        version,
        suites,
        timeoutMs: this.timeoutMs,
      });
      if (result.error !== undefined && !REFUSALS.has(result.error.code)) {
        this.#record(result.error);
        if (FATAL.has(result.error.code)) this.#stopped = true;
      }
      return result;
    });
  }

  #stop(error: NetError): void {
    this.#stopped = true;
    this.#record(error);
  }

  #record(error: NetError): void {
    if (!this.errors.some((seen) => seen.code === error.code && seen.message === error.message)) {
      this.errors.push(error);
    }
  }
}

/*
 * Quick mode skips only what every benchmark's strong list allows: the ECDHE AEAD suites (and TLS 1.3).
 * The static-RSA GCM suites are strong in the older kubelet list but not in cis-1.12's or the newer API
 * server lists, so they must be asked about, or a cis-1.12 scan would PASS a server that accepts them.
 */
function codesFor(version: TlsVersion, mode: "quick" | "full"): number[] {
  return suitesForVersion(version)
    .filter((suite) => mode === "full" || version === "TLSv1.3" || !isStrongInEveryBenchmark(suite))
    .map((suite) => suite.code);
}

function isStrongInEveryBenchmark(suite: { name: string; cisStrong: boolean }): boolean {
  return suite.cisStrong && suite.name.startsWith("TLS_ECDHE_");
}

/** Round-robin split so each group can be enumerated on its own connection sequence, in parallel. */
function partition(codes: readonly number[], groups: number): number[][] {
  const out: number[][] = Array.from({ length: Math.max(1, Math.min(groups, codes.length)) }, () => []);
  codes.forEach((code, index) => {
    out[index % out.length]?.push(code);
  });
  return out.filter((group) => group.length > 0);
}

/**
 * Offer a list, note the pick, drop it, offer again: until the server refuses what is left. When a probe
 * gets no answer, what was left in the list is unknown, not refused.
 */
async function exhaust(
  attempts: Attempts,
  version: TlsVersion,
  group: readonly number[],
): Promise<{ found: number[]; unknown: number[] }> {
  const found: number[] = [];
  let remaining = [...group];
  while (remaining.length > 0) {
    const result = await attempts.probe(version, remaining);
    if (isUnknown(result)) return { found, unknown: remaining };
    const picked = result?.suiteCode;
    if (!result?.accepted || picked === null || picked === undefined) break;
    found.push(picked);
    remaining = remaining.filter((code) => code !== picked);
  }
  return { found, unknown: [] };
}

/** Same pick for [a, b] and [b, a] means the server's order wins. */
async function serverPreference(
  attempts: Attempts,
  version: TlsVersion,
  accepted: readonly number[],
): Promise<boolean | null> {
  const [a, b] = accepted;
  if (a === undefined || b === undefined) return null;
  const [forward, backward] = await Promise.all([
    attempts.probe(version, [a, b]),
    attempts.probe(version, [b, a]),
  ]);
  if (!forward?.accepted || !backward?.accepted) return null;
  return forward.suiteCode === backward.suiteCode;
}

function inRegistryOrder(codes: Iterable<number>, version: TlsVersion): number[] {
  const set = new Set(codes);
  const known = suitesForVersion(version)
    .map((suite) => suite.code)
    .filter((code) => set.has(code));
  return [...known, ...[...set].filter((code) => !known.includes(code))];
}

async function scanVersion(
  attempts: Attempts,
  version: TlsVersion,
  mode: "quick" | "full",
  versionProbe: HelloProbeResult,
): Promise<{ suites: number[]; unknown: number[]; preference: boolean | null; order: number[] | null }> {
  const first = versionProbe.suiteCode;
  const candidates = codesFor(version, mode).filter((code) => code !== first);
  const groups = partition(candidates, attempts.concurrency);
  const outcomes = await Promise.all(groups.map((group) => exhaust(attempts, version, group)));
  const found = outcomes.flatMap((outcome) => outcome.found);
  const suites = inRegistryOrder(first === null ? found : [first, ...found], version);
  const unknown = inRegistryOrder(
    outcomes.flatMap((outcome) => outcome.unknown),
    version,
  );
  const preference = await serverPreference(attempts, version, suites);
  // One sequential pass over what was accepted: offered together, each pick is the server's next favourite.
  const order = preference === true ? (await exhaust(attempts, version, suites)).found : null;
  return {
    suites,
    unknown,
    preference,
    order: order !== null && order.length === suites.length ? order : null,
  };
}

function clientCertRequestFrom(probes: ReadonlyMap<TlsVersion, HelloProbeResult>): {
  request: ClientCertRequestFact;
  chain: Buffer[] | null;
} {
  // Newest TLS <= 1.2 flight seen to its end: what a current client would get.
  for (const version of [...TLS_VERSIONS].reverse()) {
    const probe = probes.get(version);
    if (version === "TLSv1.3" || probe?.certificateRequest === undefined) continue;
    const request = probe.certificateRequest;
    return {
      request: request === null ? { sent: false } : { sent: true, caNames: request.caNames },
      chain: probe.servedChainDer ?? [],
    };
  }
  return { request: null, chain: null };
}

function emptyScan(): TlsProtocolScan {
  return {
    versions: [],
    cipherSuites: {},
    serverPreference: {},
    serverOrder: {},
    unknownVersions: [],
    unknownCipherSuites: {},
    clientCertRequest: null,
    servedChainDer: null,
    attempts: 0,
    errors: [],
  };
}

/**
 * Enumerates versions, cipher suites, server preference and the CertificateRequest of one endpoint with
 * hand-written ClientHellos. Resolves (never rejects) with whatever could be learned, errors included;
 * the cost is bounded by the per-attempt deadline, the host's slots and the attempt cap.
 */
export async function scanTlsProtocols(
  target: TlsProtocolScanTarget,
  options: TlsProtocolScanOptions,
): Promise<TlsProtocolScan> {
  const scan = emptyScan();
  if (options.mode === "off") return scan;
  const mode = options.mode;
  const attempts = new Attempts(
    target,
    options.timeoutMs,
    options.perHostConcurrency ?? DEFAULT_CONCURRENCY,
    options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    options.beforeConnect ?? (async () => {}),
  );

  const probes = new Map<TlsVersion, HelloProbeResult>();
  await Promise.all(
    TLS_VERSIONS.map(async (version) => {
      const probe = await attempts.probe(version, codesFor(version, "full"));
      if (probe !== null) probes.set(version, probe);
    }),
  );
  scan.versions = TLS_VERSIONS.filter((version) => probes.get(version)?.accepted === true);
  scan.unknownVersions = TLS_VERSIONS.filter((version) => isUnknown(probes.get(version) ?? null));

  const perVersion = await Promise.all(
    scan.versions.map(async (version) => {
      const probe = probes.get(version);
      return probe === undefined ? null : { version, ...(await scanVersion(attempts, version, mode, probe)) };
    }),
  );
  for (const entry of perVersion) {
    if (entry === null) continue;
    scan.cipherSuites[entry.version] = entry.suites.map(cipherSuiteName);
    scan.serverPreference[entry.version] = entry.preference;
    if (entry.unknown.length > 0)
      scan.unknownCipherSuites[entry.version] = entry.unknown.map(cipherSuiteName);
    if (entry.order !== null)
      scan.serverOrder[entry.version] = entry.order.map((code) => cipherSuiteName(code));
  }

  const { request, chain } = clientCertRequestFrom(probes);
  scan.clientCertRequest = request;
  scan.servedChainDer = chain;
  scan.attempts = attempts.count;
  scan.errors = [...attempts.errors];
  if (scan.versions.length === 0 && scan.unknownVersions.length === 0 && scan.errors.length === 0) {
    scan.errors.push(netError("handshake-rejected", "no protocol version was accepted"));
  }
  return scan;
}
