import { type Endpoint, endpointKey } from "../model/index.js";

/** `10.0.0.7:10250 kubelet`, `[fd00::1]:6443 apiserver`: what `--dry-run` prints, one line per endpoint. */
export function formatDryRunLine(endpoint: Endpoint): string {
  return `${endpointKey(endpoint)} ${endpoint.role}`;
}
