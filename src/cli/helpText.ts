import { EXIT } from "./exitCodes.js";

/** The exit codes as --help shows them; the README's table says the same. */
export const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT.ok}  no check at or above --fail-on (default FAIL)
  ${EXIT.findings}  findings at or above --fail-on
  ${EXIT.usage}  usage error: bad flag, target, file, benchmark
  ${EXIT.scanFailed}  the scan itself failed, or a report could not be written
  ${EXIT.nothingObserved}  nothing was observed: no endpoint was open, or every target was invalid`;

export const ROOT_EXAMPLES = `
Examples:
  kubetls scan 10.0.0.0/24 --ca-file ca.crt            scan a node range, judge chains against the cluster CA
  kubetls scan --kubeconfig ~/.kube/config --scope 10.0.0.0/16
                                                       the API server and every node it lists
  kubetls demo                                         the embedded lab, scanned
  kubetls completion bash >> ~/.bashrc                 shell completion
${EXIT_CODES_HELP}`;

export const SCAN_EXAMPLES = `
Examples:
  kubetls scan 10.0.0.0/24 --ca-file /etc/kubernetes/pki/ca.crt \\
    --client-cert apiserver-kubelet-client.crt --client-key apiserver-kubelet-client.key
  kubetls scan 10.0.0.7:10250 -o report.html           -o picks the format from the extension
  kubectl get nodes -o jsonpath='{..addresses[0].address}' | tr ' ' '\\n' | kubetls scan
                                                       targets on stdin when none are given
  kubetls scan 10.0.0.0/24 --format json | jq '.endpoints[] | select(.checks[].status == "FAIL") | .host'
  kubetls scan 10.0.0.0/16 --shard 0/4 -o shard-0.json   one quarter of a sweep; kubetls merge joins them
${EXIT_CODES_HELP}`;
