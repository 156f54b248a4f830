// Two modules of the pinned undici, loaded without its index (src/net/undiciClient.ts says why).
declare module "undici/lib/dispatcher/client.js" {
  import type { Client } from "undici";

  const UndiciClient: typeof Client;
  export default UndiciClient;
}

declare module "undici/lib/api/api-request.js" {
  import type { Dispatcher } from "undici";

  function request(this: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  export default request;
}
