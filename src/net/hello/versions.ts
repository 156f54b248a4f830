/** Protocol versions by their OpenSSL/Node names, the names `tls.TLSSocket#getProtocol()` reports. */
export type TlsVersion = "SSLv3" | "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

/** Oldest first: results list versions in this order. */
export const TLS_VERSIONS: readonly TlsVersion[] = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

const WIRE_CODES: Record<TlsVersion, number> = {
  SSLv3: 0x0300,
  TLSv1: 0x0301,
  "TLSv1.1": 0x0302,
  "TLSv1.2": 0x0303,
  "TLSv1.3": 0x0304,
};

export function versionCode(version: TlsVersion): number {
  return WIRE_CODES[version];
}

export function versionFromCode(code: number): TlsVersion | null {
  return TLS_VERSIONS.find((version) => WIRE_CODES[version] === code) ?? null;
}

export function isTlsVersion(value: string): value is TlsVersion {
  return (TLS_VERSIONS as readonly string[]).includes(value);
}
