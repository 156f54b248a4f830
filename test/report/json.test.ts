import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Correlation, EndpointResult, UnopenedGroup } from "../../src/model/index.js";
import {
  compareEndpoints,
  formatJson,
  formatJsonlLine,
  formatJsonlSummary,
  jsonChunks,
  sortEndpoints,
  summarize,
} from "../../src/report/index.js";
import { allEndpoints, goodKubelet, scanResult } from "./fixtures.js";

describe("compareEndpoints", () => {
  const hosts = [
    "node-b",
    "2001:db8::1",
    "127.0.0.10",
    "::ffff:1.2.3.4",
    "Node-a",
    "127.0.0.9",
    "fe80::1%eth0",
    "::1",
    "10.0.0.1",
    "255.255.255.255",
  ];

  it("orders IPv4 by value, then IPv6 by value, then names alphabetically", () => {
    const sorted = hosts.map((host) => ({ host, port: 443 })).sort(compareEndpoints);
    expect(sorted.map((endpoint) => endpoint.host)).toEqual([
      "10.0.0.1",
      "127.0.0.9",
      "127.0.0.10",
      "255.255.255.255",
      "::1",
      "::ffff:1.2.3.4",
      "2001:db8::1",
      "fe80::1%eth0",
      "Node-a",
      "node-b",
    ]);
  });

  it("puts 127.0.0.10 after 127.0.0.9, v6 after v4, names last", () => {
    expect(compareEndpoints({ host: "127.0.0.10", port: 1 }, { host: "127.0.0.9", port: 1 })).toBeGreaterThan(
      0,
    );
    expect(compareEndpoints({ host: "::", port: 1 }, { host: "255.255.255.255", port: 1 })).toBeGreaterThan(
      0,
    );
    expect(compareEndpoints({ host: "a", port: 1 }, { host: "ffff::", port: 1 })).toBeGreaterThan(0);
  });

  it("treats equal addresses written differently as one host, then orders ports numerically", () => {
    const sorted = [
      { host: "fd00:0:0:0:0:0:0:11", port: 10250 },
      { host: "fd00::11", port: 443 },
      { host: "fd00::11", port: 6443 },
    ].sort(compareEndpoints);
    expect(sorted.map((endpoint) => endpoint.port)).toEqual([443, 6443, 10250]);
  });

  it("sortEndpoints agrees with compareEndpoints, which is a consistent order", () => {
    const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain());
    const endpoint = fc.record({ host, port: fc.integer({ min: 1, max: 65535 }) });
    fc.assert(
      fc.property(fc.array(endpoint, { maxLength: 30 }), (endpoints) => {
        expect(sortEndpoints(endpoints)).toEqual([...endpoints].sort(compareEndpoints));
        for (const a of endpoints) {
          for (const b of endpoints) {
            expect(Math.sign(compareEndpoints(a, b)) === -Math.sign(compareEndpoints(b, a))).toBe(true);
          }
        }
      }),
    );
  });
});

describe("summarize", () => {
  it("has all six statuses even with nothing to count", () => {
    expect(summarize([])).toEqual({
      endpoints: 0,
      states: { open: 0, closed: 0, filtered: 0, unscanned: 0 },
      reachable: 0,
      findings: { PASS: 0, FAIL: 0, WARN: 0, INFO: 0, SKIP: 0, ERROR: 0 },
    });
  });

  it("counts endpoints, reachable ones and every check status", () => {
    expect(summarize(allEndpoints)).toEqual({
      endpoints: 7,
      states: { open: 6, closed: 1, filtered: 0, unscanned: 0 },
      reachable: 6,
      findings: { PASS: 8, FAIL: 3, WARN: 1, INFO: 1, SKIP: 0, ERROR: 1 },
    });
  });

  it("adds the endpoints that never opened, by state, to the total", () => {
    const unopened: UnopenedGroup[] = [
      {
        state: "filtered",
        port: 10250,
        role: "kubelet",
        code: "timeout",
        count: 254,
        hosts: ["10.0.1.1-10.0.1.254"],
      },
      {
        state: "closed",
        port: 6443,
        role: "apiserver",
        code: "refused",
        count: 3,
        hosts: ["10.0.0.11-10.0.0.13"],
      },
    ];
    const summary = summarize(allEndpoints, unopened);
    expect(summary.endpoints).toBe(7 + 257);
    expect(summary.states).toEqual({ open: 6, closed: 4, filtered: 254, unscanned: 0 });
    expect(summary.reachable).toBe(6);
    expect(summary.findings).toEqual(summarize(allEndpoints).findings);
  });
});

