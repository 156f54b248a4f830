import { netError } from "../model/index.js";
import { type HttpFailure, type HttpGetRequest, httpGet } from "../net/index.js";

/** An HTTP answer whose whole body was read and parsed. */
export interface JsonAnswer {
  outcome: "http";
  status: number;
  /** The parsed body; undefined when it is not JSON (JSON itself never yields undefined). */
  json: unknown;
  /** Bytes of body read, when known: what a caller bounding several answers adds up. */
  bodyBytes?: number;
}

/** A GET whose whole body, up to `maxBodyBytes`, is parsed as JSON: what an API list call needs. */
export type FetchJson = (request: HttpGetRequest) => Promise<JsonAnswer | HttpFailure>;

/**
 * `httpGet` keeping the whole body; a body past `maxBodyBytes` is refused rather than parsed half. The
 * bearer token is scrubbed from the body before parsing, as `httpGet` scrubs its snippet: a server that
 * echoes it must not get it into an error message.
 */
export const fetchJsonViaHttpGet: FetchJson = async (request) => {
  const answer = await httpGet({ ...request, keepBody: true });
  if (answer.outcome !== "http") return answer;
  if (answer.truncated || answer.body === undefined) {
    const limit = request.maxBodyBytes === undefined ? "the" : `the ${request.maxBodyBytes}-byte`;
    const error = netError("body-too-large", `the response is larger than ${limit} limit`);
    return { outcome: error.code, error };
  }
  const identity = request.identity;
  const token = identity && "bearerToken" in identity ? identity.bearerToken : "";
  const body = token === "" ? answer.body : answer.body.replaceAll(token, "[redacted]");
  return { outcome: "http", status: answer.status, json: parseJson(body), bodyBytes: answer.bodyBytesRead };
};

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
