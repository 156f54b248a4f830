import { readdirSync } from "node:fs";
import { createServer, type Socket } from "node:net";
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

  it("leaves an open port with an RST (no TIME_WAIT), by address and by name alike", async () => {
    const seen: string[] = [];
    const server = await listenOnLoopback(
      createServer((socket: Socket) => {
        socket.on("error", (error: NodeJS.ErrnoException) => seen.push(error.code ?? "error"));
        socket.on("end", () => seen.push("FIN"));
      }),
      "127.0.0.1",
    );
    try {
      // An IP literal dials through Node's TCP handle, a host name through net.Socket.
      for (const host of ["127.0.0.1", "localhost"]) {
        const found = await discoverPort({ host, port: server.port }, { connectTimeoutMs: 2000 });
        expect(found.state).toBe("open");
      }
      await server.allClosed();
      expect(server.connections()).toBe(2);
      expect(seen).toEqual(["ECONNRESET", "ECONNRESET"]);
    } finally {
      await server.close();
    }
  });

  it("gives a closed port the same state and error code by address and by name", async () => {
    const port = await closedPort("127.0.0.1");
    const byAddress = await discoverPort({ host: "127.0.0.1", port }, { connectTimeoutMs: 2000 });
    const byName = await discoverPort({ host: "localhost", port }, { connectTimeoutMs: 2000 });
    expect(byAddress).toMatchObject({ state: "closed", error: { code: "refused" } });
    expect(byName.state).toBe(byAddress.state);
    expect(byName.error?.code).toBe(byAddress.error?.code);
    expect(byAddress.error?.message).toBe(`connection refused by 127.0.0.1:${port}`);
  });

  it("dials IPv6 literals too", async () => {
    let server: Awaited<ReturnType<typeof listenOnLoopback>>;
    try {
      server = await listenOnLoopback(createServer(), "::1");
    } catch {
      return; // no IPv6 loopback on this machine
    }
    try {
      expect((await discoverPort({ host: "::1", port: server.port }, { connectTimeoutMs: 2000 })).state).toBe(
        "open",
      );
    } finally {
      await server.close();
    }
    const refused = await discoverPort({ host: "::1", port: server.port }, { connectTimeoutMs: 2000 });
    expect(refused).toMatchObject({ state: "closed", error: { code: "refused" } });
  });

  it("closes every socket it opens: a thousand refused connects leave no descriptor behind", async () => {
    const port = await closedPort("127.0.0.1");
    const descriptors = () => readdirSync("/proc/self/fd").length;
    const before = descriptors();
    const found = await Promise.all(
      Array.from({ length: 1000 }, (_, index) =>
        discoverPort(
          { host: `127.0.${Math.floor(index / 250)}.${(index % 250) + 1}`, port },
          {
            connectTimeoutMs: 2000,
          },
        ),
      ),
    );
    expect(found.every((each) => each.state === "closed")).toBe(true);
    // Handles close asynchronously: give the loop a moment.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(descriptors()).toBeLessThanOrEqual(before);
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

    it("abandons filtered connects at the deadline and keeps no descriptor for them", async () => {
      const descriptors = () => readdirSync("/proc/self/fd").length;
      const before = descriptors();
      const found = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          discoverPort({ host: `${range.prefix}.${index + 1}`, port: 10250 }, { connectTimeoutMs: 200 }),
        ),
      );
      expect(found.every((each) => each.state === "filtered" && each.error?.code === "timeout")).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(descriptors()).toBeLessThanOrEqual(before);
    });
  });
});
