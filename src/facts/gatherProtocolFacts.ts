import { isIP, type LookupFunction } from "node:net";
import { promisify } from "node:util";
import type { NetTarget } from "../net/index.js";
import { scanTlsProtocols, type TlsProtocolScan, type TlsScanMode } from "../net/index.js";
import type { ConnectionGate } from "../scan/index.js";

/**
 * The raw ClientHello scan: accepted versions and suites, the CertificateRequest and, for TLS <= 1.2, the
 * chain exactly as served. A DNS name is resolved once through the scan's resolver (which enforces
 * --scope) and the scanner dials that address with the name as SNI.
 */
export async function gatherProtocolFacts(
  target: NetTarget,
  options: { mode: TlsScanMode; timeoutMs: number; lookup?: LookupFunction; gate: ConnectionGate },
): Promise<TlsProtocolScan | null> {
  if (options.mode === "off") return null;
  let host = target.host;
  let servername: string | undefined;
  if (isIP(target.host) === 0) {
    servername = target.host;
    if (options.lookup) {
      try {
        const resolved = (await promisify(options.lookup)(target.host, {})) as unknown as
          | { address: string }
          | string;
        host = typeof resolved === "string" ? resolved : resolved.address;
      } catch {
        return null;
      }
    }
  }
  return scanTlsProtocols(
    { host, port: target.port, servername },
    { mode: options.mode, timeoutMs: options.timeoutMs, beforeConnect: () => options.gate.take() },
  );
}
