import { type ConnectionOptions, createSecureContext, type SecureContext } from "node:tls";

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

/*
 * Building an OpenSSL context is the most expensive step of a probe that is refused or times out; a sweep
 * makes tens of thousands of them. Contexts differ only by client identity, so each is built once: one
 * shared anonymous context (with an empty trust store, so OpenSSL cannot extend a served chain from local
 * roots), and one per identity object.
 */
const anonymousContext = { value: null as SecureContext | null };
const identityContexts = new WeakMap<object, SecureContext>();

export function probeSecureContext(identity?: { certPem: string; keyPem: string }): SecureContext {
  const base = {
    minVersion: PROBE_TLS_OPTIONS.minVersion,
    ciphers: PROBE_TLS_OPTIONS.ciphers,
    ca: [] as string[],
  };
  if (identity === undefined) {
    anonymousContext.value ??= createSecureContext(base);
    return anonymousContext.value;
  }
  let context = identityContexts.get(identity);
  if (context === undefined) {
    context = createSecureContext({ ...base, cert: identity.certPem, key: identity.keyPem });
    identityContexts.set(identity, context);
  }
  return context;
}
