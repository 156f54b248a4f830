import {
  type HttpGetOptions,
  type HttpOutcome,
  type HttpSessionSettings,
  openHttpSession,
} from "./httpSession.js";

/** A GET and nothing else: there is deliberately no method to choose. */
export interface HttpGetRequest extends HttpSessionSettings, HttpGetOptions {
  path: string;
}

/**
 * One GET on a connection of its own, closed before returning: a session of one request. Callers that ask
 * one endpoint several paths as the same identity open a session instead and save the handshakes.
 */
export async function httpGet(request: HttpGetRequest): Promise<HttpOutcome> {
  const { path, maxBodyBytes, keepBody, ...settings } = request;
  const session = openHttpSession(settings);
  try {
    return await session.get(path, { maxBodyBytes, keepBody });
  } finally {
    await session.close();
  }
}
