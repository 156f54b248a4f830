import type { EndpointResult, ScanResult } from "../model/index.js";

/** `--open-only`: an endpoint record is kept only when its port was open. */
export function isOpenRecord(endpoint: EndpointResult): boolean {
  return endpoint.state === "open";
}

/**
 * `--open-only` for machine formats: only open endpoints are listed, and the never-opened groups keep
 * their counts but drop their host lists. The summary still describes the whole scan (every state and
 * every finding), so it can count closed ports judged on answering hosts that are no longer listed.
 */
export function openEndpointsOnly(result: ScanResult): ScanResult {
  return {
    ...result,
    endpoints: result.endpoints.filter(isOpenRecord),
    unopened: result.unopened.map((group) => ({ ...group, hosts: [] })),
  };
}
