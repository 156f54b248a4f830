import type { EndpointResult, ScanResult } from "../../src/model/index.js";
import { summarize } from "../../src/report/index.js";
import { goodKubelet, scanResult } from "./fixtures.js";

/** What a malicious server can put in a certificate name or make a probe quote back as evidence. */
export const HOSTILE_CN = "<script>alert(1)</script>";
export const HOSTILE_ATTRIBUTE = '"onmouseover=alert(2) x="';
/** NUL, ESC-CSI, BEL, a C1 CSI, a bidi override, a lone surrogate, a CDATA end and a literal entity. */
export const HOSTILE_CONTROLS = "a\u0000b\u001b[31mc\u0007d\u009b2Je\u202ef\ud800g]]>h&amp;i";

export const hostileKubelet: EndpointResult = {
  ...goodKubelet,
  host: "10.0.0.66",
  chain: [
    {
      ...(goodKubelet.chain[0] as EndpointResult["chain"][number]),
      subject: `CN=${HOSTILE_CN}`,
      issuer: `CN=${HOSTILE_ATTRIBUTE}`,
      sans: { dns: [HOSTILE_CN], ip: [] },
    },
  ],
  validation: { trusted: false, errors: ["untrusted-root"], expiresInDays: 10 },
  checks: [
    {
      id: "kubelet-anonymous-auth",
      title: `anonymous ${HOSTILE_ATTRIBUTE}`,
      cis: ["4.2.1"],
      status: "FAIL",
      severity: "critical",
      source: "wire",
      evidence: `${HOSTILE_CN} ${HOSTILE_ATTRIBUTE} ${HOSTILE_CONTROLS}`,
      remediation: "Set --anonymous-auth=false.",
    },
    {
      id: "kubelet-authz-mode",
      title: "authz",
      cis: ["4.2.2"],
      status: "ERROR",
      severity: "high",
      source: "wire",
      evidence: HOSTILE_CONTROLS,
      remediation: "",
    },
    {
      id: "kubelet-serving-cert",
      title: "serving cert",
      cis: ["4.2.10"],
      status: "INFO",
      severity: "info",
      source: "wire",
      evidence: HOSTILE_ATTRIBUTE,
      remediation: "",
    },
  ],
};

export function hostileResult(): ScanResult {
  const endpoints = [hostileKubelet];
  return { ...scanResult(endpoints), summary: summarize(endpoints) };
}

/**
 * Characters that must never reach a report raw: C0 controls but tab, newline and carriage return,
 * DEL and the C1 controls, bidi overrides, lone surrogates. Returns them, for a readable failure.
 */
export function rawUnsafeCharacters(text: string): string[] {
  return [...text].filter((ch) => {
    const codePoint = ch.codePointAt(0) ?? 0;
    return (
      (codePoint < 0x20 && ch !== "\t" && ch !== "\n" && ch !== "\r") ||
      (codePoint >= 0x7f && codePoint <= 0x9f) ||
      (codePoint >= 0x202a && codePoint <= 0x202e) ||
      (codePoint >= 0xd800 && codePoint <= 0xdfff)
    );
  });
}
