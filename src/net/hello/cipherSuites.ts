import type { TlsVersion } from "./versions.js";

/** One cipher suite as IANA registers it, with what Go and the CIS benchmark call it. */
export interface CipherSuite {
  code: number;
  /** IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. */
  name: string;
  /** The name Go's crypto/tls and the kubelet's --tls-cipher-suites use; null when Go cannot negotiate it. */
  goName: string | null;
  /** Versions the suite may be negotiated in; a ClientHello for a version offers only these. */
  versions: readonly TlsVersion[];
  /** On the CIS kubelet strong list (TLS 1.3 suites count as strong). */
  cisStrong: boolean;
}

/** Which versions a family of suites belongs to (RFC 5246 appendix A.5, RFC 4492, RFC 8446). */
type Era = "tls13" | "tls12" | "ssl3" | "ecc" | "legacy" | "export";

const ERA_VERSIONS: Record<Era, readonly TlsVersion[]> = {
  tls13: ["TLSv1.3"],
  tls12: ["TLSv1.2"],
  ssl3: ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"],
  // RFC 4492 ECC suites start at TLS 1.0.
  ecc: ["TLSv1", "TLSv1.1", "TLSv1.2"],
  // DES and IDEA were removed from TLS 1.2.
  legacy: ["SSLv3", "TLSv1", "TLSv1.1"],
  // TLS 1.1 forbids negotiating export suites.
  export: ["SSLv3", "TLSv1"],
};

const CIS_STRONG = new Set([
  0xc02b, 0xc02f, 0xcca9, 0xc030, 0xcca8, 0xc02c, 0x009d, 0x009c, 0x1301, 0x1302, 0x1303, 0x1304, 0x1305,
]);

/** Go spells a name differently from IANA (or `true`: the same); absent when Go lacks the suite. */
type GoName = string | true;

