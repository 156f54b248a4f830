/**
 * Why kube-bench (flags and config files) and the wire disagree, per kubetls check id, for each direction:
 * "PASS/FAIL" is flag PASS with wire FAIL, "FAIL/PASS" the reverse. Keyed by check id, not control id,
 * because the control numbers move between benchmark versions while what the check observes does not.
 */
export type Contradiction = "PASS/FAIL" | "FAIL/PASS";

export const KNOWN_CONTRADICTIONS: Readonly<Record<string, Readonly<Record<Contradiction, string>>>> = {
  "kubelet.anonymous-auth": {
    "PASS/FAIL":
      "kube-bench saw anonymous auth disabled, but the kubelet took a request without a client certificate as system:anonymous (200 or 403) instead of answering 401: the config file was changed after the kubelet started (restart it), or kube-bench read another file than the one the running kubelet was started with.",
    "FAIL/PASS":
      "kube-bench did not find anonymous auth disabled, but the kubelet refused a request without a client certificate (401, or in the handshake): a kubelet started with --config gets authentication.anonymous.enabled=false from the KubeletConfiguration defaults when the field is absent, and kube-bench, which only reads what is written, reports it as not set.",
  },
  "kubelet.authorization": {
    "PASS/FAIL":
      "kube-bench saw an authorization mode other than AlwaysAllow, but the kubelet served a protected path to an identity that should be denied: in Webhook mode the API server decides, so an RBAC binding most likely grants nodes/proxy (or nodes/*) to system:anonymous, system:unauthenticated or system:authenticated; otherwise the kubelet was not restarted after the change.",
    "FAIL/PASS":
      "kube-bench did not find --authorization-mode, but the kubelet refused unauthenticated requests: a kubelet started with --config gets authorization.mode=Webhook from the KubeletConfiguration defaults when the field is absent, which kube-bench reports as not set. (A 401 only shows that authentication stopped the request before authorization was asked.)",
  },
  "kubelet.client-ca": {
    "PASS/FAIL":
      "kube-bench saw --client-ca-file set, but the kubelet accepted a client certificate from an untrusted CA (or sent no CertificateRequest): the file may not be the CA that signs clients, or the kubelet was not restarted after the change.",
    "FAIL/PASS":
      "kube-bench did not find --client-ca-file or authentication.x509.clientCAFile, but the kubelet authenticated the cluster's client certificate and refused an untrusted one: the CA file is set where kube-bench does not look (a --config file outside its search paths, or a --config-dir drop-in).",
  },
  "kubelet.read-only-port": {
    "PASS/FAIL":
      "kube-bench passed the read-only port, but it answered plain HTTP without authentication: kube-bench accepts the setting when it is not defined at all, yet a kubelet run without a config file defaults --read-only-port to 10255; otherwise the kubelet was not restarted after readOnlyPort was set to 0.",
    "FAIL/PASS":
      "kube-bench found a non-zero read-only port, but the port refused connections from where kubetls scanned: the kubelet was restarted with readOnlyPort 0 since kube-bench ran, kube-bench read a config file the running kubelet does not use, or a host firewall rejects the port. The wire only shows it closed from this vantage point.",
  },
  "kubelet.serving-cert": {
    "PASS/FAIL":
      "kube-bench saw --tls-cert-file set, but the served chain does not validate against the CA kubetls was given: the certificate is signed by another CA (give kubetls that CA with --kubelet-ca-file), has expired, lacks the node's address as a SAN, or the kubelet was not restarted after the file changed.",
    "FAIL/PASS":
      "the well-known false positive: kube-bench looks for --tls-cert-file, but the kubelet serves a CA-signed certificate rotated from --cert-dir (serverTLSBootstrap/RotateKubeletServerCertificate); the wire shows a valid chain.",
  },
  "kubelet.tls-ciphers": {
    "PASS/FAIL":
      "kube-bench saw only strong suites in --tls-cipher-suites, but the kubelet accepted a suite outside the CIS list: the kubelet was started before the setting changed (restart it), or kube-bench read a config file the running kubelet does not use.",
    "FAIL/PASS":
      "kube-bench found no --tls-cipher-suites, but every suite the kubelet accepted is on the CIS strong list: most likely it accepts only TLS 1.3 (tlsMinVersion: VersionTLS13), whose suites Go does not let anyone configure and which are all strong; kube-bench only looks for the setting.",
  },
  "kubelet.https": {
    "PASS/FAIL":
      "kube-bench saw the API server dial kubelets over HTTPS, but a kubelet port answered plain HTTP: something other than the kubelet listens there, since the kubelet itself always serves TLS on its port.",
    "FAIL/PASS":
      "kube-bench found --kubelet-https=false on the API server, but the kubelet speaks TLS: the flag only changes how the API server dials kubelets (and breaks logs and exec against them); the kubelet always serves TLS.",
  },
  "apiserver.anonymous-auth": {
    "PASS/FAIL":
      "kube-bench saw --anonymous-auth=false, but the API server served /api to a request without credentials: the static pod manifest was edited but the API server not yet restarted with it, or the scanned address reaches another API server than the one kube-bench read (a load balancer in front of several control-plane nodes), or a proxy in front adds credentials of its own.",
    "FAIL/PASS":
      "kube-bench found --anonymous-auth unset or true (the flag defaults to true), but the API server answered a request without credentials with 401: anonymous access is turned off in an AuthenticationConfiguration file (--authentication-config), which kube-bench does not read, or a proxy in front of the API server demands credentials.",
  },
  "apiserver.authorization": {
    "PASS/FAIL":
      "kube-bench saw --authorization-mode without AlwaysAllow, but the API server served a protected path to an identity that should be denied: an RBAC binding grants it (look for bindings to system:anonymous, system:unauthenticated or system:authenticated), or an authorization webhook allows it.",
    "FAIL/PASS":
      "kube-bench found --authorization-mode unset or AlwaysAllow, but the API server denied the request with 403: authorization is configured by an AuthorizationConfiguration file (--authorization-config), which kube-bench does not read, or kube-bench did not see the kube-apiserver command line.",
  },
  "apiserver.kubelet-client-cert": {
    "PASS/FAIL":
      "kube-bench saw --kubelet-client-certificate and --kubelet-client-key set, but the kubelet refused the API server's proxied request with 401: the certificate has expired (kubeadm's apiserver-kubelet-client.crt lasts a year unless renewed), it is not signed by the kubelet's --client-ca-file, or the API server was not restarted after the files were renewed.",
    "FAIL/PASS":
      "kube-bench did not find --kubelet-client-certificate/--kubelet-client-key, but kubelets that refuse anonymous requests accepted the API server's proxied requests: kube-bench did not see the kube-apiserver command line (it ran without hostPID, or on a node without the API server), or a managed control plane sets the flags where kube-bench cannot look.",
  },
  "apiserver.kubelet-certificate-authority": {
    "PASS/FAIL":
      "kube-bench saw --kubelet-certificate-authority set, but the API server proxied to a kubelet whose serving chain does not validate against the kubelet CA kubetls was given: that CA may not be the one in the flag (give kubetls the same file with --kubelet-ca-file), the file is a bundle that also trusts the kubelets' self-signed CAs, or the API server was not restarted after the flag was added.",
    "FAIL/PASS":
      "kube-bench did not find --kubelet-certificate-authority, but the API server refused to proxy to a kubelet with an unverifiable serving certificate: kube-bench did not see the kube-apiserver command line (it ran without hostPID, or on a node without the API server), or a managed control plane sets the flag where kube-bench cannot look.",
  },
  "apiserver.serving-cert": {
    "PASS/FAIL":
      "kube-bench saw --tls-cert-file and --tls-private-key-file set, but the served chain does not validate: the certificate lacks a SAN for the address kubetls used (a load-balancer name or address added later), it has expired, or a load balancer in front terminates TLS with its own certificate.",
    "FAIL/PASS":
      "kube-bench did not find --tls-cert-file, but the API server serves a chain that validates: kube-bench did not see the kube-apiserver command line (it ran without hostPID, or on a node without the API server), or the scanned address is a proxy that terminates TLS with its own valid certificate.",
  },
  "apiserver.tls-ciphers": {
    "PASS/FAIL":
      "kube-bench saw only allowed suites in --tls-cipher-suites, but the API server accepted a suite kubetls counts as weak: kube-bench's list is wider in some benchmarks (cis-1.23 to cis-1.11 admit CBC-SHA suites, up to cis-1.9 even 3DES), the API server was not restarted after the change, or a load balancer in front terminates TLS with its own suites.",
    "FAIL/PASS":
      "kube-bench found no --tls-cipher-suites, but every suite the API server accepted is strong: most likely it accepts only TLS 1.3 (--tls-min-version=VersionTLS13), whose suites Go does not let anyone configure, or a load balancer in front terminates TLS with a strict policy.",
  },
};

export const GENERIC_CONTRADICTIONS: Readonly<Record<Contradiction, string>> = {
  "PASS/FAIL":
    "kube-bench read a setting that passes, but the running component does not behave that way on the wire: most often it was not restarted after the change, or kube-bench read another node's or another file's settings than the endpoint kubetls reached.",
  "FAIL/PASS":
    "kube-bench did not find the setting it looks for, but the running component behaves securely on the wire: the setting most likely comes from somewhere kube-bench does not read (a default of the config-file format, a config file at another path, a managed control plane), or kubetls reached a proxy in front of the component.",
};

/** The sentence for a contradiction: the first check id with a known case, else the generic one. */
export function contradictionSentence(contradiction: Contradiction, checkIds: readonly string[]): string {
  for (const id of checkIds) {
    const known = KNOWN_CONTRADICTIONS[id]?.[contradiction];
    if (known) return known;
  }
  return GENERIC_CONTRADICTIONS[contradiction];
}
