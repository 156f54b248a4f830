import { describe, expect, it } from "vitest";
import type { EndpointResult } from "../../src/model/index.js";
import { endpointKey } from "../../src/model/index.js";
import { formatTable, shouldUseColor } from "../../src/report/index.js";
import {
  allEndpoints,
  etcdWithHelloScan,
  goodKubelet,
  scanResult,
  selfGeneratedKubelet,
  unreachableKubelet,
} from "./fixtures.js";

const ESC = "\x1b";
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, "g");
const stripSgr = (text: string) => text.replace(SGR, "");

/** C0 controls other than newline, DEL, C1 controls, bidi overrides. */
function hasTerminalControl(text: string): boolean {
  return [...text].some((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return (
      (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e)
    );
  });
}

describe("formatTable without colour", () => {
  const table = formatTable(scanResult(), { color: false, showClosed: true });
  const lines = table.trimEnd().split("\n");

  it("writes no escape bytes", () => {
    expect(table).not.toContain(ESC);
  });

  it("has a header and exactly one row per endpoint, continuation lines indented", () => {
    const tableLines = lines.slice(0, lines.indexOf(""));
    expect(tableLines[0]).toMatch(/^ENDPOINT\s+ROLE\s+TLS\s+CERT\s+TRUST\s+CHECKS$/);
    const rowStarts = tableLines.slice(1).filter((line) => !line.startsWith(" "));
    expect(rowStarts).toHaveLength(allEndpoints.length);
    for (const endpoint of allEndpoints) {
      expect(rowStarts.filter((line) => line.startsWith(`${endpointKey(endpoint)} `))).toHaveLength(1);
    }
  });

  it("ends with the summary counts, action first", () => {
    expect(lines.at(-1)).toBe("7 endpoints, 6 reachable — FAIL 3, WARN 1, PASS 8, INFO 1, SKIP 0, ERROR 1");
    expect(table.endsWith("\n")).toBe(true);
  });

  it("shows TLS version, leaf CN with days to expiry, trust and each check's status", () => {
    const row = lines.find((line) => line.startsWith("10.0.0.11:10250 ")) ?? "";
    expect(row).toMatch(
      /10\.0\.0\.11:10250\s+kubelet\s+TLSv1\.3\s+node1 \(364d\)\s+trusted\s+kubelet-anonymous-auth PASS/,
    );
    expect(table).toContain("kubelet-serving-cert PASS");
    expect(lines.find((line) => line.startsWith("10.0.0.11:10255 "))).toMatch(
      /kubelet-readonly\s+plain-http\s+—/,
    );
  });

  it("joins the validation errors of an untrusted chain", () => {
    const only = formatTable(scanResult([selfGeneratedKubelet]), { color: false, width: 200 });
    const [, first = "", second = ""] = only.split("\n");
    const column = first.indexOf("untrusted-root,");
    expect(column).toBeGreaterThan(0);
    expect(second.slice(column).split(/\s{2,}/)[0]).toBe("kubelet-self-generated");
  });

  it("gives the error code and message of an unreachable endpoint", () => {
    const only = formatTable(scanResult([unreachableKubelet]), {
      color: false,
      width: 200,
      showClosed: true,
    });
    expect(only).toMatch(
      /10\.0\.0\.13:10250\s+kubelet\s+—\s+—\s+—\s+refused: connect ECONNREFUSED 10\.0\.0\.13:10250/,
    );
  });

  it("hides refused endpoints unless asked, says how many, and still counts them", () => {
    const hidden = formatTable(scanResult(), { color: false });
    expect(hidden).not.toContain("10.0.0.13:10250");
    expect(hidden).toContain("\n1 closed endpoint (connection refused) not listed.\n");
    expect(hidden).toContain("7 endpoints, 6 reachable");
    expect(table).not.toContain("not listed");
  });

  it("lists an endpoint that timed out: filtered is worth seeing, closed is not", () => {
    const timedOut = {
      ...unreachableKubelet,
      error: { code: "timeout" as const, message: "no answer in 5000 ms" },
    };
    expect(formatTable(scanResult([timedOut]), { color: false, width: 200 })).toMatch(
      /10\.0\.0\.13:10250 .*timeout: no answer in 5000 ms/,
    );
  });

  it("says only that much when every endpoint was closed", () => {
    const lines = formatTable(scanResult([unreachableKubelet]), { color: false }).split("\n");
    expect(lines[0]).toBe("1 closed endpoint (connection refused) not listed.");
  });

  it("lists the invalid targets with where they came from", () => {
    expect(table).toContain('Invalid targets (1):\n  "10.0.0.300" (argv): octet 300 is out of range 0-255');
  });

  it("omits the invalid targets section when there are none", () => {
    const result = scanResult([goodKubelet]);
    const clean = formatTable({ ...result, targets: { ...result.targets, invalid: [] } }, { color: false });
    expect(clean).not.toContain("Invalid targets");
    expect(clean.trimEnd().split("\n").at(-1)).toBe(
      "1 endpoint, 1 reachable — FAIL 0, WARN 0, PASS 3, INFO 0, SKIP 0, ERROR 0",
    );
  });

  it("says so when there are no endpoints", () => {
    expect(formatTable(scanResult([]), { color: false })).toMatch(/^No endpoints scanned\.\n/);
  });
});