// Listed in the order a sensible client prefers them: the order probes offer them in, so a server that
// follows the client's order still picks an authenticated, modern suite for the version probe.
const TABLE: ReadonlyArray<readonly [number, string, Era, GoName?]> = [
  [0x1301, "TLS_AES_128_GCM_SHA256", "tls13", true],
  [0x1302, "TLS_AES_256_GCM_SHA384", "tls13", true],
  [0x1303, "TLS_CHACHA20_POLY1305_SHA256", "tls13", true],
  [0x1304, "TLS_AES_128_CCM_SHA256", "tls13"],
  [0x1305, "TLS_AES_128_CCM_8_SHA256", "tls13"],
  // ECDHE AEAD
  [0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "tls12", true],
  [0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "tls12", true],
  [0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "tls12", true],
  [0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "tls12", true],
  [
    0xcca9,
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "tls12",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
  ],
  [0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "tls12", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"],
  [0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "tls12"],
  [0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "tls12"],
  [0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "tls12"],
  [0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "tls12"],
  [0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "tls12"],
  [0xc05d, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", "tls12"],
  [0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "tls12"],
  [0xc061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "tls12"],
  // DHE AEAD
  [0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "tls12"],
  [0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "tls12"],
  [0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "tls12"],
  [0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", "tls12"],
  [0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", "tls12"],
  [0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "tls12"],
  [0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "tls12"],
  [0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", "tls12"],
  [0xc053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", "tls12"],
  [0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "tls12"],
  [0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "tls12"],
  [0xc056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", "tls12"],
  [0xc057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", "tls12"],
  // ECDHE CBC
  [0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "tls12", true],
  [0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "tls12", true],
  [0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "tls12"],
  [0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "tls12"],
  [0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ecc", true],
  [0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ecc", true],
  [0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ecc", true],
  [0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ecc", true],
  [0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "tls12"],
  [0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "tls12"],
  [0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "tls12"],
  [0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", "tls12"],
  // DHE CBC
  [0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "tls12"],
  [0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "tls12"],
  [0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "ssl3"],
  [0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "ssl3"],
  [0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "tls12"],
  [0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "tls12"],
  [0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "ssl3"],
  [0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "ssl3"],
  [0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "tls12"],
  [0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", "tls12"],
  [0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "ssl3"],
  [0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "ssl3"],
  [0x00bd, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", "tls12"],
  [0x00c3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", "tls12"],
  [0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", "ssl3"],
  [0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", "ssl3"],
  [0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", "ssl3"],
  // Static RSA key exchange
  [0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "tls12", true],
  [0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "tls12", true],
  [0xc09c, "TLS_RSA_WITH_AES_128_CCM", "tls12"],
  [0xc09d, "TLS_RSA_WITH_AES_256_CCM", "tls12"],
  [0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", "tls12"],
  [0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", "tls12"],
  [0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", "tls12"],
  [0xc051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", "tls12"],
  [0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "tls12", true],
  [0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "tls12"],
  [0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "ssl3", true],
  [0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "ssl3", true],
  [0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", "tls12"],
  [0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", "tls12"],
  [0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "ssl3"],
  [0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "ssl3"],
  [0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", "ssl3"],
  [0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", "legacy"],
  // Static ECDH (certificate-bound keys; old Java and OpenSSL < 1.1)
  [0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", "tls12"],
  [0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", "tls12"],
  [0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", "tls12"],
  [0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", "tls12"],
  [0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", "tls12"],
  [0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", "tls12"],
  [0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", "tls12"],
  [0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", "tls12"],
  [0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", "ecc"],
  [0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", "ecc"],
  [0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", "ecc"],
  [0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", "ecc"],
  // 3DES
  [0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ecc"],
  [0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ecc", true],
  [0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "ssl3"],
  [0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "ssl3"],
  [0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "ssl3", true],
  [0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", "ecc"],
  [0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", "ecc"],
  // RC4
  [0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ecc", true],
  [0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ecc", true],
  [0x0005, "TLS_RSA_WITH_RC4_128_SHA", "ssl3", true],
  [0x0004, "TLS_RSA_WITH_RC4_128_MD5", "ssl3"],
  [0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", "ecc"],
  [0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA", "ecc"],
  // Single DES
  [0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", "legacy"],
  [0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", "legacy"],
  [0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "legacy"],
  // Anonymous (unauthenticated) key exchange
  [0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "tls12"],
  [0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "tls12"],
  [0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "tls12"],
  [0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "tls12"],
  [0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", "ssl3"],
  [0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA", "ssl3"],
  [0x00bf, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", "tls12"],
  [0x00c5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", "tls12"],
  [0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", "ssl3"],
  [0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", "ssl3"],
  [0x009b, "TLS_DH_anon_WITH_SEED_CBC_SHA", "ssl3"],
  [0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", "ssl3"],
  [0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", "ssl3"],
  [0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA", "legacy"],
  [0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "ecc"],
  [0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "ecc"],
  [0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", "ecc"],
  [0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA", "ecc"],
  // NULL encryption
  [0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "ecc"],
  [0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA", "ecc"],
  [0xc015, "TLS_ECDH_anon_WITH_NULL_SHA", "ecc"],
  [0x003b, "TLS_RSA_WITH_NULL_SHA256", "tls12"],
  [0x0002, "TLS_RSA_WITH_NULL_SHA", "ssl3"],
  [0x0001, "TLS_RSA_WITH_NULL_MD5", "ssl3"],
  // EXPORT
  [0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", "export"],
  [0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", "export"],
  [0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "export"],
  [0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", "export"],
  [0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "export"],
  [0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", "export"],
  [0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", "export"],
];

/** Every suite kubetls knows, in client preference order. */
export const CIPHER_SUITES: readonly CipherSuite[] = TABLE.map(([code, name, era, go]) => ({
  code,
  name,
  goName: go === true ? name : (go ?? null),
  versions: ERA_VERSIONS[era],
  cisStrong: CIS_STRONG.has(code),
}));

const BY_CODE = new Map(CIPHER_SUITES.map((suite) => [suite.code, suite]));
const BY_NAME = new Map<string, CipherSuite>();
for (const suite of CIPHER_SUITES) {
  BY_NAME.set(suite.name, suite);
  if (suite.goName !== null) BY_NAME.set(suite.goName, suite);
}

export function cipherSuiteByCode(code: number): CipherSuite | undefined {
  return BY_CODE.get(code);
}

/** Looks a suite up by its IANA or Go/Kubernetes name (e.g. from a kubelet's tlsCipherSuites). */
export function cipherSuiteByName(name: string): CipherSuite | undefined {
  return BY_NAME.get(name);
}

/** The IANA name, or `UNKNOWN_0xC0FF` for a code outside the registry. */
export function cipherSuiteName(code: number): string {
  return BY_CODE.get(code)?.name ?? `UNKNOWN_0x${code.toString(16).padStart(4, "0").toUpperCase()}`;
}

export function suitesForVersion(version: TlsVersion): CipherSuite[] {
  return CIPHER_SUITES.filter((suite) => suite.versions.includes(version));
}
