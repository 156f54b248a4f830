import { describe, expect, it } from "vitest";
import { classifySocketError } from "../../src/net/index.js";

const KUBELET = { host: "127.0.0.2", port: 10250 };

function nodeError(code: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} from somewhere`), { code, ...fields });
}

/** What Node puts on an OpenSSL failure: the code, and OpenSSL's reason string. */
function opensslError(reason: string): Error {
  const code = `ERR_SSL_${reason.toUpperCase().replaceAll(" ", "_")}`;
  return nodeError(code, { reason, library: "SSL routines" });
}

describe("classifySocketError", () => {
  it("names refused, timeout, reset, unreachable and DNS failures in short sentences", () => {
    expect(classifySocketError(nodeError("ECONNREFUSED"), KUBELET)).toEqual({
      code: "refused",
      message: "connection refused by 127.0.0.2:10250",
    });
    expect(classifySocketError(nodeError("ETIMEDOUT"), KUBELET).code).toBe("timeout");
    expect(classifySocketError(nodeError("ECONNRESET"), KUBELET)).toEqual({
      code: "reset",
      message: "connection reset by 127.0.0.2:10250",
    });
    expect(classifySocketError(nodeError("EPIPE"), KUBELET).code).toBe("reset");
    expect(classifySocketError(nodeError("ERR_STREAM_PREMATURE_CLOSE"), KUBELET).code).toBe("reset");
    for (const code of ["EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "EHOSTDOWN"]) {
      expect(classifySocketError(nodeError(code), KUBELET)).toEqual({
        code: "unreachable",
        message: `127.0.0.2:10250 is unreachable (${code})`,
      });
    }
    for (const code of ["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME"]) {
      expect(classifySocketError(nodeError(code, { hostname: "node1.cluster.invalid" }), KUBELET)).toEqual({
        code: "dns-failure",
        message: `cannot resolve node1.cluster.invalid (${code})`,
      });
    }
  });

  it("falls back to the address on the error, with brackets for IPv6", () => {
    expect(classifySocketError(nodeError("ECONNREFUSED", { address: "fd00::1", port: 6443 }))).toEqual({
      code: "refused",
      message: "connection refused by [fd00::1]:6443",
    });
  });

  it("knows undici's timeouts and socket errors, and AbortSignal.timeout's TimeoutError", () => {
    expect(classifySocketError(nodeError("UND_ERR_CONNECT_TIMEOUT"), KUBELET).code).toBe("timeout");
    expect(classifySocketError(nodeError("UND_ERR_HEADERS_TIMEOUT"), KUBELET).code).toBe("timeout");
    expect(classifySocketError(nodeError("UND_ERR_BODY_TIMEOUT"), KUBELET).code).toBe("timeout");
    expect(
      classifySocketError(new DOMException("The operation timed out.", "TimeoutError"), KUBELET).code,
    ).toBe("timeout");
    expect(classifySocketError(nodeError("UND_ERR_SOCKET"), KUBELET)).toEqual({
      code: "reset",
      message: "127.0.0.2:10250 closed the connection",
    });
    expect(classifySocketError(nodeError("HPE_INVALID_CONSTANT"), KUBELET).code).toBe("protocol-error");
  });

  it("says not-tls for the OpenSSL errors that mean the answer was not a TLS record", () => {
    for (const reason of [
      "wrong version number",
      "packet length too long",
      "unknown protocol",
      "record layer failure",
    ]) {
      expect(classifySocketError(opensslError(reason), KUBELET)).toEqual({
        code: "not-tls",
        message: `127.0.0.2:10250 does not speak TLS (${reason})`,
      });
    }
    // Without Node's reason string the code still says it.
    expect(classifySocketError(nodeError("ERR_SSL_WRONG_VERSION_NUMBER"), KUBELET).code).toBe("not-tls");
  });

  it("says handshake-rejected for alerts from the server, naming the alert and its number", () => {
    const cases: [string, string][] = [
      ["sslv3 alert handshake failure", "handshake failure (alert 40)"],
      ["sslv3 alert bad certificate", "bad certificate (alert 42)"],
      ["tlsv1 alert unknown ca", "unknown ca (alert 48)"],
      ["tlsv1 alert access denied", "access denied (alert 49)"],
      ["tlsv1 alert protocol version", "protocol version (alert 70)"],
      ["tlsv13 alert certificate required", "certificate required (alert 116)"],
      ["tlsv1 unrecognized name", "unrecognized name (alert 112)"],
    ];
    for (const [reason, named] of cases) {
      expect(classifySocketError(opensslError(reason), KUBELET)).toEqual({
        code: "handshake-rejected",
        message: `127.0.0.2:10250 rejected the TLS handshake: ${named}`,
      });
    }
  });

  it("calls other OpenSSL failures protocol errors", () => {
    expect(classifySocketError(opensslError("unsupported protocol"), KUBELET)).toEqual({
      code: "protocol-error",
      message: "TLS with 127.0.0.2:10250 failed: unsupported protocol",
    });
  });

  it("looks through undici's wrapping and Happy Eyeballs' AggregateError for the real cause", () => {
    const wrapped = Object.assign(nodeError("UND_ERR_SOCKET"), {
      cause: opensslError("tlsv13 alert certificate required"),
    });
    expect(classifySocketError(wrapped, KUBELET).code).toBe("handshake-rejected");
    const aggregate = new AggregateError(
      [nodeError("ECONNREFUSED"), nodeError("ECONNREFUSED")],
      "all failed",
    );
    expect(classifySocketError(aggregate, KUBELET).code).toBe("refused");
    const fetchStyle = new TypeError("fetch failed", { cause: nodeError("ECONNRESET") });
    expect(classifySocketError(fetchStyle, KUBELET).code).toBe("reset");
  });

  it("turns anything else, even a thrown string or null, into a short error", () => {
    expect(classifySocketError("boom", KUBELET)).toEqual({
      code: "error",
      message: "127.0.0.2:10250: unknown failure",
    });
    expect(classifySocketError(null).code).toBe("error");
    const long = classifySocketError(new Error(`${"x".repeat(1000)}\nsecond line`), KUBELET);
    expect(long.code).toBe("error");
    expect(long.message.length).toBeLessThan(200);
    expect(long.message).not.toContain("second line");
  });
});