describe("formatTable layout", () => {
  it("sizes columns from content and keeps every line within a wide enough terminal", () => {
    for (const width of [140, 160, 240]) {
      const table = formatTable(scanResult(), { color: false, width, showClosed: true });
      for (const line of table.split("\n")) expect(line.length).toBeLessThanOrEqual(width);
    }
  });

  it("never cuts a check id: past the squeezable columns the table overflows a narrow terminal", () => {
    const table = formatTable(scanResult(), { color: false, width: 60, showClosed: true });
    for (const check of allEndpoints.flatMap((endpoint) => endpoint.checks)) {
      expect(table).toContain(`${check.id} ${check.status}`);
    }
  });

  it("wraps the checks on a narrow terminal, one row still starting per endpoint", () => {
    const wide = formatTable(scanResult([goodKubelet]), { color: false, width: 300 }).split("\n");
    const narrow = formatTable(scanResult([goodKubelet]), { color: false, width: 80 }).split("\n");
    expect(wide[1]).toContain(
      "kubelet-anonymous-auth PASS  kubelet-authz-mode PASS  kubelet-serving-cert PASS",
    );
    expect(narrow.length).toBeGreaterThan(wide.length);
    expect(narrow.filter((line) => line.startsWith("10.0.0.11:10250"))).toHaveLength(1);
    expect(narrow.join("\n")).toContain("kubelet-serving-cert PASS");
  });

  it("truncates a long CN but keeps the days to expiry, and a long host but keeps the port", () => {
    const leaf = goodKubelet.chain[0];
    if (leaf === undefined) throw new Error("fixture has a leaf");
    const longName = {
      ...goodKubelet,
      host: `${"a".repeat(80)}.example`,
      chain: [{ ...leaf, subject: `CN=${"very-long-node-name-".repeat(5)}, O=system:nodes` }],
    };
    const table = formatTable(scanResult([longName]), { color: false, width: 200 });
    expect(table).toMatch(/a…:10250 /);
    expect(table).toMatch(/very-long-node-name-\S*… \(364d\)/);
  });

  it("shows control characters from the wire instead of sending them to the terminal", () => {
    const leaf = goodKubelet.chain[0];
    if (leaf === undefined) throw new Error("fixture has a leaf");
    const hostile = {
      ...goodKubelet,
      chain: [{ ...leaf, subject: "CN=evil\x1b[2J\u202e\u009b" }],
      error: { code: "protocol-error" as const, message: "bad\x07byte" },
    };
    const table = formatTable(scanResult([hostile]), { color: false, width: 200 });
    expect(hasTerminalControl(table)).toBe(false);
    expect(table).toContain("evil\\x1b[2J\\u202e\\x9b");
    expect(table).toContain("protocol-error: bad\\x07byte");
  });
});

