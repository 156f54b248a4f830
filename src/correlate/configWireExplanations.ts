import type { CheckStatus } from "../model/index.js";

/*
 * Why a config check and a wire check about the same control can disagree, per config check and
 * direction (the config's verdict / the wire's). Data, like explanations.ts for kube-bench: the
 * contradiction itself is derived from the pair; these sentences only say what usually causes it.
 */
const SAFE_CONFIG_UNSAFE_WIRE: Readonly<Record<string, string>> = {
  "kubelet-config.anonymous-auth":
    "the live configuration turns anonymous requests off, yet one was served: something in front of the kubelet answers for it (a proxy, or another process on the port), or the listener is not the kubelet whose /configz was read",
  "kubelet-config.authorization":
    "the live configuration authorizes through the API server (Webhook), yet unauthenticated or untrusted requests were allowed: an RBAC binding grants system:anonymous or system:unauthenticated nodes/proxy, or a proxy in front answers for the kubelet",
  "kubelet-config.client-ca":
    "the live configuration names a client CA, yet the kubelet accepted a certificate from an untrusted CA or requested none: a TLS-terminating proxy sits in front of the kubelet, or the file is not the CA it should be",
  "kubelet-config.read-only-port":
    "the live configuration closes the read-only port, yet the port answered plain HTTP without authentication: another process (a proxy, a sidecar, a kubelet not restarted since the change) holds it",
  "kubelet-config.tls-ciphers":
    "the live configuration allows only strong suites, yet weaker ones were accepted: a TLS terminator in front of the kubelet negotiates with its own list",
  "kubelet-config.tls-cert-file":
    "the live configuration names a serving certificate, yet the chain served does not validate: the kubelet was not restarted since the file changed, or something in front serves its own certificate",
};

const UNSAFE_CONFIG_SAFE_WIRE =
  "the live configuration allows what the wire did not show: a firewall or proxy between kubetls and the kubelet hides it from this vantage point, while clients that get through meet the configuration";

const GENERIC =
  "the kubelet's own configuration and its behaviour on the wire disagree: a proxy in front of the kubelet, or a restart that never happened, produces exactly this";

export function configWireExplanation(configCheck: string, config: CheckStatus, wire: CheckStatus): string {
  if (config === "PASS" && wire === "FAIL") return SAFE_CONFIG_UNSAFE_WIRE[configCheck] ?? GENERIC;
  if (config === "FAIL" && wire === "PASS") return UNSAFE_CONFIG_SAFE_WIRE;
  return GENERIC;
}
