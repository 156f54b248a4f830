import type { ConnectionOptions } from "node:tls";

/**
 * TLS client settings for every probe connection. We judge trust ourselves (x509/), so OpenSSL must not
 * refuse an untrusted or misnamed server; and we offer everything OpenSSL can still speak, down to TLS 1.0
 * and security level 0, so what comes back is what the server accepts, not what a careful client would.
 */
export const PROBE_TLS_OPTIONS = {
  rejectUnauthorized: false,
  minVersion: "TLSv1",
  ciphers: "DEFAULT:@SECLEVEL=0",
} as const satisfies ConnectionOptions;
