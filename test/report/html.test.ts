import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

import type { Correlation, EndpointResult, ScanResult } from "../../src/model/index.js";
import { formatHtml } from "../../src/report/index.js";
import { allEndpoints, goodKubelet, scanResult } from "./fixtures.js";
import { HOSTILE_ATTRIBUTE, HOSTILE_CN, hostileResult, rawUnsafeCharacters } from "./hostile.js";

const run = promisify(execFile);
const CHROMIUM = "/usr/bin/chromium";
const DAY_MS = 86_400_000;

/** The fixtures' leaves all end 2026-01-01; move each to the expiry its validation states, as a real scan has it. */
function withConsistentExpiry(endpoints: readonly EndpointResult[], finishedAt: string): EndpointResult[] {
  return endpoints.map((endpoint) => {
    const [leaf, ...rest] = endpoint.chain;
    const days = endpoint.validation?.expiresInDays;
    if (leaf === undefined || days === undefined || days === null) return endpoint;
    const notAfter = new Date(Date.parse(finishedAt) + days * DAY_MS + DAY_MS / 2).toISOString();
    return { ...endpoint, chain: [{ ...leaf, notAfter }, ...rest] };
  });
}

function reportResult(): ScanResult {
  const base = scanResult();
  return scanResult(withConsistentExpiry(allEndpoints, base.finishedAt));
}

const correlation: Correlation = {
  benchmark: "cis-1.12",
  controls: [
    {
      control: "4.2.1",
      title: "Ensure that the --anonymous-auth argument is set to false (Automated)",
      flagVerdict: "PASS",
      wireVerdict: "FAIL",
      wireEvidence: ["10.0.0.12:10250: anonymous GET /pods answered 200", HOSTILE_CN],
      agreement: "contradiction",
      explanation: `The flag says anonymous-auth=false but the kubelet served an anonymous request ${HOSTILE_ATTRIBUTE}`,
      probeIds: ["kubelet.anonymous-auth"],
    },
    {
      control: "4.2.10",
      title: "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate",
      flagVerdict: "PASS",
      wireVerdict: "PASS",
      wireEvidence: [],
      agreement: "agree",
      explanation: "Both pass.",
      probeIds: ["kubelet.serving-cert"],
    },
    {
      control: "1.2.25",
      title: "Ensure that the --client-ca-file argument is set as appropriate",
      flagVerdict: null,
      wireVerdict: "PASS",
      wireEvidence: [],
      agreement: "wire-only",
      explanation: "No flag.",
      probeIds: [],
    },
  ],
};

/**
 * Two more kubelets: one serving a leaf valid only from 2035 to 2036 (a healthy-looking span, but not valid at
 * scan time), one whose 100-day leaf the scan's tls.cert-expiry judged WARN (run with --expiry-warn-days 120).
 */
function withLeafDates(): ScanResult {
  const base = reportResult();
  const leaf = goodKubelet.chain[0];
  if (leaf === undefined) throw new Error("goodKubelet serves no chain");
  const expiryCheck = (status: "WARN" | "FAIL", evidence: string) => ({
    id: "tls.cert-expiry",
    title: "The serving certificate is valid now and does not expire within --expiry-warn-days",
    cis: [],
    status,
    severity: "medium" as const,
    source: "wire" as const,
    evidence,
    remediation: "Renew the serving certificate before it expires.",
  });
  const future: EndpointResult = {
    ...goodKubelet,
    host: "10.0.0.90",
    chain: [
      {
        ...leaf,
        sha256: "f".repeat(64),
        notBefore: "2035-01-01T00:00:00.000Z",
        notAfter: "2036-01-01T00:00:00.000Z",
      },
    ],
    validation: { trusted: false, errors: ["not-yet-valid"], expiresInDays: 3865 },
    checks: [
      expiryCheck("FAIL", "a certificate of the served chain is not valid yet (2035-01-01 to 2036-01-01)"),
    ],
  };
  const notAfter = new Date(Date.parse(base.finishedAt) + 100.5 * DAY_MS).toISOString();
  const warned: EndpointResult = {
    ...goodKubelet,
    host: "10.0.0.91",
    chain: [{ ...leaf, sha256: "e".repeat(64), notAfter }],
    validation: { trusted: true, errors: [], expiresInDays: 100 },
    checks: [expiryCheck("WARN", "expires in 100 days, within --expiry-warn-days 120")],
  };
  return scanResult([...withConsistentExpiry(allEndpoints, base.finishedAt), future, warned]);
}