describe("formatJson", () => {
  const text = formatJson(scanResult());

  it("is 2-space indented with a trailing newline", () => {
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toBe('  "schemaVersion": 1,');
  });

  it("writes endpoints in report order without reordering the caller's array", () => {
    const before = allEndpoints.map((endpoint) => `${endpoint.host}:${endpoint.port}`);
    const keys = JSON.parse(text).endpoints.map(
      (endpoint: EndpointResult) => `${endpoint.host}:${endpoint.port}`,
    );
    expect(keys).toEqual([
      "10.0.0.11:10250",
      "10.0.0.11:10255",
      "10.0.0.12:10250",
      "10.0.0.13:10250",
      "fd00::11:10250",
      "fd00::20:2379",
      "api.cluster.example:6443",
    ]);
    expect(allEndpoints.map((endpoint) => `${endpoint.host}:${endpoint.port}`)).toEqual(before);
  });

  it("round-trips every field", () => {
    const parsed = JSON.parse(text);
    expect(parsed.endpoints).toEqual(sortEndpoints(allEndpoints));
    expect(parsed.summary).toEqual(summarize(allEndpoints));
  });

  it("escapes C1 controls and line separators that JSON.stringify leaves raw", () => {
    const leaf = goodKubelet.chain[0];
    if (leaf === undefined) throw new Error("fixture has a leaf");
    const hostile = { ...goodKubelet, chain: [{ ...leaf, subject: "CN=a\u009b2J\u2028b\u007f" }] };
    const out = formatJson(scanResult([hostile]));
    expect(out).not.toMatch(/[\u007f-\u009f\u2028\u2029]/);
    expect(out).toContain("CN=a\\u009b2J\\u2028b\\u007f");
    expect(JSON.parse(out).endpoints[0].chain[0].subject).toBe("CN=a\u009b2J\u2028b\u007f");
  });
});

describe("JSON written in pieces", () => {
  const unopened: UnopenedGroup[] = [
    {
      state: "closed",
      port: 10255,
      role: "kubelet-readonly",
      code: "refused",
      count: 2,
      hosts: ["10.0.0.12-10.0.0.13"],
    },
  ];
  const correlation = { benchmark: "cis-1.12", controls: [], counts: {} } as unknown as Correlation;

  it("is exactly the document stringified whole, one piece per field and per endpoint", () => {
    for (const result of [
      scanResult(),
      scanResult([]),
      { ...scanResult(), unopened },
      { ...scanResult(), unopened, correlation },
    ]) {
      const pieces = [...jsonChunks(result)];
      const whole = `${JSON.stringify(
        {
          schemaVersion: result.schemaVersion,
          tool: result.tool,
          startedAt: result.startedAt,
          finishedAt: result.finishedAt,
          benchmark: result.benchmark,
          targets: result.targets,
          summary: result.summary,
          endpoints: sortEndpoints(result.endpoints),
          unopened: result.unopened,
          ...(result.correlation ? { correlation: result.correlation } : {}),
        },
        null,
        2,
      )}\n`;
      expect(pieces.join("")).toBe(whole);
      expect(pieces.length).toBeGreaterThanOrEqual(result.endpoints.length);
    }
  });

  it("keeps the kube-bench correlation and the never-opened groups", () => {
    const parsed = JSON.parse(formatJson({ ...scanResult(), unopened, correlation }));
    expect(parsed.correlation).toEqual(correlation);
    expect(parsed.unopened).toEqual(unopened);
  });
});

describe("jsonl", () => {
  it("writes one parseable line per endpoint, then the summary line", () => {
    const result = scanResult();
    const stream = result.endpoints.map(formatJsonlLine).join("") + formatJsonlSummary(result);
    expect(stream.endsWith("\n")).toBe(true);
    const lines = stream.slice(0, -1).split("\n");
    expect(lines).toHaveLength(allEndpoints.length + 1);
    lines.slice(0, -1).forEach((line, i) => {
      const { type, ...endpoint } = JSON.parse(line);
      expect(type).toBe("endpoint");
      expect(endpoint).toEqual(allEndpoints[i]);
    });
    expect(JSON.parse(lines.at(-1) ?? "")).toEqual({
      type: "summary",
      summary: result.summary,
      unopened: result.unopened,
      finishedAt: result.finishedAt,
    });
  });

  it("keeps an endpoint on one line whatever its strings hold", () => {
    const hostile = {
      ...goodKubelet,
      error: { code: "protocol-error" as const, message: "line1\nline2\r\u2028\u2029end" },
    };
    const line = formatJsonlLine(hostile);
    expect(line.indexOf("\n")).toBe(line.length - 1);
    expect(line).not.toMatch(/[\r\u2028\u2029]/);
    expect(JSON.parse(line).error.message).toBe(hostile.error.message);
  });
});