describe("formatTable with colour", () => {
  const table = formatTable(scanResult(), { color: true, showClosed: true });

  it("paints FAIL red, PASS green, WARN yellow, INFO cyan, ERROR magenta", () => {
    expect(table).toContain("kubelet-readonly-port \x1b[31mFAIL\x1b[39m");
    expect(table).toContain("kubelet-anonymous-auth \x1b[32mPASS\x1b[39m");
    expect(table).toContain("\x1b[33mWARN\x1b[39m");
    expect(table).toContain("\x1b[36mINFO\x1b[39m");
    expect(table).toContain("\x1b[35mERROR\x1b[39m");
  });

  it("paints SKIP dim", () => {
    const skipped = {
      ...goodKubelet,
      checks: goodKubelet.checks.map((check) => ({ ...check, status: "SKIP" as const })),
    };
    expect(formatTable(scanResult([skipped]), { color: true })).toContain("\x1b[2mSKIP\x1b[22m");
  });

  it("lays out exactly as without colour once the SGR codes are removed", () => {
    expect(stripSgr(table)).toBe(formatTable(scanResult(), { color: false, showClosed: true }));
  });
});

describe("shouldUseColor", () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
    [{ isTTY: true }, { NO_COLOR: "1" }, false],
    [{ isTTY: true }, { NO_COLOR: "" }, true],
    [{ isTTY: false }, { FORCE_COLOR: "1" }, true],
    [{ isTTY: false }, { FORCE_COLOR: "" }, true],
    [{ isTTY: true }, { FORCE_COLOR: "0" }, false],
    [{ isTTY: true }, { FORCE_COLOR: "false" }, false],
    [{ isTTY: false }, { NO_COLOR: "1", FORCE_COLOR: "1" }, false],
  ])("stream %o, env %o -> %s", (stream, env, expected) => {
    expect(shouldUseColor(stream, env)).toBe(expected);
  });
});

describe("formatTable shows what the raw ClientHello scan saw", () => {
  it("lists the accepted versions under the negotiated one, legacy ones in red, and the advertised client CAs", () => {
    const legacy = {
      ...etcdWithHelloScan,
      tls: {
        ...(etcdWithHelloScan.tls as NonNullable<typeof etcdWithHelloScan.tls>),
        versions: ["TLSv1", "TLSv1.2", "TLSv1.3"],
      },
    };
    const plain = formatTable(scanResult([legacy as EndpointResult]), { color: false });
    // Each version with the number of suites the raw scan saw it accept.
    expect(plain).toMatch(/\b1 1\.2\(2\)\s+(\S+\s+){0,6}1\.3\(2\)/);
    expect(plain).toContain("client CA: etcd-ca");
    const coloured = formatTable(scanResult([legacy as EndpointResult]), { color: true });
    expect(coloured).toContain("\u001b[31m1\u001b[");
    const noRequest = {
      ...goodKubelet,
      tls: {
        ...(goodKubelet.tls as NonNullable<typeof goodKubelet.tls>),
        clientCertRequest: { sent: false },
      },
    };
    expect(formatTable(scanResult([noRequest as EndpointResult]), { color: false })).toContain(
      "no client CA",
    );
  });
});

describe("formatTable explains a FAIL where it stands", () => {
  it("prints the start of each failing check's evidence under the checks", () => {
    const plain = formatTable(scanResult([selfGeneratedKubelet]), { color: false, width: 200 });
    const failing = selfGeneratedKubelet.checks.filter((check) => check.status === "FAIL");
    expect(failing.length).toBeGreaterThan(0);
    for (const check of failing) expect(plain).toContain(`↳ ${check.id}: ${check.evidence.slice(0, 20)}`);
  });
});
