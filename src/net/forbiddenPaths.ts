/**
 * Kubelet paths kubetls must never request: code execution (/exec, /run, /attach, /portForward) and
 * workload data (/containerLogs, /logs, /checkpoint, /debug/pprof). Probes never name them; `httpGet`
 * refuses them anyway, directly or through the API server's node proxy.
 */
export const FORBIDDEN_KUBELET_PATHS: readonly string[] = [
  "/exec",
  "/run",
  "/attach",
  "/portForward",
  "/containerLogs",
  "/logs",
  "/checkpoint",
  "/debug/pprof",
];

/**
 * The one pprof page kubetls may read: Go's net/http/pprof index, a list of profile names with no profile data,
 * which answers 200 when a component runs with --profiling and 404 without. Allowed only as exactly this string
 * (no query, no encoding, no dot segments, not through the node proxy); everything else under /debug/pprof,
 * every profile, stays refused.
 */
export const PPROF_INDEX_PATH = "/debug/pprof/";

/** The same powers reached through the API server: pod subresources that run code or read logs. */
const FORBIDDEN_POD_SUBRESOURCES = new Set(["exec", "attach", "portforward", "log"]);

const FORBIDDEN_LOWERCASE = FORBIDDEN_KUBELET_PATHS.map((path) => path.toLowerCase());

/** Percent-decoding rounds before giving up: `%2565xec` must not slip through as `%65xec`. */
const MAX_DECODE_ROUNDS = 4;

/**
 * True when `path` reaches a forbidden kubelet path: prefix match on whole segments, case-insensitive,
 * after dropping the query, percent-decoding, and resolving `//`, `.` and `..` the way a server would.
 * `/run` is forbidden and `/runningpods/` is not. A path that cannot be decoded counts as forbidden. The pprof
 * index, spelt exactly as PPROF_INDEX_PATH, is the one exception.
 */
export function isForbiddenKubeletPath(path: string): boolean {
  if (path === PPROF_INDEX_PATH) return false;
  const segments = normalisedSegments(path);
  if (segments === null) return true;
  return (
    [segments, ...proxiedKubeletSegments(segments)].some(reachesForbiddenKubeletPath) ||
    isPodSubresource(segments)
  );
}

function reachesForbiddenKubeletPath(segments: string[]): boolean {
  const path = `/${segments.join("/")}`;
  return FORBIDDEN_LOWERCASE.some((forbidden) => path === forbidden || path.startsWith(`${forbidden}/`));
}

/** `/api/v1/nodes/NAME/proxy/REST` (and the old `/api/v1/proxy/nodes/NAME/REST`) reach the kubelet's REST. */
function proxiedKubeletSegments(segments: string[]): string[][] {
  const [api, version, third, fourth, fifth] = segments;
  if (api !== "api" || version !== "v1") return [];
  if (third === "nodes" && fifth === "proxy") return [segments.slice(5)];
  if (third === "proxy" && fourth === "nodes") return [segments.slice(5)];
  return [];
}

/** `/api/v1/namespaces/NS/pods/NAME/{exec,attach,portforward,log}`. */
function isPodSubresource(segments: string[]): boolean {
  const [api, version, namespaces, , pods, , subresource] = segments;
  return (
    api === "api" &&
    version === "v1" &&
    namespaces === "namespaces" &&
    pods === "pods" &&
    subresource !== undefined &&
    FORBIDDEN_POD_SUBRESOURCES.has(subresource)
  );
}

function normalisedSegments(path: string): string[] | null {
  let decoded = path.split(/[?#]/, 1)[0] ?? "";
  for (let round = 0; decoded.includes("%"); round++) {
    if (round === MAX_DECODE_ROUNDS) return null;
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return null;
    }
  }
  const resolved: string[] = [];
  // Backslashes too: some servers treat them as separators, and refusing more is the safe side.
  for (const segment of decoded.toLowerCase().split(/[/\\]+/)) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") resolved.pop();
    else resolved.push(segment);
  }
  return resolved;
}