/** The page as a reader sees it without hovering: tags and attributes (titles included) removed. */
function visibleText(html: string): string {
  return html
    .replace(/<title>[\s\S]*?<\/title>/g, " ")
    .replace(/<style>[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/\s+/g, " ");
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

describe("formatHtml, as text", () => {
  const html = formatHtml({ ...reportResult(), correlation });

  it("is one self-contained page: no remote or external resource, no script, a CSP forbidding both", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\s(src|href|srcset|action|data)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/<script|<link|<iframe|<object|<embed|<img/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
  });

  it("shows the summary counts, one row per answering endpoint, one column per check id", () => {
    const { findings } = reportResult().summary;
    expect(html).toMatch(new RegExp(`<b>${findings.FAIL}</b><span>FAIL</span>`));
    expect(html).toMatch(new RegExp(`<b>${findings.PASS}</b><span>PASS</span>`));
    // The refused kubelet is counted, not listed, as in the table.
    expect(count(html, /<tr class="endpoint-row"/g)).toBe(allEndpoints.length - 1);
    expect(html).toContain("1 closed endpoint (connection refused) not listed.");
    expect(count(html, /<th class="check"/g)).toBe(8);
    expect(count(html, /<td class="cell s-FAIL"/g)).toBe(findings.FAIL);
    expect(count(html, /<td class="cell s-ERROR"/g)).toBe(findings.ERROR);
  });

  it("puts the evidence in each cell's title", () => {
    expect(html).toContain(
      'title="kubelet-anonymous-auth: FAIL (source: wire)&#10;kubelet-anonymous-auth title&#10;&#10;kubelet-anonymous-auth: observed on the wire">FAIL</td>',
    );
  });

  it("draws each distinct chain once, leaf first, with key, validity, fingerprint and error badges", () => {
    // goodKubelet and kubeletWithAuth serve the same chain with the same verdict.
    expect(count(html, /<div class="chain">/g)).toBe(4);
    expect(html).toContain("<code>10.0.0.11:10250</code>, <code>[fd00::11]:10250</code>");
    expect(html).toContain('<span class="badge bad">kubelet-self-generated</span>');
    expect(html).toContain("<dd>EC 256 (prime256v1)</dd>");
    expect(html).toContain("<dd>RSA 4096</dd>");
    expect(html).toMatch(/<dd class="mono">[0-9a-f]{2}(:[0-9a-f]{2}){7}…<\/dd>/);
    expect(html).toContain('<span class="badge bad">expired</span>');
  });

  it("draws one timeline bar per distinct leaf: expired red, under 30 days amber, the rest green", () => {
    expect(count(html, /<rect class="bar /g)).toBe(4);
    expect(count(html, /<rect class="bar bar-expired"/g)).toBe(1);
    expect(count(html, /<rect class="bar bar-soon"/g)).toBe(1);
    expect(count(html, /<rect class="bar bar-ok"/g)).toBe(2);
  });

  it("shows every check's evidence, and the remediation of every check that did not pass, as text", () => {
    const text = visibleText(html);
    const listed = allEndpoints.filter((endpoint) => endpoint.error?.code !== "refused");
    for (const check of listed.flatMap((endpoint) => endpoint.checks)) {
      if (check.evidence !== "") expect(text).toContain(check.evidence.replace(/\s+/g, " "));
      if (check.status !== "PASS" && check.remediation !== "")
        expect(text).toContain(`Remediation: ${check.remediation}`);
    }
    // Worst first: the first check detail on the page is a FAIL.
    expect(html.indexOf('class="status s-FAIL"')).toBeLessThan(html.indexOf('class="status s-PASS"'));
  });

  it("marks a not-yet-valid leaf (2035-2036) and an expiring one, never as a healthy green bar", () => {
    const page = formatHtml(withLeafDates());
    expect(count(page, /<rect class="bar bar-future"/g)).toBe(1);
    // The 100-day leaf is amber because the scan warned about it, not by the page's 30 days.
    expect(count(page, /<rect class="bar bar-soon"/g)).toBe(2);
    expect(count(page, /<rect class="bar bar-ok"/g)).toBe(2);
    const text = visibleText(page);
    expect(text).toContain("not valid until 2035-01-01");
    expect(text).toContain("2035-01-01 → 2036-01-01");
    expect(text).toContain("expires in 100 days (soon)");
    expect(text).toMatch(/expired \d+ days before the scan/);
  });

  it("renders the correlation, contradictions marked; says so when there is none", () => {
    expect(html).toContain('<tr class="control contradiction"><td><code>4.2.1</code>');
    expect(html).toContain('<tr class="control wire-only">');
    expect(html).toContain("1 contradiction between what the flags say and what the wire shows.");
    const without = formatHtml(reportResult());
    expect(without).toContain('<h2 id="contradictions">Flags vs wire</h2>');
    expect(without).toContain("No kube-bench result was given to compare the wire with.");
  });

  it("escapes hostile certificate names, evidence and explanations everywhere", () => {
    const hostile = formatHtml({ ...hostileResult(), correlation });
    expect(hostile).not.toMatch(/<script/i);
    expect(hostile).not.toContain('"onmouseover');
    expect(rawUnsafeCharacters(hostile)).toEqual([]);
    expect(hostile).toContain("CN=&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(hostile).toContain("&quot;onmouseover=alert(2) x=&quot;");
    expect(hostile).toContain("a\\x00b\\x1b[31mc\\x07d\\x9b2Je\\u202ef\\ud800g]]&gt;h&amp;amp;i");
  });

  it("still renders a run with no endpoints", () => {
    const empty = formatHtml(scanResult([]));
    expect(empty).toContain("No endpoint answered.");
    expect(empty).toContain("No certificate was served.");
    expect(empty).toContain("No leaf certificate to draw.");
  });
});

/**
 * The page in a real browser. Chromium is a Debian package that scripts/ensure-test-tools.sh installs;
 * without it (a developer machine that is not root) this part is skipped, but never in CI.
 */
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === "true") {
  throw new Error(`${CHROMIUM} is missing; scripts/ensure-test-tools.sh installs it`);
}
if (!haveChromium) console.warn(`skipping the Chromium rendering tests: ${CHROMIUM} not found`);
/** poppler-utils' pdftotext reads back what Chromium printed; ensure-test-tools.sh installs it too. */
const PDFTOTEXT = "/usr/bin/pdftotext";
const havePdfToText = existsSync(PDFTOTEXT);
if (!havePdfToText && process.env.CI === "true") {
  throw new Error(`${PDFTOTEXT} is missing; scripts/ensure-test-tools.sh installs it (poppler-utils)`);
}

describe.skipIf(!haveChromium)("formatHtml, rendered by headless Chromium", () => {
  const work = mkdtempSync(join(tmpdir(), "kubetls-html-"));
  // Kept after the run for a person to look at.
  const screenshots = join(tmpdir(), "kubetls-html-report");
  mkdirSync(screenshots, { recursive: true });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function chromium(file: string, ...mode: string[]): Promise<string> {
    const profile = mkdtempSync(join(work, "profile-"));
    const { stdout } = await run(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        "--window-size=1400,1000",
        ...mode,
        `file://${file}`,
      ],
      { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  }

  function write(name: string, html: string): string {
    const file = join(work, name);
    writeFileSync(file, html);
    return file;
  }

  it("builds a DOM with the endpoint rows, the matrix cells and the SVG timeline bars", async () => {
    const result = reportResult();
    const file = write("report.html", formatHtml({ ...result, correlation }));
    const dom = await chromium(file, "--dump-dom");
    expect(dom).toContain("<h1>kubetls report</h1>");
    expect(count(dom, /<tr class="endpoint-row" data-endpoint="[^"]+">/g)).toBe(allEndpoints.length - 1);
    expect(dom).toContain('data-endpoint="[fd00::20]:2379"');
    const cells = allEndpoints
      .filter((endpoint) => endpoint.error?.code !== "refused")
      .reduce((sum, endpoint) => sum + endpoint.checks.length, 0);
    expect(count(dom, /<td class="cell s-[A-Z]+"/g)).toBe(cells);
    expect(count(dom, /<td class="cell s-FAIL"/g)).toBe(result.summary.findings.FAIL);
    expect(count(dom, /<svg class="timeline"/g)).toBe(1);
    expect(count(dom, /<rect class="bar bar-(ok|soon|expired)"/g)).toBe(4);
    expect(dom).toContain('<tr class="control contradiction">');

    await chromium(file, `--screenshot=${join(screenshots, "report.png")}`);
    expect(statSync(join(screenshots, "report.png")).size).toBeGreaterThan(20_000);
  });

  it.skipIf(!havePdfToText)(
    "prints to PDF with every evidence and remediation in the printed text, and the not-yet-valid leaf marked",
    async () => {
      const result = withLeafDates();
      const file = write("print.html", formatHtml(result));
      const pdf = join(work, "print.pdf");
      await chromium(file, `--print-to-pdf=${pdf}`, "--no-pdf-header-footer");
      const { stdout } = await run(PDFTOTEXT, [pdf, "-"], { maxBuffer: 64 * 1024 * 1024 });
      const printed = stdout.replace(/\s+/g, " ");
      const listed = result.endpoints.filter((endpoint) => endpoint.error?.code !== "refused");
      for (const check of listed.flatMap((endpoint) => endpoint.checks)) {
        if (check.evidence !== "") expect(printed).toContain(check.evidence.replace(/\s+/g, " "));
        if (check.status !== "PASS" && check.remediation !== "") expect(printed).toContain(check.remediation);
      }
      expect(printed).toContain("not valid until 2035-01-01");
      // The screen-only hint about hovering is not printed.
      expect(printed).not.toContain("hover a cell");
    },
  );

  it("shows hostile strings as text: no script element, no injected attribute", async () => {
    const file = write("hostile.html", formatHtml({ ...hostileResult(), correlation }));
    const dom = await chromium(file, "--dump-dom");
    expect(dom).not.toMatch(/<script/i);
    expect(dom).not.toMatch(/\sonmouseover=/i);
    expect(dom).toContain("CN=&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(dom).toContain("&quot;onmouseover=alert(2) x=&quot;");
    await chromium(file, `--screenshot=${join(screenshots, "hostile.png")}`);
  });
});
