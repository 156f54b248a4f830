/** What a /configz body holds: the kubeletconfig object, or why it is not one. */
export type ParsedConfigz =
  | { config: Record<string, unknown>; problem: null }
  | { config: null; problem: string };

/**
 * A kubelet's GET /configz answer is `{"kubeletconfig": {...}}` (pkg/kubelet's configz registration). The
 * object is kept as served: defaulting is already applied and zero values are omitted, and the probes
 * judge an omitted field by its zero value (`default:` in a condition), never by a filled-in copy.
 */
export function parseConfigz(body: string, truncated: boolean): ParsedConfigz {
  if (truncated) return { config: null, problem: "the body exceeded the size cap before it ended" };
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return { config: null, problem: "the body is not JSON" };
  }
  if (!isRecord(document)) return { config: null, problem: "the body is not a JSON object" };
  const config = document.kubeletconfig;
  if (!isRecord(config))
    return { config: null, problem: 'the JSON object has no "kubeletconfig" object at its top level' };
  return { config, problem: null };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
