import { netError } from "../model/index.js";
import { type HttpOutcome, httpGet, isForbiddenKubeletPath } from "../net/index.js";
import { type ApiserverCallOptions, apiserverRequest, isFailure } from "./apiserverRequest.js";
import type { ClusterAccess } from "./clusterAccess.js";

/**
 * `GET /api/v1/nodes/NAME/proxy/PATH` through the API server under the kubeconfig identity: the API
 * server dials the kubelet with its own kubelet client certificate. kubetls calls it for `/healthz` and
 * `/configz` only; `httpGet` refuses the forbidden kubelet paths, and so does this, before anything else.
 */
export async function nodeProxyGet(
  access: ClusterAccess,
  nodeName: string,
  kubeletPath: string,
  options: ApiserverCallOptions,
  body: { keepBody?: boolean } = {},
): Promise<HttpOutcome> {
  if (nodeName === "" || !kubeletPath.startsWith("/") || isForbiddenKubeletPath(kubeletPath)) {
    const error = netError(
      "out-of-scope",
      `refusing to proxy ${JSON.stringify(kubeletPath.slice(0, 120))} to node ${JSON.stringify(nodeName.slice(0, 120))}`,
    );
    return { outcome: error.code, error };
  }
  const request = apiserverRequest(
    access,
    `/api/v1/nodes/${encodeURIComponent(nodeName)}/proxy${kubeletPath}`,
    options,
  );
  if (isFailure(request)) return request;
  // keepBody: a node's /configz is read whole (a few KB, under httpGet's cap).
  return httpGet({ ...request, ...body });
}
