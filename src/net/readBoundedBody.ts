import type { PhaseDeadline } from "./phaseDeadline.js";

export interface BoundedBody {
  start: Buffer;
  bytesRead: number;
  /** True when reading stopped just past `maxBodyBytes` with more still coming. */
  truncated: boolean;
}

/**
 * Reads until the end or just past `maxBodyBytes`, keeping only the first `keepBytes`; the rest is never
 * buffered. Each chunk restarts the body deadline: it bounds the gaps, not the whole body.
 */
export async function readBoundedBody(
  body: AsyncIterable<Buffer>,
  maxBodyBytes: number,
  keepBytes: number,
  phases: PhaseDeadline,
): Promise<BoundedBody> {
  phases.enter("body");
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let bytesRead = 0;
  // Leaving the loop early destroys the stream, and with it the connection.
  for await (const chunk of body) {
    phases.enter("body");
    bytesRead += chunk.length;
    if (keptBytes < keepBytes) {
      const piece = chunk.subarray(0, keepBytes - keptBytes);
      kept.push(piece);
      keptBytes += piece.length;
    }
    if (bytesRead > maxBodyBytes) return { start: Buffer.concat(kept), bytesRead, truncated: true };
  }
  phases.stop();
  return { start: Buffer.concat(kept), bytesRead, truncated: false };
}
