import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverPort } from "../../src/net/index.js";
import { canFilter, type FilteredRange, filterRange } from "../support/filtered.js";
import { closedPort, listenOnLoopback } from "./loopback.js";

describe("discoverPort: nmap's port states from one bare connect", () => {
  it("calls a listening port open, and one that sends bytes at once open too", async () => {
    const quiet = await listenOnLoopback(createServer(), "127.0.0.1");
    const talker = await listenOnLoopback(
      createServer((socket) => socket.end("HTTP/1.1 200 OK\r\n\r\n")),
      "127.0.0.1",
    );
    try {
      for (const server of [quiet, talker]) {
        const found = await discoverPort(server, { connectTimeoutMs: 2000 });
        expect(found.state).toBe("open");
        expect(found.error).toBeNull();
        expect(found.answeredAfterMs).not.toBeNull();
      }
      await quiet.allClosed();
      expect(quiet.connections()).toBe(1);
    } finally {
      await quiet.close();
      await talker.close();
    }
  });

  it("calls a port that accepts and then resets open: the handshake was made", async () => {
    const resetter = await listenOnLoopback(
      createServer((socket) => socket.resetAndDestroy()),
      "127.0.0.1",
    );
    try {
      expect((await discoverPort(resetter, { connectTimeoutMs: 2000 })).state).toBe("open");
    } finally {
      await resetter.close();
    }
  });

  it("calls a refusing port closed", async () => {
    const port = await closedPort("127.0.0.1");
    const found = await discoverPort({ host: "127.0.0.1", port }, { connectTimeoutMs: 2000 });
    expect(found).toMatchObject({ state: "closed", error: { code: "refused" } });
  });

  it("calls a name that does not resolve unscanned, never closed", async () => {
    const found = await discoverPort(
      { host: "no-such-host.invalid", port: 10250 },
      { connectTimeoutMs: 2000 },
    );
    expect(found).toMatchObject({ state: "unscanned", error: { code: "dns-failure" } });
  });

  describe.skipIf(!canFilter())("behind a DROP rule (needs root and iptables)", () => {
    let range: FilteredRange;
    beforeAll(() => {
      range = filterRange();
    });
    afterAll(() => range?.remove());

    it("calls a port that never answers filtered, with the connect deadline in the message", async () => {
      const found = await discoverPort({ host: `${range.prefix}.7`, port: 10250 }, { connectTimeoutMs: 300 });
      expect(found.state).toBe("filtered");
      expect(found.error?.code).toBe("timeout");
      expect(found.error?.message).toContain("within 300 ms");
      expect(found.answeredAfterMs).toBeNull();
    });
  });
});
