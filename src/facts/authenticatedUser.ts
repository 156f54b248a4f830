/*
 * Who the server says we were, read from its own words: the kubelet's 403 text
 * `Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)` and the API server's
 * Status message `... User "system:anonymous" cannot get path "/api"`. That name is evidence: it shows
 * which identity the server authenticated, or that it believed a certificate it should not have.
 */
const KUBELET_FORBIDDEN = /Forbidden \(user=([^,)]+)/;
const APISERVER_FORBIDDEN = /User \\?"([^"\\]+)\\?" cannot/;

export function authenticatedUser(body: string | null): string | null {
  if (body === null) return null;
  return KUBELET_FORBIDDEN.exec(body)?.[1] ?? APISERVER_FORBIDDEN.exec(body)?.[1] ?? null;
}
