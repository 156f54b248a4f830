import type { Client, Dispatcher } from "undici";

/** undici's HTTP/1.1 Client with the one call kubetls makes on it. */
export interface RequestingClient {
  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  destroy(): Promise<void>;
}

export type RequestingClientClass = new (url: string | URL, options?: Client.Options) => RequestingClient;

/*
 * undici's index loads everything it offers (fetch, WebSocket, the cache and mock agents, ...): about
 * 120 ms of one core, and it was loaded by the first GET of a scan, in the middle of the burst when every
 * open endpoint starts its handshakes, delaying their events. kubetls needs the Client and its request API
 * only: loaded alone they cost about 40 ms. The undici version is pinned, so these two paths are fixed;
 * test/net exercises them on every run.
 */
let loading: Promise<RequestingClientClass> | undefined;

/** The Client class with `request`, loaded on first use and shared. */
export function loadRequestingClient(): Promise<RequestingClientClass> {
  loading ??= (async () => {
    const [{ default: UndiciClient }, { default: request }] = await Promise.all([
      import("undici/lib/dispatcher/client.js"),
      import("undici/lib/api/api-request.js"),
    ]);
    return class extends UndiciClient {
      // Typed on Dispatcher, but only undici's index puts it on the prototype at run time.
      override request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
        return request.call(this, options);
      }
    } as RequestingClientClass;
  })();
  return loading;
}
