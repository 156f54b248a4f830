import { isIP } from "node:net";
import type { ParsedCertificate } from "./certificate.js";
import { type MintedCertificate, mintCertificate } from "./mint.js";

/** What a kubelet without --tls-cert-file serves: its leaf, then the throwaway CA that signed it. */
export interface KubeletSelfGeneratedChain {
  leaf: MintedCertificate;
  ca: MintedCertificate;
}

// client-go takes the two timestamps at separate moments; a few minutes of slack covers a slow key generation.
const MAX_TIMESTAMP_SKEW_SECONDS = 300;
const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

/*
 * client-go's GenerateSelfSignedCertKey names the leaf `<host>@<unix-ts>` and its CA `<host>-ca@<unix-ts>`.
 * The leaf's issuer name alone is enough, so a kubelet that serves only the leaf is recognised too.
 */
export function isKubeletSelfGeneratedChain(chain: readonly ParsedCertificate[]): boolean {
  const leaf = chain[0];
  if (!leaf?.subjectCommonName || !leaf.issuerCommonName) return false;
  const leafName = splitTimestampedName(leaf.subjectCommonName);
  const caName = splitTimestampedName(leaf.issuerCommonName);
  if (!leafName || !caName || caName.name !== `${leafName.name}-ca`) return false;
  return Math.abs(leafName.timestamp - caName.timestamp) <= MAX_TIMESTAMP_SKEW_SECONDS;
}

function splitTimestampedName(commonName: string): { name: string; timestamp: number } | null {
  const match = /^(.+)@(\d{1,12})$/.exec(commonName);
  if (!match?.[1] || !match[2]) return null;
  return { name: match[1], timestamp: Number(match[2]) };
}

/**
 * The same shape as client-go's GenerateSelfSignedCertKey: RSA 2048 CA and leaf, valid from an hour before
 * `at` for one year, leaf EKU serverAuth with one SAN for the host (IP SAN when the host is an IP literal).
 */
export async function mintKubeletSelfGeneratedChain(
  hostname: string,
  at: Date = new Date(),
): Promise<KubeletSelfGeneratedChain> {
  const timestamp = Math.floor(at.getTime() / 1000);
  const notBefore = new Date(at.getTime() - HOUR_MS);
  const notAfter = new Date(notBefore.getTime() + YEAR_MS);
  const ca = await mintCertificate({
    subject: { commonName: `${hostname}-ca@${timestamp}` },
    key: { type: "rsa", bits: 2048 },
    isCa: true,
    notBefore,
    notAfter,
  });
  const leaf = await mintCertificate({
    subject: { commonName: `${hostname}@${timestamp}` },
    key: { type: "rsa", bits: 2048 },
    issuer: ca,
    extendedKeyUsage: ["serverAuth"],
    ...(isIP(hostname) ? { ipAddresses: [hostname] } : { dnsNames: [hostname] }),
    notBefore,
    notAfter,
  });
  return { leaf, ca };
}
